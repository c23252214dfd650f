"""Keyboard only: a municipal officer reaches the place registration form from the home page and
submits it with Tab, typing and Enter, and every element that takes the focus shows an outline."""

import re

import pytest
from playwright.sync_api import expect

from accounts.constants import Roles
from hvt.models import ReceptionPlace
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, databases=["default", "crt"])]  # pages ask the CRT realm

# The focused element, and whether its focus indicator can be seen (an outline or a box-shadow ring).
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 1;
  const ring = s.boxShadow && s.boxShadow !== "none";
  // On a date field's calendar button (inside the browser's own shadow tree, so the field itself is not
  // :focus) Chromium draws the ring on the button; page CSS cannot reach it (checked on a screenshot).
  const pickerButton = el.type === "date" && !el.matches(":focus");
  return {tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || "").trim(),
          visible: outline || ring || pickerButton, outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`};
}"""


def tab_to(page, matches, *, limit=120):
    """Press Tab until the focused element matches; assert every element passed on the way shows focus."""
    passed = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        passed.append(focused)
        assert focused["visible"], f"no visible focus indicator on {focused}"
        if matches(focused):
            return focused
    raise AssertionError(f"not reached with {limit} Tabs; focus went through {[(f['tag'], f['id'], f['text'][:30]) for f in passed]}")


def by_id(ident):
    return lambda f: f["id"] == ident


def by_text(tag, text):
    return lambda f: f["tag"] == tag and f["text"] == text


def test_officer_registers_a_place_with_the_keyboard_only(page, browser_login):
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, username="toetsenbord-gent", municipalities=["44021"])
    browser_login(officer.username, TEST_PASSWORD)
    page.goto("/")
    page.locator("body").focus()

    # From the top of the home page: the skip link comes first, then the main navigation.
    first = tab_to(page, lambda f: True)
    assert first["text"] == "Naar de inhoud", first
    tab_to(page, by_text("a", "Opvangplaatsen"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Opvangplaatsen")

    tab_to(page, by_text("a", "Opvangplaats registreren"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Opvangplaats registreren")

    tab_to(page, by_id("id_municipality"))
    page.keyboard.type("Gent")
    values = {
        "id_street": "Kouter",
        "id_house_number": "29",
        "id_postal_code": "9000",
        "id_operator": "OCMW Gent",
        "id_capacity": "4",
    }
    for ident, value in values.items():
        tab_to(page, by_id(ident))
        page.keyboard.type(value)
    tab_to(page, by_id("id_start_date"))
    # The date field's segments follow Chromium's UI locale (dd/mm or mm/dd): 1 January reads the same in both.
    page.keyboard.type("01012024")
    expect(page.locator("#id_start_date")).to_have_value("2024-01-01")
    expect(page.locator("#id_municipality")).to_have_value("44021")

    tab_to(page, by_text("button", "Bewaren"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/hvt/plaatsen/\d+/$"))
    expect(page.locator("main")).to_contain_text("Geregistreerd – wacht op validatie")
    place = ReceptionPlace.objects.get()
    assert (place.municipality_id, place.street, place.house_number, place.capacity) == ("44021", "Kouter", "29", 4)
