"""The sign-up buttons of a talk on the schedule: what the viewer may do (sessions.signups)."""

from django import template
from django.utils import timezone

from sessions.models import Person, Talk
from sessions.signups import TalkActions, talk_actions

register = template.Library()


@register.simple_tag(takes_context=True)
def talk_actions_for(context: template.Context, talk: Talk) -> TalkActions:
    """{% talk_actions_for talk as actions %}: reads the prefetched presenters, no queries.

    The viewer's Person is looked up once per request (Django caches it on the user).
    """
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    signed_in = False
    person_id = None
    if user is not None and user.is_authenticated:
        signed_in = True
        try:
            person_id = user.person.pk
        except Person.DoesNotExist:
            person_id = None
    return talk_actions(talk, person_id, signed_in, timezone.localdate())
