"""The outbox and mail templates (organisers), one message to presenters, preferences and
unsubscribing (members), and the personal calendar. Views parse, call a service, render."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from notifications import calendar, kinds, outbox, unsubscribe
from notifications.forms import (
    DirectMessageForm,
    HoldForm,
    MailTemplateForm,
    MessageEditForm,
    PreferencesForm,
)
from notifications.models import MailTemplate, Message
from notifications.preferences import offered_kinds
from notifications.rendering import MailTemplateError, default_source, render_source, source_for
from notifications.samples import sample_context
from readinggroup.http import AuthenticatedHttpRequest
from readinggroup.permissions import organiser_required
from sessions.models import Presenter, Session, Talk

PAGE_SIZE = 50


# --- outbox ---------------------------------------------------------------------------------


@organiser_required
@require_http_methods(["GET", "POST"])
def outbox_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = HoldForm(request.POST)
        form.is_valid()
        hold = form.cleaned_data.get("hold_automatic", False)
        outbox.set_holding(hold)
        messages.success(
            request,
            _("Automatic mails now wait here for review.")
            if hold
            else _("Automatic mails go out at once (held ones stay until you send them)."),
        )
        return redirect("notifications:outbox")
    state = request.GET.get("state", "")
    rows = Message.objects.all()
    if state in Message.State.values:
        rows = rows.filter(state=state)
    else:
        state = ""
    page = Paginator(rows.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/outbox.html",
        {
            "nav": "organise",
            "page": page,
            "state": state,
            "states": Message.State.choices,
            "held_count": Message.objects.filter(state=Message.State.HELD).count(),
            "hold_form": HoldForm(initial={"hold_automatic": outbox.holding()}),
        },
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def message_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message, pk=pk)
    form = MessageEditForm(
        request.POST or None, initial={"subject": message.subject, "text": message.body_text}
    )
    if request.method == "POST" and form.is_valid():
        try:
            outbox.edit_held(message, form.cleaned_data["subject"], form.cleaned_data["text"])
        except outbox.OutboxError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The mail is saved; it is still held."))
        return redirect("notifications:message", pk=message.pk)
    return render(
        request,
        "notifications/message.html",
        {
            "nav": "organise",
            "message": message,
            "form": form,
            "kind_label": kinds.label(message.kind),
        },
    )


@organiser_required
@require_POST
def message_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message, pk=pk)
    try:
        if message.state == Message.State.FAILED:
            outbox.retry_failed(message)
        else:
            outbox.send_held(message)
    except outbox.OutboxError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The mail is on its way to %(to)s.") % {"to": ", ".join(message.to)}
        )
    return redirect(_back_to_outbox(request))


@organiser_required
@require_POST
def message_discard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message, pk=pk)
    try:
        outbox.discard_held(message)
    except outbox.OutboxError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The mail is discarded; nobody gets it."))
    return redirect(_back_to_outbox(request))


def _back_to_outbox(request: HttpRequest) -> str:
    back = request.POST.get("next", "")
    return back if back.startswith("/organise/outbox/") else reverse("notifications:outbox")


# --- templates ------------------------------------------------------------------------------


@organiser_required
@require_safe
def template_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    overridden = set(MailTemplate.objects.values_list("kind", flat=True))
    rows = [(kind, kind.code in overridden) for kind in kinds.KINDS.values()]
    return render(request, "notifications/templates.html", {"nav": "organise", "rows": rows})


@organiser_required
@require_http_methods(["GET", "POST"])
def template_edit(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    found = kinds.KINDS.get(kind)
    if found is None:
        raise Http404(_("There is no mail of that kind."))
    source = source_for(kind)
    form = MailTemplateForm(
        request.POST or None, initial={"subject": source.subject, "body": source.body}
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
        try:
            render_source(subject, sample_context(kind))
            render_source(body, sample_context(kind))
        except MailTemplateError as exc:
            form.add_error("body", str(exc))
        else:
            MailTemplate.objects.update_or_create(
                kind=kind, defaults={"subject": subject, "body": body, "updated_by": request.user}
            )
            messages.success(request, _("The template is saved; new mails of this kind use it."))
            return redirect("notifications:template", kind=kind)
    if form.is_bound is False:
        try:
            preview = {
                "subject": render_source(source.subject, sample_context(kind)),
                "body": render_source(source.body, sample_context(kind)),
            }
        except MailTemplateError as exc:
            preview = {"subject": "", "body": str(exc)}
    return render(
        request,
        "notifications/template_edit.html",
        {
            "nav": "organise",
            "kind": found,
            "form": form,
            "overridden": source.overridden,
            "preview": preview,
            "default": default_source(kind),
        },
    )


@organiser_required
@require_POST
def template_restore(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    if kind not in kinds.KINDS:
        raise Http404(_("There is no mail of that kind."))
    MailTemplate.objects.filter(kind=kind).delete()
    messages.success(request, _("The default template is back."))
    return redirect("notifications:template", kind=kind)


# --- one message to presenters --------------------------------------------------------------


def _write(
    request: AuthenticatedHttpRequest, presenters: list[Presenter], about: str, back: str, key: str
):
    people = [row.person for row in presenters]
    recipients = [person.user for person in people if person.user is not None]
    addressed = [user for user in recipients if outbox.address_of(user)]
    without = [
        person.name for person in people if not person.user_id or not outbox.address_of(person.user)
    ]
    form = DirectMessageForm(request.POST or None, initial={"nonce": secrets.token_urlsafe(12)})
    if request.method == "POST" and form.is_valid():
        try:
            outbox.direct_message(
                request.user,
                addressed,
                form.cleaned_data["subject"],
                form.cleaned_data["text"],
                key=f"{key}:{form.cleaned_data['nonce']}",
            )
        except outbox.OutboxError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Your message is on its way to %(count)d presenters.")
                % {"count": len(addressed)},
            )
            return redirect(back)
    return render(
        request,
        "notifications/write.html",
        {
            "nav": "organise",
            "form": form,
            "about": about,
            "addressed": addressed,
            "without": without,
            "back": back,
        },
    )


def _dashboard(session: Session) -> str:
    return (
        reverse("schedule:organiser_term", kwargs={"slug": session.term.slug})
        + f"#session-{session.pk}"
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def session_message(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session.objects.select_related("term"), pk=pk)
    presenters = list(
        Presenter.objects.filter(talk__session=session)
        .select_related("person__user")
        .order_by("talk__position", "position")
    )
    unique = list({row.person_id: row for row in presenters}.values())
    about = _("the presenters of the session of %(date)s") % {"date": session.date.isoformat()}
    return _write(request, unique, about, _dashboard(session), f"session-{session.pk}")


@organiser_required
@require_http_methods(["GET", "POST"])
def talk_message(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    talk = get_object_or_404(Talk.objects.select_related("session__term"), pk=pk)
    presenters = list(talk.presenters.select_related("person__user").order_by("position"))
    about = _("the presenters of Topic %(topic)s on %(date)s") % {
        "topic": talk.roman_position,
        "date": talk.session.date.isoformat(),
    }
    return _write(request, presenters, about, _dashboard(talk.session), f"talk-{talk.pk}")


# --- the member's side ----------------------------------------------------------------------


@login_required
@require_POST
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    offered = offered_kinds(request.user)
    form = PreferencesForm(request.POST, offered=offered, opted_out=set())
    form.is_valid()  # unticked boxes are simply absent: every answer is valid
    unsubscribe.set_preferences(request.user, form.wanted(), [kind.code for kind in offered])
    messages.success(request, _("Your mail choices are saved."))
    return redirect(reverse("profile") + "#mail")


@csrf_exempt  # the signed link authorises it; RFC 8058 clients POST without a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    found = unsubscribe.read_token(token)
    if found is None:
        return render(
            request,
            "notifications/unsubscribe.html",
            {"invalid": True},
            status=404,
        )
    done = False
    if request.method == "POST":
        unsubscribe.opt_out(found.user, found.kind)
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {"kind_label": kinds.label(found.kind), "done": done, "token": token},
    )


@require_safe
def personal_calendar(request: HttpRequest, token: str) -> HttpResponse:
    user = calendar.owner_of(token)
    if user is None:
        raise Http404(_("No calendar has this address (it may have been replaced by a new one)."))
    text = calendar.calendar_for(user, request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-talks.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_POST
def calendar_regenerate(request: AuthenticatedHttpRequest) -> HttpResponse:
    calendar.regenerate(request.user)
    messages.success(
        request, _("Your calendar has a new address; the old one no longer works. Subscribe again.")
    )
    return redirect("schedule:me")
