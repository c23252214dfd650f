"""The counts at a date (crt.CountChange, kept by crt.services.counts) equal the direct queries
over persons, dossiers, address periods and status changes that they replace, on random
histories: registrations, moves, corrections, status changes (back-dated, reopened, several on
one day), transfers, anonymisation, birthdays on 29 February."""

import datetime as dt
import random
from collections import Counter

import pytest
from django.db.models import Case, CharField, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import TruncMonth

from crt.constants import AGE_BANDS, CountDimensions, DossierStatuses
from crt.models import AddressPeriod, CountChange, Dossier, Organisation, StatusChange
from crt.numbers import generate_number
from crt.selectors import counts_on, registered_persons_per_municipality
from crt.services import (
    address_move,
    counts_rebuild,
    dossier_status_change,
    dossier_transfer,
    dossiers_anonymise_expired,
    person_register,
    person_update,
)
from crt.services.counts import _turns, years_before
from tests.crt.conftest import person_input

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

MUNICIPALITIES = {"44021": "9000", "11002": "2000", "24062": "3000", "71072": "3500"}


# --- the direct queries (what the reporting page and the guidance count ran before) ----------------

def _registered_on(day):
    return Dossier.objects.using("crt").filter(opened_on__lte=day).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))


def direct_counts(day: dt.date) -> dict[str, dict[str, int]]:
    municipality = dict(
        AddressPeriod.objects.using("crt").filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .filter(person__dossier__opened_on__lte=day)
        .filter(Q(person__dossier__ended_on__isnull=True) | Q(person__dossier__ended_on__gt=day))
        .values_list("municipality_refnis").annotate(n=Count("person_id", distinct=True)).order_by())
    sex = dict(_registered_on(day).values_list("person__sex").annotate(n=Count("pk")).order_by())
    organisation = {str(k): n for k, n in _registered_on(day).values_list("organisation_id").annotate(n=Count("pk")).order_by()}
    band = Case(*[When(person__birth_date__gt=years_before(day, upper), then=Value(label))
                  for _lower, upper, label in AGE_BANDS[:-1]], default=Value(AGE_BANDS[-1][2]), output_field=CharField())
    age = dict(_registered_on(day).annotate(band=band).values_list("band").annotate(n=Count("pk")).order_by())
    status_then = Subquery(StatusChange.objects.using("crt").filter(dossier=OuterRef("pk"), effective_on__lte=day)
                           .order_by("-effective_on", "-pk").values("status")[:1])
    status = dict(Dossier.objects.using("crt").filter(opened_on__lte=day).annotate(s=status_then)
                  .values_list("s").annotate(n=Count("pk")).order_by())
    months = {m.strftime("%Y-%m"): n for m, n in Dossier.objects.using("crt").filter(opened_on__lte=day)
              .annotate(m=TruncMonth("opened_on")).values_list("m").annotate(n=Count("pk")).order_by()}
    out = {CountDimensions.MUNICIPALITY: municipality, CountDimensions.SEX: sex, CountDimensions.ORGANISATION: organisation,
           CountDimensions.AGE_BAND: age, CountDimensions.STATUS: {k: n for k, n in status.items() if k is not None},
           CountDimensions.MONTH: months}
    return {dim: {k: n for k, n in cells.items() if n} for dim, cells in out.items() if any(cells.values())}


# --- random histories ---------------------------------------------------------------------------

