"""A fresh clone runs on its own: no project file reads from a `shared` folder beside the
repository (that folder exists on development machines only). Docs may mention it."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Built from parts so that this file does not match itself.
FOLDER = "sha" + "red"
FORBIDDEN = re.compile("|".join([
    r"\.\./" + FOLDER,
    "/work/" + FOLDER,
    FOLDER.upper() + "_DATA",
    r"""parent\s*/\s*["']""" + FOLDER,
]))
CHECKED_SUFFIXES = {".py", ".toml", ".cfg", ".ini", ".sh", ".yml", ".yaml", ".txt", ".json", ".html", ".js"}
CHECKED_NAMES = {"Makefile", "Dockerfile", "run", "manage.py"}


SKIPPED_DIRS = {".git", ".venv", "venv", "var", "staticfiles", "node_modules", "__pycache__", ".pytest_cache",
                ".ruff_cache", "test-results"}


def _listed() -> list[str]:
    """The project's files: git's list (tracked and new), or a walk when there is no git checkout."""
    try:
        return subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
                if not SKIPPED_DIRS & set(p.relative_to(ROOT).parts)]


def _project_files():
    for name in _listed():
        path = ROOT / name
        if name.startswith("static/vendor/") or not path.is_file() or path == Path(__file__).resolve():
            continue
        if path.suffix in CHECKED_SUFFIXES or path.name in CHECKED_NAMES:
            yield name, path


def test_no_project_file_reads_outside_the_repository():
    files = list(_project_files())
    names = {name for name, _path in files}
    assert {"Makefile", "config/settings/base.py", "tests/geo/test_reference_data.py", ".ci/run"} <= names
    offenders = [
        f"{name}:{number}: {line.strip()}"
        for name, path in files
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1)
        if FORBIDDEN.search(line)
    ]
    assert offenders == [], "these lines read outside the repository:\n" + "\n".join(offenders)


def test_the_forbidden_pattern_catches_what_it_should():
    for line in (f'STATBEL = settings.{FOLDER.upper()}_DATA_DIR / "x.csv"', f"cp ../{FOLDER}/data/x .",
                 f'BASE_DIR.parent / "{FOLDER}" / "data"', f"open('/work/{FOLDER}/data/x')"):
        assert FORBIDDEN.search(line), line
    assert not FORBIDDEN.search("from celery import shared_task")
