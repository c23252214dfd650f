"""Modules a reader can hold (issue 13): no app module over 500 lines, and no list of exceptions.

Migrations are generated and not read as modules; tests and benchmarks live outside the apps.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("core", "audit", "geo", "accounts", "licensing", "hvt", "crt", "budget", "config")
MAX_LINES = 500
SKIPPED_PARTS = {"migrations", "tests", "benchmarks", "__pycache__"}

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
    too_long = {m: n for m in _app_modules() if (n := _lines(m)) > MAX_LINES}
    assert not too_long, f"app modules over {MAX_LINES} lines (split them by subject): {too_long}"