def _history(rng: random.Random, frozen_now, case_manager, orgs) -> list[Dossier]:
    start = dt.date(2022, 3, 14)
    dossiers = []
    births = [dt.date(2020, 2, 29), dt.date(2016, 2, 29), dt.date(2017, 3, 1), dt.date(2004, 2, 28), dt.date(1959, 6, 30)]
    for i in range(24):
        frozen_now(dt.datetime(2024, 6, 1, 12))
        birth = births[i] if i < len(births) else dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 26000))
        refnis = rng.choice(list(MUNICIPALITIES))
        dossiers.append(person_register(
            actor=case_manager, organisation=rng.choice(orgs), confirm_duplicate=True,
            opened_on=start + dt.timedelta(days=rng.randint(0, 700)),
            data=person_input(first_name=f"P{i}", birth_date=birth, national_number=generate_number(birth, 2 * i + 2),
                              sex=rng.choice("FMX"), municipality_refnis=refnis, postal_code=MUNICIPALITIES[refnis]),
        ))
    for _ in range(70):
        dossier = rng.choice(dossiers)
        dossier.refresh_from_db()
        if dossier.anonymised_at:
            continue
        when = dossier.opened_on + dt.timedelta(days=rng.randint(0, 500))
        frozen_now(dt.datetime.combine(max(when, dossier.opened_on), dt.time(12)))
        action = rng.choice(["move", "move", "correct", "status", "status", "status", "transfer"])
        if action == "move":
            address_move(person=dossier.person, municipality_refnis=rng.choice(list(MUNICIPALITIES)),
                         moved_on=when - dt.timedelta(days=rng.choice([0, 0, 30, 900])))
        elif action == "correct":
            refnis = rng.choice(list(MUNICIPALITIES))
            person_update(actor=case_manager, dossier=dossier, phone="", email="", street="", postal_code="",
                          municipality_refnis=refnis, certificate_number="", certificate_valid_from=None,
                          certificate_valid_until=None, languages="")
        elif action == "status":
            effective = dossier.opened_on + dt.timedelta(days=rng.randint(0, (when - dossier.opened_on).days))
            for _twice in range(rng.choice([1, 1, 2])):  # sometimes two changes on one day
                dossier_status_change(actor=case_manager, dossier=dossier, status=rng.choice(DossierStatuses.values),
                                      effective_on=effective)
        else:
            target = rng.choice([o for o in orgs if o.pk != dossier.organisation_id])
            dossier_transfer(actor=None, dossier=dossier, to_organisation=target, reason="test")
    return dossiers


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_counts_at_every_date_equal_the_direct_queries(seed, frozen_now, case_manager, settings):
    rng = random.Random(seed)
    orgs = [Organisation.objects.using("crt").get_or_create(code=c, defaults={"name": c})[0] for c in ("a", "b", "c")]
    _history(rng, frozen_now, case_manager, orgs)
    settings.CRT_RETENTION_DAYS = 30
    frozen_now(dt.datetime(2025, 6, 1, 3))
    dossiers_anonymise_expired()  # birth dates become 1 July: age bands move
    days = sorted({dt.date(2022, 3, 1) + dt.timedelta(days=rng.randint(0, 1200)) for _ in range(40)}
                  | {dt.date(2024, 2, 29), dt.date(2024, 3, 1), dt.date(2025, 2, 28), dt.date(2025, 3, 1)})
    for day in days:
        assert counts_on(day) == direct_counts(day), day
        assert registered_persons_per_municipality(day) == direct_counts(day).get(CountDimensions.MUNICIPALITY, {})
    assert counts_rebuild() == 0  # what the services kept is what the base rows say


def test_rebuild_repairs_counts_written_around_the_services(register, frozen_now):
    frozen_now(dt.datetime(2024, 3, 1, 10))
    dossier = register()
    Dossier.objects.using("crt").filter(pk=dossier.pk).update(ended_on=dt.date(2024, 3, 1))  # a fix by hand
    assert registered_persons_per_municipality(dt.date(2024, 3, 1)) == {"44021": 1}  # the kept count is stale
    assert counts_rebuild() > 0  # the cells that differed (the audit event says how many)
    assert counts_rebuild() == 0
    assert registered_persons_per_municipality(dt.date(2024, 3, 1)) == {}
    assert counts_on(dt.date(2024, 3, 1)) == direct_counts(dt.date(2024, 3, 1))


def test_a_dossier_that_ended_on_or_before_its_opening_counts_nowhere():
    from crt.services.counts import person_changes

    for ended in (dt.date(2024, 3, 1), dt.date(2024, 2, 1)):
        changes = person_changes(sex="F", birth_date=dt.date(1990, 1, 1), organisation_id=1, opened_on=dt.date(2024, 3, 1),
                                 ended_on=ended, periods=[("44021", dt.date(2024, 3, 1), None)], statuses=[])
        assert {dim for (dim, _key, _day), n in changes.items() if n} == {CountDimensions.MONTH}


def test_a_refused_change_leaves_the_counts_as_they_were(register, case_manager, frozen_now):
    from django.core.exceptions import ValidationError

    frozen_now(dt.datetime(2024, 3, 1, 10))
    dossier = register()
    before = list(CountChange.objects.using("crt").values_list("dimension", "key", "day", "change"))
    with pytest.raises(ValidationError):
        dossier_status_change(actor=case_manager, dossier=dossier, status="closed", effective_on=dt.date(2099, 1, 1))
    assert list(CountChange.objects.using("crt").values_list("dimension", "key", "day", "change")) == before


@pytest.mark.parametrize("birth", [dt.date(2020, 2, 29), dt.date(2019, 3, 1), dt.date(2019, 2, 28), dt.date(2000, 12, 31)])
def test_the_age_band_changes_on_the_same_day_as_the_direct_test(birth):
    """``_turns`` is the first day on which ``birth_date > years_before(day, years)`` stops holding."""
    for years in (5, 12, 18):
        turn = _turns(birth, years)
        assert birth > years_before(turn - dt.timedelta(days=1), years)
        assert not birth > years_before(turn, years)


def test_the_count_is_one_query_whatever_the_number_of_persons(register, frozen_now, django_assert_num_queries):
    frozen_now(dt.datetime(2024, 3, 1, 10))
    for i in range(3):
        birth = dt.date(1980 + i, 1, 1)
        register(first_name=f"P{i}", birth_date=birth, national_number=generate_number(birth, 2 * i + 2))
    with django_assert_num_queries(1, using="crt"):
        assert registered_persons_per_municipality(dt.date(2024, 3, 1)) == {"44021": 3}
    assert Counter(CountChange.objects.using("crt").values_list("dimension", flat=True))[CountDimensions.MUNICIPALITY] == 1
