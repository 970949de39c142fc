"""The outbox: every mail is a Message row first, sent by a Celery task after the commit.

- `queue_mail` writes the row for one member and one event (skipped when the member has no
  address or turned the kind off, or when the event's key already has its mail) and, unless
  organisers hold automatic mails, sends the delivery task once the transaction commits.
- `deliver` (the task's body) claims the row (queued -> sending, one UPDATE, so two workers or
  a retried task cannot both send it), sends it through Django's mail backend and marks it
  sent; an SMTP/network failure puts it back to queued for the task's retry, and after the
  last attempt marks it failed with the error.
- `record_email` keeps a mail Django's own code wrote in a request (the password reset, through
  notifications.backends.OutboxBackend) the same way: a row, then the task after the commit.
- Organisers edit, send or discard held mails, and write one mail to a session's presenters.

A broker that cannot take the task (Redis down) leaves the row queued, and the request that
wrote it answers; `requeue_lost` (periodic) sends it later.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
import uuid
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import kinds
from notifications.models import Message, OptOut, OutboxSettings
from notifications.rendering import Rendered, compose, render
from notifications.unsubscribe import footer_for, list_unsubscribe_headers
from readinggroup import queue

logger = logging.getLogger("notifications")

DELIVER_TASK = "notifications.tasks.deliver_message"
# Failures worth another try later: the server refused for now, the network dropped.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)


class OutboxError(Exception):
    """An outbox action that cannot be done (e.g. sending a mail already sent)."""


def address_of(user: User | None) -> str:
    if user is None or not user.is_active:
        return ""
    return (getattr(user, "email", "") or "").strip()


def wants(user: User, kind: str) -> bool:
    return not OptOut.objects.filter(user=user, kind=kind).exists()


def holding() -> bool:
    return OutboxSettings.current().hold_automatic


def queue_mail(
    kind: str, user: User | None, key: str, context: dict[str, object]
) -> Message | None:
    """The mail of `kind` about one event (`key`) to one member; None when none is due."""
    address = address_of(user)
    if not address or user is None or not wants(user, kind):
        return None
    full_key = f"{kind}:{key}:{user.pk}"
    if Message.objects.filter(key=full_key).exists():
        return None
    context = {"name": _display_name(user), **context}
    rendered = render(kind, context, footer=footer_for(user, kind))
    return _store(
        key=full_key,
        kind=kind,
        to=[address],
        rendered=rendered,
        recipient=user,
        headers=list_unsubscribe_headers(user, kind),
        state=Message.State.HELD if holding() else Message.State.QUEUED,
    )


def _display_name(user: User) -> str:
    person = getattr(user, "person", None)
    return getattr(person, "name", "") or user.get_username()


def _store(*, key: str, kind: str, to: list[str], rendered: Rendered, **fields) -> Message | None:
    try:
        with transaction.atomic():  # a savepoint: a duplicate key leaves the caller's work alone
            message = Message.objects.create(
                key=key,
                kind=kind,
                to=to,
                subject=rendered.subject,
                body_text=rendered.text,
                body_html=rendered.html,
                **fields,
            )
    except IntegrityError:
        return None  # the same event's mail, written meanwhile by someone else
    if message.state == Message.State.QUEUED:
        enqueue(message)
    return message


def enqueue(message: Message) -> None:
    """Send the delivery task after the commit (at once outside a transaction)."""
    queue.send_on_commit(DELIVER_TASK, [message.pk], partial(_refused, message.pk))


def _refused(message_id: int, error: Exception) -> None:
    # Marked, so that the next sweep (requeue_lost) hands it over again in minutes.
    Message.objects.filter(pk=message_id, state=Message.State.QUEUED).update(
        state=Message.State.UNQUEUED, updated_at=timezone.now()
    )


def record_email(email: EmailMessage) -> Message:
    """Keep a mail written with Django's mail API (the password reset) as an outbox row and
    queue its delivery: never held, and its text is not shown to organisers (kinds.ACCOUNT)."""
    if email.bcc or email.attachments:
        raise ValueError("The outbox keeps neither Bcc nor attachments.")
    alternatives = getattr(email, "alternatives", [])
    html = next((str(content) for content, mimetype in alternatives if mimetype == "text/html"), "")
    message = Message.objects.create(
        # Each call is its own mail: Django's code has no event key to give.
        key=f"{kinds.ACCOUNT}:{uuid.uuid4().hex}",
        kind=kinds.ACCOUNT,
        to=list(email.to),
        cc=list(email.cc),
        reply_to=list(email.reply_to),
        subject=str(email.subject),
        body_text=str(email.body),
        body_html=html,
        headers={str(name): str(value) for name, value in email.extra_headers.items()},
        state=Message.State.QUEUED,
    )
    enqueue(message)
    return message


def queue_all(kind: str, users: Iterable[User], key: str, context: dict) -> int:
    return sum(1 for user in users if queue_mail(kind, user, key, context) is not None)


def direct_message(
    author: User, recipients: list[User], subject: str, body: str, key: str
) -> Message:
    """An organiser's one mail to several presenters: all in To, so a reply-all reaches every
    one of them; the author in Cc (and Reply-To with all of them) so they see the thread."""
    addresses = list(dict.fromkeys(a for a in (address_of(u) for u in recipients) if a))
    if not addresses:
        raise OutboxError(_("None of these presenters has an email address."))
    author_address = address_of(author)
    cc = [author_address] if author_address and author_address not in addresses else []
    rendered = compose(subject.strip(), body)
    message = _store(
        key=key,
        kind=kinds.DIRECT,
        to=addresses,
        rendered=rendered,
        cc=cc,
        reply_to=[*addresses, *cc],
        created_by=author,
        state=Message.State.QUEUED,
    )
    if message is None:
        raise OutboxError(_("This message was sent already."))
    return message


# --- delivery -------------------------------------------------------------------------------


def _claim(message_id: int) -> Message | None:
    claimed = Message.objects.filter(pk=message_id, state=Message.State.QUEUED).update(
        state=Message.State.SENDING, updated_at=timezone.now()
    )
    return Message.objects.get(pk=message_id) if claimed else None


def email_for(message: Message) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=message.to,
        cc=message.cc,
        reply_to=message.reply_to,
        headers=message.headers,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    return email


def deliver(message_id: int, *, last_attempt: bool = True) -> str:
    """Send one queued mail. Returns what happened; raises a transient error for a retry."""
    message = _claim(message_id)
    if message is None:
        state = Message.objects.filter(pk=message_id).values_list("state", flat=True).first()
        return f"not queued ({state or 'gone'})"
    try:
        email_for(message).send()
    except Exception as exc:
        # Not an SMTP or network hiccup (a bad address the backend refuses, a bug): trying
        # again would fail the same way, so the mail shows as failed with the reason at once.
        failed = last_attempt or not isinstance(exc, TRANSIENT_ERRORS)
        Message.objects.filter(pk=message.pk).update(
            state=Message.State.FAILED if failed else Message.State.QUEUED,
            attempts=message.attempts + 1,
            last_error=f"{type(exc).__name__}: {exc}",
            updated_at=timezone.now(),
        )
        logger.warning("mail %s to %s failed: %s", message.pk, message.to, exc)
        if failed:
            return "failed"
        raise
    Message.objects.filter(pk=message.pk).update(
        state=Message.State.SENT,
        attempts=message.attempts + 1,
        last_error="",
        sent_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return "sent"


def requeue_lost(older_than_minutes: int = 120) -> int:
    """Periodic: hand over again the mails the broker refused (at once) and the queued ones
    whose task never came, a broker restart say (after `older_than_minutes`, longer than the
    delivery task's longest retry wait, so that a mail waiting for its retry is left alone)."""
    cutoff = timezone.now() - datetime.timedelta(minutes=older_than_minutes)
    lost = list(
        Message.objects.filter(
            Q(state=Message.State.UNQUEUED) | Q(state=Message.State.QUEUED, updated_at__lt=cutoff)
        ).values_list("pk", flat=True)[:500]
    )
    # Handed over now: the next sweep leaves them alone as long as any queued mail.
    Message.objects.filter(
        pk__in=lost, state__in=[Message.State.UNQUEUED, Message.State.QUEUED]
    ).update(state=Message.State.QUEUED, updated_at=timezone.now())
    for pk in lost:
        queue.send_now(DELIVER_TASK, [pk], partial(_refused, pk))
    return len(lost)


# --- the organisers' outbox ------------------------------------------------------------------


def _held(message: Message) -> Message:
    locked = Message.objects.select_for_update().get(pk=message.pk)
    if locked.state != Message.State.HELD:
        raise OutboxError(
            _("This mail is no longer held (it is %(state)s).")
            % {"state": locked.get_state_display().lower()}
        )
    return locked


def edit_held(message: Message, subject: str, text: str) -> Message:
    subject, text = subject.strip(), text.strip()
    if not subject or not text:
        raise OutboxError(_("A mail needs a subject and a text."))
    with transaction.atomic():
        locked = _held(message)
        rendered = compose(subject, text)
        locked.subject = rendered.subject
        locked.body_text = rendered.text
        locked.body_html = rendered.html
        locked.save(update_fields=["subject", "body_text", "body_html", "updated_at"])
    return locked


def send_held(message: Message) -> Message:
    with transaction.atomic():
        locked = _held(message)
        locked.state = Message.State.QUEUED
        locked.save(update_fields=["state", "updated_at"])
        enqueue(locked)
    return locked


def discard_held(message: Message) -> Message:
    with transaction.atomic():
        locked = _held(message)
        locked.state = Message.State.DISCARDED
        locked.save(update_fields=["state", "updated_at"])
    return locked


def retry_failed(message: Message) -> Message:
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if locked.state != Message.State.FAILED:
            raise OutboxError(_("Only a failed mail can be sent again."))
        locked.state = Message.State.QUEUED
        locked.save(update_fields=["state", "updated_at"])
        enqueue(locked)
    return locked


def set_holding(hold: bool) -> OutboxSettings:
    current = OutboxSettings.current()
    current.hold_automatic = hold
    current.save(update_fields=["hold_automatic"])
    return current
