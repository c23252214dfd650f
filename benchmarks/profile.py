"""Where a request's time goes: pyinstrument over warmed requests through Django's test client.

    python -m benchmarks.profile [--page place_list] [--requests 100] [--html out.html]

Uses the bench settings and data of the last ``benchmarks.run`` (BENCH_DATABASE_URL, …). The user is
the one the load run uses for that page (a municipal officer, a VLOT member for the dashboard),
logged in through the session as in the load run. Each sample of the profile is charged to the
innermost part of the request it was in (session, user, second factor, licence, activity, other
middleware, view, template, context processors) and, separately, to the database when it was
inside the driver (queries, BEGIN/COMMIT, connection checks). Prints a table per page; ``--html`` writes pyinstrument's own report of the last page.
Times are wall clock on a shared machine: compare the parts, not the absolute figures between runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PAGES = {  # name → (path, role of the user)
    "floor": ("/bench/floor/", None),
    "floor_officer": ("/bench/floor/", "hvt_municipal_full"),
    "home": ("/", "hvt_municipal_full"),
    "place_list": ("/hvt/plaatsen/", "hvt_municipal_full"),
    "dashboard": ("/hvt/dashboard/", "hvt_vlot"),
}

# (part, fragments of a frame's file path; a frame matches when one fragment is in its path). The
# innermost matching frame on the stack names the part a sample belongs to.
PARTS = [
    ("session (load/save)", ("django/contrib/sessions/",)),
    ("auth: user load, permission checks (has_perm)", ("django/contrib/auth/",)),
    ("second factor check", ("accounts/two_factor.py", "django_otp/", "crt/realm.py")),
    ("licence check", ("licensing/middleware.py", "licensing/selectors.py")),
    ("session lifetime + last activity", ("accounts/middleware.py", "accounts/services.py")),
    ("CSP, security, CSRF, locale, messages, axes, …", (
        "csp/", "django/middleware/", "whitenoise/", "core/middleware.py", "axes/", "django_htmx/",
        "django/contrib/messages/")),
    ("view and selectors", ("/hvt/views/", "/hvt/selectors.py", "/core/views.py", "/core/home.py", "/home.py",
                            "benchmarks/urls.py", "django/core/paginator.py")),
    ("template rendering", ("django/template/", "/templatetags/", "crispy_forms/", "crispy_bootstrap5/")),
    ("context processors (navigation, …)", ("context_processors.py", "/navigation.py")),
]
SQL_FRAGMENTS = ("/psycopg/", "django/db/backends/")
REST = "framework (handler, URL resolver, test client)"


def _part(file_path: str | None) -> str | None:
    if not file_path:
        return None
    for part, fragments in PARTS:
        if any(f in file_path for f in fragments):
            return part
    return None


def attribute(root) -> tuple[dict[str, float], dict[str, float]]:
    """(seconds per part, of which in SQL) from a pyinstrument frame tree."""
    total: dict[str, float] = defaultdict(float)
    sql: dict[str, float] = defaultdict(float)
    stack = [(root, REST, False)]
    while stack:
        frame, part, in_sql = stack.pop()
        part = _part(frame.file_path) or part
        in_sql = in_sql or any(f in (frame.file_path or "") for f in SQL_FRAGMENTS)
        own = frame.time - sum(c.time for c in frame.children)
        total[part] += own
        if in_sql:
            sql[part] += own
        stack.extend((c, part, in_sql) for c in frame.children)
    return dict(total), dict(sql)


def _user(role: str | None):
    if role is None:
        return None
    from accounts.models import User

    user = User.objects.filter(role_assignments__role=role, is_active=True).order_by("pk").first()
    if user is None:
        raise SystemExit(f"no active {role} in the bench data: run `python -m benchmarks.run` first")
    return user


def profile_page(name: str, *, requests: int, interval: float = 0.001):
    from django.db import connections
    from django.test import Client
    from pyinstrument import Profiler

    path, role = PAGES[name]
    client = Client()
    user = _user(role)
    if user is not None:
        client.force_login(user)
    for _ in range(5):  # warm: imports, template loading, connections, plans
        response = client.get(path)
        assert response.status_code == 200, f"{path}: HTTP {response.status_code}"
    # Plain timing first (no profiler), with the statements counted.
    counts = []

    def count(execute, sql, params, many, context):
        counts[-1] += 1
        return execute(sql, params, many, context)

    times = []
    for _ in range(requests):
        counts.append(0)
        with connections["default"].execute_wrapper(count), connections["crt"].execute_wrapper(count):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
    profiler = Profiler(interval=interval)
    profiler.start()
    for _ in range(requests):
        client.get(path)
    profiler.stop()
    total, sql = attribute(profiler.last_session.root_frame())
    return {
        "page": name, "path": path, "role": role or "anonymous", "requests": requests,
        "median_ms": statistics.median(times), "statements": statistics.median(counts),
        "parts": {k: v * 1000 / requests for k, v in total.items()},
        "sql": {k: v * 1000 / requests for k, v in sql.items()},
    }, profiler


def table(result: dict) -> list[str]:
    parts = result["parts"]
    whole = sum(parts.values()) or 1.0
    lines = [
        f"#### {result['page']} — `GET {result['path']}` as {result['role']}: median {result['median_ms']:.1f} ms "
        f"unprofiled, {result['statements']:g} SQL statements",
        "",
        "| part | share | ≈ ms of the median | of which in the database driver |",
        "|---|---:|---:|---:|",
    ]
    scale = result["median_ms"] / whole  # the profiler's own overhead spread evenly
    for part, ms in sorted(parts.items(), key=lambda kv: -kv[1]):
        if ms / whole < 0.005:
            continue
        lines.append(f"| {part} | {ms / whole:.0%} | {ms * scale:.1f} | {result['sql'].get(part, 0.0) * scale:.1f} |")
    lines.append(f"| **total** | | **{result['median_ms']:.1f}** | **{sum(result['sql'].values()) * scale:.1f}** |")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile")
    parser.add_argument("--page", nargs="*", choices=sorted(PAGES), default=list(PAGES))
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--html", help="write pyinstrument's HTML report of the last page here")
    args = parser.parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    profiler = None
    for name in args.page:
        result, profiler = profile_page(name, requests=args.requests)
        print("\n".join(table(result)) + "\n", flush=True)
    if args.html and profiler is not None:
        Path(args.html).write_text(profiler.output_html())
        print(f"wrote {args.html}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
