from django import template

from accounts.services import registration_open

register = template.Library()


@register.simple_tag
def registration_is_open() -> bool:
    """{% registration_is_open as open %}: whether anyone may register (REGISTRATION_MODE)."""
    return registration_open()
