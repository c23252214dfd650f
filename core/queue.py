"""Queue a Celery task from a request without letting a broker outage break the request.

``task.delay()`` raises ``kombu.exceptions.OperationalError`` when Redis is down; called in a view
(or in an on_commit callback of ATOMIC_REQUESTS) that turns a saved change into an error page.
``enqueue`` sends after the transaction commits and, if the broker is unreachable, logs the task
and carries on: the change is saved, the page answers. Tasks queued this way must be idempotent
and covered by a periodic job that catches up (e.g. the licence sweep), because a send that failed
is not retried by itself.
"""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def send(task, *args, **kwargs) -> bool:
    """Send now; False (and an error in the log) when the broker cannot be reached."""
    from kombu.exceptions import OperationalError

    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except OperationalError as exc:
        logger.error("broker unreachable, task %s not queued (%s): args=%r kwargs=%r", task.name, exc, args, kwargs)
        return False
    return True


def enqueue(task, *args, using: str = "default", **kwargs) -> None:
    """Send ``task`` once the current transaction on ``using`` commits (immediately outside one)."""
    transaction.on_commit(lambda: send(task, *args, **kwargs), using=using)
