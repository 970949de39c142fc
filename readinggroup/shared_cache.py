"""The shared cache (Redis in production), used so that its failure costs speed, never a page
or a write.

Everything the site caches can be computed again, so a cache that cannot be reached reads as
empty and a write to it is skipped, with a warning in the log. Django's Redis backend raises
on a refused connection: called directly, it turned the catalogue's pages, and every save of
a paper (which moves the catalogue's version), into errors while Redis was down.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache

logger = logging.getLogger(__name__)


def get(key: str) -> Any:
    """The cached value, or None when there is none or the cache is unreachable."""
    try:
        return cache.get(key)
    except Exception:  # any backend's connection error
        logger.warning("Cache unavailable: %s read as missing", key, exc_info=True)
        return None


def put(key: str, value: object, timeout: float | None) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("Cache unavailable: %s not stored", key, exc_info=True)


def add(key: str, value: object, timeout: float | None) -> None:
    """Store `value` unless the key holds one already."""
    try:
        cache.add(key, value, timeout)
    except Exception:
        logger.warning("Cache unavailable: %s not stored", key, exc_info=True)


def delete(key: str) -> None:
    try:
        cache.delete(key)
    except Exception:
        logger.warning("Cache unavailable: %s not dropped", key, exc_info=True)


def incr(key: str) -> bool:
    """Add one to the number under `key`; False when there is no such key (evicted, or a new
    Redis), for the caller to store a start. An unreachable cache counts as done."""
    try:
        cache.incr(key)
    except ValueError:  # no such key
        return False
    except Exception:
        logger.warning("Cache unavailable: %s not moved on", key, exc_info=True)
    return True
