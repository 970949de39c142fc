from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views
from accounts.forms import PasswordResetForm

# Not namespaced: Django's auth views and templates use the plain names ("login", "logout").
urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/<str:token>/", views.register, name="register_invite"),
    path("profile/", views.profile, name="profile"),
    path("invites/", views.invites, name="invites"),
    path("invites/<int:pk>/revoke/", views.invite_revoke, name="invite_revoke"),
    path("people/", views.people, name="people"),
    # Before Django's auth URLs: the same view, its mail queued (accounts.forms).
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="password_reset",
    ),
    path("", include("django.contrib.auth.urls")),
]
