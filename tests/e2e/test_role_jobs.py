"""Browser: the main job of the roles that had no browser test of their own (DOMAIN §1), by clicks
and form submits as a new user would, each with one bad input that must come back as a Dutch error
with the typed data kept. (Like every browser test: 1,366 × 768, no console error, no sideways
scrolling — tests/e2e/conftest.py.)

* hvt_municipal_limited: edits a place of its municipality and ends an allocation; no subsidy menu;
* hvt_coordinator: sets a round of indicative targets in the admin and sees them on the targets page;
* hvt_security_auditor: finds in the audit log who changed a place, and can change nothing;
* crt_central_admin: adds a CRT organisation and gives a user a CRT role in it;
* hvt_vlot: writes a steering note on a municipality of its province.
"""

import datetime as dt
import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.constants import Roles
from hvt import services as hvt_services
from hvt.models import Allocation, MunicipalityTarget, ReceptionPlace, TargetRound
from tests.factories import TEST_PASSWORD, make_user
from tests.hvt.helpers import allocate, make_place

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, databases=["default", "crt"])]
TOTP = settings.DEMO_TOTP_HEX_KEY


def _with_totp(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=user, name="app", key=TOTP, confirmed=True)
    return user


def _nav(page):
    return page.get_by_role("navigation", name="Hoofdnavigatie")


def _field_error(page, field_id):
    """The error text Django/Bootstrap shows for one field (its describedby or the next feedback)."""
    return page.locator(f"#{field_id}").locator("xpath=ancestor::*[self::div or self::p][1]")


