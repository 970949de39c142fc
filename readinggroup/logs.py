"""Logging filters (used by settings.LOGGING; imports nothing of the project's)."""

from __future__ import annotations

import logging


class QuietRefusals(logging.Filter):
    """An ordinary permission refusal (403) is one warning line, not a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
