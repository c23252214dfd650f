"""Browser: a coordinator imports reception places from an xlsx in the admin. The upload becomes a
stored import; the status page polls its progress (static/core/import_progress.js) while the task runs,
shows the preview, the coordinator confirms, and the bar reaches the end with the result — with no
console error and no Content Security Policy violation.

The import task is run by the test itself (as a worker would), while the browser's progress requests
are held by Playwright (they go on at the test's next browser call): the test database is never used
by the page and the task at the same moment."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.constants import Roles
from core import importing, services
from core.models import Import
from hvt.models import ReceptionPlace
from tests.core.import_helpers import place_row, xlsx_bytes
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, databases=["default", "crt"])]

ROWS = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def coordinator():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user(Roles.HVT_COORDINATOR, username="coordinator-e2e", is_staff=True)
    TOTPDevice.objects.create(user=user, name="app", key=settings.DEMO_TOTP_HEX_KEY, confirmed=True)
    return user


@pytest.fixture
def worker(monkeypatch):
    """Tasks are kept instead of sent; ``run()`` processes them as a worker would."""
    queued = []
    monkeypatch.setattr("core.queue.send", lambda task, *args, **kwargs: queued.append(args[0]) or True)

    def run():
        assert queued, "no task was queued"
        return services.import_process(import_id=queued.pop(0))

    return run


def test_coordinator_imports_places_and_the_progress_bar_reaches_the_end(page, browser_login, coordinator, worker):
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda err: problems.append(str(err)))
    polls = []
    page.route("**/voortgang/", lambda route: (polls.append(route.request.url), route.continue_()))

    browser_login(coordinator.username, TEST_PASSWORD, totp_key_hex=settings.DEMO_TOTP_HEX_KEY)
    page.goto("/beheer/hvt/receptionplace/")
    page.get_by_role("link", name="Bestand importeren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opvangplaatsen importeren")
    page.get_by_label("Bestand (CSV of xlsx)").set_input_files(
        files=[{"name": "plaatsen.xlsx", "mimeType": XLSX, "buffer": xlsx_bytes([place_row(i) for i in range(ROWS)])}])
    page.get_by_role("button", name="Opladen en controleren").click()

    status, bar, text = (page.get_by_test_id(n) for n in ("import-status", "import-progress", "import-progress-text"))
    expect(status).to_have_text("ontvangen")
    imp = Import.objects.get()
    expect(text).to_have_text("Wacht op verwerking…")
    page.wait_for_event("request", lambda request: "voortgang" in request.url)  # the page polls

    # the worker reports progress: the page shows it at its next poll
    importing.progress_set(imp.pk, done=12, total=ROWS, phase="check")
    expect(text).to_have_text(f"12 van {ROWS} rijen")
    expect(bar).to_have_attribute("value", "12")
    expect(bar).to_have_attribute("max", str(ROWS))

    assert worker() == "ready"  # the check, while the page's next poll waits
    expect(status).to_have_text("klaar voor bevestiging")  # the page reloaded itself when the task was done
    expect(bar).to_have_attribute("value", str(ROWS))
    expect(bar).to_have_attribute("max", str(ROWS))
    expect(page.get_by_test_id("import-preview")).to_contain_text("Importstraat 0")
    assert not ReceptionPlace.objects.exists()

    page.get_by_role("button", name="Import bevestigen").click()
    expect(status).to_have_text("bezig")
    polled = len(polls)
    page.wait_for_event("request", lambda request: "voortgang" in request.url)
    assert worker() == "done"
    expect(status).to_have_text("voltooid")
    expect(bar).to_have_attribute("value", str(ROWS))
    expect(bar).to_have_attribute("max", str(ROWS))
    expect(text).to_have_text(f"{ROWS} van {ROWS} rijen")
    expect(page.get_by_test_id("import-summary")).to_contain_text(f"De import is voltooid: {ROWS} nieuw")
    assert len(polls) > polled
    assert ReceptionPlace.objects.filter(source="import").count() == ROWS

    page.get_by_role("link", name="Naar de lijst").click()
    expect(page.locator("#result_list")).to_contain_text("Importstraat")
    assert problems == [], problems
