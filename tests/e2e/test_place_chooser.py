"""Browser: an officer of two municipalities moves a family by typing part of the address or municipality into the
place chooser (a combobox, keyboard only), sees municipality and free beds for the period, and
the page logs no console error (issue 12, item 9)."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accounts.constants import Roles
from hvt.models import Allocation
from tests.factories import TEST_PASSWORD, make_user
from tests.hvt.helpers import ANTWERPEN, ANTWERPEN_POSTAL, GENT, allocate, validated

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, databases=["default", "crt"])]


def test_move_a_family_by_searching_the_place(page, browser_login):
    coordinator = make_user(Roles.HVT_MUNICIPAL_FULL, username="officer-chooser-e2e", municipalities=[GENT, ANTWERPEN])
    home = validated(coordinator, street="Thuisstraat", capacity=6)
    for number in range(30):  # a long list that nobody should scroll
        validated(coordinator, street="Vulstraat", house_number=str(number + 1), capacity=2)
    target = validated(coordinator, municipality=ANTWERPEN, postal_code=ANTWERPEN_POSTAL, street="Meir",
                       house_number="7", capacity=5)
    allocation = allocate(coordinator, home, size=3, start=dt.date(2024, 1, 1))
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    browser_login(coordinator.username, TEST_PASSWORD)
    page.goto(f"/hvt/toewijzingen/{allocation.pk}/verhuizen/")
    expect(page.get_by_role("search", name="Plaats zoeken")).to_be_hidden()  # the no-JS search gives way
    chooser = page.get_by_role("combobox", name="Naar plaats")
    chooser.fill("antw")
    listbox = page.get_by_role("listbox")
    expect(listbox.get_by_role("option")).to_have_count(1)
    expect(listbox.get_by_role("option").first).to_contain_text("Meir 7, 2000 Antwerpen")
    expect(listbox.get_by_role("option").first).to_contain_text("Antwerpen · 5 vrije bedden in de periode")
    chooser.press("ArrowDown")
    expect(chooser).to_have_attribute("aria-activedescendant", re.compile(r"_option_0$"))
    chooser.press("Enter")
    expect(chooser).to_have_attribute("aria-expanded", "false")
    expect(chooser).to_have_value(re.compile(r"^Meir 7, 2000 Antwerpen"))

    page.get_by_label("Verhuisdatum (eerste dag in de nieuwe plaats)").fill("2024-02-01")
    page.get_by_role("button", name="Bewaren").click()
    expect(page).to_have_url(re.compile(rf"/hvt/plaatsen/{target.pk}/$"))
    assert Allocation.objects.get(moved_from=allocation).place_id == target.pk
    assert problems == []


def test_a_household_too_big_for_a_place_is_told_before_choosing(page, browser_login):
    coordinator = make_user(Roles.HVT_MUNICIPAL_FULL, username="officer-chooser-e2e-2", municipalities=[GENT])
    home = validated(coordinator, street="Thuisstraat", capacity=6)
    validated(coordinator, street="Kleinstraat", capacity=2)
    allocation = allocate(coordinator, home, size=4, start=dt.date(2024, 1, 1))
    browser_login(coordinator.username, TEST_PASSWORD)
    page.goto(f"/hvt/toewijzingen/{allocation.pk}/verhuizen/")
    page.get_by_role("combobox", name="Naar plaats").fill("klein")
    expect(page.get_by_role("listbox").get_by_role("option").first).to_contain_text("2 vrije bedden in de periode (te weinig voor dit gezin)")
