"""Browser: a coordinator opens the data-quality report from the navigation, sees Gent's open item
in the table and its record behind the municipality's link, the trend chart is drawn from the
json_script data, the page fits a 1,366 px screen with no console error or CSP violation, and the
export downloads as a CSV with the figures."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.constants import Roles
from tests.factories import TEST_PASSWORD, make_user
from tests.hvt.helpers import postal_code_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, databases=["default", "crt"])]


def test_coordinator_opens_the_report_and_downloads_the_export(page, browser_login):
    import datetime as dt

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hvt import services
    from hvt.constants import PlaceCategories

    coordinator = make_user(Roles.HVT_COORDINATOR, username="coordinator-dq-e2e", is_staff=True)
    TOTPDevice.objects.create(user=coordinator, name="app", key=settings.DEMO_TOTP_HEX_KEY, confirmed=True)
    place = services.place_register(
        actor=None, municipality="44021", street="Zonder controle", house_number="1",
        postal_code=postal_code_of("44021"), operator="Stad", capacity=3,
        category=PlaceCategories.CAT1_PUBLIC, start_date=dt.date(2022, 4, 1),
    )

    console = []
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    page.on("pageerror", lambda err: console.append(f"error: {err}"))
    page.set_viewport_size({"width": 1366, "height": 768})
    browser_login(coordinator.username, TEST_PASSWORD, totp_key_hex=settings.DEMO_TOTP_HEX_KEY)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Datakwaliteit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Datakwaliteit")

    gent = page.get_by_test_id("quality-table").locator('tr[data-refnis="44021"]')
    expect(gent.locator('td[data-code="places_without_check"]')).to_have_text("1")
    canvas = 'document.querySelector(\'canvas[data-chart="hvt-quality-data"]\')'
    page.wait_for_function(f"() => window.Chart && window.Chart.getChart({canvas})")
    assert len(page.evaluate(f"() => window.Chart.getChart({canvas}).data.labels")) == 12
    assert page.evaluate(f"() => window.Chart.getChart({canvas}).data.datasets.length") == 5
    expect(page.get_by_test_id("quality-trend").locator("tbody tr")).to_have_count(12)
    assert page.locator('canvas[data-chart="hvt-quality-data"]').bounding_box()["height"] > 100
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

    gent.get_by_role("link", name="Gent").click()
    expect(page.get_by_test_id("quality-items").get_by_role("link", name=f"#{place.pk} Zonder controle 1")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    content = open(download.value.path(), encoding="utf-8-sig").read()
    assert "44021;Gent;0;1;0;0;0;1" in content.replace("Oost-Vlaanderen;", "")

    errors = [text for text in console if text.startswith("error") or "Content Security Policy" in text]
    assert errors == [], errors
