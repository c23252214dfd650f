"""Browser: the watch every browser test runs under (tests/e2e/conftest.py) works — a page that
scrolls sideways is reported with the element that sticks out, a script error is caught, and the
window is 1,366 × 768. (Without these, a test of a job could pass on a page that breaks the promise.)"""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, databases=["default", "crt"])]


def test_the_watch_reports_horizontal_scrolling_and_errors(page, browser_errors):
    assert page.viewport_size == {"width": 1366, "height": 768}
    page.goto("/account/aanmelden/")
    assert page.evaluate("window.innerWidth") == 1366
    assert browser_errors.items == []
    # a too-wide element appears after load (through the CSSOM: the CSP refuses style attributes)
    page.evaluate("""() => { const d = document.createElement('div'); d.id = 'te-breed';
                             d.style.width = '2000px'; d.textContent = 'x'; document.body.appendChild(d); }""")
    page.wait_for_function("document.documentElement.scrollWidth > 1366")
    page.wait_for_timeout(400)  # the watch reports 200 ms after the last change of the page
    report = browser_errors.take("Horizontaal scrollen")
    assert "/account/aanmelden/" in report[0] and "div#te-breed" in report[0], report
    page.evaluate("() => setTimeout(() => { throw new Error('kapot-script'); })")
    page.wait_for_timeout(100)
    browser_errors.take("kapot-script")
