"""Browser: the header fits a 1,366 px window for the role with the most menu entries (a coordinator,
here also holding CRT central administration) — no horizontal scrolling, "Afmelden" and the language
choice on screen — and collapses into a menu on a small screen."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.constants import Roles
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, databases=["default", "crt"])]


@pytest.fixture
def coordinator():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from crt.realm import crt_role_assign

    user = make_user(Roles.HVT_COORDINATOR, username="coordinator-nav-e2e", is_staff=True,
                     first_name="Katrien", last_name="Van den Broeck-Coördinator")
    crt_role_assign(user=user, role=Roles.CRT_CENTRAL_ADMIN, organisation=None)
    TOTPDevice.objects.create(user=user, name="app", key=settings.DEMO_TOTP_HEX_KEY, confirmed=True)
    return user


def _on_screen(page, locator):
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


def test_header_fits_1366_for_the_coordinator(page, browser_login, coordinator):
    assert page.viewport_size == {"width": 1366, "height": 768}  # every browser test's window (conftest)
    browser_login(coordinator.username, TEST_PASSWORD, totp_key_hex=settings.DEMO_TOTP_HEX_KEY)
    nav = page.get_by_role("navigation", name="Hoofdnavigatie")
    for path in ("/", "/hvt/plaatsen/", "/crt/"):
        page.goto(path)
        assert nav.get_by_role("link").count() >= 12  # every entry of this user is there
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        logout = nav.get_by_role("button", name="Afmelden")
        expect(logout).to_be_visible()
        assert _on_screen(page, logout)
        assert _on_screen(page, page.get_by_label("Taal"))


@pytest.mark.viewport(400, 800)  # the small screen, on purpose
def test_header_collapses_into_a_menu_on_a_small_screen(page, browser_login, coordinator):
    assert page.viewport_size == {"width": 400, "height": 800}
    browser_login(coordinator.username, TEST_PASSWORD, totp_key_hex=settings.DEMO_TOTP_HEX_KEY)
    nav = page.get_by_role("navigation", name="Hoofdnavigatie")
    logout = nav.get_by_role("button", name="Afmelden")
    menu = nav.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(logout).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    assert _on_screen(page, page.get_by_label("Taal"))
    menu.click()
    expect(logout).to_be_visible()
    expect(nav.get_by_role("link", name="Opvangplaatsen")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
