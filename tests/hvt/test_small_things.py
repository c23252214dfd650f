"""Small things HVT users noticed (issue 12, item 12): the place name on the place page, a capacity
change in the place's timeline, the home card "Gemeenten onder 50 %" opening those municipalities."""

import datetime as dt

import pytest

from accounts.constants import Roles
from hvt import services
from hvt.periods import periods_create_missing
from tests.factories import make_user
from tests.hvt.helpers import GENT, register

pytestmark = pytest.mark.django_db(databases=["default", "crt"])  # pages render the navigation, which asks the CRT realm


@pytest.fixture
def officer():
    return make_user(Roles.HVT_MUNICIPAL_FULL, username="gent-klein", municipalities=[GENT])


def test_the_place_page_shows_the_name_and_the_capacity_change(login, officer):
    place = register(officer, name="Opvang De Linde", capacity=4, start_date=dt.date(2022, 4, 1))
    services.place_update(actor=officer, place=place, capacity=6)
    body = login(officer).get(f"/hvt/plaatsen/{place.pk}/").content.decode()
    assert '<h1 class="h3">Opvang De Linde</h1>' in body
    assert "Capaciteit gewijzigd van 4 naar 6 bedden (gent-klein)" in body


def test_home_card_under_50_percent_opens_only_those_municipalities(login):
    coordinator = make_user(Roles.HVT_COORDINATOR, is_staff=True)
    client = login(coordinator)
    card = next(c for c in client.get("/").context["home_cards"] if str(c["title"]).startswith("Gemeenten onder"))
    assert "onder=50" in card["url"]
    response = client.get(card["url"])
    assert response.context["lagging_only"] is True
    assert all(r["realisation"] is not None and r["realisation"] < 50 for r in response.context["overview"]["rows"])
    assert "Alleen de gemeenten onder 50 % realisatie." in response.content.decode()


def test_the_place_list_has_page_numbers_a_page_size_and_keeps_its_filters(login, officer):
    from hvt.models import ReceptionPlace

    for i in range(3):
        register(officer, street=f"Lijststraat {i}", house_number=str(i + 1))
    place = ReceptionPlace.objects.first()
    ReceptionPlace.objects.bulk_create([
        ReceptionPlace(**{f.attname: getattr(place, f.attname) for f in ReceptionPlace._meta.concrete_fields
                          if f.attname != "id" and not f.generated} | {"house_number": str(100 + i)}) for i in range(120)])
    periods_create_missing()  # as every bulk load does: a place always has a period (hvt migration 0008)
    client = login(officer)
    body = client.get("/hvt/plaatsen/?q=Lijststraat&per=25&pagina=2").content.decode()
    assert 'aria-current="page"><span class="page-link">2<' in body
    assert "q=Lijststraat&amp;per=25&amp;pagina=3" in body  # the filter survives paging
    assert 'aria-label="Pagina 5"' in body  # the last page is numbered (123 places, 25 a page)
    assert '<option value="25" selected>' in body
    assert len(client.get("/hvt/plaatsen/?q=Lijststraat&per=100").context["page"]) == 100
