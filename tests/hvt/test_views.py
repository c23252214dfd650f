import datetime as dt

import pytest
from django.urls import reverse

from accounts.constants import Roles
from hvt import services
from hvt.constants import OfferStatuses, PlaceStatuses
from hvt.models import Allocation, PlaceOffer, ReceptionPlace, SteeringNote
from tests.hvt.helpers import ANTWERPEN, ANTWERPEN_POSTAL, GENT, GENT_POSTAL, allocate, register, validated

# pages: the navigation asks the CRT realm about the signed-in user
pytestmark = pytest.mark.django_db(databases=["default", "crt"])


@pytest.fixture
def today(frozen_now):
    frozen_now(dt.datetime(2024, 3, 1, 10, 0))
    return dt.date(2024, 3, 1)


def test_officer_lists_only_places_of_their_municipalities(client, login, gent_officer, coordinator):
    mine = register(gent_officer)
    other = register(coordinator, municipality=ANTWERPEN, postal_code=ANTWERPEN_POSTAL)
    login(gent_officer)
    response = client.get(reverse("hvt:place_list"))
    places = list(response.context["page"])
    assert mine in places and other not in places
    assert client.get(reverse("hvt:place_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("hvt:place_detail", args=[mine.pk])).status_code == 200


@pytest.mark.parametrize("name", ["place_edit", "place_quality_check", "place_close", "allocation_create"])
def test_officer_gets_404_on_forms_of_another_municipality(client, login, gent_officer, coordinator, name):
    other = validated(coordinator, municipality=ANTWERPEN, postal_code=ANTWERPEN_POSTAL)
    login(gent_officer)
    assert client.get(reverse(f"hvt:{name}", args=[other.pk])).status_code == 404
    assert client.post(reverse(f"hvt:{name}", args=[other.pk]), {}).status_code == 404


def test_allocation_forms_outside_scope_are_404(client, login, gent_officer, coordinator):
    other = validated(coordinator, municipality=ANTWERPEN, postal_code=ANTWERPEN_POSTAL)
    allocation = allocate(coordinator, other)
    login(gent_officer)
    for name in ["allocation_end", "allocation_move"]:
        assert client.post(reverse(f"hvt:{name}", args=[allocation.pk]), {"end_date": "2022-06-01"}).status_code == 404
    allocation.refresh_from_db()
    assert allocation.end_date is None


def test_vlot_reads_but_cannot_write(client, login, make_user, gent_officer):
    place = validated(gent_officer)
    vlot = make_user(Roles.HVT_VLOT, provinces=["40000"])
    login(vlot)
    page = client.get(reverse("hvt:place_detail", args=[place.pk]))
    assert page.status_code == 200 and not page.context["can_write"]
    assert client.get(reverse("hvt:allocation_create", args=[place.pk])).status_code == 403
    assert client.get(reverse("hvt:place_create")).status_code == 403


def test_vlot_of_another_province_does_not_see_the_place(client, login, make_user, gent_officer):
    place = validated(gent_officer)
    login(make_user(Roles.HVT_VLOT, provinces=["70000"]))
    assert client.get(reverse("hvt:place_detail", args=[place.pk])).status_code == 404


@pytest.mark.parametrize("role", [Roles.SUPPORT, Roles.PORTAL_USER, Roles.HVT_SECURITY_AUDITOR])
def test_roles_without_place_access_are_refused(client, login, make_user, role):
    login(make_user(role))
    assert client.get(reverse("hvt:place_list")).status_code == 403


def test_register_through_the_form(client, login, gent_officer):
    login(gent_officer)
    response = client.post(reverse("hvt:place_create"), {
        "municipality": GENT, "street": "Kouter", "house_number": "12", "postal_code": GENT_POSTAL,
        "operator": "OCMW Gent", "capacity": 6, "category": "1_public", "start_date": "2022-04-01",
    })
    place = ReceptionPlace.objects.get()
    assert response.status_code == 302 and response.url == reverse("hvt:place_detail", args=[place.pk])
    assert place.capacity == 6 and place.status == PlaceStatuses.REGISTERED


def test_register_form_shows_the_postal_code_error_and_saves_nothing(client, login, gent_officer):
    login(gent_officer)
    response = client.post(reverse("hvt:place_create"), {
        "municipality": GENT, "street": "Kouter", "house_number": "12", "postal_code": ANTWERPEN_POSTAL,
        "operator": "OCMW Gent", "capacity": 6, "category": "1_public", "start_date": "2022-03-01",
    })
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "postal_code" in errors
    assert not ReceptionPlace.objects.exists()


def test_quality_check_form_validates(client, login, gent_officer, today):
    place = register(gent_officer)
    login(gent_officer)
    client.post(reverse("hvt:place_quality_check", args=[place.pk]), {
        "checked_on": "2024-02-28", "inspector": "Wonen-Vlaanderen", "no_category_3_defects": "on",
        "no_critical_category_2_defects": "on", "not_uninhabitable": "on", "no_overcrowding": "on", "validate": "1",
    })
    place.refresh_from_db()
    assert place.status == PlaceStatuses.VALIDATED and place.validated_on == today


def test_failed_check_with_validate_keeps_nothing_so_a_retry_does_not_pile_up_checks(client, login, gent_officer):
    from hvt.models import QualityCheck

    place = register(gent_officer)
    login(gent_officer)
    response = client.post(reverse("hvt:place_quality_check", args=[place.pk]), {
        "checked_on": "2024-02-28", "inspector": "Wonen-Vlaanderen", "no_category_3_defects": "on",
        "no_critical_category_2_defects": "on", "not_uninhabitable": "on", "validate": "1",  # overcrowded
    })
    assert response.status_code == 200
    assert "voldoet niet aan alle criteria" in str(response.context["form"].errors)
    place.refresh_from_db()
    assert place.status == PlaceStatuses.REGISTERED
    assert not QualityCheck.objects.filter(place=place).exists()


def test_allocate_form_refuses_overbooking_with_a_clear_error(client, login, gent_officer, today):
    place = validated(gent_officer, capacity=2)
    login(gent_officer)
    data = {"household_reference": "HH-1", "household_size": 3, "adults": 2, "minors": 1, "start_date": "2024-03-01"}
    response = client.post(reverse("hvt:allocation_create", args=[place.pk]), data)
    assert response.status_code == 200
    assert "Niet genoeg vrije bedden" in str(response.context["form"].errors)
    assert not Allocation.objects.exists()
    response = client.post(reverse("hvt:allocation_create", args=[place.pk]), {**data, "household_size": 2, "minors": 0})
    assert response.status_code == 302 and Allocation.objects.count() == 1


def test_place_page_shows_free_beds_today_and_the_timeline(client, login, gent_officer, today):
    place = validated(gent_officer, capacity=5)
    allocate(gent_officer, place, size=2, start=dt.date(2024, 1, 1), ref="HH-NOW")
    allocate(gent_officer, place, size=3, start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31), ref="HH-PAST")
    login(gent_officer)
    response = client.get(reverse("hvt:place_detail", args=[place.pk]))
    assert response.context["free_today"] == 3
    kinds = [e["kind"] for e in response.context["timeline"]]
    assert kinds[0] == "start" and kinds.count("allocation_start") == 2 and "allocation_end" in kinds
    assert [a.household_reference for a in response.context["allocations"]] == ["HH-NOW"]  # past ones folded
    assert response.context["past_hidden"] == 1
    assert 'data-testid="free-beds">3<' in response.content.decode()


def test_move_and_end_through_the_forms(client, login, gent_officer, today):
    first, second = validated(gent_officer, capacity=4), validated(gent_officer, capacity=4)
    allocation = allocate(gent_officer, first, size=2, start=dt.date(2024, 1, 1))
    login(gent_officer)
    response = client.post(reverse("hvt:allocation_move", args=[allocation.pk]), {"to_place": second.pk, "move_date": "2024-03-01"})
    assert response.status_code == 302
    moved = Allocation.objects.get(place=second)
    client.post(reverse("hvt:allocation_end", args=[moved.pk]), {"end_date": "2024-03-10", "reason": "vertrokken"})
    moved.refresh_from_db()
    assert moved.end_date == dt.date(2024, 3, 10)


def test_list_filters_and_search(client, login, gent_officer):
    hotel = register(gent_officer, category="2", category_2_subtype="hotel", operator="Hotel Gravensteen")
    register(gent_officer, operator="OCMW")
    login(gent_officer)
    found = list(client.get(reverse("hvt:place_list"), {"q": "gravensteen"}).context["page"])
    assert found == [hotel]
    found = list(client.get(reverse("hvt:place_list"), {"category": "2"}).context["page"])
    assert found == [hotel]


def _many_places(officer, n, allocations_each=2):
    places = [validated(officer, capacity=10) for _ in range(n)]
    for i, place in enumerate(places):
        for j in range(allocations_each):
            allocate(officer, place, size=1, start=dt.date(2023, 1, 1) + dt.timedelta(days=j), ref=f"HH-{i}-{j}")
    return places


@pytest.mark.parametrize("n", [3, 30])
def test_place_list_query_count_does_not_grow(client, login, gent_officer, django_assert_max_num_queries, n):
    _many_places(gent_officer, n)
    login(gent_officer)
    client.get(reverse("hvt:place_list"))  # warm up session/user caches
    # measured: 11 queries at 3 and at 30 places (session, user, roles, scope, count, page, …)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("hvt:place_list"))
    assert len(response.context["page"]) == n


@pytest.mark.parametrize("allocations", [2, 40])
def test_place_page_query_count_does_not_grow(client, login, gent_officer, django_assert_max_num_queries, allocations):
    place = _many_places(gent_officer, 1, allocations_each=0)[0]
    services.place_update(actor=gent_officer, place=place, capacity=100)
    for j in range(allocations):
        allocate(gent_officer, place, size=1, start=dt.date(2023, 1, 1) + dt.timedelta(days=j), ref=f"HH-{j}")
    login(gent_officer)
    client.get(reverse("hvt:place_detail", args=[place.pk]))
    # 14: the place's periods are prefetched (the beds in force today read the period in force)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("hvt:place_detail", args=[place.pk]), {"alle": "1"})
    assert len(response.context["allocations"]) == allocations


# --- portal and validation queue ------------------------------------------------------------------


def _offer_post(client, **extra):
    data = {"municipality": GENT, "street": "Veldstraat", "house_number": "5", "postal_code": GENT_POSTAL,
            "operator": "Familie P.", "capacity": 3, "category": "1_private", "available_from": "2024-03-01"}
    data.update(extra)
    return client.post(reverse("hvt:offer_create"), data)


def test_portal_user_offers_and_sees_only_their_own_offers(client, login, make_user):
    portal, other = make_user(Roles.PORTAL_USER), make_user(Roles.PORTAL_USER)
    login(other)
    _offer_post(client, street="Andere straat")
    login(portal)
    assert _offer_post(client).status_code == 302
    offers = list(client.get(reverse("hvt:offer_list")).context["offers"])
    assert [o.street for o in offers] == ["Veldstraat"]
    assert client.get(reverse("hvt:place_list")).status_code == 403


def test_queue_shows_offers_of_the_officers_municipality_only(client, login, make_user, gent_officer, hasselt_officer):
    login(make_user(Roles.PORTAL_USER))
    _offer_post(client)
    offer = PlaceOffer.objects.get()
    login(hasselt_officer)
    assert list(client.get(reverse("hvt:offer_queue")).context["page"]) == []
    assert client.get(reverse("hvt:offer_decide", args=[offer.pk])).status_code == 404
    login(gent_officer)
    assert list(client.get(reverse("hvt:offer_queue")).context["page"]) == [offer]


def test_validating_an_offer_creates_the_place(client, login, make_user, gent_officer, today):
    portal = make_user(Roles.PORTAL_USER)
    login(portal)
    _offer_post(client)
    offer = PlaceOffer.objects.get()
    login(gent_officer)
    response = client.post(reverse("hvt:offer_decide", args=[offer.pk]), {
        "decision": "validate", "check-checked_on": "2024-03-01", "check-inspector": "Inspecteur",
        "check-no_category_3_defects": "on", "check-no_critical_category_2_defects": "on",
        "check-not_uninhabitable": "on", "check-no_overcrowding": "on",
    })
    offer.refresh_from_db()
    assert offer.status == OfferStatuses.VALIDATED and offer.place.is_available
    assert response.url == reverse("hvt:place_detail", args=[offer.place.pk])


def test_rejecting_shows_the_reason_to_the_portal_user(client, login, make_user, gent_officer):
    portal = make_user(Roles.PORTAL_USER)
    login(portal)
    _offer_post(client)
    offer = PlaceOffer.objects.get()
    login(gent_officer)
    client.post(reverse("hvt:offer_decide", args=[offer.pk]), {"decision": "reject", "reject-reason": "Te klein"})
    login(portal)
    page = client.get(reverse("hvt:offer_list")).content.decode()
    assert "Afgewezen" in page and "Te klein" in page


# --- VLOT steering notes and targets --------------------------------------------------------------


def test_vlot_writes_steering_notes_in_its_provinces_only(client, login, make_user):
    vlot = make_user(Roles.HVT_VLOT, provinces=["40000"])
    login(vlot)
    client.post(reverse("hvt:municipality_detail", args=[GENT]), {"text": "Opvolgen: nooddorp afbouwen"})
    assert SteeringNote.objects.get().municipality_id == GENT
    assert client.post(reverse("hvt:municipality_detail", args=[ANTWERPEN]), {"text": "x"}).status_code == 404
    assert SteeringNote.objects.count() == 1


def test_municipality_page_sums_places_and_available_beds_in_scope(client, login, coordinator, make_user, today):
    validated(coordinator, capacity=5)
    register(coordinator, capacity=7)  # registered, not validated: counted as a place, not as available beds
    validated(coordinator, municipality=ANTWERPEN, postal_code=ANTWERPEN_POSTAL, capacity=11)
    login(make_user(Roles.HVT_VLOT, provinces=["40000"]))
    response = client.get(reverse("hvt:municipality_detail", args=[GENT]))
    assert response.context["summary"] == {"places": 2, "available_beds": 5}
    login(make_user(Roles.HVT_VLOT, provinces=["10000"], username="vlot-antwerpen"))
    assert client.get(reverse("hvt:municipality_detail", args=[GENT])).status_code == 404


def test_municipal_officer_has_no_steering_notes(client, login, gent_officer):
    login(gent_officer)
    assert client.get(reverse("hvt:municipality_detail", args=[GENT])).status_code == 403


def test_target_list_is_scoped_and_shows_realisation(client, login, coordinator, gent_officer, today):
    from geo.models import Municipality, PopulationFigure

    PopulationFigure.objects.bulk_create([
        PopulationFigure(municipality=m, year=2024, men=500, women=500, total=1000) for m in Municipality.objects.all()
    ])
    services.target_round_create(actor=coordinator, total=2850, effective_on=dt.date(2024, 1, 1))
    validated(gent_officer, capacity=5)
    login(gent_officer)
    rows = list(client.get(reverse("hvt:target_list")).context["page"])
    assert [(r.municipality_id, r.assigned, r.available_beds) for r in rows] == [(GENT, 10, 5)]


def test_place_list_in_english(client, login, gent_officer):
    from django.core.management import call_command

    call_command("compile_translations", verbosity=0)
    login(gent_officer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("hvt:place_list")).content.decode()
    assert "Reception places" in page and "Opvangplaatsen" not in page


def test_export_is_scoped_filtered_neutralised_and_audited(client, login, gent_officer, coordinator):
    from audit.models import AuditEvent

    register(gent_officer, operator="=HYPERLINK(\"http://x\")")
    register(gent_officer, category="2", category_2_subtype="hotel", operator="Hotel")
    register(coordinator, municipality=ANTWERPEN, postal_code=ANTWERPEN_POSTAL, operator="Antwerpen")
    login(gent_officer)
    response = client.get(reverse("hvt:place_export"), {"category": "1_public"})
    body = b"".join(response.streaming_content).decode()
    lines = body.strip().splitlines()
    assert len(lines) == 2  # header + the one category-1 place of Gent
    assert "'=HYPERLINK" in lines[1] and "Antwerpen" not in body
    assert AuditEvent.objects.filter(action="export", actor_username="officer-gent").exists()


def test_vlot_overview_lists_its_province(client, login, make_user, gent_officer):
    validated(gent_officer, capacity=7)
    login(make_user(Roles.HVT_VLOT, provinces=["40000"]))
    rows = list(client.get(reverse("hvt:municipality_list")).context["rows"])
    assert len(rows) == 55
    gent = next(r for r in rows if r.pk == GENT)
    assert (gent.places, gent.available_beds) == (1, 7)


def test_edit_form_refuses_capacity_below_use(client, login, gent_officer):
    place = validated(gent_officer, capacity=5)
    allocate(gent_officer, place, size=4)
    login(gent_officer)
    data = {"municipality": GENT, "street": "Kouter", "house_number": "1", "postal_code": GENT_POSTAL,
            "operator": "Stad", "capacity": 3, "category": "1_public", "start_date": "2022-04-01"}
    response = client.post(reverse("hvt:place_edit", args=[place.pk]), data)
    assert response.status_code == 200 and "capacity" in response.context["form"].errors
    place.refresh_from_db()
    assert place.capacity == 5
    response = client.post(reverse("hvt:place_edit", args=[place.pk]), {**data, "capacity": 8})
    place.refresh_from_db()
    assert response.status_code == 302 and place.capacity == 8


def test_offer_municipality_follows_from_the_postal_code(client, login, make_user):
    login(make_user(Roles.PORTAL_USER))
    response = _offer_post(client, municipality="", postal_code="3500")
    assert response.status_code == 302
    assert PlaceOffer.objects.get().municipality_id == "71072"  # Hasselt
    response = _offer_post(client, municipality="", postal_code="1000")  # Brussels: not Flemish
    assert response.status_code == 200 and "postal_code" in response.context["form"].errors
    assert PlaceOffer.objects.count() == 1


def test_capacity_evolution_shows_monthly_snapshots_in_scope(client, login, gent_officer, coordinator):
    place = validated(gent_officer, capacity=6)
    allocate(gent_officer, place, size=2, start=dt.date(2022, 5, 1))
    validated(coordinator, municipality=ANTWERPEN, postal_code=ANTWERPEN_POSTAL, capacity=50)
    for day in [dt.date(2022, 5, 1), dt.date(2022, 5, 8), dt.date(2022, 6, 1)]:
        services.snapshot_take(day=day)
    login(gent_officer)
    months = client.get(reverse("hvt:capacity_evolution")).context["months"]
    # The last snapshot of each month, as the dashboard takes it (hvt.querysets.last_point_of_month).
    assert [m["date"] for m in months] == [dt.date(2022, 5, 8), dt.date(2022, 6, 1)]
    assert (months[0]["available"], months[0]["occupied"]) == (6, 2)  # Antwerpen's 50 beds are out of scope
