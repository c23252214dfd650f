"""Differencing the published CRT reports by consecutive ``?datum=`` values (issue 10, finding 13).

The attack: fetch the tables for two consecutive dates and subtract. With exact counts (small-cell
suppression only) a registration, a move or a departure showed as a difference of one person in
a cell and in the total: 19 single-person changes in 14 days. The planted data set below makes one
such change every day for 14 days; the published tables must not show any of them as a difference
of one (or of anything that is not a multiple of the rounding base), nor as a row appearing, nor
as 0 turning into x.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse

from crt.constants import CrtRoles
from crt.models import Dossier, Organisation
from crt.numbers import generate_number
from crt.reporting import DIMENSIONS, _counts, report_table
from crt.services import PersonInput, address_move, dossier_status_change, person_register

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

GENT, ANTWERPEN, LEUVEN, AARTSELAAR = "44021", "11002", "24062", "11001"  # nobody lives in Aartselaar at first
DAY0 = dt.date(2024, 3, 1)
DAYS = [DAY0 + dt.timedelta(days=i) for i in range(15)]  # DAY0 and 14 consecutive dates after it
_seq = [0]


def _register(org, refnis, *, on, sex="F", birth=None):
    _seq[0] += 1
    birth = birth or dt.date(1950, 1, 1) + dt.timedelta(days=191 * _seq[0])
    number = generate_number(birth, 1 + (2 * _seq[0] + (sex == "M")) % 997)
    return person_register(actor=None, organisation=org, confirm_duplicate=True, opened_on=on, data=PersonInput(
        first_name=f"Plant{_seq[0]}", last_name="Verschil", birth_date=birth, sex=sex,
        national_number=number, municipality_refnis=refnis))


def _move(dossier, refnis, *, on):
    """A move found by the national register on ``on`` (what person_register_check does)."""
    with transaction.atomic(using="crt"):
        person = dossier.person
        person.municipality_refnis = refnis
        person.save(using="crt", update_fields=["municipality_refnis"])
        address_move(person=person, municipality_refnis=refnis, moved_on=on)


@pytest.fixture
def planted(frozen_now):
    """77 persons on DAY0, then exactly one single-person change on each of the 14 days after it."""
    _seq[0] = 0
    atlas = Organisation.objects.using("crt").get_or_create(code="atlas", defaults={"name": "Atlas"})[0]
    amal = Organisation.objects.using("crt").get_or_create(code="amal", defaults={"name": "Amal"})[0]
    frozen_now(dt.datetime(2024, 3, 1, 9))
    base = {GENT: [], ANTWERPEN: [], LEUVEN: []}
    for i in range(77):
        refnis = GENT if i < 40 else ANTWERPEN if i < 65 else LEUVEN
        opened = dt.date(2024, 1, 2) + dt.timedelta(days=i % 55)
        base[refnis].append(_register(atlas if i % 3 else amal, refnis, on=opened, sex="F" if i % 2 else "M"))

    def at(day):
        frozen_now(dt.datetime.combine(day, dt.time(11)))
        return day

    changes = [
        lambda d: _register(atlas, GENT, on=d),  # a registration
        lambda d: _move(base[GENT][0], ANTWERPEN, on=d),  # a move
        lambda d: _register(atlas, AARTSELAAR, on=d),  # the first person in an empty municipality
        lambda d: dossier_status_change(actor=None, dossier=base[LEUVEN][0], status="moved_away", effective_on=d),
        lambda d: _register(amal, ANTWERPEN, on=d, sex="M"),
        lambda d: _move(base[ANTWERPEN][0], LEUVEN, on=d),
        lambda d: _register(atlas, LEUVEN, on=d, birth=dt.date(2023, 6, 1)),  # a baby: age band 0-4
        lambda d: _move(base[GENT][1], AARTSELAAR, on=d),
        lambda d: dossier_status_change(actor=None, dossier=base[GENT][2], status="closed", effective_on=d),
        lambda d: _register(atlas, GENT, on=d, sex="X"),  # the first person of sex X
        lambda d: _move(base[LEUVEN][1], GENT, on=d),
        lambda d: _register(amal, ANTWERPEN, on=d),
        lambda d: dossier_status_change(actor=None, dossier=base[GENT][3], status="civic_integration", effective_on=d),
        lambda d: _register(atlas, GENT, on=d),
    ]
    for day, change in zip(DAYS[1:], changes, strict=True):
        change(at(day))
    frozen_now(dt.datetime(2024, 3, 20, 9))
    return base


def _published(day):
    return {dim: report_table(dim, day) for dim in DIMENSIONS}


def test_the_planted_data_makes_one_single_person_change_a_day(planted):
    """The ground truth: every day exactly one person changes somewhere (so the attack has something
    to find): a cell moves by one and, for registrations and departures, the total as well."""
    for before, after in zip(DAYS, DAYS[1:], strict=False):
        deltas = []
        for dim in DIMENSIONS:
            a, _ = _counts(dim, before)
            b, _ = _counts(dim, after)
            deltas += [b.get(k, 0) - a.get(k, 0) for k in {*a, *b}]
        assert {abs(d) for d in deltas} <= {0, 1} and 1 in {abs(d) for d in deltas}, after
    assert Dossier.objects.using("crt").count() == 77 + 7


def test_differencing_consecutive_dates_reveals_no_single_person_change(planted):
    tables = {day: _published(day) for day in DAYS}
    single_person_differences = []
    visible_changes = 0
    for before, after in zip(DAYS, DAYS[1:], strict=False):
        for dim in DIMENSIONS:
            old, new = tables[before][dim], tables[after][dim]
            # The rows never depend on the data: no row appears or disappears.
            assert [r.key for r in old.rows] == [r.key for r in new.rows], (dim, after)
            pairs = [(r.key, r.value, s.value) for r, s in zip(old.rows, new.rows, strict=True)]
            pairs.append(("total", old.total, new.total))
            for key, a, b in pairs:
                for value in (a, b):  # every published number is a multiple of 5, and never 0
                    assert value is None or (value % 5 == 0 and value > 0), (dim, key, value)
                if a is not None and b is not None and a != b:
                    visible_changes += 1
                    if abs(b - a) < 5:
                        single_person_differences.append((after, dim, key, a, b))
    assert single_person_differences == []
    # Rounding still lets the figures move (by 5, when a count crosses a rounding boundary), so the
    # tables stay useful; but a move of 5 is what one person or five or nine make alike.
    assert visible_changes > 0


def test_the_reporting_page_shows_the_rounded_figures(client, login, make_user, planted):
    login(make_user(CrtRoles.REPORTING))
    body = client.get(reverse("crt:reports") + f"?datum={DAYS[1]}").content.decode()
    municipality = report_table("municipality", DAYS[1])
    gent = next(r for r in municipality.rows if r.key == GENT)
    assert gent.value == 40  # 41 persons in Gent that day, published as 40
    assert ">40<" in body and ">41<" not in body and "veelvoud van 5" in body
    csv = client.get(reverse("crt:report_export", args=["municipality"]) + f"?datum={DAYS[1]}").content.decode()
    assert "Gent;40" in csv and f"Totaal;{municipality.total}" in csv and municipality.total % 5 == 0
