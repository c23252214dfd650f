"""Browser: a portal user offers a place; the officer of the municipality validates it from the
validation queue; the portal user then sees the offer as validated (and nothing of anyone else)."""

import re

import pytest
from playwright.sync_api import expect

from accounts.constants import Roles
from hvt.models import PlaceOffer
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, databases=["default", "crt"])]  # pages ask the CRT realm


def test_portal_user_offers_a_place_and_the_municipality_validates_it(page, browser_login):
    portal = make_user(Roles.PORTAL_USER, username="portaal-e2e")
    officer = make_user(Roles.HVT_MUNICIPAL_LIMITED, username="ambtenaar-gent-portaal-e2e", municipalities=["44021"])

    browser_login(portal.username, TEST_PASSWORD)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Mijn aanbod").click()
    expect(page.locator("main")).to_contain_text("U hebt nog geen plaatsen aangeboden.")
    page.get_by_role("link", name="Een opvangplaats aanbieden").click()
    page.get_by_label("Gemeente").select_option("44021")
    page.get_by_label("Straat").fill("Veldstraat")
    page.get_by_label("Huisnummer").fill("5")
    page.get_by_label("Postcode").fill("9000")
    page.get_by_label("Aanbieder (organisatie of contactpersoon)").fill("Familie P.")
    page.get_by_label("Aantal bedden").fill("3")
    page.get_by_label("Beschikbaar vanaf").fill("2022-03-01")  # before 14 March 2022: refused
    page.get_by_role("button", name="Bewaren").click()
    expect(page.locator("main")).to_contain_text("De startdatum kan niet voor 14 maart 2022 liggen.")
    page.get_by_label("Beschikbaar vanaf").fill("2024-05-01")
    page.get_by_role("button", name="Bewaren").click()
    expect(page.locator("main")).to_contain_text("Bedankt. Uw aanbod is doorgestuurd naar de gemeente.")
    expect(page.locator("main")).to_contain_text("Aangeboden")
    assert PlaceOffer.objects.get().status == "offered"
    page.get_by_role("button", name="Afmelden").click()

    browser_login(officer.username, TEST_PASSWORD)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Te valideren aanbod").click()
    page.get_by_role("link", name=re.compile("Veldstraat 5")).click()
    page.get_by_label("Controleur").fill("Inspecteur Gent")
    for criterion in ["Geen gebreken van categorie III", "Geen kritieke gebreken van categorie II",
                      "Niet op de inventaris ongeschikt/onbewoonbaar", "Geen overbewoning"]:
        page.get_by_label(criterion).check()
    page.get_by_role("button", name="Aanbod valideren").click()
    expect(page).to_have_url(re.compile(r"/hvt/plaatsen/\d+/$"))
    expect(page.locator("main")).to_contain_text("Aanbod gevalideerd: de opvangplaats is aangemaakt.")
    page.get_by_role("button", name="Afmelden").click()

    browser_login(portal.username, TEST_PASSWORD)
    page.goto("/hvt/aanbod/")
    expect(page.locator("main")).to_contain_text("Gevalideerd")
    assert PlaceOffer.objects.get().place.is_available
    page.goto("/hvt/plaatsen/")
    expect(page.locator("main")).not_to_contain_text("Veldstraat")
