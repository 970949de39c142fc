"""Celery tasks of the mail: thin wrappers (ids in) around notifications.outbox / reminders."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from notifications import outbox, reminders

logger = logging.getLogger("notifications")

MAX_RETRIES = 5


@shared_task(name=outbox.DELIVER_TASK, bind=True, acks_late=True, max_retries=MAX_RETRIES)
def deliver_message(self, message_id: int) -> str:
    """Send one queued mail; an SMTP or network failure is tried again with backoff."""
    try:
        return outbox.deliver(message_id, last_attempt=self.request.retries >= self.max_retries)
    except outbox.TRANSIENT_ERRORS as exc:
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 3600)) from exc


@shared_task(name="notifications.tasks.send_reminders")
def send_reminders() -> int:
    """Daily (celery beat): the reminders due today, each queued once."""
    written = reminders.send(timezone.localdate())
    logger.info("reminders: %d mails queued", len(written))
    return len(written)


@shared_task(name="notifications.tasks.requeue_lost_mail")
def requeue_lost_mail() -> int:
    """Periodic: queued mails whose delivery task was lost are sent again."""
    return outbox.requeue_lost()
