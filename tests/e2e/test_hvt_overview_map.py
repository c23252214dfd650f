"""Browser: the VLOT overview of issue 11 in a 1,366 px wide window. A VLOT user of two provinces
opens the overview; the municipality map (d3-geo, vendored) is drawn from the GeoJSON contract
with a legend; the user filters one province (the map and the table follow), hovers a municipality
(its figures appear), reaches one with the keyboard and opens it with Enter, clicks another on the
map, downloads the CSV export (the filtered figures), and the page never scrolls sideways. A
screenshot of the map is not blank, and no console error or CSP violation is reported."""

import datetime as dt
import struct
import zlib

import pytest
from playwright.sync_api import expect

from accounts.constants import Roles
from geo.models import Municipality
from geo.services import bundled_boundaries_load
from hvt.constants import PlaceCategories
from hvt.models import CapacitySnapshot
from tests.factories import TEST_PASSWORD, make_user
from tests.hvt.helpers import make_place, make_target

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, databases=["default", "crt"])]

GENT, AALST, ANTWERPEN, HASSELT = "44021", "41002", "11002", "71072"
OOST_VLAANDEREN, ANTWERPEN_PROVINCE = "40000", "10000"


def _png_colours(png: bytes) -> int:
    """Distinct pixel colours of an 8-bit RGB(A) PNG (a small decoder: no imaging library here)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour_type = struct.unpack(">IIBB", data[:10])
            assert depth == 8 and colour_type in (2, 6)
            bpp = 4 if colour_type == 6 else 3
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    previous = bytearray(stride)
    colours = set()
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        colours.update(bytes(line[i:i + 3]) for i in range(0, stride, bpp * 7))  # every 7th pixel is enough
        previous = line
    return len(colours)


def test_vlot_overview_map_filter_hover_keyboard_click_export_and_fit(page, browser_login):
    bundled_boundaries_load()
    vlot = make_user(Roles.HVT_VLOT, username="vlot-map-e2e", provinces=[OOST_VLAANDEREN, ANTWERPEN_PROVINCE])
    make_place(municipality=GENT, capacity=12)
    make_place(municipality=AALST, capacity=3)
    make_place(municipality=ANTWERPEN, capacity=9)
    make_place(municipality=HASSELT, capacity=7)  # Limburg: outside the VLOT's scope
    make_target(municipality=GENT)  # a round: every municipality gets its share of 2,850 beds
    CapacitySnapshot.objects.bulk_create([
        CapacitySnapshot(date=dt.date(2024, 1, 7) + dt.timedelta(weeks=w), municipality_id=GENT,
                         category=PlaceCategories.CAT1_PUBLIC, capacity=12, available=12, occupied=w, free=12 - w)
        for w in range(6)
    ])
    in_scope = Municipality.objects.filter(province_id__in=[OOST_VLAANDEREN, ANTWERPEN_PROVINCE]).count()
    in_ovl = Municipality.objects.filter(province_id=OOST_VLAANDEREN).count()

    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda err: problems.append(str(err)))
    browser_login(vlot.username, TEST_PASSWORD)
    page.goto("/hvt/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard opvangcapaciteit")

    the_map = page.get_by_test_id("dashboard-map")
    expect(the_map).to_have_attribute("data-ready", str(in_scope))
    expect(the_map.locator("a.hvt-map-area")).to_have_count(in_scope)
    expect(the_map.locator(f'a[data-refnis="{HASSELT}"]')).to_have_count(0)
    expect(page.get_by_test_id("dashboard-map-legend")).to_contain_text("geen objectief")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

    # filter one province: the map and the table follow
    page.get_by_label("Provincie").select_option(OOST_VLAANDEREN)
    page.get_by_role("button", name="Tonen").click()
    expect(the_map).to_have_attribute("data-ready", str(in_ovl))
    expect(the_map.locator(f'a[data-refnis="{ANTWERPEN}"]')).to_have_count(0)
    expect(page.get_by_test_id("dashboard-table").locator(f'tr[data-refnis="{ANTWERPEN}"]')).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

    # hover: the figures of the municipality
    info = page.get_by_test_id("dashboard-map-info")
    the_map.locator(f'a[data-refnis="{AALST}"]').hover()
    expect(info).to_contain_text("Aalst: 3 beschikbaar")
    # not blank: the map holds the colour steps of the legend, not one flat colour
    assert _png_colours(the_map.screenshot()) >= 5

    # keyboard: a municipality is a link in the tab order; focus shows its figures; Enter opens it
    gent = the_map.locator(f'a[data-refnis="{GENT}"]')
    gent.focus()
    expect(info).to_contain_text("Gent: 12 beschikbaar")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{page.url.split('/hvt/')[0]}/hvt/gemeenten/{GENT}/")
    expect(page.get_by_test_id("municipality-figures")).to_contain_text("12")
    page.go_back()

    # click on the map opens the municipality too
    expect(the_map).to_have_attribute("data-ready", str(in_ovl))
    the_map.locator(f'a[data-refnis="{AALST}"]').click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Aalst")
    page.go_back()

    # the export: the filtered figures, as CSV
    with page.expect_download() as download:
        page.get_by_test_id("dashboard-export-csv").click()
    content = open(download.value.path(), encoding="utf-8-sig").read()
    assert "Gent" in content and "Aalst" in content and "Antwerpen" not in content and "Hasselt" not in content

    # the evolution charts and their table alternative
    page.wait_for_function("() => window.Chart && window.Chart.getChart(document.getElementById('hvt-chart-available'))")
    expect(page.get_by_test_id("dashboard-evolution-table")).to_contain_text("11-02-2024")

    expect(the_map).to_have_attribute("data-ready", str(in_ovl))  # the last fetch landed before the test ends
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert problems == [], problems
