from django.conf import settings
from django.http import HttpRequest

from readinggroup.permissions import is_organiser


def roles(request: HttpRequest) -> dict:
    return {
        "group_name": settings.GROUP_NAME,
        "is_organiser": is_organiser(getattr(request, "user", None)),
    }