def test_limited_officer_edits_a_place_and_ends_an_allocation(page, browser_login):
    officer = make_user(Roles.HVT_MUNICIPAL_LIMITED, username="beperkt-gent-e2e", municipalities=["44021"])
    place = make_place(capacity=4)
    allocate(None, place, size=2, start=dt.date(2022, 5, 1), ref="GENT-HH-0042")
    browser_login(officer.username, TEST_PASSWORD)
    expect(_nav(page).get_by_role("link", name="Afrekeningen")).to_have_count(0)  # no subsidy data
    expect(_nav(page).get_by_role("link", name="Subsidies")).to_have_count(0)

    _nav(page).get_by_role("link", name="Opvangplaatsen").click()
    page.get_by_role("link", name=re.compile("Matrixstraat")).first.click()
    expect(page).to_have_url(re.compile(rf"/hvt/plaatsen/{place.pk}/$"))
    page.get_by_role("link", name="Wijzigen", exact=True).click()

    # a bad edit: the place would end before it starts, and before its allocation
    page.get_by_label("Capaciteit (bedden)").fill("6")
    page.get_by_label("Uitbater").fill("OCMW Gent – dienst wonen")
    page.get_by_label("Einddatum (optioneel)").fill("2022-03-31")
    page.get_by_role("button", name="Bewaren").click()
    expect(page.locator("main .invalid-feedback, main .alert-danger, main .errorlist").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("Einddatum")
    errors = page.locator("main .invalid-feedback, main .alert-danger, main .errorlist").all_inner_texts()
    assert any("startdatum" in text.lower() or "begin" in text.lower() for text in errors), errors
    assert not any(re.search(r"\b(must|before|constraint|violat)", text, re.I) for text in errors), errors
    expect(page.get_by_label("Capaciteit (bedden)")).to_have_value("6")  # nothing typed is lost
    expect(page.get_by_label("Uitbater")).to_have_value("OCMW Gent – dienst wonen")
    place.refresh_from_db()
    assert place.capacity == 4 and place.end_date is None

    page.get_by_label("Einddatum (optioneel)").fill("")
    page.get_by_role("button", name="Bewaren").click()
    expect(page.locator("main")).to_contain_text("Opvangplaats gewijzigd.")
    expect(page.locator("main")).to_contain_text("Capaciteit gewijzigd van 4 naar 6 bedden")
    place.refresh_from_db()
    assert place.capacity == 6 and place.operator == "OCMW Gent – dienst wonen"

    # the household leaves: a last day before its first is refused in Dutch, the reason kept
    allocation = Allocation.objects.get(household_reference="GENT-HH-0042")
    page.get_by_role("row", name=re.compile("GENT-HH-0042")).get_by_role("link", name="beëindigen").click()
    page.get_by_label("Laatste dag").fill("2022-04-15")
    page.get_by_label("Reden").fill("Verhuisd naar een sociale woning")
    page.get_by_role("button", name="Bewaren").click()
    expect(page.get_by_label("Reden")).to_have_value("Verhuisd naar een sociale woning")
    errors = page.locator("main .invalid-feedback, main .alert-danger, main .errorlist").all_inner_texts()
    assert errors and not any(re.search(r"\b(must|before|constraint|violat)", t, re.I) for t in errors), errors
    allocation.refresh_from_db()
    assert allocation.end_date is None

    page.get_by_label("Laatste dag").fill("2022-06-30")
    page.get_by_role("button", name="Bewaren").click()
    expect(page.locator("main")).to_contain_text("Toewijzing beëindigd.")
    expect(page.locator("main")).to_contain_text("Toewijzing GENT-HH-0042 eindigt")
    allocation.refresh_from_db()
    assert allocation.end_date == dt.date(2022, 6, 30)


def test_coordinator_sets_a_round_of_targets(page, browser_login):
    from geo.models import Municipality, PopulationFigure

    PopulationFigure.objects.bulk_create([
        PopulationFigure(municipality=m, year=2024, men=5, women=5 + (m.refnis == "44021") * 90,
                         total=10 + (m.refnis == "44021") * 90)
        for m in Municipality.objects.all()
    ])
    coordinator = _with_totp(make_user(Roles.HVT_COORDINATOR, username="coordinatie-doel-e2e", is_staff=True))
    browser_login(coordinator.username, TEST_PASSWORD, totp_key_hex=TOTP)
    _nav(page).get_by_role("link", name="Beheer").click()
    page.get_by_role("link", name="Indicatieve objectieven (rondes)").first.click()
    page.get_by_role("link", name="Indicatief objectief (ronde) toevoegen").click()

    page.get_by_label("Totaal Vlaanderen").fill("0")
    page.get_by_label("Geldt vanaf").fill("01-01-2025")
    page.get_by_label("Toelichting").fill("Ronde januari 2025")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator("#content")).to_contain_text("Zorg ervoor dat deze waarde minstens 1 is.")
    expect(page.get_by_label("Toelichting")).to_have_value("Ronde januari 2025")
    assert not TargetRound.objects.exists()

    page.get_by_label("Totaal Vlaanderen").fill("3000")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("toegevoegd")
    round_ = TargetRound.objects.get()
    assert round_.total == 3000 and round_.note == "Ronde januari 2025"
    targets = MunicipalityTarget.objects.filter(round=round_)
    assert targets.count() == Municipality.objects.count()
    assert sum(targets.values_list("assigned", flat=True)) == 3000
    gent = targets.get(municipality_id="44021")

    page.goto("/")
    _nav(page).get_by_role("link", name=re.compile("Objectieven|Doelstellingen")).first.click()
    expect(page.locator("main")).to_contain_text("Gent")
    expect(page.get_by_role("row", name=re.compile(r"\bGent\b")).first).to_contain_text(str(gent.assigned))


def test_hvt_security_auditor_finds_who_changed_a_place(page, browser_login):
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, username="gent-wijziger-e2e", municipalities=["44021"])
    place = make_place(capacity=4)
    hvt_services.place_update(actor=officer, place=ReceptionPlace.objects.get(pk=place.pk), capacity=7)
    auditor = _with_totp(make_user(Roles.HVT_SECURITY_AUDITOR, username="auditor-hvt-e2e", is_staff=True))
    browser_login(auditor.username, TEST_PASSWORD, totp_key_hex=TOTP)
    _nav(page).get_by_role("link", name="Beheer").click()
    page.get_by_role("link", name="Auditgebeurtenissen").first.click()
    page.locator("#searchbar").fill("gent-wijziger-e2e")
    page.locator("#searchbar").press("Enter")
    rows = page.locator("#result_list tbody tr")
    expect(rows.first).to_be_visible()
    assert all("gent-wijziger-e2e" in text for text in rows.all_inner_texts())
    change = page.locator("#result_list tbody tr", has_text=str(place.pk)).first
    change.locator("th a, td a").first.click()
    expect(page.locator("#content")).to_contain_text("gent-wijziger-e2e")
    expect(page.locator("#content")).to_contain_text("7")
    expect(page.get_by_role("button", name=re.compile("Opslaan"))).to_have_count(0)  # read-only
    page.go_back()
    page.locator("#searchbar").fill("niemand-heeft-dit-gedaan")
    page.locator("#searchbar").press("Enter")
    expect(page.locator("#result_list")).to_have_count(0)
    expect(page.locator("#content")).to_contain_text("0 auditgebeurtenissen")


