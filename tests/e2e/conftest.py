"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium) headless against the
live server. Never downloads a browser. Without chromium (a dev box) the tests are skipped, but
under REQUIRE_SERVICES=1 (CI) a missing browser fails."""

import os
import shutil

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still
# synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if settings.REQUIRE_SERVICES:
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip("Debian chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="nl-BE")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def browser_login(page):
    """Log in through the real login form (and the TOTP step when the role needs one)."""

    def _login(username: str, password: str = "correct-horse-battery", totp_key_hex: str | None = None):
        page.goto("/account/aanmelden/")
        page.get_by_label("Gebruikersnaam").fill(username)
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Aanmelden").click()
        if totp_key_hex:
            from django_otp.oath import totp

            page.get_by_label("Code uit uw authenticator-app").fill(f"{totp(bytes.fromhex(totp_key_hex)):06d}")
            page.get_by_role("button", name="Bevestigen").click()
        return page

    return _login
