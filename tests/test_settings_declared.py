"""Every setting the apps read is declared in config/settings/base.py (or is Django's), and read
as ``settings.X``: a default hidden in ``getattr(settings, "X", default)`` is a second place
where a setting's value is decided."""

import ast
import re
from pathlib import Path

from django.conf import global_settings

ROOT = Path(__file__).resolve().parent.parent
APPS = ("core", "audit", "geo", "accounts", "licensing", "hvt", "crt", "budget", "config")
BASE = ROOT / "config" / "settings" / "base.py"


def _app_trees():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts or parts[:2] == ("config", "settings"):
                continue
            yield path, ast.parse(path.read_text(), filename=str(path))


def _is_settings(node) -> bool:
    return isinstance(node, ast.Name) and node.id == "settings"


def test_no_getattr_on_settings():
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, tree in _app_trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") in ("getattr", "hasattr")
        and node.args
        and _is_settings(node.args[0])
    ]
    assert not found, "read these as settings.X (and declare them in base.py):\n" + "\n".join(found)


def test_every_setting_read_is_declared_in_base():
    declared = set(re.findall(r"^([A-Z][A-Z0-9_]*)\s*(?::[^=\n]*)?=", BASE.read_text(), re.M))
    missing = sorted(
        f"{path.relative_to(ROOT)}:{node.lineno} {node.attr}"
        for path, tree in _app_trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and _is_settings(node.value)
        and node.attr.isupper()
        and node.attr not in declared
        and not hasattr(global_settings, node.attr)
    )
    assert {"LICENCE_ENFORCEMENT", "CRT_RETENTION_DAYS", "TRUSTED_PROXIES"} <= declared
    assert not missing, "declare these in config/settings/base.py:\n" + "\n".join(missing)
