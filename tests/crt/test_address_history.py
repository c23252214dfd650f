"""Address history (crt.AddressPeriod) behind the guidance-subsidy count at a reference date."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connections

from crt.constants import DossierStatuses, LookupPurposes
from crt.models import AddressPeriod, Person
from crt.national_register import SimulatorAdapter
from crt.numbers import generate_number
from crt.selectors import registered_persons_per_municipality
from crt.services import (
    dossier_status_change,
    dossiers_anonymise_expired,
    national_register_sync,
    person_register_check,
    person_update,
)

from .conftest import ANTWERPEN, GENT

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

LEUVEN = "24062"


@pytest.fixture(autouse=True)
def _no_moves():
    SimulatorAdapter.moves = {}
    yield
    SimulatorAdapter.moves = {}


def _periods(dossier):
    return list(AddressPeriod.objects.using("crt").filter(person_id=dossier.person_id)
                .order_by("valid_from").values_list("municipality_refnis", "valid_from", "valid_to"))


def _move(dossier, refnis=LEUVEN, postal="3000", street="Bondgenotenlaan 7"):
    number = generate_number(dossier.person.birth_date, 34)
    SimulatorAdapter.moves = {**SimulatorAdapter.moves, number: (refnis, postal, street)}


def _register_at_simulated_address(register, **overrides):
    """A person whose registered address is the one the register reports (no move)."""
    birth = overrides.pop("birth_date", dt.date(1985, 7, 30))
    refnis, postal, street = SimulatorAdapter.address_for(generate_number(birth, 34))
    return register(birth_date=birth, municipality_refnis=refnis, postal_code=postal, street=street, **overrides)


def test_registration_opens_one_period_from_the_dossier_date(register, frozen_now):
    frozen_now(dt.datetime(2023, 1, 10, 12))
    dossier = register()
    assert _periods(dossier) == [(GENT, dt.date(2023, 1, 10), None)]


def test_person_who_moved_after_the_reference_date_counts_in_the_old_municipality(register, case_manager, frozen_now):
    frozen_now(dt.datetime(2023, 1, 10, 12))
    dossier = register()
    frozen_now(dt.datetime(2023, 5, 1, 9))
    _move(dossier)
    assert person_register_check(actor=case_manager, dossier=dossier, purpose=LookupPurposes.IDENTITY_CHECK) == "moved"

    assert registered_persons_per_municipality(dt.date(2023, 3, 31)) == {GENT: 1}
    assert registered_persons_per_municipality(dt.date(2023, 4, 30)) == {GENT: 1}
    assert registered_persons_per_municipality(dt.date(2023, 5, 1)) == {LEUVEN: 1}
    assert registered_persons_per_municipality(dt.date(2023, 6, 30)) == {LEUVEN: 1}


def test_sync_move_closes_the_old_period_and_opens_a_new_one(register, frozen_now):
    frozen_now(dt.datetime(2024, 6, 1, 9))
    mover = register()
    steady = _register_at_simulated_address(register, first_name="Ivan", sex="M", birth_date=dt.date(1979, 3, 3))
    frozen_now(dt.datetime(2024, 9, 15, 9))
    _move(mover)
    assert national_register_sync()["moved"] == 1

    assert _periods(mover) == [(GENT, dt.date(2024, 6, 1), dt.date(2024, 9, 15)),
                               (LEUVEN, dt.date(2024, 9, 15), None)]
    assert len(_periods(steady)) == 1 and _periods(steady)[0][2] is None
    assert Person.objects.using("crt").get(pk=mover.person_id).municipality_refnis == LEUVEN
    # Checked again a week later: the same address, no new period.
    frozen_now(dt.datetime(2024, 9, 23, 9))
    assert national_register_sync()["moved"] == 0
    assert len(_periods(mover)) == 2


def test_move_detected_on_the_registration_day_replaces_the_period(register, case_manager, frozen_now):
    frozen_now(dt.datetime(2024, 6, 1, 9))
    dossier = register()
    _move(dossier)
    person_register_check(actor=case_manager, dossier=dossier, purpose=LookupPurposes.IDENTITY_CHECK)
    assert _periods(dossier) == [(LEUVEN, dt.date(2024, 6, 1), None)]


def test_correction_by_the_case_manager_rewrites_the_open_period(register, case_manager, frozen_now):
    """Decision: a case manager's change of municipality is a correction (typo, wrong choice) from
    the period's start, not a move; moves come from the national register."""
    frozen_now(dt.datetime(2023, 1, 10, 12))
    dossier = register()
    frozen_now(dt.datetime(2023, 3, 1, 12))
    person_update(actor=case_manager, dossier=dossier, phone="", email="", street="Meir 1", postal_code="",
                  municipality_refnis=ANTWERPEN, certificate_number="", certificate_valid_from=None,
                  certificate_valid_until=None, languages="")
    assert _periods(dossier) == [(ANTWERPEN, dt.date(2023, 1, 10), None)]
    assert registered_persons_per_municipality(dt.date(2023, 2, 1)) == {ANTWERPEN: 1}
    # A correction that leaves the municipality alone does not touch the history.
    person_update(actor=case_manager, dossier=dossier, phone="", email="", street="Meir 2", postal_code="",
                  municipality_refnis=ANTWERPEN, certificate_number="", certificate_valid_from=None,
                  certificate_valid_until=None, languages="")
    assert _periods(dossier) == [(ANTWERPEN, dt.date(2023, 1, 10), None)]


