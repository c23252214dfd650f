"""Browser: a coordinator signs in with password and TOTP and sees the navigation; a wrong password
shows the Dutch error. Playwright drives Debian's Chromium against the live server."""

import re

import pytest
from playwright.sync_api import expect

from accounts.constants import Roles
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, databases=["default", "crt"])]

TOTP_KEY_HEX = "3132333435363738393031323334353637383930"


@pytest.fixture
def coordinator():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user(Roles.HVT_COORDINATOR, username="coordinator-e2e", is_staff=True,
                     first_name="Katrien", last_name="Coördinator")
    TOTPDevice.objects.create(user=user, name="app", key=TOTP_KEY_HEX, confirmed=True)
    return user


def test_coordinator_signs_in_with_totp_and_sees_the_navigation(page, browser_login, coordinator):
    browser_login(coordinator.username, TEST_PASSWORD, totp_key_hex=TOTP_KEY_HEX)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom, Katrien Coördinator")
    nav = page.get_by_role("navigation", name="Hoofdnavigatie")
    expect(nav.get_by_role("link", name="Beheer")).to_be_visible()
    expect(nav.locator('a[href^="/crt/"]')).to_have_count(0)  # no CRT entry for an HVT coordinator
    expect(nav.get_by_role("button", name="Afmelden")).to_be_visible()
    # the navigation works: the admin opens for this verified staff coordinator
    nav.get_by_role("link", name="Beheer").click()
    expect(page).to_have_url(re.compile(r"/beheer/$"))
    expect(page.locator("body")).to_contain_text("Gebruikers en rollen")


def test_coordinator_without_the_second_factor_stays_on_the_totp_page(page, browser_login, coordinator):
    browser_login(coordinator.username, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/account/tweestapsverificatie/"))
    expect(page.get_by_role("heading", name="Tweestapsverificatie")).to_be_visible()
    page.goto("/beheer/")
    expect(page).to_have_url(re.compile(r"/account/tweestapsverificatie/\?next=%2Fbeheer%2F$"))
    page.get_by_label("Code uit uw authenticator-app").fill("000000")
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.locator("body")).to_contain_text("Deze code is niet juist of verlopen")


def test_wrong_password_shows_the_dutch_error(page, browser_login, coordinator):
    browser_login(coordinator.username, "dit-is-niet-het-wachtwoord")
    expect(page).to_have_url(re.compile(r"/account/aanmelden/"))
    expect(page.locator("main form")).to_contain_text(
        "Gebruikersnaam of wachtwoord is niet juist. Na 5 mislukte pogingen wordt de account tijdelijk geblokkeerd."
    )
    expect(page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Beheer")).to_have_count(0)
