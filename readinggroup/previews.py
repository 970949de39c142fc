"""Preview, then confirm: what an upload form shows is what the confirm step saves.

The preview signs the job (the uploaded text and its options) for the user who made it; the
confirm step gets it back from a hidden field and refuses it if it was altered, is too old, or
was made for someone else. Nothing is stored between the two requests.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.utils.translation import gettext as _

MAX_AGE = 6 * 60 * 60  # seconds a preview stays valid


class PreviewError(Exception):
    """The signed preview cannot be used; the message says why, for the person."""


def sign_preview(job: dict[str, Any], user_pk: int | None, salt: str) -> str:
    return signing.dumps({**job, "user": user_pk}, salt=salt, compress=True)


def load_preview(payload: str, user_pk: int | None, salt: str, max_age: int = MAX_AGE) -> dict:
    try:
        job = signing.loads(payload or "", salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise PreviewError(
            _("This preview is more than six hours old; upload the file again.")
        ) from None
    except signing.BadSignature:
        raise PreviewError(
            _("The preview could not be verified; upload the file again. Nothing was saved.")
        ) from None
    if job.get("user") != user_pk:
        raise PreviewError(
            _("The preview could not be verified; upload the file again. Nothing was saved.")
        )
    return job
