"""Browser (Playwright, Debian chromium; owned by the licensing app): support signs in with TOTP, reads the 2024 licence plan,
assigns a licence; a user without a licence meets the Dutch "no licence" page."""

from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from playwright.sync_api import expect

from accounts.constants import Roles
from licensing.models import LicenceAssignment
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, databases=["default", "crt"])]


@pytest.fixture
def plans():
    # A transactional test elsewhere may have flushed the migration's rows: load them again (idempotent).
    import_module("licensing.migrations.0002_licence_plans").load(apps, None)


@pytest.fixture
def support_user(plans):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user(Roles.SUPPORT, username="support-e2e", first_name="Sam", last_name="Support", is_staff=True)
    TOTPDevice.objects.create(user=user, name="app", key=settings.DEMO_TOTP_HEX_KEY, confirmed=True)
    return user


def test_support_reads_the_plan_and_assigns_a_licence(page, browser_login, support_user):
    newcomer = make_user(username="nieuwe-collega")
    browser_login(support_user.username, TEST_PASSWORD, totp_key_hex=settings.DEMO_TOTP_HEX_KEY)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Licenties").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Licenties")
    total = page.locator("#plan-total")
    expect(total).to_contain_text("250")
    expect(total).to_contain_text("160")
    expect(total).to_contain_text("410")
    expect(page.locator("#portal-seats")).to_contain_text("50 portaallicenties")

    page.get_by_label("Gebruikersnaam").fill("nieuwe-collega")
    page.get_by_label("Licentiepool").select_option(label="Licentieplan 2024 · HVT · Lokale en regionale besturen · volledig")
    page.get_by_role("button", name="Toekennen").click()
    expect(page.get_by_role("alert")).to_contain_text("Licentie toegekend aan nieuwe-collega")
    assert LicenceAssignment.objects.filter(user=newcomer, released_at__isnull=True, tool="hvt").exists()

    page.get_by_role("link", name="Deactivaties en portaalgebruik").click()
    expect(page.locator("#deactivation-total")).to_contain_text("0 gebruikers gedeactiveerd sinds de start")


def test_without_licence_the_tool_says_whom_to_ask(page, browser_login, plans, settings):
    settings.LICENCE_ENFORCEMENT = True
    make_user(Roles.SUPPORT, username="helpdesk-e2e", email="helpdesk@test.invalid")
    officer = make_user(Roles.HVT_MUNICIPAL_LIMITED, username="officer-e2e", municipalities=["44021"])
    browser_login(officer.username, TEST_PASSWORD)
    page.goto("/hvt/plaatsen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("U hebt geen licentie voor HVT")
    expect(page.locator("main")).to_contain_text("Vraag een licentie aan bij support")
    expect(page.get_by_role("link", name="helpdesk@test.invalid")).to_be_visible()
