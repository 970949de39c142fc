"""The organiser's pages, all under organise/."""

from django.urls import URLPattern, path

from sessions import views_organiser as views

urlpatterns: list[URLPattern] = [
    path("organise/", views.term_list, name="organiser_terms"),
    path("organise/import/", views.readme_import, name="organiser_import"),
    path("organise/papers/suggest/", views.paper_suggestions, name="organiser_paper_suggestions"),
    path("organise/terms/<slug:slug>/", views.term_dashboard, name="organiser_term"),
    path("organise/terms/<slug:slug>/rules/", views.term_rules, name="organiser_term_rules"),
    path("organise/terms/<slug:slug>/export/", views.term_export, name="organiser_term_export"),
    path("organise/sessions/<int:pk>/", views.session_row, name="organiser_session"),
    path("organise/sessions/<int:pk>/edit/", views.session_edit, name="organiser_session_edit"),
    path(
        "organise/sessions/<int:pk>/cancel/", views.session_cancel, name="organiser_session_cancel"
    ),
    path("organise/sessions/<int:pk>/talks/add/", views.talk_add, name="organiser_talk_add"),
    path("organise/talks/<int:pk>/remove/", views.talk_remove, name="organiser_talk_remove"),
    path("organise/talks/<int:pk>/move/", views.talk_move, name="organiser_talk_move"),
    path(
        "organise/talks/<int:pk>/presenters/",
        views.presenter_assign,
        name="organiser_presenter_assign",
    ),
    path(
        "organise/presenters/<int:pk>/remove/",
        views.presenter_remove,
        name="organiser_presenter_remove",
    ),
    path(
        "organise/presenters/<int:pk>/confirm/",
        views.presenter_confirm,
        name="organiser_presenter_confirm",
    ),
]
