"""The benchmark's own pieces that can silently go wrong: the floor view kept out of the product's
URLs, the load run's share of the floor, the profile's attribution, and the generated CRT address
history (``registered_persons_per_municipality`` used to count 0 persons on the bench data)."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pytest
from django.db import connections
from django.urls import NoReverseMatch, resolve, reverse

from benchmarks import generate, load, profile


def test_floor_view_is_not_in_the_product_urls():
    # The permission matrix walks config.urls: the bench's floor must not be there ...
    with pytest.raises(NoReverseMatch):
        reverse("bench_floor")
    # ... but the bench gunicorn's URLconf has it next to every product URL.
    from benchmarks import urls as bench_urls

    assert resolve(load.FLOOR.path, urlconf="benchmarks.urls").func is bench_urls.floor
    assert resolve("/hvt/plaatsen/", urlconf="benchmarks.urls").url_name == "place_list"
    assert reverse("core:home", urlconf="benchmarks.urls") == "/"


def _phase(name, rps, failures=0):
    return {"name": name, "rps": rps, "failures": failures, "requests": int(rps * 10)}


def test_share_is_against_the_mean_of_both_floor_phases_and_below_half_is_missed():
    phases = [_phase("floor", 220.0), _phase("home", 110.0), _phase("place_list", 99.0),
              _phase("dashboard", 150.0), _phase("floor_again", 180.0)]
    result = load.summarise(phases, users=4, seconds=3, workers=5, logins={"officer": 4})
    assert result["floor_rps"] == 200.0
    assert result["floor_drift"] == pytest.approx(0.2)
    shares = {p["name"]: p["share"] for p in result["phases"]}
    assert shares["home"] == pytest.approx(0.55) and shares["dashboard"] == pytest.approx(0.75)
    assert result["status"] == "missed"
    assert result["detail"] == "place_list at 49.5% of the floor (< 50%)"


def test_failures_miss_the_goal_even_when_fast():
    phases = [_phase("floor", 100.0), _phase("home", 90.0, failures=3), _phase("place_list", 90.0),
              _phase("dashboard", 90.0), _phase("floor_again", 100.0)]
    result = load.summarise(phases, users=4, seconds=3, workers=5, logins={})
    assert (result["status"], result["detail"]) == ("missed", "3 failed requests")
    phases[1]["failures"] = 0
    assert load.summarise(phases, users=4, seconds=3, workers=5, logins={})["status"] == "ok"


class _Frame:
    def __init__(self, path, time, children=()):
        self.file_path, self.time, self.children = path, time, list(children)


def test_profile_charges_time_to_the_innermost_part_and_the_driver():
    sql = _Frame("/venv/psycopg/cursor.py", 3.0)
    licence = _Frame("/app/licensing/middleware.py", 4.0, [_Frame("/venv/django/db/models/query.py", 3.5, [sql])])
    template = _Frame("/venv/django/template/base.py", 2.0)
    view = _Frame("/app/hvt/views/places.py", 5.0, [template])
    root = _Frame("/venv/django/core/handlers/base.py", 10.0, [licence, view])
    total, in_db = profile.attribute(root)
    assert total == pytest.approx({profile.REST: 1.0, "licence check": 4.0, "view and selectors": 3.0,
                                   "template rendering": 2.0})
    assert in_db == pytest.approx({"licence check": 3.0})


@pytest.mark.django_db(databases=["default", "crt"])
def test_generated_persons_have_a_gapless_address_history_ending_where_they_live():
    from crt.models import Dossier, Person

    history: list[tuple] = []
    statuses: list[tuple] = []
    n = generate._persons({"persons": 400}, random.Random(7), history, statuses)
    assert n == 400
    periods = defaultdict(list)
    for person_id, refnis, valid_from, valid_to in history:
        periods[person_id].append((valid_from, valid_to, refnis))
    persons = {p.pk: p for p in Person.objects.using("crt").all()}
    opened = dict(Dossier.objects.using("crt").values_list("person_id", "opened_on"))
    ended_on = dict(Dossier.objects.using("crt").values_list("person_id", "ended_on"))
    # Every person has a history, except whole households of the few without one (generator v6: the
    # data-quality report's persons_without_municipality): one in fifty households, members together.
    unplaced = set(persons) - set(periods)
    assert set(periods) <= set(persons) and 0 < len(unplaced) < len(persons) // 10
    households = defaultdict(set)
    for p in persons.values():
        households[p.household_id].add(p.pk)
    assert all(members <= unplaced or not members & unplaced for members in households.values())
    moved = 0
    for person_id, rows in periods.items():
        rows.sort()
        assert rows[0][0] == opened[person_id]  # registered where the history starts
        assert rows[-1][1] is None and all(r[1] is not None for r in rows[:-1])  # exactly one open period
        for (_f, to, refnis), (nxt_from, _t, nxt_refnis) in zip(rows, rows[1:], strict=False):
            assert to == nxt_from and refnis != nxt_refnis  # no gap, no overlap, a real move
        assert persons[person_id].municipality_refnis == rows[-1][2]
        moved += len(rows) > 1
    assert 0 < moved < len(periods)  # some households moved, most did not
    assert len({rows[-1][2] for rows in periods.values()}) > 20  # spread over municipalities
    ended = Dossier.objects.using("crt").filter(ended_on__isnull=False)
    assert 0 < ended.count() < n and not ended.filter(status="registered").exists()
    # The status history: registered on opening, later steps later, the end status on the end date,
    # the dossier's status the last one; more than one status and more than one sex at scale.
    paths = defaultdict(list)
    for dossier_id, status, day in statuses:
        paths[dossier_id].append((day, status))
    dossiers = {d.pk: d for d in Dossier.objects.using("crt").all()}
    assert set(paths) == set(dossiers)
    for dossier_id, path in paths.items():
        dossier = dossiers[dossier_id]
        assert path[0] == (dossier.opened_on, "registered") and path[-1][1] == dossier.status
        assert [day for day, _s in path] == sorted(day for day, _s in path)
        if dossier.ended_on is not None:
            assert path[-1] == (dossier.ended_on, dossier.status) and dossier.status in ("moved_away", "closed")
    assert len({s for _d, s, _day in statuses}) >= 5
    assert set(Person.objects.using("crt").values_list("sex", flat=True)) >= {"F", "M"}

    if connections["crt"].vendor != "postgresql":
        return  # COPY is PostgreSQL's (the bench runs there; CI runs the tests there)
    from crt.selectors import registered_persons_per_municipality

    assert generate._address_periods(history) == len(history)
    assert generate._status_changes(statuses) == len(statuses)
    assert generate._crt_counts() > 0  # the kept counts, recomputed after the bulk load
    day = dt.date(2024, 6, 30)
    expected = defaultdict(int)
    for person_id, rows in periods.items():
        end = ended_on[person_id]
        if opened[person_id] <= day and (end is None or end > day):
            expected[next(r for f, t, r in rows if f <= day and (t is None or t > day))] += 1
    assert sum(expected.values()) > 0
    assert registered_persons_per_municipality(day) == dict(expected)
    from crt.selectors import counts_on

    status = counts_on(day, ["status"])["status"]  # each dossier opened by then in the status it had
    assert sum(status.values()) == sum(1 for d in dossiers.values() if d.opened_on <= day) and len(status) >= 3


@pytest.mark.django_db
def test_generated_places_keep_their_first_allocation_day():
    """v7: after the bulk insert of allocations every place's ``first_allocation_on`` is the earliest
    start of its allocations (NULL without any), as the services keep it (hvt.quality reads it)."""
    from django.db.models import Min

    from hvt.models import ReceptionPlace

    if connections["default"].vendor != "postgresql":
        pytest.skip("the generator writes PostgreSQL SQL (the bench databases are PostgreSQL)")
    rng = random.Random(7)
    generate._places({"places": 120}, rng)
    generate._allocations({"allocations": 200}, rng)
    kept = dict(ReceptionPlace.objects.values_list("pk", "first_allocation_on"))
    computed = dict(ReceptionPlace.objects.annotate(first=Min("allocations__start_date")).values_list("pk", "first"))
    assert kept == computed
    assert None in kept.values() and any(kept.values())  # places with and without allocations
