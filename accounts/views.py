"""Registration, the member's profile, and two small organiser pages (invites, guests)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services
from accounts.forms import InviteForm, LinkGuestForm, ProfileForm, RegistrationForm
from accounts.models import Invite
from readinggroup.http import AuthenticatedHttpRequest
from readinggroup.permissions import organiser_required
from sessions.models import Person
from sessions.people import person_for


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, token: str = "") -> HttpResponse:
    if request.user.is_authenticated:
        messages.info(request, _("You are already signed in."))
        return redirect("profile")
    refusal = ""
    if token:
        try:
            services.check_invite(token)
        except services.InviteError as exc:
            refusal = str(exc)
    elif not services.registration_open():
        refusal = _("Registration is by invitation only. Ask an organiser for an invite link.")
    if refusal:
        return render(request, "accounts/register.html", {"refusal": refusal}, status=403)

    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.register_member(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                name=data["name"],
                affiliation=data["affiliation"],
                invite_token=token,
            )
        except services.InviteError as exc:
            # The link was used or expired between showing the form and submitting it.
            return render(request, "accounts/register.html", {"refusal": str(exc)}, status=403)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Welcome, %(name)s! You can now sign up for talks.") % {"name": data["name"]}
        )
        return redirect("schedule:me")
    return render(request, "accounts/register.html", {"form": form, "token": token})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = person_for(request.user)
    form = ProfileForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(form.instance, request.user, email=form.cleaned_data["email"])
        messages.success(request, _("Your profile is saved."))
        return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form, "person": person, "nav": "me"})


@organiser_required
@require_http_methods(["GET", "POST"])
def invites(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invite = services.create_invite(
            request.user, note=form.cleaned_data["note"], days=form.cleaned_data["days"]
        )
        messages.success(request, _("Invite link created: copy it from the list below."))
        return redirect(f"{reverse('invites')}#invite-{invite.pk}")
    rows = Invite.objects.select_related("created_by", "used_by")[:200]
    links = [(invite, request.build_absolute_uri(invite.get_absolute_url())) for invite in rows]
    return render(
        request,
        "accounts/invites.html",
        {
            "form": form,
            "links": links,
            "registration_open": services.registration_open(),
        },
    )


@organiser_required
@require_POST
def invite_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invite = get_object_or_404(Invite, pk=pk)
    try:
        services.revoke_invite(invite)
    except services.InviteError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Invite revoked: the link no longer works."))
    return redirect("invites")


@organiser_required
@require_http_methods(["GET", "POST"])
def people(request: HttpRequest) -> HttpResponse:
    form = LinkGuestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        guest = form.cleaned_data["guest"]
        user = form.cleaned_data["member"]
        guest_name = guest.name
        try:
            person = services.link_guest(guest, user)
        except services.LinkError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("%(guest)s's talks now show on %(member)s's page (%(username)s).")
                % {"guest": guest_name, "member": person.name, "username": user.get_username()},
            )
        return redirect("people")
    guests = (
        Person.objects.filter(user__isnull=True)
        .annotate(talk_count=Count("presentations"))
        .order_by("name")
    )
    members = (
        get_user_model()
        .objects.filter(is_active=True)
        .select_related("person")
        .order_by("username")
    )
    return render(
        request,
        "accounts/people.html",
        {"form": form, "guests": guests, "members": members},
    )
