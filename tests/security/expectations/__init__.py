"""The permission matrix table, merged from one module per app.

Each module ``tests/security/expectations/<name>.py`` exports

* ``EXPECTATIONS``: ``{url name: Entry}`` (e.g. ``"hvt:place-detail": only(...)``), and optionally
* ``ADMIN_MODELS``: ``{"<admin site name>:<app_label>.<model_name>": AdminRule(...)}``, expanded to
  the changelist/add/change/delete/history URL names of that model admin.

A URL name declared twice is an error. See tests/security/README.md.
"""

from __future__ import annotations

from importlib import import_module

from tests.security.expectations._base import AdminRule, Entry

MODULES = ("core", "accounts", "geo", "admin", "api", "hvt", "crt", "licensing", "budget")


def admin_rules() -> dict[str, tuple[str, AdminRule]]:
    """``{"site:app.model": (module, rule)}`` from every module's ADMIN_MODELS."""
    rules: dict[str, tuple[str, AdminRule]] = {}
    for module_name in MODULES:
        module = import_module(f"{__name__}.{module_name}")
        for key, rule in getattr(module, "ADMIN_MODELS", {}).items():
            if key in rules:
                raise ValueError(f"admin rule {key!r} declared in both {rules[key][0]} and {module_name}")
            if not isinstance(rule, AdminRule):
                raise TypeError(f"{module_name}.ADMIN_MODELS[{key!r}] is not an AdminRule")
            rules[key] = (module_name, rule)
    return rules


def all_entries() -> dict[str, tuple[str, Entry]]:
    """``{url name: (declaring module, Entry)}``: explicit entries plus expanded admin rules."""
    merged: dict[str, tuple[str, Entry]] = {}

    def add(name: str, module_name: str, entry: Entry):
        if name in merged:
            raise ValueError(f"URL name {name!r} declared in both {merged[name][0]} and {module_name}")
        if not isinstance(entry, Entry):
            raise TypeError(f"{module_name}: entry for {name!r} is not an Entry")
        merged[name] = (module_name, entry)

    for key, (module_name, rule) in admin_rules().items():
        site, _, label = key.partition(":")
        app_label, _, model_name = label.partition(".")
        for name, entry in rule.entries(site, app_label, model_name).items():
            add(name, module_name, entry)
    for module_name in MODULES:
        module = import_module(f"{__name__}.{module_name}")
        for name, entry in module.EXPECTATIONS.items():
            add(name, module_name, entry)
    return merged
