"""Load run: locust (headless) against gunicorn on 127.0.0.1, each page next to the framework's floor.

The runner starts gunicorn with the bench settings (``benchmarks.urls``: the product's URLs plus a
bare floor view) on a free loopback port, opens one session per simulated account through the real
login form, then runs ``locust --headless`` once per phase with the same number of users, no think
time and the same duration (``benchmarks/locustfile.py``):

    warm-up → floor → floor (logged in) → home → place list → dashboard → floor again

Each page's throughput is reported as a share of the floor's measured in the same run (the mean of
the first and last floor phase; their difference shows how much the machine drifted meanwhile), so
the figure does not swing with whatever else the shared machine does. Gunicorn is stopped at the
end, also on error.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
LOGIN_PATH = "/account/aanmelden/"
SHARE_GOAL = 0.5  # a page should reach at least half the floor's throughput


@dataclass(frozen=True)
class Phase:
    name: str
    user_class: str
    path: str
    who: str
    title: str
    is_floor: bool = False


FLOOR = Phase("floor", "Floor", "/bench/floor/", "anonymous", "Floor: bare Django view (whole middleware chain)", True)
PHASES = [
    FLOOR,
    Phase("floor_officer", "FloorOfficer", "/bench/floor/", "municipal officer",
          "Floor, logged in (+ session, user, 2FA and licence checks, activity)"),
    Phase("home", "OfficerHome", "/", "municipal officer", "Home (the officer's cards)"),
    Phase("place_list", "OfficerPlaceList", "/hvt/plaatsen/", "municipal officer", "Place list (page of 50)"),
    Phase("dashboard", "VlotDashboard", "/hvt/dashboard/", "VLOT (one province)", "Dashboard (realisation vs target)"),
    Phase("floor_again", "Floor", "/bench/floor/", "anonymous", "Floor again (drift check)", True),
]
PAGES = ("home", "place_list", "dashboard")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="benchmarks.settings", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [_bin("gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited: " + proc.stderr.read().decode()[-2000:])
        try:
            requests.get(f"http://127.0.0.1:{port}/health/", timeout=2)
            return proc
        except requests.RequestException:
            time.sleep(0.3)
    stop_gunicorn(proc)
    raise RuntimeError("gunicorn did not answer within 120 s")


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # its own session: only this gunicorn and its workers
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def login(base: str, username: str, password: str) -> dict[str, str]:
    """Log in through the login form like a browser; returns the session's cookies."""
    with requests.Session() as s:
        s.get(base + LOGIN_PATH, timeout=30).raise_for_status()
        token = s.cookies.get("csrftoken", "")
        r = s.post(base + LOGIN_PATH, data={"username": username, "password": password, "csrfmiddlewaretoken": token},
                   allow_redirects=False, timeout=30)
        if r.status_code != 302 or "sessionid" not in s.cookies:
            raise RuntimeError(f"login of {username} failed: HTTP {r.status_code}")
        return {"sessionid": s.cookies["sessionid"], "csrftoken": s.cookies.get("csrftoken", token)}


def run_locust(*, base: str, user_classes: list[str], users: int, seconds: float, sessions_file: str,
               workdir: str, name: str) -> dict[str, dict]:
    """One headless locust run; returns the rows of its stats CSV by request name."""
    prefix = os.path.join(workdir, name)
    env = dict(os.environ, BENCH_LOAD_SESSIONS=sessions_file)
    cmd = [_bin("locust"), "--headless", "-f", str(ROOT / "benchmarks" / "locustfile.py"), "--host", base,
           "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{max(1, round(seconds))}s",
           "--csv", prefix, "--only-summary", "--loglevel", "WARNING", *user_classes]
    with open(prefix + ".log", "w") as log:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              timeout=seconds + 120, check=False)
    stats = Path(prefix + "_stats.csv")
    if not stats.exists():
        raise RuntimeError(f"locust ({name}) wrote no stats, exit {proc.returncode}: "
                           + Path(prefix + ".log").read_text()[-1500:])
    with stats.open(newline="") as fh:
        rows = {row["Name"]: row for row in csv.DictReader(fh)}
    failures = Path(prefix + "_failures.csv")
    if failures.exists():
        with failures.open(newline="") as fh:
            for row in csv.DictReader(fh):
                rows.setdefault(row["Name"], {})["_errors"] = rows.get(row["Name"], {}).get("_errors", []) + [
                    f"{row['Method']} {row['Name']}: {row['Error']} ×{row['Occurrences']}"]
    return rows


