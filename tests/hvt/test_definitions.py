"""One definition behind every figure (issue 11, hvt/querysets.py): a hand-built data set whose
available, occupied and free beds and realisation are known, read back from every place that shows
them — the querysets, the model twin, the dashboard, the snapshot, the home card, the target list,
the VLOT overview, the place list filter, the place page, the API and the export."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.selectors import roles_for_user
from geo.models import Municipality, PopulationFigure
from hvt import selectors, services
from hvt.constants import PlaceCategories
from hvt.models import Allocation, CapacitySnapshot, ReceptionPlace
from hvt.querysets import available_q, free_beds, occupied_q, percentage, realisation
from tests.hvt.helpers import GENT, allocate, register, validated

# the subsidy reads the CRT guidance counts (crt database)
pytestmark = pytest.mark.django_db(databases=["default", "crt"])

DAY = dt.date(2024, 3, 1)
CAT1, CAT2, CAT3 = PlaceCategories.CAT1_PUBLIC, PlaceCategories.CAT2, PlaceCategories.CAT3
AVAILABLE, OCCUPIED, FREE, TARGET = 10 + 8 + 4, 3 + 4 + 1, 22 - 8, 30


@pytest.fixture
def data(frozen_now, gent_officer, coordinator):
    """Gent on 1 March 2024. Available: A (10), D (8, category 2 confirmed), E (4, closed but its last
    day is 11 March). Not available: B (registered), C (category 2 from June 2023, not confirmed),
    F (closed on 29 February), G (starts tomorrow). Occupied today: 3 in A (2 ended yesterday, 1
    starts tomorrow), 4 in D, 1 in E. Target 30 for every municipality."""
    frozen_now(dt.datetime(2024, 3, 1, 10, 0))
    a = validated(gent_officer, capacity=10, category=CAT1, street="A")
    allocate(gent_officer, a, size=3, start=dt.date(2024, 1, 1), ref="HH-A-NOW")
    allocate(gent_officer, a, size=2, start=dt.date(2024, 2, 1), end=dt.date(2024, 2, 29), ref="HH-A-ENDED")
    allocate(gent_officer, a, size=1, start=dt.date(2024, 3, 2), ref="HH-A-TOMORROW")
    register(gent_officer, capacity=5, street="B")
    validated(gent_officer, capacity=6, category=CAT2, category_2_subtype="hotel", street="C",
              start_date=dt.date(2023, 7, 1))
    d = validated(gent_officer, capacity=8, category=CAT2, category_2_subtype="hotel", street="D",
                  start_date=dt.date(2023, 7, 1))
    services.place_confirm_by_agency(actor=coordinator, place=d)
    allocate(gent_officer, d, size=4, start=dt.date(2023, 8, 1), ref="HH-D")
    e = validated(gent_officer, capacity=4, street="E")
    allocate(gent_officer, e, size=1, start=dt.date(2024, 1, 1), end=dt.date(2024, 3, 5), ref="HH-E")
    services.place_close(actor=gent_officer, place=e, end_date=dt.date(2024, 3, 11))
    f = validated(gent_officer, capacity=20, category=CAT3, street="F")
    services.place_close(actor=gent_officer, place=f, end_date=dt.date(2024, 2, 29))
    validated(gent_officer, capacity=7, street="G", start_date=dt.date(2024, 3, 2))
    PopulationFigure.objects.bulk_create([
        PopulationFigure(municipality=m, year=2024, men=5, women=5, total=10) for m in Municipality.objects.all()
    ])
    services.target_round_create(actor=coordinator, total=TARGET * Municipality.objects.count(),
                                 effective_on=dt.date(2022, 4, 1))
    return {"E": e}


def test_the_rules_themselves():
    assert free_beds(5, 7) == -2  # never clamped
    assert free_beds(None, None) == 0
    assert realisation(22, 30) == Decimal("73.3") and realisation(1, 8) == Decimal("12.5")
    assert realisation(5, 0) is None and realisation(5, None) is None
    assert percentage(2, 3) == Decimal("66.7")  # half up, one decimal


def test_available_occupied_free_in_the_querysets_and_the_model_twin(data):
    available = ReceptionPlace.objects.filter(available_q(DAY))
    assert sorted(available.values_list("street", flat=True)) == ["A", "D", "E"]
    assert sum(available.values_list("capacity", flat=True)) == AVAILABLE
    assert sum(Allocation.objects.filter(occupied_q(DAY)).values_list("household_size", flat=True)) == OCCUPIED
    twins = sorted(p.street for p in ReceptionPlace.objects.all() if p.is_available_on(DAY))
    assert twins == ["A", "D", "E"]


def test_dashboard_home_targets_overview_and_snapshot_agree(data, coordinator, gent_officer):
    roles_for_user(coordinator)
    row = next(r for r in selectors.capacity_overview_for_user(coordinator)["rows"] if r["refnis"] == GENT)
    assert (row["available"], row["occupied"], row["free"], row["target"]) == (AVAILABLE, OCCUPIED, FREE, TARGET)
    assert row["realisation"] == Decimal("73.3")
    target = selectors.target_list_for_user(gent_officer).get(municipality_id=GENT)
    assert target.available_beds == AVAILABLE
    overview = selectors.municipality_overview_for_user(coordinator).get(pk=GENT)
    assert overview.available_beds == AVAILABLE
    services.snapshot_take(day=DAY)
    snap = CapacitySnapshot.objects.filter(date=DAY, municipality_id=GENT)
    assert sum(snap.values_list("available", flat=True)) == AVAILABLE
    assert sum(snap.values_list("occupied", flat=True)) == OCCUPIED
    assert sum(snap.values_list("free", flat=True)) == FREE
    from hvt.home import _place_cards

    free_card = next(c for c in _place_cards(gent_officer) if c["order"] == 11)
    assert free_card["value"] == FREE


def test_place_list_place_page_api_and_export_agree(data, client, login, gent_officer):
    with_free = selectors.place_list_for_user(gent_officer, with_free_beds=True)
    assert sorted(with_free.values_list("street", flat=True)) == ["A", "D", "E"]
    e = data["E"]
    assert selectors.place_beds_on(e, DAY) == {"in_use": 1, "available": 4, "free": 3}
    login(gent_officer)
    page = client.get(reverse("hvt:place_detail", args=[e.pk]))
    assert page.context["free_today"] == 3 and page.context["can_allocate"] is False  # closed: no new household
    body = client.get("/api/v1/hvt/targets/", {"municipality": GENT}).json()
    results = body["results"] if isinstance(body, dict) else body
    assert results[0]["available_beds"] == AVAILABLE and results[0]["realisation"] == 73.3  # a percentage
    response = client.get(reverse("hvt:dashboard_export"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    figures = dict(zip(rows[0], next(r for r in rows if r[1] == GENT), strict=True))
    assert (figures["Beschikbaar"], figures["Bezet"], figures["Vrij"]) == (str(AVAILABLE), str(OCCUPIED), str(FREE))
    assert figures["Realisatie (%)"] == "73,3"


def test_the_subsidy_engines_available_days_agree_with_available_q(data):
    """hvt.periods writes the same rule as portable SQL over effective-dated periods (for the
    subsidy engine): on the day, the same places are available with the same beds."""
    from django.db import connection

    sql, params = selectors.subsidy_available_segments_sql(DAY)
    day = selectors.subsidy_day_number(DAY)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT place_id, beds FROM ({sql}) s WHERE from_day <= %s AND to_day >= %s",  # noqa: S608
                       [*params, day, day])
        segments = dict(cursor.fetchall())
    assert segments == dict(ReceptionPlace.objects.filter(available_q(DAY)).values_list("pk", "capacity"))
    assert sum(segments.values()) == AVAILABLE


CHANGED_FROM = dt.date(2024, 2, 15)
BEFORE = CHANGED_FROM - dt.timedelta(days=1)
# On 14 February: A (10), D (8), E (4) and F (20, category 3, closed only on 29 February).
AVAILABLE_BEFORE = 10 + 8 + 4 + 20


@pytest.fixture
def changed(data, gent_officer):
    """A's capacity goes from 10 to 12 from 15 February 2024 (a back-dated change, DOMAIN §5), and
    E moves to category 3 from the same day: the days before keep the old facts."""
    a = ReceptionPlace.objects.get(street="A")
    services.place_change(place=a, effective_from=CHANGED_FROM, actor=gent_officer, capacity=12)
    services.place_change(place=data["E"], effective_from=CHANGED_FROM, actor=gent_officer, category=CAT3)
    return a


def _gent_figures(user, day):
    row = next(r for r in selectors.capacity_overview_for_user(user, day=day)["rows"] if r["refnis"] == GENT)
    return row["available"]


def test_a_changed_place_counts_with_the_facts_in_force_on_each_day(changed, coordinator, gent_officer):
    roles_for_user(coordinator)
    for day, expected in ((BEFORE, AVAILABLE_BEFORE), (CHANGED_FROM, AVAILABLE_BEFORE + 2), (DAY, AVAILABLE + 2)):
        assert _gent_figures(coordinator, day) == expected, day
        assert selectors.target_list_for_user(gent_officer, day=day).get(municipality_id=GENT).available_beds == expected
        assert selectors.municipality_overview_for_user(coordinator, day=day).get(pk=GENT).available_beds == expected
        services.snapshot_take(day=day)
        snap = CapacitySnapshot.objects.filter(date=day, municipality_id=GENT)
        assert sum(snap.values_list("available", flat=True)) == expected
    # E is category 1 before the change and category 3 from it, in the snapshot of each day.
    assert CapacitySnapshot.objects.get(date=BEFORE, municipality_id=GENT, category=CAT1).available == 10 + 4
    assert CapacitySnapshot.objects.get(date=DAY, municipality_id=GENT, category=CAT1).available == 12
    assert CapacitySnapshot.objects.get(date=DAY, municipality_id=GENT, category=CAT3).available == 4
    assert CapacitySnapshot.objects.get(date=DAY, municipality_id=GENT, category=CAT1).occupied == 3
    assert CapacitySnapshot.objects.get(date=DAY, municipality_id=GENT, category=CAT3).occupied == 1
    from hvt.home import _place_cards

    free_card = next(c for c in _place_cards(gent_officer) if c["order"] == 11)
    assert free_card["value"] == FREE + 2


def test_the_engine_and_available_q_agree_for_a_changed_place(changed):
    from django.db import connection

    for day in (BEFORE, CHANGED_FROM, DAY):
        sql, params = selectors.subsidy_available_segments_sql(day)
        number = selectors.subsidy_day_number(day)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT place_id, beds FROM ({sql}) s WHERE from_day <= %s AND to_day >= %s",  # noqa: S608
                           [*params, number, number])
            segments = dict(cursor.fetchall())
        in_force = ReceptionPlace.objects.filter(available_q(day)).annotate(beds=selectors.capacity_on(day))
        assert segments == dict(in_force.values_list("pk", "beds")), day
    assert segments[changed.pk] == 12


def _both_readings(day):
    """(correlated, joined): per available place its capacity and category in force, per occupied
    allocation its household size and category in force, by each reading of hvt.querysets."""
    from hvt.querysets import (
        OCCUPYING,
        available_in_force_q,
        capacity_in_force,
        capacity_on,
        category_in_force,
        category_on,
        occupied_in_force,
        with_allocations_on,
        with_period_on,
    )

    correlated = (
        dict(ReceptionPlace.objects.filter(available_q(day)).annotate(b=capacity_on(day)).values_list("pk", "b")),
        sorted(ReceptionPlace.objects.filter(available_q(day)).annotate(c=category_on(day)).values_list("pk", "c")),
        sorted(Allocation.objects.filter(occupied_q(day)).annotate(c=category_on(day, "place__"))
               .values_list("pk", "household_size", "c")),
    )
    places = with_period_on(ReceptionPlace.objects.all(), day).filter(available_in_force_q(day))
    joined = (
        dict(places.annotate(b=capacity_in_force()).values_list("pk", "b")),
        sorted(places.annotate(c=category_in_force()).values_list("pk", "c")),
        sorted(with_allocations_on(places, day).filter(**{f"{OCCUPYING}__isnull": False})
               .annotate(h=occupied_in_force(), c=category_in_force()).values_list(f"{OCCUPYING}__pk", "h", "c")),
    )
    return correlated, joined


def test_the_joined_reading_agrees_with_the_correlated_one(changed, data):
    """The aggregates read the period in force by one join (hvt.querysets.with_period_on); the
    correlated subqueries stay for filters. Same places, beds, categories and households on every
    day, also for a place whose periods all ended (it counts nowhere, even though its own fields
    say open)."""
    from hvt.models import PlacePeriod

    d = ReceptionPlace.objects.get(street="D")
    g = ReceptionPlace.objects.get(street="G")
    PlacePeriod.objects.filter(place=g).update(valid_until=dt.date(2024, 3, 1))  # G: no period from 2 March
    for day in (BEFORE, CHANGED_FROM, DAY, dt.date(2024, 3, 2), dt.date(2024, 3, 12)):
        correlated, joined = _both_readings(day)
        assert correlated == joined, day
    # The cases the periods decide, so the comparison above is not vacuous:
    joined = _both_readings(DAY)[1]
    assert joined[0][d.pk] == 8 and joined[0][changed.pk] == 12  # A by its period since the change
    # Occupied, read from the places: D's household; A's active one, not its ended
    # or future ones; E's (category 3 by its period since 15 February).
    in_d = Allocation.objects.get(place=d).pk
    in_a, in_e = (Allocation.objects.get(household_reference=r).pk for r in ("HH-A-NOW", "HH-E"))
    assert joined[2] == sorted([(in_a, 3, CAT1), (in_d, 4, CAT2), (in_e, 1, CAT3)])
    assert g.pk not in _both_readings(dt.date(2024, 3, 2))[1][0]  # own fields open, periods ended
