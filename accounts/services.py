"""Membership rules: registration (open or by invite), a member's Person, linking guests."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Invite
from sessions.models import Person, Presenter


class InviteError(Exception):
    """An invite link that cannot be used; `str(error)` is the message to show."""


class LinkError(Exception):
    """A guest that cannot be linked to that member; `str(error)` is the message to show."""


def registration_open() -> bool:
    """Anyone may register. Any REGISTRATION_MODE other than "open" means by invite only."""
    return settings.REGISTRATION_MODE == "open"


def create_invite(created_by: User, note: str = "", days: int = 14) -> Invite:
    return Invite.objects.create(
        created_by=created_by,
        note=note.strip(),
        expires=timezone.now() + datetime.timedelta(days=days),
    )


def check_invite(token: str, *, lock: bool = False) -> Invite:
    """The usable invite for `token`, or InviteError saying what is wrong with the link."""
    invites = Invite.objects.select_for_update() if lock else Invite.objects.all()
    invite = invites.filter(token=token).first() if token else None
    if invite is None:
        raise InviteError(_("This invite link is not valid. Ask an organiser for a new one."))
    if invite.is_used:
        raise InviteError(
            _("This invite link has already been used. Ask an organiser for a new one.")
        )
    if invite.is_expired():
        raise InviteError(_("This invite link has expired. Ask an organiser for a new one."))
    return invite


def register_member(
    *,
    username: str,
    email: str,
    password: str,
    name: str,
    affiliation: str = "",
    invite_token: str = "",
) -> User:
    """Create the account and its Person (the member's name on the schedule).

    With an invite token the invite is locked, checked and marked used in the same
    transaction, so one link makes one account even when it is submitted twice at once.
    """
    with transaction.atomic():
        invite = check_invite(invite_token, lock=True) if invite_token else None
        if invite is None and not registration_open():
            raise InviteError(_("Registration is by invitation only. Ask an organiser for a link."))
        user = get_user_model().objects.create_user(
            username=username, email=email, password=password
        )
        Person.objects.create(user=user, name=name.strip(), affiliation=affiliation.strip())
        if invite is not None:
            invite.used_by = user
            invite.used_at = timezone.now()
            invite.save(update_fields=["used_by", "used_at"])
    return user


def link_guest(guest: Person, user: User) -> Person:
    """Give a guest's talks (imported from a README) to the member who registered later.

    The member keeps their own Person (their profile); the guest's presenter rows move to it and
    the guest row goes. Where both were on the same talk, one row stays, the lead if either led.
    """
    with transaction.atomic():
        guest = Person.objects.select_for_update().get(pk=guest.pk)
        if guest.user_id is not None:
            raise LinkError(
                _("%(name)s is already a member's profile, not a guest.") % {"name": guest.name}
            )
        member = Person.objects.select_for_update().filter(user=user).first()
        if member is None:
            # A member without a profile yet simply becomes the guest.
            guest.user = user
            guest.save(update_fields=["user", "updated_at"])
            return guest
        for row in Presenter.objects.select_for_update().filter(person=guest):
            existing = Presenter.objects.filter(talk_id=row.talk_id, person=member).first()
            if existing is not None:
                if row.role == Presenter.Role.LEAD and existing.role != Presenter.Role.LEAD:
                    existing.delete()
                else:
                    row.delete()
                    continue
            row.person = member
            row.save(update_fields=["person", "updated_at"])
        if not member.affiliation and guest.affiliation:
            member.affiliation = guest.affiliation
            member.save(update_fields=["affiliation", "updated_at"])
        guest.delete()
    return member


def update_profile(person: Person, user: User, *, email: str) -> Person:
    """Save a member's profile (ProfileForm validated it) and their account's email."""
    with transaction.atomic():
        person.user = user
        person.save()
        user.email = email
        user.save(update_fields=["email"])
    return person


def revoke_invite(invite: Invite) -> None:
    """Delete an unused invite, so its link stops working."""
    if invite.is_used:
        raise InviteError(_("That invite has been used; there is nothing to revoke."))
    invite.delete()
