"""Browser: the subsidy coordination runs tranche 2022-06 (the progress bar reaches the end), a
municipal officer of Gent files a correction request on the statement, the coordination accepts it
and approves the run; the officer sees the answer. No console or CSP error; every page fits 1,366 px."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.conf import settings
from playwright.sync_api import expect

from accounts.constants import Roles
from budget.models import CorrectionRequest, SubsidyRun, Tranche
from hvt.constants import PlaceCategories as C
from tests.budget.subsidy_helpers import place
from tests.e2e.conftest import login_on
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, databases=["default", "crt"])]
WIDTH, HEIGHT = 1366, 768


def _login(page, username, totp_key_hex=None):
    login_on(page, username, TEST_PASSWORD, totp_key_hex)


def _fits(page):
    assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDTH, page.url


def test_coordinator_runs_officer_files_a_correction_coordinator_approves(page, new_page):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    importlib.import_module("budget.migrations.0004_subsidy_scheme_data").load(apps, None)  # flushed by live_server
    Tranche.objects.filter(code="2022-06").update(correction_deadline=dt.date(2099, 12, 31))
    hotel = place(category=C.CAT2, subtype="hotel", capacity=2, start=dt.date(2022, 6, 1))
    boss = make_user(Roles.HVT_SUBSIDY_COORDINATOR, username="subsidie-e2e")
    TOTPDevice.objects.create(user=boss, name="app", key=settings.DEMO_TOTP_HEX_KEY, confirmed=True)
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, username="gent-subsidie-e2e", municipalities=["44021"])

    # the coordination starts the run of 2022-06
    _login(page, boss.username, settings.DEMO_TOTP_HEX_KEY)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Subsidies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subsidieschijven")
    _fits(page)
    page.get_by_role("link", name="2022-06").click()
    page.get_by_test_id("run-start").click()
    expect(page.get_by_test_id("run-progress")).to_have_attribute("value", "100")
    expect(page.get_by_test_id("run-status")).to_contain_text("Ontwerp")
    expect(page.get_by_test_id("run-status")).to_contain_text("2.100,00")  # 30 days × 2 beds × € 35
    _fits(page)
    tranche_url = page.url
    assert SubsidyRun.objects.get(tranche__code="2022-06").progress == 100

    # the officer of Gent files a correction request on the hotel's line (own browser context)
    officer_page = new_page()  # its own browser context, watched like `page` (conftest)
    _login(officer_page, officer.username)
    officer_page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Afrekeningen").click()
    officer_page.get_by_role("link", name="2022-06").click()
    expect(officer_page.locator("main")).to_contain_text("Kouter 1")
    _fits(officer_page)
    line = SubsidyRun.objects.get(tranche__code="2022-06").lines.get(place=hotel, rule_kind="cat2_day")
    officer_page.get_by_label("Lijn").select_option(str(line.pk))
    officer_page.get_by_label("Wat is fout?").fill("Het hotel had vanaf 16 juni 3 bedden.")
    officer_page.get_by_label("Voorgestelde waarde").fill("3 bedden")
    officer_page.get_by_role("button", name="Indienen").click()
    expect(officer_page.locator("main")).to_contain_text("Uw correctieaanvraag is ingediend.")
    assert CorrectionRequest.objects.get().status == "open"

    # the coordination accepts it and approves the run
    page.goto(tranche_url)
    corrections = page.get_by_test_id("corrections")
    expect(corrections).to_contain_text("Het hotel had vanaf 16 juni 3 bedden.")
    corrections.locator("select[name=status]").select_option("accepted")
    corrections.locator("textarea[name=answer]").fill("Aanvaard: het derde bed telt mee.")
    corrections.get_by_role("button", name="Antwoorden").click()
    expect(page.locator("main")).to_contain_text("Aanvaard. Laat de gegevens van de plaats in de HVT aanpassen")
    expect(page.get_by_test_id("awaiting-recalculation")).to_be_visible()
    page.get_by_test_id("run-approve").click()
    expect(page.get_by_test_id("run-status")).to_contain_text("Goedgekeurd")
    _fits(page)
    assert SubsidyRun.objects.get(tranche__code="2022-06").status == "approved"

    # the officer sees the answer
    officer_page.reload()
    expect(officer_page.get_by_test_id("statement-requests")).to_contain_text("Aanvaard: het derde bed telt mee.")
    expect(officer_page.locator("main")).to_contain_text("Goedgekeurd")
    _fits(officer_page)
