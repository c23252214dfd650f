"""The one way an app contributes to a shared mechanism: an optional module ``<app>.<name>``
(navigation, home, permissions, schedule, demo, api.urls), found in LOCAL_APPS order."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from django.conf import settings


def app_modules(name: str) -> tuple[tuple[str, ModuleType], ...]:
    """``(app label, module)`` for every local app that has ``<app>.<name>``; a missing module is
    skipped, an import error inside an existing one is raised. Callers on a hot path cache the result."""
    found = []
    for app in settings.LOCAL_APPS:
        dotted = f"{app}.{name}"
        try:
            module = import_module(dotted)
        except ModuleNotFoundError as exc:
            if exc.name == dotted or dotted.startswith(f"{exc.name}."):  # the module (or its package) is absent
                continue
            raise
        found.append((app, module))
    return tuple(found)
