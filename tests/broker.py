"""Pointing the Celery app at another broker for a test (a closed port, the in-memory one)."""

from __future__ import annotations

from readinggroup.celery import app

# Nothing listens on port 9 of the loopback (the discard port): a connect is refused at once.
CLOSED_BROKER = "redis://127.0.0.1:9/0"


def use_broker(url: str) -> None:
    app.conf.broker_url = url
    # The connection and producer pools were built for the previous URL.
    app._pool = None
    app.amqp._producer_pool = None
