"""Sending Celery tasks so that a broker outage degrades a feature and never fails a request.

A task is sent once the current transaction commits (at once outside one), by name: the
services that send tasks never import the task modules that wrap them. When the broker cannot
take the message, the caller's `on_refused` records that on its rows (the periodic sweep of
that feature sends it again) instead of the error reaching the request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerOperationalError

logger = logging.getLogger(__name__)

# What a publish raises when the broker cannot take a message: kombu wraps connection errors
# in OperationalError; OSError covers the filesystem transport's queue folder.
BROKER_ERRORS = (BrokerOperationalError, OSError)

Refused = Callable[[Exception], None]


def send_on_commit(task_name: str, args: Sequence[Any], on_refused: Refused) -> None:
    """Send `task_name(*args)` after the commit; `on_refused(error)` if the broker refuses."""
    transaction.on_commit(partial(send_now, task_name, tuple(args), on_refused))


def send_now(task_name: str, args: Sequence[Any], on_refused: Refused) -> bool:
    """Send `task_name(*args)` now. False (and `on_refused(error)` called) if the broker
    refused it."""
    task = current_app.tasks[task_name]
    try:
        task.apply_async(tuple(args))
    except BROKER_ERRORS as exc:
        logger.warning("Could not queue %s%r: %s", task_name, tuple(args), exc)
        on_refused(exc)
        return False
    return True


def error_text(exc: Exception) -> str:
    """A short description of a broker error for a person to read."""
    return str(exc)[:200] or exc.__class__.__name__
