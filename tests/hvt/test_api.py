import datetime as dt

import pytest
from rest_framework.test import APIClient

from accounts.constants import Roles
from hvt.models import Allocation, PlaceOffer, ReceptionPlace
from tests.hvt.helpers import ANTWERPEN, ANTWERPEN_POSTAL, GENT, GENT_POSTAL, allocate, register, validated

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_anonymous_is_refused(api):
    assert api.get("/api/v1/hvt/places/").status_code in (401, 403)


def test_place_list_is_scoped_and_filterable(api, gent_officer, coordinator):
    mine = register(gent_officer, operator="OCMW Gent")
    hotel = register(gent_officer, category="2", category_2_subtype="hotel", operator="Hotel")
    other = register(coordinator, municipality=ANTWERPEN, postal_code=ANTWERPEN_POSTAL)
    api.force_authenticate(gent_officer)
    ids = {row["id"] for row in api.get("/api/v1/hvt/places/").json()["results"]}
    assert ids == {mine.pk, hotel.pk}
    assert [r["id"] for r in api.get("/api/v1/hvt/places/", {"category": "2"}).json()["results"]] == [hotel.pk]
    assert [r["id"] for r in api.get("/api/v1/hvt/places/", {"q": "ocmw"}).json()["results"]] == [mine.pk]
    assert api.get(f"/api/v1/hvt/places/{other.pk}/").status_code == 404
    assert api.get(f"/api/v1/hvt/places/{mine.pk}/").json()["municipality"] == GENT


def test_coordinator_sees_every_municipality(api, gent_officer, coordinator):
    register(gent_officer)
    register(coordinator, municipality=ANTWERPEN, postal_code=ANTWERPEN_POSTAL)
    api.force_authenticate(coordinator)
    assert api.get("/api/v1/hvt/places/").json()["count"] == 2


