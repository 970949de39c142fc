from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlannerConfig(AppConfig):
    """Planning the next sessions: the paper queue, suggestions, availability, swaps."""

    name = "planner"
    verbose_name = _("Planning")
