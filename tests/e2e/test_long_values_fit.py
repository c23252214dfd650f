"""Browser: values as long as the forms allow, without a space to break at (a pasted URL in the
notes, a 200-character operator name), never make a page wider than the 1,366 px window: the
place list, the place page, its edit form, the offer queue and decision, the portal user's offers
and the municipality page of the VLOT. (The watch of
tests/e2e/conftest.py fails the test on any horizontal scrolling.)"""

import pytest

from accounts.constants import Roles
from tests.e2e.conftest import login_on
from tests.factories import TEST_PASSWORD, make_user
from tests.hvt.helpers import allocate, make_offer, make_place

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, databases=["default", "crt"])]
LONG = "Opvanginitiatief" * 12 + "X" * 8  # 200 characters, no space


def test_long_unbroken_values_do_not_widen_the_pages(page, browser_login, new_page):
    from hvt.models import ReceptionPlace

    officer = make_user(Roles.HVT_MUNICIPAL_FULL, username="lange-waarden-e2e", municipalities=["44021"])
    place = make_place(capacity=3)
    ReceptionPlace.objects.filter(pk=place.pk).update(
        name=LONG, street=LONG, operator=LONG, notes="https://www.gent.be/" + "pad/" * 60)
    allocate(None, place, size=1, ref="R" * 40)
    browser_login(officer.username, TEST_PASSWORD)
    for path in ("/hvt/plaatsen/", f"/hvt/plaatsen/{place.pk}/", f"/hvt/plaatsen/{place.pk}/wijzigen/",
                 "/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1366, (path, width)

    # the offer as its portal user, the municipality and the queue see it
    from hvt.models import PlaceOffer

    offer = make_offer()
    PlaceOffer.objects.filter(pk=offer.pk).update(street=LONG, operator=LONG, notes="https://" + "x" * 300)
    for path in ("/hvt/validatie/", f"/hvt/validatie/{offer.pk}/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366, path
    portal = new_page()
    login_on(portal, offer.offered_by.username, TEST_PASSWORD)
    portal.goto("/hvt/aanbod/")
    portal.wait_for_load_state("networkidle")
    assert portal.evaluate("document.documentElement.scrollWidth") <= 1366
    # the VLOT's page of the municipality lists the place and its allocation
    vlot = new_page()
    login_on(vlot, make_user(Roles.HVT_VLOT, username="vlot-lang-e2e", provinces=["40000"]).username, TEST_PASSWORD)
    vlot.goto("/hvt/gemeenten/44021/")
    vlot.wait_for_load_state("networkidle")
    assert vlot.evaluate("document.documentElement.scrollWidth") <= 1366
