"""The organiser's pages, all under organise/."""

from django.urls import URLPattern, path

from sessions.views import organiser, organiser_dashboard

urlpatterns: list[URLPattern] = [
    path("organise/", organiser.term_list, name="organiser_terms"),
    path("organise/import/", organiser.readme_import, name="organiser_import"),
    path(
        "organise/papers/suggest/",
        organiser_dashboard.paper_suggestions,
        name="organiser_paper_suggestions",
    ),
    path("organise/terms/<slug:slug>/", organiser_dashboard.term_dashboard, name="organiser_term"),
    path("organise/terms/<slug:slug>/rules/", organiser.term_rules, name="organiser_term_rules"),
    path("organise/terms/<slug:slug>/export/", organiser.term_export, name="organiser_term_export"),
    path("organise/sessions/<int:pk>/", organiser_dashboard.session_row, name="organiser_session"),
    path(
        "organise/sessions/<int:pk>/edit/",
        organiser_dashboard.session_edit,
        name="organiser_session_edit",
    ),
    path(
        "organise/sessions/<int:pk>/cancel/",
        organiser_dashboard.session_cancel,
        name="organiser_session_cancel",
    ),
    path(
        "organise/sessions/<int:pk>/talks/add/",
        organiser_dashboard.talk_add,
        name="organiser_talk_add",
    ),
    path(
        "organise/talks/<int:pk>/remove/",
        organiser_dashboard.talk_remove,
        name="organiser_talk_remove",
    ),
    path(
        "organise/talks/<int:pk>/move/", organiser_dashboard.talk_move, name="organiser_talk_move"
    ),
    path(
        "organise/talks/<int:pk>/presenters/",
        organiser_dashboard.presenter_assign,
        name="organiser_presenter_assign",
    ),
    path(
        "organise/presenters/<int:pk>/remove/",
        organiser_dashboard.presenter_remove,
        name="organiser_presenter_remove",
    ),
    path(
        "organise/presenters/<int:pk>/confirm/",
        organiser_dashboard.presenter_confirm,
        name="organiser_presenter_confirm",
    ),
]
