"""Daily reminders: REMINDER_DAYS days before a session, to every presenter with what is still
missing; the day after it, to the lead for the video and summary links.

`plan(today)` lists the mails due today (without writing), `send(today)` queues them. The key
of each names the talk, the session date, the reminder and the member, so running the job
twice on a day (beat plus `manage.py send_reminders`) queues each mail once. A talk moved to
another date gets that date's reminders.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from notifications import kinds
from notifications.context import role_label, talk_context
from notifications.models import Message, OptOut
from notifications.outbox import address_of, queue_mail
from notifications.rendering import render
from sessions.models import Presenter, Session, Talk


@dataclass(frozen=True)
class Due:
    kind: str
    user: User
    key: str
    context: dict[str, object]

    @property
    def full_key(self) -> str:
        return f"{self.kind}:{self.key}:{self.user.pk}"


def reminder_days() -> list[int]:
    return sorted({int(day) for day in settings.REMINDER_DAYS if int(day) > 0}, reverse=True)


def _sessions(dates: list[datetime.date]):
    presenters = Presenter.objects.filter(person__user__isnull=False).select_related(
        "person__user__person"
    )
    talks = Talk.objects.select_related("paper").prefetch_related(
        Prefetch("presenters", queryset=presenters)
    )
    return (
        Session.objects.filter(date__in=dates)
        .exclude(kind=Session.Kind.CANCELLED)
        .select_related("term")
        .prefetch_related(Prefetch("talks", queryset=talks))
        .order_by("date")
    )


def plan(today: datetime.date) -> list[Due]:
    """Every reminder due on `today` that has not been written yet (and that the member wants)."""
    by_date = {today + datetime.timedelta(days=d): d for d in reminder_days()}
    yesterday = today - datetime.timedelta(days=1)
    due: list[Due] = []
    for session in _sessions([*by_date, yesterday]):
        for talk in session.talks.all():
            talk.session = session
            missing = [str(item) for item in talk.missing(on=today)]
            context = {
                **talk_context(talk, session),
                "missing": missing,
            }
            if session.date in by_date:
                days = by_date[session.date]
                key = f"talk-{talk.pk}-{session.date.isoformat()}-{days}d"
                for row in talk.presenters.all():
                    role_context = {**context, "days": days, "role": role_label(row.role)}
                    due.append(Due(kinds.REMINDER, row.person.user, key, role_context))
            elif session.date == yesterday:
                links = [str(label) for label, value in _link_gaps(talk) if not value]
                if not links:
                    continue
                key = f"talk-{talk.pk}-{session.date.isoformat()}"
                for row in talk.presenters.all():
                    if row.role == Presenter.Role.LEAD:
                        due.append(
                            Due(
                                kinds.FOLLOW_UP, row.person.user, key, {**context, "missing": links}
                            )
                        )
    return _not_yet_written(due)


def _link_gaps(talk: Talk) -> list[tuple[str, str]]:
    return [(_("video link"), talk.video_url), (_("summary link"), talk.summary_url)]


def _not_yet_written(due: list[Due]) -> list[Due]:
    if not due:
        return []
    written = set(
        Message.objects.filter(key__in=[d.full_key for d in due]).values_list("key", flat=True)
    )
    off = set(
        OptOut.objects.filter(user__in={d.user.pk for d in due}).values_list("user_id", "kind")
    )
    return [
        d
        for d in due
        if d.full_key not in written and (d.user.pk, d.kind) not in off and address_of(d.user)
    ]


def subject_of(item: Due) -> str:
    context = {"name": getattr(item.user.person, "name", "") or item.user.get_username()}
    return render(item.kind, {**context, **item.context}).subject


def send(today: datetime.date) -> list[Message]:
    written = []
    for item in plan(today):
        message = queue_mail(item.kind, item.user, item.key, item.context)
        if message is not None:
            written.append(message)
    return written
