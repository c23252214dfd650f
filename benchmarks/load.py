"""Load run: simulated users log in and browse against gunicorn (several workers) on 127.0.0.1.

Bounded: a fixed number of users for a fixed duration; gunicorn is started on a free loopback port
and stopped at the end (also on error). Each simulated user: GET the login page, POST the login
form (CSRF token from the cookie), then loop over home → place list → a place page → place list
with a filter, until the time is up. Reports requests/s, p50/p95/p99 and errors.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LoadResult:
    users: int
    seconds: float
    workers: int
    requests: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    logins: int = 0

    def pct(self, p: float) -> float | None:
        if not self.latencies_ms:
            return None
        data = sorted(self.latencies_ms)
        k = max(0, min(len(data) - 1, int(round(p / 100 * (len(data) - 1)))))
        return data[k]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


class _User:
    def __init__(self, port: int, username: str, password: str, result: LoadResult, lock: threading.Lock):
        self.port, self.username, self.password = port, username, password
        self.result, self.lock = result, lock
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body: dict | None = None, *, expect=(200,)) -> tuple[int, str, dict]:
        headers = {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self._record(time.perf_counter() - started, f"{method} {path}: {exc!r}")
            return 0, "", {}
        elapsed = time.perf_counter() - started
        for raw in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = raw.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        ok = response.status in expect
        self._record(elapsed, None if ok else f"{method} {path}: HTTP {response.status}")
        return response.status, text, dict(response.headers)

    def _record(self, seconds: float, error: str | None):
        with self.lock:
            self.result.requests += 1
            self.result.latencies_ms.append(seconds * 1000)
            if error:
                self.result.errors += 1
                if len(self.result.error_samples) < 10:
                    self.result.error_samples.append(error)

    def login(self) -> bool:
        self.request("GET", "/account/aanmelden/")
        token = self.cookies.get("csrftoken", "")
        status, _, headers = self.request(
            "POST", "/account/aanmelden/",
            {"username": self.username, "password": self.password, "csrfmiddlewaretoken": token}, expect=(302,),
        )
        if status == 302:
            with self.lock:
                self.result.logins += 1
        return status == 302

    def browse(self, until: float, place_ids: dict[str, list[int]]):
        place_ids = place_ids.get(self.username, [])
        i = 0
        while time.monotonic() < until:
            self.request("GET", "/")
            self.request("GET", "/hvt/plaatsen/")
            if place_ids:
                self.request("GET", f"/hvt/plaatsen/{place_ids[i % len(place_ids)]}/")
            self.request("GET", "/hvt/plaatsen/?category=1_private")
            i += 1


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="benchmarks.settings", PYTHONPATH=str(ROOT))
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited: " + proc.stderr.read().decode()[-2000:])
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health/")
            conn.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.3)
    stop_gunicorn(proc)
    raise RuntimeError("gunicorn did not answer within 30 s")


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # its own session: only this gunicorn and its workers
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def run_load(*, users: list[str], password: str, place_ids: dict[str, list[int]], seconds: float, workers: int) -> LoadResult:
    port = _free_port()
    proc = start_gunicorn(port, workers)
    result = LoadResult(users=len(users), seconds=seconds, workers=workers)
    lock = threading.Lock()
    try:
        sims = [_User(port, u, password, result, lock) for u in users]
        # Log everybody in first (staggered like a morning), then browse for `seconds`.
        login_threads = [threading.Thread(target=s.login) for s in sims]
        for t in login_threads:
            t.start()
        for t in login_threads:
            t.join()
        until = time.monotonic() + seconds
        started = time.monotonic()
        threads = [threading.Thread(target=s.browse, args=(until, place_ids)) for s in sims]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        result.seconds = time.monotonic() - started
    finally:
        stop_gunicorn(proc)
    return result


def summary(result: LoadResult) -> dict:
    return {
        "users": result.users, "workers": result.workers, "seconds": round(result.seconds, 1),
        "requests": result.requests, "rps": round(result.rps, 1), "errors": result.errors, "logins": result.logins,
        "p50_ms": result.pct(50), "p95_ms": result.pct(95), "p99_ms": result.pct(99),
        "mean_ms": statistics.fmean(result.latencies_ms) if result.latencies_ms else None,
        "error_samples": result.error_samples,
    }


CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
