"""Celery tasks of the schedule: thin wrappers (ids in) around sessions.slides.

Services send these by name (sessions.slides.PROCESS_TASK), so they never import this module.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from sessions import slides

logger = logging.getLogger(__name__)


# The soft limit raises SoftTimeLimitExceeded inside the work, which refuses the file; the hard
# limit kills a worker stuck where Python cannot interrupt it (the sweep and MAX_ATTEMPTS then
# see to the upload).
@shared_task(
    name=slides.PROCESS_TASK,
    acks_late=True,
    soft_time_limit=settings.SLIDES_TASK_SECONDS,
    time_limit=settings.SLIDES_TASK_SECONDS + 30,
)
def process_slides(talk_id: int, name: str) -> str:
    """Read a talk's pending slides file: accept it as the talk's slides, or refuse it."""
    return slides.process_pending(talk_id, name)


@shared_task(name="sessions.tasks.requeue_waiting_slides")
def requeue_waiting_slides() -> int:
    """Periodic (celery beat): uploads the broker refused or whose task was lost, sent again."""
    sent = slides.requeue_waiting()
    if sent:
        logger.info("slides: %d pending uploads sent again", sent)
    return sent