def test_create_place_runs_the_rules(api, gent_officer):
    api.force_authenticate(gent_officer)
    body = {"municipality": GENT, "street": "Kouter", "house_number": "1", "postal_code": GENT_POSTAL,
            "operator": "Stad", "capacity": 4, "category": "1_public", "start_date": "2022-03-01"}
    response = api.post("/api/v1/hvt/places/", body, format="json")
    assert response.status_code == 400 and "start_date" in response.json()
    response = api.post("/api/v1/hvt/places/", {**body, "start_date": "2022-04-01"}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "registered"
    outside = api.post("/api/v1/hvt/places/", {**body, "municipality": ANTWERPEN, "postal_code": ANTWERPEN_POSTAL,
                                                "start_date": "2022-04-01"}, format="json")
    assert outside.status_code == 403
    assert ReceptionPlace.objects.count() == 1


def test_capacity_cannot_drop_below_use_via_api(api, gent_officer):
    place = validated(gent_officer, capacity=4)
    allocate(gent_officer, place, size=3)
    api.force_authenticate(gent_officer)
    response = api.patch(f"/api/v1/hvt/places/{place.pk}/", {"capacity": 2}, format="json")
    assert response.status_code == 400 and "capacity" in response.json()


def test_allocation_api_refuses_overbooking_and_scope(api, gent_officer, hasselt_officer):
    place = validated(gent_officer, capacity=2)
    api.force_authenticate(gent_officer)
    body = {"place": place.pk, "household_reference": "HH-9", "household_size": 3, "adults": 3, "minors": 0,
            "start_date": "2022-05-01"}
    assert api.post("/api/v1/hvt/allocations/", body, format="json").status_code == 400
    created = api.post("/api/v1/hvt/allocations/", {**body, "household_size": 2, "adults": 2}, format="json")
    assert created.status_code == 201
    api.force_authenticate(hasselt_officer)
    assert api.post("/api/v1/hvt/allocations/", body, format="json").status_code == 404
    assert api.get("/api/v1/hvt/allocations/").json()["count"] == 0
    assert api.post(f"/api/v1/hvt/allocations/{created.json()['id']}/end/", {"end_date": "2022-06-01"}, format="json").status_code == 404
    api.force_authenticate(gent_officer)
    ended = api.post(f"/api/v1/hvt/allocations/{created.json()['id']}/end/", {"end_date": "2022-06-01"}, format="json")
    assert ended.status_code == 200 and ended.json()["end_date"] == "2022-06-01"
    assert Allocation.objects.get().end_date == dt.date(2022, 6, 1)


def test_vlot_reads_but_cannot_write_through_the_api(api, make_user, gent_officer):
    validated(gent_officer)
    vlot = make_user(Roles.HVT_VLOT, provinces=["40000"])
    api.force_authenticate(vlot)
    assert api.get("/api/v1/hvt/places/").json()["count"] == 1
    body = {"municipality": GENT, "street": "Kouter", "house_number": "1", "postal_code": GENT_POSTAL,
            "operator": "Stad", "capacity": 4, "category": "1_public", "start_date": "2022-04-01"}
    assert api.post("/api/v1/hvt/places/", body, format="json").status_code == 403


def test_portal_user_offers_and_lists_only_own_offers(api, make_user, gent_officer):
    portal, other = make_user(Roles.PORTAL_USER), make_user(Roles.PORTAL_USER)
    body = {"municipality": GENT, "street": "Veldstraat", "house_number": "5", "postal_code": GENT_POSTAL,
            "operator": "Familie", "capacity": 3, "available_from": "2022-04-01"}
    api.force_authenticate(other)
    api.post("/api/v1/hvt/offers/", body, format="json")
    api.force_authenticate(portal)
    assert api.post("/api/v1/hvt/offers/", body, format="json").status_code == 201
    assert api.get("/api/v1/hvt/offers/").json()["count"] == 1
    assert api.get("/api/v1/hvt/places/").status_code == 403
    api.force_authenticate(gent_officer)
    assert api.get("/api/v1/hvt/offers/").json()["count"] == 2  # the queue of Gent
    assert PlaceOffer.objects.count() == 2


def test_targets_api_is_scoped(api, coordinator, gent_officer):
    from geo.models import Municipality, PopulationFigure
    from hvt import services

    PopulationFigure.objects.bulk_create([
        PopulationFigure(municipality=m, year=2024, men=1, women=1, total=2) for m in Municipality.objects.all()
    ])
    services.target_round_create(actor=coordinator, total=570, effective_on=dt.date(2022, 4, 1))
    api.force_authenticate(gent_officer)
    rows = api.get("/api/v1/hvt/targets/").json()["results"]
    assert [(r["municipality"], r["assigned"]) for r in rows] == [(GENT, 2)]
    api.force_authenticate(coordinator)
    assert api.get("/api/v1/hvt/targets/").json()["count"] == 285


def test_schema_lists_the_hvt_endpoints(api, coordinator):
    api.force_authenticate(coordinator)
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    for path in ["/api/v1/hvt/places/", "/api/v1/hvt/allocations/", "/api/v1/hvt/offers/", "/api/v1/hvt/targets/"]:
        assert path in schema["paths"]


@pytest.mark.parametrize("n", [3, 30])
def test_api_place_list_query_count_does_not_grow(api, gent_officer, django_assert_max_num_queries, n):
    for _ in range(n):
        validated(gent_officer)
    api.force_authenticate(gent_officer)
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/hvt/places/")
    assert response.json()["count"] == n


CHECK = {"checked_on": "2022-04-02", "inspector": "Inspecteur", "no_category_3_defects": True,
         "no_critical_category_2_defects": True, "not_uninhabitable": True, "no_overcrowding": True}


def test_quality_check_validate_and_close_through_the_api(api, gent_officer, hasselt_officer):
    place = register(gent_officer)
    api.force_authenticate(hasselt_officer)
    assert api.post(f"/api/v1/hvt/places/{place.pk}/quality-check/", {**CHECK, "validate_place": True}, format="json").status_code == 404
    api.force_authenticate(gent_officer)
    failing = api.post(f"/api/v1/hvt/places/{place.pk}/quality-check/",
                       {**CHECK, "no_overcrowding": False, "validate_place": True}, format="json")
    assert failing.status_code == 400
    ok = api.post(f"/api/v1/hvt/places/{place.pk}/quality-check/", {**CHECK, "validate_place": True}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "validated" and ok.json()["is_available"]
    closed = api.post(f"/api/v1/hvt/places/{place.pk}/close/", {"end_date": "2023-01-31"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_move_through_the_api(api, gent_officer, coordinator):
    first, second = validated(gent_officer), validated(gent_officer)
    outside = validated(coordinator, municipality=ANTWERPEN, postal_code=ANTWERPEN_POSTAL)
    allocation = allocate(gent_officer, first, size=2)
    api.force_authenticate(gent_officer)
    refused = api.post(f"/api/v1/hvt/allocations/{allocation.pk}/move/", {"to_place": outside.pk, "move_date": "2022-07-01"}, format="json")
    assert refused.status_code == 404
    moved = api.post(f"/api/v1/hvt/allocations/{allocation.pk}/move/", {"to_place": second.pk, "move_date": "2022-07-01"}, format="json")
    assert moved.status_code == 201 and moved.json()["place"] == second.pk and moved.json()["moved_from"] == allocation.pk


def test_offer_validate_and_reject_through_the_api(api, make_user, gent_officer, hasselt_officer):
    portal = make_user(Roles.PORTAL_USER)
    body = {"municipality": GENT, "street": "Veldstraat", "house_number": "5", "postal_code": GENT_POSTAL,
            "operator": "Familie", "capacity": 3, "available_from": "2022-04-01"}
    api.force_authenticate(portal)
    first = api.post("/api/v1/hvt/offers/", body, format="json").json()["id"]
    second = api.post("/api/v1/hvt/offers/", body, format="json").json()["id"]
    assert api.post(f"/api/v1/hvt/offers/{first}/validate/", CHECK, format="json").status_code == 403  # not an officer
    api.force_authenticate(hasselt_officer)
    assert api.post(f"/api/v1/hvt/offers/{first}/validate/", CHECK, format="json").status_code == 404
    api.force_authenticate(gent_officer)
    created = api.post(f"/api/v1/hvt/offers/{first}/validate/", CHECK, format="json")
    assert created.status_code == 201 and created.json()["is_available"] and created.json()["source"] == "portal"
    rejected = api.post(f"/api/v1/hvt/offers/{second}/reject/", {"reason": "Te klein"}, format="json")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert list(PlaceOffer.objects.order_by("pk").values_list("status", flat=True)) == ["validated", "rejected"]
