"""The shape of the crt app (issue 13): modules a reader can hold, and one deny rule for its pages.

Written so that a later test over every app can absorb it: ``MAX_LINES`` and the walk do not
depend on the crt app.
"""

from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import crt
from core.access import Deny

MAX_LINES = 500
APP_DIR = Path(crt.__file__).resolve().parent


def _modules(app_dir: Path):
    for path in sorted(app_dir.rglob("*.py")):
        if "migrations" not in path.relative_to(app_dir).parts:
            yield path


def test_no_crt_module_is_longer_than_500_lines():
    too_long = {str(p.relative_to(APP_DIR)): n for p in _modules(APP_DIR)
                if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not too_long, f"split these into modules by subject: {too_long}"


def _crt_page_views():
    resolver = get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "crt":
            for view in pattern.url_patterns:
                assert isinstance(view, URLPattern)
                yield f"crt:{view.name}", view.callback


@pytest.mark.parametrize(("name", "view"), list(_crt_page_views()))
def test_every_crt_page_answers_404_to_whoever_lacks_its_crt_role(name, view):
    """``crt_role_required`` is ``core.access.access_required(..., deny_with=Deny.NOT_FOUND, verified=True)``:
    a page's existence is not revealed to anyone outside the CRT realm."""
    assert getattr(view, "access_deny", None) is Deny.NOT_FOUND, name
