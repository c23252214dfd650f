"""Browser: a municipal officer of Gent registers a place, records the housing-quality check and
validates it, allocates a household (an overbooking is refused with a Dutch message), and sees the
free beds of today go down."""

import re

import pytest
from playwright.sync_api import expect

from accounts.constants import Roles
from hvt.models import Allocation, ReceptionPlace
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, databases=["default", "crt"])]  # pages ask the CRT realm


def test_officer_registers_validates_and_allocates(page, browser_login):
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, username="ambtenaar-gent-e2e", municipalities=["44021"])
    browser_login(officer.username, TEST_PASSWORD)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Opvangplaatsen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opvangplaatsen")
    page.get_by_role("link", name="Opvangplaats registreren").click()

    page.get_by_label("Gemeente").select_option("44021")
    page.get_by_label("Straat").fill("Kouter")
    page.get_by_label("Huisnummer").fill("29")
    page.get_by_label("Postcode").fill("2000")  # Antwerpen: refused
    page.get_by_label("Uitbater").fill("OCMW Gent")
    page.get_by_label("Capaciteit (bedden)").fill("4")
    page.get_by_label("Categorie", exact=False).first.select_option("1_public")
    page.get_by_label("Startdatum").fill("2024-01-15")
    page.get_by_role("button", name="Bewaren").click()
    expect(page.locator("main")).to_contain_text("Postcode 2000 hoort niet bij deze gemeente.")
    assert not ReceptionPlace.objects.exists()

    page.get_by_label("Postcode").fill("9000")
    page.get_by_role("button", name="Bewaren").click()
    expect(page).to_have_url(re.compile(r"/hvt/plaatsen/\d+/$"))
    expect(page.locator("main")).to_contain_text("Geregistreerd – wacht op validatie")
    expect(page.get_by_test_id("free-beds")).to_have_text("0")

    page.get_by_role("link", name="Kwaliteitscontrole en validatie").click()
    page.get_by_label("Controleur").fill("Wonen-Vlaanderen")
    for criterion in ["Geen gebreken van categorie III", "Geen kritieke gebreken van categorie II",
                      "Niet op de inventaris ongeschikt/onbewoonbaar", "Geen overbewoning"]:
        page.get_by_label(criterion).check()
    page.get_by_role("button", name="Controle registreren en valideren").click()
    expect(page.locator("main")).to_contain_text("Controle geregistreerd en plaats gevalideerd.")
    expect(page.get_by_test_id("free-beds")).to_have_text("4")

    page.get_by_role("link", name="Gezin toewijzen").click()
    page.locator("#id_household_reference").fill("GENT-2024-0007")
    page.locator("#id_household_size").fill("5")
    page.locator("#id_adults").fill("2")
    page.locator("#id_minors").fill("3")
    page.get_by_role("button", name="Bewaren").click()
    expect(page.locator("main")).to_contain_text("Niet genoeg vrije bedden in deze periode: 4 vrij, 5 nodig.")
    assert not Allocation.objects.exists()

    page.locator("#id_household_size").fill("3")
    page.locator("#id_minors").fill("1")
    page.get_by_role("button", name="Bewaren").click()
    expect(page.locator("main")).to_contain_text("Gezin toegewezen.")
    expect(page.get_by_test_id("free-beds")).to_have_text("1")
    expect(page.locator("main")).to_contain_text("GENT-2024-0007")
    allocation = Allocation.objects.get()
    assert allocation.household_size == 3 and allocation.place.status == "validated"
