"""The browser fixtures of tests/e2e (Playwright on the live server), for the keyboard test."""

from tests.e2e.conftest import browser, browser_login, page  # noqa: F401  (pytest fixtures, re-exported)
