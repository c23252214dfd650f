"""Permission-matrix entries: core pages (home, health, language switch)."""

from tests.security.expectations._base import ALLOW, everyone, logged_in, status

EXPECTATIONS = {
    # The dashboard: any logged-in user; anonymous is sent to the login page.
    "core:home": logged_in(ALLOW),
    # Health is public and reveals only up/down per part (200 healthy, 503 degraded: both fine here).
    "health": everyone(status(200, 503)),
    # Django's set_language: a GET just redirects back (the switch itself is a POST).
    "set_language": everyone(status(302)),
    # /favicon.ico points browsers at the static icon.
    "favicon": everyone(status(301)),
}
