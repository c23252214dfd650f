"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium) headless against the
live server. Never downloads a browser. Without chromium (a dev box) the tests are skipped, but
under REQUIRE_SERVICES=1 (CI) a missing browser fails.

Every page a test opens is held to the promise of issue 12 ("every main job of every role at a
1,366 × 768 window without horizontal scrolling and without console errors"), structurally:

* the ``page`` fixture (and ``new_page`` for a second user in the same test) opens its browser
  context at 1,366 × 768;
* every console error and uncaught page error is collected (a CSP violation is a console error),
  and the test fails at teardown if there was one — no test has to remember to listen;
* a context init script (it runs before the page's own scripts and whatever the page's CSP says)
  checks, after load and after every change of the DOM or the window size, that the page does not
  scroll horizontally (``scrollWidth`` of the root ≤ its ``clientWidth``); an overflow is reported
  as a console error naming the widest elements, so it fails the test the same way.

A test that deliberately uses another window (the small-screen menu) says so with
``@pytest.mark.viewport(width, height)``; changing the size inside a test without the marker fails.
A test that deliberately provokes an error (to prove a watch works) takes it back with
``browser_errors.take(substring)``, which fails if nothing matched. A page the test opens and the
server answers with an error status (a 404 for another role) is the test's to assert, not a console
error; a failed script, style sheet, image or fetch of a page is one. There is no allow-list: every
page of the product runs without a console error (see ``ALLOWED_CONSOLE``).
"""

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
WIDTH, HEIGHT = 1366, 768  # the smallest common laptop screen: the promise of issue 12
OVERFLOW_MARK = "Horizontaal scrollen"  # the console text of the overflow watch
# (console text, why it cannot be avoided). Empty, and it should stay so: a console error is a defect.
ALLOWED_CONSOLE: list[tuple[str, str]] = []

# Runs in every frame of every page before the page's scripts. Reports a horizontal overflow of the
# root once per page and width, after the page settled (200 ms without DOM changes), with the
# outermost elements that stick out on the right.
OVERFLOW_WATCH = """
(() => {
  if (window.top !== window) return;
  const reported = new Set();
  const widest = () => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .filter(e => !(e.parentElement && e.parentElement.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5))
    .sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right)
    .slice(0, 3)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
         (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : '') +
         ' → ' + Math.round(e.getBoundingClientRect().right) + ' px');
  // silent: return the report instead of logging it (the fixture's last look at the page)
  const check = (silent) => {
    const root = document.documentElement;
    if (!root || !document.body || root.scrollWidth <= root.clientWidth) return null;
    const key = location.pathname + location.search + '@' + root.clientWidth;
    if (reported.has(key)) return null;
    reported.add(key);
    const text = '""" + OVERFLOW_MARK + """: ' + location.pathname + location.search + ' is ' + root.scrollWidth +
                 ' px breed in een venster van ' + root.clientWidth + ' px: ' + widest().join('; ');
    if (!silent) console.error(text);
    return text;
  };
  let timer = null;
  const later = () => { clearTimeout(timer); timer = setTimeout(() => check(false), 200); };
  window.__overflowCheck = check;
  window.addEventListener('load', later);
  window.addEventListener('resize', later);
  document.addEventListener('DOMContentLoaded', () => {
    later();
    new MutationObserver(later).observe(document.documentElement,
      {subtree: true, childList: true, attributes: true, characterData: true});
  });
})();
"""


class BrowserErrors:
    """Console errors and page errors of every page of the watched contexts, with the page's URL."""

    def __init__(self):
        self.items: list[str] = []
        self.pages: list = []

    def watch(self, page):
        if any(p is page for p in self.pages):
            return
        self.pages.append(page)
        documents: set[str] = set()  # pages the browser navigated to with a 4xx/5xx answer

        def on_response(response):
            if response.status >= 400 and response.request.is_navigation_request():
                documents.add(response.url)

        def on_console(msg):
            if msg.type != "error":
                return
            # A page answered 404/403/400 on purpose is the test's to assert (``goto`` returns its status;
            # the security matrix covers who gets what); Chromium logs it as a failed load of the document.
            # A failed script, style sheet, image or fetch of a page stays an error.
            if msg.text.startswith("Failed to load resource") and msg.location.get("url") in documents:
                return
            self.items.append(f"{page.url}: {msg.text}")

        page.on("response", on_response)
        page.on("console", on_console)
        page.on("pageerror", lambda err: self.items.append(f"{page.url}: {err}"))

    def take(self, text: str) -> list[str]:
        """Remove and return the errors containing ``text`` — for a test that provokes one on purpose."""
        taken = [e for e in self.items if text in e]
        assert taken, f"expected a browser error containing {text!r}; got {self.items}"
        self.items[:] = [e for e in self.items if text not in e]
        return taken

    def drop_since(self, mark: int):
        """Forget what was logged after ``mark`` (axe's own probing, see test_axe_matrix)."""
        del self.items[mark:]

    def unexpected(self) -> list[str]:
        return [e for e in self.items if not any(text in e for text, _why in ALLOWED_CONSOLE)]


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
def viewport(request) -> dict:
    """1,366 × 768 unless the test is marked ``@pytest.mark.viewport(width, height)``."""
    marker = request.node.get_closest_marker("viewport")
    if marker is None:
        return {"width": WIDTH, "height": HEIGHT}
    width, height = marker.args
    return {"width": width, "height": height}


@pytest.fixture
def browser_errors() -> BrowserErrors:
    return BrowserErrors()


@pytest.fixture
def new_page(browser, live_server, viewport, browser_errors):
    """Open a page in a new, watched browser context (a second user in the same test)."""
    contexts, pages = [], []

    def _new_page():
        context = browser.new_context(base_url=live_server.url, locale="nl-BE", viewport=viewport)
        context.add_init_script(OVERFLOW_WATCH)
        context.on("page", browser_errors.watch)  # pages the page opens (a new tab) are watched too
        page = context.new_page()
        browser_errors.watch(page)
        page.set_default_timeout(15000)
        contexts.append(context)
        pages.append(page)
        return page

    yield _new_page
    for page in pages:
        if page.is_closed():
            continue
        try:  # the last state of the page, in case the test ended within the watch's 200 ms
            report = page.evaluate("window.__overflowCheck ? window.__overflowCheck(true) : null")
        except Exception:  # noqa: BLE001 — a page in the middle of a navigation or a download: nothing to check
            report = None
        if report:
            browser_errors.items.append(f"{page.url}: {report}")
    sizes = [page.viewport_size for page in pages if not page.is_closed()]
    for context in contexts:
        context.close()
    problems = browser_errors.unexpected()
    assert problems == [], "Consolefouten of horizontaal scrollen in de browser:\n" + "\n".join(problems)
    wrong = [size for size in sizes if size != viewport]
    assert wrong == [], (f"the window changed to {wrong} during the test; mark the test "
                         f"@pytest.mark.viewport(width, height) to use another size than {viewport}")


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def browser_login(page):
    """Log in through the real login form (and the TOTP step when the role needs one)."""

    def _login(username: str, password: str = "correct-horse-battery", totp_key_hex: str | None = None):
        return login_on(page, username, password, totp_key_hex)

    return _login


def login_on(page, username: str, password: str = "correct-horse-battery", totp_key_hex: str | None = None):
    page.goto("/account/aanmelden/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Aanmelden").click()
    if totp_key_hex:
        from django_otp.oath import totp

        page.get_by_label("Code uit uw authenticator-app").fill(f"{totp(bytes.fromhex(totp_key_hex)):06d}")
        page.get_by_role("button", name="Bevestigen").click()
    return page
