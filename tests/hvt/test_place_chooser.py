"""The place chooser (issue 12, item 9): moving a family searches the places instead of scrolling
1,346 of them; each shows its municipality and the beds free for the period; the server scopes
the answer to the places the user may allocate to."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hvt.choices import CHOICES_LIMIT
from hvt.models import Allocation
from tests.hvt.helpers import ANTWERPEN, ANTWERPEN_POSTAL, GENT, HASSELT, allocate, make_place, validated

pytestmark = pytest.mark.django_db(databases=["default", "crt"])  # pages render the navigation

URL = reverse("hvt:place_choices")
TODAY = dt.datetime(2022, 6, 1, 10, 0)


@pytest.fixture(autouse=True)
def _today(frozen_now):
    frozen_now(TODAY)


def _ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_answer_holds_only_validated_places_in_the_write_scope(client, login, gent_officer):
    gent = validated(gent_officer, street="Kouter")
    registered_only = make_place(municipality=GENT)
    registered_only.status = "registered"
    registered_only.save(update_fields=["status"])
    hasselt = make_place(municipality=HASSELT)
    login(gent_officer)
    ids = _ids(client.get(URL))
    assert gent.pk in ids
    assert hasselt.pk not in ids and registered_only.pk not in ids


def test_search_by_municipality_street_or_postal_code_shows_municipality_and_free_beds(client, login, coordinator):
    gent = validated(coordinator, street="Beekstraat", house_number="116", capacity=5)
    antwerpen = validated(coordinator, municipality=ANTWERPEN, postal_code=ANTWERPEN_POSTAL, street="Meir",
                          capacity=3)
    allocate(coordinator, gent, size=2, start=dt.date(2022, 5, 1))
    login(coordinator)
    assert _ids(client.get(URL, {"q": "gent"})) == [gent.pk]
    assert _ids(client.get(URL, {"q": "meir"})) == [antwerpen.pk]
    assert _ids(client.get(URL, {"q": ANTWERPEN_POSTAL})) == [antwerpen.pk]
    row = client.get(URL, {"q": "beekstraat 116"}).json()["results"][0]
    assert row["municipality"] == "Gent"
    assert row["label"] == "Beekstraat 116, 9000 Gent"
    assert row["free"] == 3 and row["free_text"] == "3 vrije bedden in de periode"


def test_free_beds_are_those_of_the_period_not_of_today(client, login, coordinator):
    place = validated(coordinator, capacity=4)
    allocate(coordinator, place, size=3, start=dt.date(2022, 9, 1), ref="HH-LATER")  # arrives later
    login(coordinator)
    assert client.get(URL, {"van": "2022-06-01", "tot": "2022-07-31"}).json()["results"][0]["free"] == 4
    assert client.get(URL, {"van": "2022-06-01"}).json()["results"][0]["free"] == 1  # open end: overlaps


def test_for_an_allocation_its_own_place_is_left_out_and_the_household_size_judged(client, login, coordinator):
    home = validated(coordinator, street="Thuisstraat", capacity=6)
    small = validated(coordinator, street="Kleinstraat", capacity=2)
    big = validated(coordinator, street="Grootstraat", capacity=6)
    allocation = allocate(coordinator, home, size=4)
    login(coordinator)
    rows = {row["id"]: row for row in client.get(URL, {"toewijzing": allocation.pk}).json()["results"]}
    assert home.pk not in rows
    assert rows[big.pk]["enough"] is True and rows[small.pk]["enough"] is False


def test_an_allocation_outside_the_scope_is_not_found(client, login, gent_officer, coordinator):
    elsewhere = allocate(coordinator, make_place(municipality=HASSELT))
    login(gent_officer)
    assert client.get(URL, {"toewijzing": elsewhere.pk}).status_code == 404


def test_a_reader_who_may_not_allocate_is_refused(client, login, make_user):
    login(make_user("hvt_vlot", provinces=["40000"]))
    assert client.get(URL).status_code == 403


def test_the_answer_is_limited_and_says_there_is_more_in_a_fixed_number_of_queries(client, login, coordinator):
    login(coordinator)
    make_place(municipality=GENT)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    for _ in range(CHOICES_LIMIT + 3):
        make_place(municipality=GENT)
    with CaptureQueriesContext(connection) as large:
        data = client.get(URL).json()
    assert len(data["results"]) == CHOICES_LIMIT and data["more"] is True
    assert len(large.captured_queries) == len(small.captured_queries)


def test_without_javascript_the_move_page_searches_and_lists_matches_only(client, login, coordinator):
    home = validated(coordinator, street="Thuisstraat", capacity=6)
    target = validated(coordinator, municipality=ANTWERPEN, postal_code=ANTWERPEN_POSTAL, street="Meir", capacity=5)
    other = validated(coordinator, street="Anderestraat", capacity=5)
    allocation = allocate(coordinator, home, size=2)
    login(coordinator)
    url = reverse("hvt:allocation_move", args=[allocation.pk])
    page = client.get(url, {"zoek": "antwerpen"}).content.decode()
    assert 'name="zoek"' in page and "data-place-chooser" in page
    assert f'value="{target.pk}"' in page and "Meir 1, 2000 Antwerpen · 5 vrije bedden in de periode" in page
    assert f'value="{other.pk}"' not in page and f'value="{home.pk}"' not in page


def test_a_place_outside_the_listed_matches_is_still_accepted(client, login, coordinator):
    home = validated(coordinator, street="Thuisstraat", capacity=6)
    target = validated(coordinator, street="Verrestraat", capacity=5)
    allocation = allocate(coordinator, home, size=2)
    login(coordinator)
    url = reverse("hvt:allocation_move", args=[allocation.pk])
    response = client.post(url + "?zoek=nergens", {"to_place": target.pk, "move_date": "2022-06-01"})
    assert response.status_code == 302
    assert Allocation.objects.get(moved_from=allocation).place_id == target.pk


def test_a_refused_move_keeps_the_chosen_place_in_the_list(client, login, coordinator):
    home = validated(coordinator, street="Thuisstraat", capacity=6)
    target = validated(coordinator, street="Verrestraat", capacity=5)
    allocation = allocate(coordinator, home, size=2)
    login(coordinator)
    url = reverse("hvt:allocation_move", args=[allocation.pk])
    page = client.post(url + "?zoek=nergens", {"to_place": target.pk, "move_date": ""}).content.decode()
    assert f'<option value="{target.pk}" selected>' in page
