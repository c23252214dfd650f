"""The one audit call: ``audit_log(...)``. HVT events go to `default`, CRT events to `crt`."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models

from core import clock, context

# Which concrete event table each database keeps.
AUDIT_MODELS = {"default": ("audit", "AuditEvent"), "crt": ("crt", "AuditEvent")}


def _actor(actor) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, ""
    return actor.pk, actor.get_username()


def audit_log(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    database: str = "default",
    username: str = "",
):
    """Append an audit event. ``obj`` gives type, id and text; or pass them explicitly.

    Keep personal data out of ``changes`` and ``object_repr`` for the default database.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        if object_repr is None:
            object_repr = str(obj)
    actor_id, actor_username = _actor(actor)
    ctx = context.current()
    model = apps.get_model(*AUDIT_MODELS[database])
    return model.objects.using(database).create(
        occurred_at=clock.now(),
        actor_id=actor_id,
        actor_username=(actor_username or username)[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        object_repr=(object_repr or "")[:200],
        changes=changes or {},
        reason=reason[:255],
        request_id=ctx.request_id,
        client_ip=ctx.client_ip,
    )


def model_changes(instance: models.Model, fields: list[str], before: dict[str, Any] | None = None) -> dict[str, Any]:
    """A JSON-friendly {field: [old, new]} (or {field: new} without ``before``) for an audit event."""
    out = {}
    for name in fields:
        new = getattr(instance, name)
        new = new if isinstance(new, (str, int, float, bool, type(None))) else str(new)
        if before is None:
            out[name] = new
        elif before.get(name) != new:
            out[name] = [before.get(name), new]
    return out
