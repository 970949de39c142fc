from django.apps import AppConfig


class PlannerConfig(AppConfig):
    """Planning the next sessions: the paper queue, suggestions, availability, swaps."""

    name = "planner"
    verbose_name = "Planning"