def _num(v: str | None) -> float | None:
    try:
        return float(v) if v not in (None, "", "N/A") else None
    except ValueError:
        return None


def run_load(*, accounts: dict[str, list[str]], password: str, users: int, seconds: float, workers: int,
             log=print) -> dict:
    """All phases against one gunicorn; returns the figures per phase and each page's share of the floor."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_gunicorn(port, workers)
    phases: list[dict] = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-load-") as workdir:
            # Logging in hashes the password (on purpose slow): in parallel, over the gunicorn workers.
            with ThreadPoolExecutor(max_workers=workers) as pool:
                sessions = {role: list(pool.map(lambda name: login(base, name, password), names))
                            for role, names in accounts.items()}
            sessions_file = os.path.join(workdir, "sessions.json")
            Path(sessions_file).write_text(json.dumps(sessions))
            run_locust(base=base, user_classes=["Warmup", "WarmupVlot"], users=max(2, workers * 2),
                       seconds=min(5, seconds), sessions_file=sessions_file, workdir=workdir, name="warmup")
            for phase in PHASES:
                rows = run_locust(base=base, user_classes=[phase.user_class], users=users, seconds=seconds,
                                  sessions_file=sessions_file, workdir=workdir, name=phase.name)
                row = rows.get(phase.path, {})
                figures = {
                    "name": phase.name, "title": phase.title, "path": phase.path, "who": phase.who,
                    "requests": int(_num(row.get("Request Count")) or 0),
                    "failures": int(_num(row.get("Failure Count")) or 0),
                    "rps": _num(row.get("Requests/s")) or 0.0,
                    "p50_ms": _num(row.get("50%")), "p95_ms": _num(row.get("95%")), "p99_ms": _num(row.get("99%")),
                    "errors": row.get("_errors", [])[:5],
                }
                phases.append(figures)
                log(f"  {phase.name}: {figures['rps']:.1f} req/s, p50 {figures['p50_ms']} ms, "
                    f"p95 {figures['p95_ms']} ms, {figures['failures']} failures of {figures['requests']}")
    finally:
        stop_gunicorn(proc)
    return summarise(phases, users=users, seconds=seconds, workers=workers,
                     logins={role: len(names) for role, names in accounts.items()})


def summarise(phases: list[dict], *, users: int, seconds: float, workers: int, logins: dict) -> dict:
    """The floor (mean of the two floor phases), each phase's share of it, and the verdict."""
    floors = [p["rps"] for p in phases if p["name"] in ("floor", "floor_again")]
    floor = sum(floors) / len(floors) if floors else 0.0
    for p in phases:
        p["share"] = p["rps"] / floor if floor else None
    problems = []
    failed = sum(p["failures"] for p in phases)
    if failed:
        problems.append(f"{failed} failed requests")
    for p in phases:
        if p["name"] in PAGES and (p["share"] is None or p["share"] < SHARE_GOAL):
            share = "–" if p["share"] is None else f"{p['share']:.1%}"
            problems.append(f"{p['name']} at {share} of the floor (< {SHARE_GOAL:.0%})")
    return {
        "users": users, "seconds": seconds, "workers": workers, "logins": logins, "phases": phases,
        "floor_rps": floor, "floor_drift": (abs(floors[0] - floors[-1]) / floor) if len(floors) == 2 and floor else None,
        "status": "missed" if problems else "ok", "detail": "; ".join(problems),
    }
