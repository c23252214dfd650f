"""The one audit writer. HVT events go to `default`, CRT events to `crt`.

* ``audit_log(...)``: one event;
* ``audit_log_bulk(...)``: one event per object of a list (one ``bulk_create``);
* ``audit_log_rows(...)``: one event per row of a queryset, in one INSERT … SELECT (the rows are
  never loaded: the idle sweep's thousands of users).

All three write the same fields (time from the clock, actor, action, object type/id/text,
changes, reason, request id and client IP of the current request or task)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import CharField, DateTimeField, F, JSONField, Value
from django.db.models.functions import Cast, Left

from core import clock, context
from core.sql import insert_from_select

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


def audit_log_bulk(
    *,
    actor,
    action: str,
    items: Iterable[tuple[models.Model, dict[str, Any] | None]],
    reason: str = "",
    database: str = "default",
    username: str = "",
    batch_size: int = 1000,
) -> None:
    """One event per ``(object, changes)`` pair, written in one ``bulk_create``."""
    actor_id, actor_username = _actor(actor)
    ctx = context.current()
    now = clock.now()
    model = apps.get_model(*AUDIT_MODELS[database])
    model.objects.using(database).bulk_create(
        [
            model(
                occurred_at=now,
                actor_id=actor_id,
                actor_username=(actor_username or username)[:150],
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk or ""),
                object_repr=str(obj)[:200],
                changes=changes or {},
                reason=reason[:255],
                request_id=ctx.request_id,
                client_ip=ctx.client_ip,
            )
            for obj, changes in items
        ],
        batch_size=batch_size,
    )


def audit_log_rows(
    queryset,
    *,
    actor,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    database: str = "default",
    username: str = "",
    occurred_at=None,
) -> int:
    """One event per row of ``queryset`` in one INSERT … SELECT; ``object_id`` and ``object_repr``
    name the row's fields (or annotations) that hold the object's id and text. Returns the count."""
    actor_id, actor_username = _actor(actor)
    ctx = context.current()
    model = apps.get_model(*AUDIT_MODELS[database])
    return insert_from_select(
        model,
        {
            "occurred_at": Value(occurred_at or clock.now(), output_field=DateTimeField()),
            "actor_id": Value(actor_id, output_field=models.BigIntegerField()),
            "actor_username": Value((actor_username or username)[:150]),
            "action": Value(action),
            "object_type": Value(object_type),
            "object_id": Cast(object_id, CharField(max_length=64)),
            "object_repr": Left(F(object_repr), 200),
            "changes": Value(changes or {}, output_field=JSONField()),
            "reason": Value(reason[:255]),
            "request_id": Value(ctx.request_id),
            "client_ip": Value(ctx.client_ip, output_field=models.GenericIPAddressField()),
        },
        queryset,
        using=database,
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
