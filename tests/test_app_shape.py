"""Every app has the same shape (docs/DEVELOPING.md, "Lower layers"): an ``api/`` package only
where the app has an API (its ``api/urls.py`` ROUTES; ``core/api`` is the shared machinery), and
the note's figures that an app ships as Python are in ``<app>/data.py``."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["core", "audit", "geo", "accounts", "licensing", "hvt", "crt", "budget"]


def test_an_api_package_only_where_there_is_an_api():
    without_routes = [app for app in APPS if app != "core" and (ROOT / app / "api").is_dir()
                      and not (ROOT / app / "api" / "urls.py").exists()]
    assert not without_routes, f"api/ without an API: {without_routes}"


def test_shipped_note_data_is_named_data_py():
    for module in ("licensing/data.py", "budget/data.py"):
        assert (ROOT / module).exists(), module
    assert not (ROOT / "licensing" / "plans.py").exists()
