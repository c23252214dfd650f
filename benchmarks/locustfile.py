"""Locust users of the load run (``benchmarks/load.py`` starts ``locust --headless -f`` on this file).

One user class per measured page; the runner starts one class at a time, with the same number of
users and no think time, so each phase measures the page's throughput at saturation on the same
gunicorn. Logged-in users reuse sessions that the runner opened through the real login form
(``BENCH_LOAD_SESSIONS``: a JSON file ``{"officer": [{"sessionid": …}, …], "vlot": […]}``), so a
phase measures browsing, not password hashing. A response other than 200 with the page's marker
is a failure (a redirect to the login page or a refusal does not pass as a fast page).
"""

from __future__ import annotations

import itertools
import json
import os
from urllib.parse import urlsplit

from locust import FastHttpUser, constant, task
from requests.cookies import create_cookie

_sessions: dict[str, itertools.cycle] = {}


def _next_session(role: str) -> dict:
    if not _sessions:
        with open(os.environ["BENCH_LOAD_SESSIONS"], encoding="utf-8") as fh:
            for name, cookies in json.load(fh).items():
                _sessions[name] = itertools.cycle(cookies)
    return next(_sessions[role])


class _Page(FastHttpUser):
    abstract = True
    wait_time = constant(0)  # closed loop: the next request as soon as the previous one is answered
    role: str | None = None
    path = "/"
    marker = b""  # bytes the page must contain

    def on_start(self):
        if self.role is not None:
            host = urlsplit(self.host).hostname
            for name, value in _next_session(self.role).items():
                self.client.cookiejar.set_cookie(create_cookie(name, value, domain=host, path="/"))

    @task
    def page(self):
        with self.client.get(self.path, name=self.path, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code} {r.headers.get('Location', '')}".strip())
            elif self.marker and self.marker not in (r.content or b""):
                r.failure("page without its marker")


class Floor(_Page):
    """The framework's floor: a bare view behind the whole middleware chain, anonymous."""

    path = "/bench/floor/"
    marker = b"floor"


class FloorOfficer(Floor):
    """The same bare view for a logged-in officer: adds what the middleware does per
    authenticated request (session, user, second-factor and licence checks, activity)."""

    role = "officer"


class OfficerHome(_Page):
    role = "officer"
    path = "/"
    marker = b'id="main"'


class OfficerPlaceList(_Page):
    role = "officer"
    path = "/hvt/plaatsen/"
    marker = b'id="main"'


class VlotDashboard(_Page):
    role = "vlot"
    path = "/hvt/dashboard/"
    marker = b'id="main"'


class Warmup(_Page):
    """Opens every officer page before the measured phases (imports, templates, query plans in each worker)."""

    role = "officer"
    paths = ("/bench/floor/", "/", "/hvt/plaatsen/")

    @task
    def page(self):
        for path in self.paths:
            self.client.get(path, name="warmup", allow_redirects=False)


class WarmupVlot(Warmup):
    role = "vlot"
    paths = ("/hvt/dashboard/",)
