from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    # django.contrib.sessions already owns the label "sessions".
    name = "sessions"
    label = "schedule"
    verbose_name = "Schedule"
