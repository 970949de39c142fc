"""A mail backend for Django's own code that sends inside a request (the password reset form).

It connects to nothing: each message becomes an outbox row (notifications.outbox.record_email),
delivered after the commit by the worker through EMAIL_BACKEND, retried on SMTP failure and
sent once. accounts names it by the setting QUEUED_EMAIL_BACKEND, so accounts never imports
notifications.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from notifications import outbox


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        recorded = 0
        for email in email_messages:
            if not email.recipients():
                continue
            try:
                outbox.record_email(email)
            except Exception:
                if not self.fail_silently:
                    raise
            else:
                recorded += 1
        return recorded
