"""Browser: a CRT case manager signs in with TOTP, registers a person (filled from the national
register simulator), sees the masked number, opens the identity block, corrects the phone number
(opening that form asks for a reason, on a POST), and makes a referral."""

import datetime as dt
import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from crt.constants import CrtRoles
from crt.models import AuditEvent, Dossier, Referral
from crt.numbers import generate_number
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, databases=["default", "crt"])]

NUMBER = generate_number(dt.date(1987, 5, 17), 212, bis_number=True)


@pytest.fixture
def case_manager():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from crt.models import Organisation

    org, _ = Organisation.objects.using("crt").get_or_create(code="atlas", defaults={"name": "Atlas (Antwerpen)"})
    user = make_user(CrtRoles.CASE_MANAGER, username="dossierbeheerder-e2e", crt_organisation=org,
                     first_name="Sara", last_name="Dossierbeheerder")
    TOTPDevice.objects.create(user=user, name="app", key=settings.DEMO_TOTP_HEX_KEY, confirmed=True)
    return user


def test_case_manager_registers_a_person_and_makes_a_referral(page, browser_login, case_manager):
    browser_login(case_manager.username, TEST_PASSWORD, totp_key_hex=settings.DEMO_TOTP_HEX_KEY)
    nav = page.get_by_role("navigation", name="Hoofdnavigatie")
    nav.get_by_role("link", name="Persoon registreren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Persoon registreren")

    page.get_by_label("Rijksregisternummer of BIS-nummer").fill(NUMBER)
    page.get_by_label("Wettelijk doel van de opzoeking in het rijksregister").select_option("registration")
    page.get_by_role("button", name="Opzoeken in rijksregister").click()
    expect(page.locator("main")).to_contain_text("Gegevens ingevuld uit het rijksregister")
    expect(page.get_by_label("Geboortedatum")).to_have_value("1987-05-17")
    expect(page.get_by_label("Voornaam")).not_to_have_value("")

    page.get_by_label("Telefoon").fill("+32 470 11 22 33")
    page.get_by_label("Nummer attest tijdelijke bescherming").fill("TB-2022-123456")
    page.get_by_label("Attest geldig vanaf").fill("2022-04-01")
    page.get_by_label("Attest geldig tot").fill("2022-03-01")  # ends before it starts
    page.get_by_role("button", name="Registreren").click()
    expect(page.locator("main")).to_contain_text("Het attest kan niet eindigen voor het begint.")
    assert not Dossier.objects.using("crt").exists()

    page.get_by_label("Attest geldig tot").fill("2026-03-04")
    page.get_by_role("button", name="Registreren").click()
    expect(page).to_have_url(re.compile(r"/crt/dossiers/\d+/$"))
    dossier = Dossier.objects.using("crt").get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dossier {dossier.number}")
    expect(page.locator("#person-number")).to_have_text("••.••.••-•••.••")  # no digit of the number
    assert NUMBER not in page.url and NUMBER not in page.content()

    # The identity block: an audited read with a reason.
    page.get_by_label("Reden om de identiteit te tonen").select_option("contact")
    page.get_by_role("button", name="Identiteit tonen").click()
    expect(page.locator("#identity-block")).to_contain_text("+32 470 11 22 33")
    assert AuditEvent.objects.using("crt").filter(changes__identity_revealed=True, actor_id=case_manager.pk).count() == 1

    # Correcting contact data: opening the form asks why first (a POST); the GET reveals nothing.
    page.get_by_role("link", name="Gegevens verbeteren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gegevens verbeteren")
    expect(page.locator("main")).not_to_contain_text("+32 470 11 22 33")
    expect(page.get_by_label("Telefoon")).to_have_count(0)
    assert AuditEvent.objects.using("crt").filter(changes__identity_revealed=True, actor_id=case_manager.pk).count() == 1
    page.get_by_label("Reden om de identiteit te tonen").select_option("correction")
    page.get_by_role("button", name="Gegevens openen").click()
    expect(page.get_by_label("Telefoon")).to_have_value("+32 470 11 22 33")
    assert AuditEvent.objects.using("crt").filter(changes__identity_revealed=True, actor_id=case_manager.pk,
                                                  reason="Gegevens verbeteren").count() == 1
    page.get_by_label("Telefoon").fill("+32 470 44 55 66")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("main")).to_contain_text("Gegevens bijgewerkt.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dossier {dossier.number}")

    # A referral to work.
    page.get_by_label("Dienst").select_option("work")
    page.get_by_label("Notitie").last.fill("Afspraak bij VDAB")
    page.get_by_role("button", name="Doorverwijzen").click()
    expect(page.locator("main")).to_contain_text("Doorverwijzing geregistreerd.")
    expect(page.locator("#referrals")).to_contain_text("Werk")
    expect(page.locator("#referrals")).to_contain_text("Afspraak bij VDAB")
    expect(page.locator("#dossier-status")).to_have_text("doorverwezen")
    referral = Referral.objects.using("crt").get()
    assert referral.service == "work" and "VDAB" not in referral.note_enc


def test_case_manager_gets_a_duplicate_warning(page, browser_login, case_manager):
    from crt.models import Organisation
    from crt.services import PersonInput, person_register

    person_register(actor=case_manager, organisation=Organisation.objects.using("crt").get(code="atlas"),
                    data=PersonInput(first_name="Iryna", last_name="Melnyk", birth_date=dt.date(1987, 5, 17),
                                     sex="F", national_number=NUMBER, municipality_refnis="11002"))
    browser_login(case_manager.username, TEST_PASSWORD, totp_key_hex=settings.DEMO_TOTP_HEX_KEY)
    page.goto("/crt/personen/registreren/")
    page.get_by_label("Rijksregisternummer of BIS-nummer").fill(NUMBER)
    page.get_by_label("Voornaam").fill("Iryna")
    page.get_by_label("Familienaam").fill("Melnyk")
    page.get_by_label("Geboortedatum").fill("1987-05-17")
    page.get_by_label("Geslacht").select_option("F")
    page.get_by_label("Gemeente").select_option("11002")
    page.get_by_role("button", name="Registreren").click()
    expect(page.locator("#duplicate-warning")).to_contain_text("Mogelijke dubbele registratie")
    assert Dossier.objects.using("crt").count() == 1