def test_counts_for_a_past_date_do_not_change_after_later_moves(register, case_manager, frozen_now):
    frozen_now(dt.datetime(2023, 1, 10, 12))
    a = register()
    b = register(first_name="Ivan", sex="M", birth_date=dt.date(1980, 2, 2), municipality_refnis=ANTWERPEN,
                 postal_code="")
    tranche = dt.date(2023, 6, 30)
    frozen_now(dt.datetime(2023, 7, 1, 12))
    before = registered_persons_per_municipality(tranche)
    assert before == {GENT: 1, ANTWERPEN: 1}

    frozen_now(dt.datetime(2023, 8, 1, 9))
    _move(a)
    _move(b, refnis=GENT, postal="9000", street="Korenmarkt 3")
    assert national_register_sync()["moved"] == 2
    frozen_now(dt.datetime(2023, 10, 1, 9))
    _move(a, refnis=ANTWERPEN, postal="2000", street="Meir 5")
    person_register_check(actor=case_manager, dossier=a, purpose=LookupPurposes.IDENTITY_CHECK)

    assert registered_persons_per_municipality(tranche) == before
    assert registered_persons_per_municipality(dt.date(2023, 9, 1)) == {LEUVEN: 1, GENT: 1}
    assert registered_persons_per_municipality(dt.date(2023, 12, 31)) == {ANTWERPEN: 1, GENT: 1}


def test_anonymised_dossiers_are_still_counted(register, case_manager, frozen_now, settings):
    frozen_now(dt.datetime(2023, 1, 10, 12))
    dossier = register()
    frozen_now(dt.datetime(2023, 5, 1, 9))
    _move(dossier)
    person_register_check(actor=case_manager, dossier=dossier, purpose=LookupPurposes.IDENTITY_CHECK)
    frozen_now(dt.datetime(2023, 6, 2, 9))
    dossier_status_change(actor=case_manager, dossier=dossier, status=DossierStatuses.CLOSED,
                          effective_on=dt.date(2023, 6, 1))
    settings.CRT_RETENTION_DAYS = 365
    frozen_now(dt.datetime(2024, 6, 2, 12))
    before = {d: registered_persons_per_municipality(d) for d in (dt.date(2023, 3, 1), dt.date(2023, 5, 15))}
    assert dossiers_anonymise_expired() == 1

    person = Person.objects.using("crt").get(pk=dossier.person_id)
    assert person.anonymised_at is not None and person.street == ""
    assert _periods(dossier) == [(GENT, dt.date(2023, 1, 10), dt.date(2023, 5, 1)),
                                 (LEUVEN, dt.date(2023, 5, 1), None)]
    assert registered_persons_per_municipality(dt.date(2023, 3, 1)) == before[dt.date(2023, 3, 1)] == {GENT: 1}
    assert registered_persons_per_municipality(dt.date(2023, 5, 15)) == before[dt.date(2023, 5, 15)] == {LEUVEN: 1}
    assert registered_persons_per_municipality(dt.date(2023, 6, 1)) == {}  # closed


@pytest.mark.parametrize("size", [3, 20])
def test_count_is_one_query_whatever_the_number_of_persons(register, frozen_now, django_assert_num_queries, size):
    frozen_now(dt.datetime(2023, 1, 10, 12))
    places = [GENT, ANTWERPEN, LEUVEN]
    for i in range(size):
        refnis = places[i % 3]
        register(municipality_refnis=refnis, postal_code="", birth_date=dt.date(1970 + i, 1, 1))
    with django_assert_num_queries(1, using="crt"):
        counts = registered_persons_per_municipality(dt.date(2023, 2, 1))
    assert sum(counts.values()) == size


def test_backfill_migration_opens_one_period_per_person(register, frozen_now):
    frozen_now(dt.datetime(2023, 1, 10, 12))
    a = register()
    b = register(first_name="Ivan", municipality_refnis=ANTWERPEN, postal_code="")
    AddressPeriod.objects.using("crt").all().delete()
    migration = importlib.import_module("crt.migrations.0004_address_periods")

    class SchemaEditor:
        connection = connections["crt"]

    migration.backfill(django_apps, SchemaEditor())
    assert _periods(a) == [(GENT, dt.date(2023, 1, 10), None)]
    assert _periods(b) == [(ANTWERPEN, dt.date(2023, 1, 10), None)]
    migration.backfill(django_apps, SchemaEditor())  # idempotent
    assert AddressPeriod.objects.using("crt").count() == 2
