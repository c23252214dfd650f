"""Browser: a portal user sees the status of each offer (the badge readable: its text colour differs
from its background, which the hvt stylesheet sets) and its history (offered, decided, reason)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from accounts.constants import Roles
from hvt import services
from hvt.models import PlaceOffer
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, databases=["default", "crt"])]

BADGE_COLOURS = """(el) => {
  const style = getComputedStyle(el);
  let bg = style.backgroundColor, node = el;
  while ((bg === "rgba(0, 0, 0, 0)" || bg === "transparent") && node.parentElement) {
    node = node.parentElement; bg = getComputedStyle(node).backgroundColor;
  }
  return [style.color, bg];
}"""


def _offer(portal, street):
    return services.offer_submit(actor=portal, municipality="44021", street=street, house_number="1",
                                 postal_code="9000", operator="Familie P.", capacity=2,
                                 available_from=dt.date(2024, 5, 1))


def test_portal_user_sees_each_status_readable_and_its_history(page, browser_login):
    portal = make_user(Roles.PORTAL_USER, username="portaal-status-e2e")
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, username="gent-status-e2e", municipalities=["44021"])
    _offer(portal, "Wachtstraat")
    rejected = _offer(portal, "Afgewezenstraat")
    services.offer_reject(actor=officer, offer=rejected, reason="Geen keuken")
    assert set(PlaceOffer.objects.values_list("status", flat=True)) == {"offered", "rejected"}

    browser_login(portal.username, TEST_PASSWORD)
    page.goto("/hvt/aanbod/")
    badges = page.get_by_test_id("offer-status")
    expect(badges).to_have_count(2)
    for i in range(2):
        colour, background = badges.nth(i).evaluate(BADGE_COLOURS)
        assert colour != background, (badges.nth(i).inner_text(), colour, background)
        assert background != "rgb(255, 255, 255)"
    row = page.locator("tr", has_text="Afgewezenstraat")
    expect(row).to_contain_text("Afgewezen door de gemeente")
    expect(row).to_contain_text("Reden: Geen keuken")
    expect(page.locator("tr", has_text="Wachtstraat")).to_contain_text("Wacht op validatie door de gemeente")
