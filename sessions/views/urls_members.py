from django.urls import URLPattern, path

from sessions.views import members as views

urlpatterns: list[URLPattern] = [
    path("talks/<int:pk>/signup/", views.talk_signup, name="talk_signup"),
    path("talks/<int:pk>/withdraw/", views.talk_withdraw, name="talk_withdraw"),
    path("talks/<int:pk>/edit/", views.talk_edit, name="talk_edit"),
    path("talks/<int:pk>/paper/", views.talk_paper, name="talk_paper"),
    path("talks/<int:pk>/slides/", views.talk_slides, name="talk_slides"),
    path("talks/<int:pk>/slides/upload/", views.talk_slides_upload, name="talk_slides_upload"),
    path("talks/<int:pk>/slides/remove/", views.talk_slides_remove, name="talk_slides_remove"),
    path("talks/<int:pk>/slides/status/", views.talk_slides_status, name="talk_slides_status"),
    path("talks/<int:pk>/links/", views.talk_links, name="talk_links"),
    path("members/<str:username>/", views.member_page, name="member"),
    path("me/", views.me, name="me"),
]
