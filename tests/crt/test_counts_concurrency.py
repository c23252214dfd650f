"""The kept counts under concurrent writers (PostgreSQL: row locks; CI runs it): registrations on
the same day and municipality (the same cells), and two services changing one person at once."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction

from core import clock
from crt.constants import CountDimensions
from crt.models import Organisation
from crt.numbers import generate_number
from crt.selectors import counts_on
from crt.services import PersonInput, address_move, counts_rebuild, dossier_status_change, person_register
from tests.crt.test_counts import direct_counts

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"),
    pytest.mark.django_db(transaction=True, databases=["default", "crt"]),
]


def _at_once(jobs) -> list[Exception]:
    barrier = threading.Barrier(len(jobs))
    errors: list[Exception] = []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as exc:  # noqa: BLE001 – reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def _register(org, i):
    birth = dt.date(1980, 1, 1) + dt.timedelta(days=37 * i)
    return person_register(actor=None, organisation=org, confirm_duplicate=True, data=PersonInput(
        first_name=f"Gelijktijdig{i}", last_name="Teller", birth_date=birth, sex="F",
        national_number=generate_number(birth, 2 * i + 2), municipality_refnis="44021"))


def test_registrations_at_the_same_moment_are_all_counted():
    org, _ = Organisation.objects.using("crt").get_or_create(code="gelijk", defaults={"name": "Gelijktijdig"})
    before = counts_on(clock.today()).get(CountDimensions.MUNICIPALITY, {}).get("44021", 0)
    assert _at_once([lambda i=i: _register(org, i) for i in range(4)]) == []
    assert counts_on(clock.today())[CountDimensions.MUNICIPALITY]["44021"] == before + 4
    assert counts_on(clock.today()) == direct_counts(clock.today())


def test_two_services_changing_one_person_at_once_keep_the_counts_exact():
    org, _ = Organisation.objects.using("crt").get_or_create(code="gelijk2", defaults={"name": "Gelijktijdig 2"})
    dossiers = [_register(org, 10 + i) for i in range(3)]
    today = clock.today()

    def close(dossier):
        return lambda: dossier_status_change(actor=None, dossier=dossier, status="moved_away", effective_on=today)

    def move(dossier):
        def job():
            with transaction.atomic(using="crt"):
                address_move(person=dossier.person, municipality_refnis="11002", moved_on=today)
        return job

    assert _at_once([job for d in dossiers for job in (close(d), move(d))]) == []
    for day in (today - dt.timedelta(days=1), today, today + dt.timedelta(days=1)):
        assert counts_on(day) == direct_counts(day), day
    assert counts_rebuild() == 0
