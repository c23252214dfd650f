"""Browser: CRT reporting sees suppressed, rounded aggregates only; the CRT security auditor reads
who opened which dossier in the CRT admin's audit trail (and finds everyone who saw a person by
the dossier number); an HVT coordinator (a superuser too) gets nothing of the CRT."""

import datetime as dt
import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from crt.constants import CrtRoles
from crt.models import Organisation
from crt.numbers import generate_number
from crt.selectors import dossier_view
from crt.services import PersonInput, person_register
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, databases=["default", "crt"])]


def _user(role, username, **fields):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user(role, username=username, **fields)
    TOTPDevice.objects.create(user=user, name="app", key=settings.DEMO_TOTP_HEX_KEY, confirmed=True)
    return user


@pytest.fixture
def dossiers():
    org, _ = Organisation.objects.using("crt").get_or_create(code="atlas", defaults={"name": "Atlas (Antwerpen)"})
    cm = _user(CrtRoles.CASE_MANAGER, "cm-e2e", crt_organisation=org)
    out = []
    for i, refnis in enumerate(["44021"] * 7 + ["11002"] * 2):
        birth = dt.date(1970 + i, 3, 3)
        out.append(person_register(actor=cm, organisation=org, confirm_duplicate=True, data=PersonInput(
            first_name=f"Zoryana{i}", last_name="Bezpalko", birth_date=birth, sex="F",
            national_number=generate_number(birth, 100 + 2 * i), municipality_refnis=refnis)))
    dossier_view(user=cm, dossier=out[0])
    return out


def test_reporting_sees_suppressed_aggregates_only(page, browser_login, dossiers):
    user = _user(CrtRoles.REPORTING, "reporting-e2e")
    console = []  # (every console error fails the test anyway: tests/e2e/conftest.py)
    page.on("console", lambda msg: console.append(msg.text))
    browser_login(user.username, TEST_PASSWORD, totp_key_hex=settings.DEMO_TOTP_HEX_KEY)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="CRT-rapportage").click()
    # Six charts drawn from the json_script data under the strict CSP; a suppressed cell is labelled "x".
    page.wait_for_function("() => window.Chart && [...document.querySelectorAll('canvas[data-chart]')]"
                           ".filter(c => window.Chart.getChart(c)).length === 6")
    labels = page.evaluate("() => window.Chart.getChart(document.querySelector('canvas[data-chart=crt-chart-sex]'))"
                           ".data.labels")
    assert labels[0] == "vrouw (x)"  # 9 women, men and other 0 (hidden): women hidden too
    assert not [text for text in console if "Content Security Policy" in text], console
    table = page.get_by_role("region", name="Gemeente")
    expect(table.locator("tbody tr")).to_have_count(285)  # every municipality, whether anyone lives there or not
    # Antwerpen has 2 and 283 municipalities none (suppressed), so Gent (7) is suppressed as well;
    # the total 9 is published rounded to a multiple of 5.
    expect(table.locator("tbody")).not_to_contain_text("7")
    expect(table.locator("tfoot")).to_contain_text("10")
    expect(page.locator("#publication-method")).to_contain_text("veelvoud van 5")
    expect(page.locator("main")).not_to_contain_text("Bezpalko")
    with page.expect_download() as download:
        table.get_by_role("link", name="CSV").click()
    content = open(download.value.path(), encoding="utf-8").read()
    assert "Antwerpen;x" in content and "Gent;x" in content and "Totaal;10" in content


def test_auditor_reads_who_opened_a_dossier(page, browser_login, dossiers):
    user = _user(CrtRoles.SECURITY_AUDITOR, "auditor-e2e")
    browser_login(user.username, TEST_PASSWORD, totp_key_hex=settings.DEMO_TOTP_HEX_KEY)
    # the auditor's way in: the menu, the CRT admin, the audit trail, the filter "view"
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="CRT-beheer").click()
    page.get_by_role("link", name="CRT-auditgebeurtenissen").first.click()
    expect(page).to_have_url(re.compile(r"/crt/beheer/crt/auditevent/"))
    page.goto("/crt/beheer/crt/auditevent/?action__exact=view")
    expect(page.locator("#result_list")).to_contain_text("cm-e2e")
    expect(page.locator("#result_list")).to_contain_text(str(dossiers[0].pk))
    expect(page.get_by_role("link", name=re.compile("toevoegen", re.I))).to_have_count(0)
    # Who saw this person: the dossier number in the search box finds every event that showed them.
    page.goto("/crt/beheer/crt/auditevent/")
    page.locator("#searchbar").fill(dossiers[0].number)
    page.locator("#searchbar").press("Enter")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)  # registered (create) and opened (view)
    expect(page.locator("#result_list")).to_contain_text("cm-e2e")
    expect(page.locator("#result_list")).not_to_contain_text(dossiers[1].number)


def test_superuser_without_crt_role_gets_nothing(page, browser_login, dossiers):
    user = _user(None, "root-e2e", is_superuser=True, is_staff=True)
    browser_login(user.username, TEST_PASSWORD, totp_key_hex=settings.DEMO_TOTP_HEX_KEY)
    for path in ["/crt/", "/crt/dossiers/", f"/crt/dossiers/{dossiers[0].pk}/", "/crt/rapportage/"]:
        response = page.goto(path)
        assert response.status == 404, path
        expect(page.locator("body")).not_to_contain_text("Bezpalko")
    response = page.goto("/crt/beheer/")  # → the CRT admin login, which answers 404 (no loop, no form)
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("Bezpalko")
    expect(page.locator("input[name=password]")).to_have_count(0)