def test_crt_central_admin_adds_an_organisation_and_grants_a_role(page, browser_login):
    from crt.models import Organisation, RoleAssignment
    from crt.realm import crt_roles_for_user

    Organisation.objects.using("crt").create(code="atlas", name="Atlas (Antwerpen)")
    admin = _with_totp(make_user(Roles.CRT_CENTRAL_ADMIN, username="crt-centraal-e2e"))
    newcomer = make_user(None, username="nieuwe-dossierbeheerder-e2e")
    browser_login(admin.username, TEST_PASSWORD, totp_key_hex=TOTP)
    _nav(page).get_by_role("link", name="CRT-beheer").click()
    page.get_by_role("link", name="CRT-organisaties").first.click()
    page.get_by_role("link", name="CRT-organisatie toevoegen").click()
    page.get_by_label("Code").fill("atlas")  # taken
    page.get_by_label("Naam").fill("Vluchtelingenwerk Oost-Vlaanderen")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator("#content")).to_contain_text("bestaat al")
    expect(page.get_by_label("Naam")).to_have_value("Vluchtelingenwerk Oost-Vlaanderen")
    page.get_by_label("Code").fill("vwo")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("toegevoegd")
    vwo = Organisation.objects.using("crt").get(code="vwo")

    page.get_by_role("link", name="CRT-roltoekenningen").first.click()
    page.get_by_role("link", name="CRT-roltoekenning toevoegen").click()
    page.get_by_label("Gebruiker-id").fill("987654")  # nobody
    page.get_by_label("Rol").select_option("crt_case_manager")
    page.get_by_label("Organisatie").select_option(str(vwo.pk))
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.locator("#content")).to_contain_text("Er is geen gebruiker met dit id.")
    expect(page.get_by_label("Rol")).to_have_value("crt_case_manager")
    expect(page.get_by_label("Organisatie")).to_have_value(str(vwo.pk))
    page.get_by_label("Gebruiker-id").fill(str(newcomer.pk))
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("toegevoegd")
    expect(page.locator("#result_list")).to_contain_text("nieuwe-dossierbeheerder-e2e")
    assert RoleAssignment.objects.using("crt").filter(user_id=newcomer.pk, organisation=vwo).exists()
    assert "crt_case_manager" in {str(r) for r in crt_roles_for_user(newcomer)}


def test_vlot_writes_a_steering_note_for_a_municipality(page, browser_login):
    from hvt.models import SteeringNote

    vlot = make_user(Roles.HVT_VLOT, username="vlot-notitie-e2e", provinces=["40000"], first_name="Vera",
                     last_name="Vlot")
    make_place(capacity=5)
    browser_login(vlot.username, TEST_PASSWORD)
    _nav(page).get_by_role("link", name="Gemeenten").click()
    page.get_by_role("link", name="Gent", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gent")
    note = page.get_by_label("Nieuwe sturingsnotitie")
    note.fill("   ")  # nothing but spaces
    page.get_by_role("button", name="Notitie bewaren").click()
    notes = page.get_by_role("region", name="Sturingsnotities")
    expect(notes).to_contain_text("Dit veld is vereist.")
    assert not SteeringNote.objects.exists()
    note = page.get_by_label("Nieuwe sturingsnotitie")
    note.fill("Overleg met de stad over 20 extra bedden in maart.")
    page.get_by_role("button", name="Notitie bewaren").click()
    expect(page.locator("main")).to_contain_text("Notitie bewaard.")
    expect(notes.get_by_role("list")).to_contain_text("Overleg met de stad over 20 extra bedden in maart.")
    expect(notes.get_by_role("list")).to_contain_text("Vera Vlot")
    assert SteeringNote.objects.get().municipality_id == "44021"
