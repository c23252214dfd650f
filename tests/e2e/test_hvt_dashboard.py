"""Browser: a VLOT user opens the dashboard from the navigation and sees the table of its province's
municipalities (with realisation bars), lagging realisation first, sorts it by name and back, and the Chart.js evolution
charts are drawn from the json_script data, with no Content Security Policy violation."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accounts.constants import Roles
from hvt.constants import PlaceCategories
from hvt.models import CapacitySnapshot
from tests.factories import TEST_PASSWORD, make_user
from tests.hvt.helpers import make_place

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, databases=["default", "crt"])]  # pages ask the CRT realm


def test_vlot_dashboard_renders_table_and_charts_without_csp_violation(page, browser_login):
    vlot = make_user(Roles.HVT_VLOT, username="vlot-ovl-e2e", provinces=["40000"])
    make_place(municipality="44021", capacity=12)  # Gent, Oost-Vlaanderen
    make_place(municipality="71072", capacity=9)  # Hasselt, Limburg: outside the VLOT's scope
    rows = []
    for year, month, day in [(2023, 6, 30), (2023, 12, 31), (2024, 6, 30), (2024, 12, 31)]:
        date = dt.date(year, month, day)
        collective = 100 if year == 2023 else 40
        rows += [
            CapacitySnapshot(date=date, municipality_id="44021", category=PlaceCategories.CAT3, capacity=120,
                             available=120, occupied=collective, free=120 - collective),
            CapacitySnapshot(date=date, municipality_id="44021", category=PlaceCategories.CAT1_PUBLIC, capacity=80,
                             available=80, occupied=100 - collective, free=80 - (100 - collective)),
        ]
    CapacitySnapshot.objects.bulk_create(rows)

    console = []
    page.on("console", lambda msg: console.append(msg.text))
    page.on("pageerror", lambda err: console.append(str(err)))
    browser_login(vlot.username, TEST_PASSWORD)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard opvangcapaciteit")

    table = page.get_by_test_id("dashboard-table")
    expect(table).to_be_visible()
    gent = table.locator('tr[data-refnis="44021"]')
    expect(gent).to_contain_text("Gent")
    expect(gent).to_contain_text("12")
    expect(gent.locator("progress.hvt-realisation")).to_have_count(0)  # no target round yet: no bar
    expect(table.locator('tr[data-refnis="71072"]')).to_have_count(0)

    canvas = page.locator("#hvt-chart-available")
    expect(canvas).to_be_visible()
    page.wait_for_function(
        "() => window.Chart && ['hvt-chart-available', 'hvt-chart-occupied', 'hvt-chart-shift']"
        ".every(id => window.Chart.getChart(document.getElementById(id)))"
    )
    assert page.evaluate("() => window.Chart.getChart(document.getElementById('hvt-chart-occupied')).data.labels") == [
        "2023-06-30", "2023-12-31", "2024-06-30", "2024-12-31"]
    assert canvas.bounding_box()["height"] > 100
    expect(page.get_by_test_id("dashboard-shift")).to_contain_text("31-12-2023")  # Belgian date (issue 12 item 5)

    # furthest behind first by default (issue 11); sorted by name on request, and back
    expect(page.locator("main")).to_contain_text("Gesorteerd op achterstand")
    page.get_by_role("link", name="op naam").click()
    expect(page.locator("main")).not_to_contain_text("Gesorteerd op achterstand")
    page.get_by_role("link", name="Waar bijsturen: laagste realisatie eerst").click()
    expect(page.locator("main")).to_contain_text("Gesorteerd op achterstand")
    expect(page.get_by_test_id("dashboard-table")).to_be_visible()

    # the map's GeoJSON is fetched after the page loads: let it land before the test (and its database) ends
    expect(page.get_by_test_id("dashboard-map")).to_have_attribute("data-ready", re.compile(r"^\d+$"))
    violations = [text for text in console if "Content Security Policy" in text]
    assert violations == [], violations
