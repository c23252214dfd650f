"""Modules a reader can hold (issue 13): no app module over 500 lines, and no list of exceptions.

Migrations are generated and not read as modules; tests and benchmarks live outside the apps.
"""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("core", "audit", "geo", "accounts", "licensing", "hvt", "crt", "budget", "config")
MAX_LINES = 500
SKIPPED_PARTS = {"migrations", "tests", "benchmarks", "__pycache__"}

# Issue 13: hvt/services.py and hvt/views.py are being split into packages by subject. Until that
# lands they are over the limit; this marks only those two, and the mark must go with the split
# (strict: a module that is still there but has come under the limit fails as XPASS).
BEING_SPLIT = {"hvt/services.py", "hvt/views.py"}


def _app_modules() -> list[str]:
    modules = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if SKIPPED_PARTS & set(rel.parts):
                continue
            modules.append(rel.as_posix())
    return modules


def _lines(module: str) -> int:
    with open(ROOT / module, encoding="utf-8") as fh:
        return sum(1 for _ in fh)


def test_every_app_module_is_found():
    modules = _app_modules()
    assert {m.split("/")[0] for m in modules} == set(APPS)
    assert not [m for m in modules if "/migrations/" in m]


def test_no_app_module_over_500_lines():
    too_long = {m: n for m in _app_modules() if m not in BEING_SPLIT and (n := _lines(m)) > MAX_LINES}
    assert not too_long, f"app modules over {MAX_LINES} lines (split them by subject): {too_long}"


@pytest.mark.xfail(reason="issue 13: hvt/services.py and hvt/views.py are being split into packages", strict=True)
@pytest.mark.parametrize("module", sorted(BEING_SPLIT))
def test_module_being_split_is_under_500_lines(module):
    path = ROOT / module
    if not path.exists():  # split into a package: its modules are checked above; drop this test
        pytest.skip(f"{module} has been split (issue 13): remove BEING_SPLIT and this test")
    assert _lines(module) <= MAX_LINES, f"{module}: {_lines(module)} lines"
