from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("organise/outbox/", views.outbox_page, name="outbox"),
    path("organise/outbox/<int:pk>/", views.message_page, name="message"),
    path("organise/outbox/<int:pk>/send/", views.message_send, name="message_send"),
    path("organise/outbox/<int:pk>/discard/", views.message_discard, name="message_discard"),
    path("organise/outbox/templates/", views.template_list, name="templates"),
    path("organise/outbox/templates/<slug:kind>/", views.template_edit, name="template"),
    path(
        "organise/outbox/templates/<slug:kind>/restore/",
        views.template_restore,
        name="template_restore",
    ),
    path("organise/sessions/<int:pk>/message/", views.session_message, name="session_message"),
    path("organise/talks/<int:pk>/message/", views.talk_message, name="talk_message"),
    path("accounts/mail/", views.preferences, name="preferences"),
    path("mail/unsubscribe/<str:token>/", views.unsubscribe_page, name="unsubscribe"),
    path("me/calendar/<str:token>.ics", views.personal_calendar, name="calendar"),
    path("me/calendar/new/", views.calendar_regenerate, name="calendar_regenerate"),
]
