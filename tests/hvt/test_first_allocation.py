"""``ReceptionPlace.first_allocation_on`` (read by the data-quality report's ``idle_places``) must
equal the earliest start of the place's allocations — NULL without any — after every write that
adds, moves or removes an allocation or changes its start: the services, the bulk paths
(``hvt.demo``; the generator in tests/benchmarks) and the migration's back-fill. Each check
compares every place with one aggregate query, so a place the writer forgot shows up."""

import datetime as dt
import importlib
import io

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Min

from hvt import demo, services
from hvt.models import Allocation, ReceptionPlace
from tests.hvt.helpers import allocate, validated

pytestmark = pytest.mark.django_db


def kept() -> dict:
    return dict(ReceptionPlace.objects.values_list("pk", "first_allocation_on"))


def computed() -> dict:
    return dict(ReceptionPlace.objects.annotate(first=Min("allocations__start_date")).values_list("pk", "first"))


def assert_consistent():
    assert kept() == computed()


@pytest.fixture
def places(gent_officer):
    return [validated(gent_officer, street=f"Straat {i}", capacity=6) for i in range(3)]


def test_create_sets_lowers_and_keeps_the_first_day(gent_officer, places):
    a, b, c = places
    assert_consistent()
    assert kept()[a.pk] is None  # no allocation yet
    allocate(gent_officer, a, start=dt.date(2022, 6, 1), ref="HH-1")
    assert kept()[a.pk] == dt.date(2022, 6, 1)
    allocate(gent_officer, a, start=dt.date(2022, 9, 1), ref="HH-2")  # later: the first stays
    allocate(gent_officer, a, start=dt.date(2022, 5, 2), ref="HH-3")  # earlier: the first moves back
    allocate(gent_officer, b, start=dt.date(2023, 1, 1), ref="HH-4")
    assert kept() == {a.pk: dt.date(2022, 5, 2), b.pk: dt.date(2023, 1, 1), c.pk: None}
    assert_consistent()


def test_a_refused_allocation_leaves_the_first_day_alone(gent_officer, places):
    a = places[0]
    with pytest.raises(ValidationError):  # more beds than the place has
        allocate(gent_officer, a, size=7, start=dt.date(2022, 6, 1))
    assert kept()[a.pk] is None
    assert_consistent()


def test_end_and_move_keep_both_places_exact(gent_officer, places):
    a, b, _c = places
    allocation = allocate(gent_officer, a, start=dt.date(2022, 6, 1), ref="HH-1")
    services.allocation_end(actor=gent_officer, allocation=allocation, end_date=dt.date(2023, 6, 1))
    assert kept()[a.pk] == dt.date(2022, 6, 1)  # an end does not change the first day
    other = allocate(gent_officer, a, start=dt.date(2022, 7, 1), ref="HH-2")
    services.allocation_move(actor=gent_officer, allocation=other, to_place=b, move_date=dt.date(2024, 2, 1))
    assert kept()[a.pk] == dt.date(2022, 6, 1)  # the moved household's first day there stays
    assert kept()[b.pk] == dt.date(2024, 2, 1)  # the new place's first allocation: the move date
    assert_consistent()


def test_refresh_repairs_a_changed_start_and_a_deletion_and_touches_only_the_places_named(gent_officer, places):
    a, b, c = places
    first = allocate(gent_officer, a, start=dt.date(2022, 6, 1), ref="HH-1")
    allocate(gent_officer, a, start=dt.date(2022, 8, 1), ref="HH-2")
    only = allocate(gent_officer, b, start=dt.date(2022, 6, 1), ref="HH-3")
    allocate(gent_officer, c, start=dt.date(2022, 6, 1), ref="HH-4")
    # a bulk writer changes a start and deletes allocations, then refreshes the places it touched
    Allocation.objects.filter(pk=first.pk).update(start_date=dt.date(2022, 10, 1))
    Allocation.objects.filter(pk=only.pk).delete()
    ReceptionPlace.objects.filter(pk=c.pk).update(first_allocation_on=dt.date(2030, 1, 1))  # stale on purpose
    updated_at = ReceptionPlace.objects.get(pk=a.pk).updated_at
    assert services.first_allocation_refresh([a.pk, b.pk, a.pk]) == 2  # one UPDATE for the set
    assert kept() == {a.pk: dt.date(2022, 8, 1), b.pk: None, c.pk: dt.date(2030, 1, 1)}
    assert ReceptionPlace.objects.get(pk=a.pk).updated_at == updated_at  # not an edit of the place
    services.first_allocation_refresh()  # every place
    assert_consistent()


def test_refresh_is_one_statement_whatever_the_number_of_places(gent_officer, places, django_assert_num_queries):
    for i, place in enumerate(places):
        allocate(gent_officer, place, start=dt.date(2022, 6, 1 + i), ref=f"HH-{i}")
    ReceptionPlace.objects.update(first_allocation_on=None)
    with django_assert_num_queries(1):
        services.first_allocation_refresh([p.pk for p in places])
    with django_assert_num_queries(1):
        services.first_allocation_refresh(ReceptionPlace.objects.values("pk"))
    assert_consistent()


def test_the_demo_bulk_insert_keeps_every_place_exact(frozen_now):
    frozen_now(dt.datetime(2025, 3, 1, 12, 0))
    demo.seed(io.StringIO(), small=True)
    assert any(v is not None for v in kept().values())
    assert_consistent()


class Editor:
    """What the back-fill uses of a schema editor (a real one cannot open inside a test's
    transaction on SQLite)."""

    connection = connection

    def execute(self, sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_the_migration_back_fills_every_place(gent_officer, places):
    a, b, _c = places
    allocate(gent_officer, a, start=dt.date(2022, 6, 1), ref="HH-1")
    allocate(gent_officer, a, start=dt.date(2022, 5, 5), ref="HH-2")
    allocate(gent_officer, b, start=dt.date(2023, 3, 3), ref="HH-3")
    ReceptionPlace.objects.update(first_allocation_on=None)
    migration = importlib.import_module("hvt.migrations.0006_place_first_allocation_on")
    migration.backfill(apps, Editor())  # PostgreSQL: the UPDATE … FROM; SQLite: the correlated UPDATE
    assert kept()[a.pk] == dt.date(2022, 5, 5)
    assert_consistent()
