"""The shape of the hvt app (issue 13): modules a reader can hold, one deny rule for its pages, and
the figures' definitions in one module."""

import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import hvt
from core.access import Deny

MAX_LINES = 500
APP_DIR = Path(hvt.__file__).resolve().parent


def _modules(app_dir: Path):
    for path in sorted(app_dir.rglob("*.py")):
        if "migrations" not in path.relative_to(app_dir).parts:
            yield path


def test_no_hvt_module_is_longer_than_500_lines():
    too_long = {str(p.relative_to(APP_DIR)): n for p in _modules(APP_DIR)
                if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not too_long, f"split these into modules by subject: {too_long}"


def _hvt_page_views():
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "hvt":
            for view in pattern.url_patterns:
                assert isinstance(view, URLPattern)
                yield f"hvt:{view.name}", view.callback


@pytest.mark.parametrize(("name", "view"), list(_hvt_page_views()))
def test_every_hvt_page_answers_403_to_whoever_lacks_its_role(name, view):
    """``hvt.views.common.role_required`` is ``core.access.access_required(..., deny_with=Deny.FORBIDDEN)``."""
    assert getattr(view, "access_deny", None) is Deny.FORBIDDEN, name


def test_the_figures_are_defined_only_in_querysets():
    """No second definition of available, free or realisation outside hvt/querysets.py: no
    clamping at zero, no own percentage, no own "validated and confirmed" condition."""
    patterns = [r"Greatest\(", r"max\([^)]*free", r"max\(\s*available", r"round\(\s*100\s*\*",
                r"validated_on__isnull", r"agency_confirmed_on__isnull"]
    found = {}
    for path in _modules(APP_DIR):
        if path.name == "querysets.py":
            continue
        text = path.read_text(encoding="utf-8")
        hits = [p for p in patterns if re.search(p, text)]
        if hits:
            found[str(path.relative_to(APP_DIR))] = hits
    assert not found, found
