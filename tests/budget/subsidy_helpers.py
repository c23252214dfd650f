"""Builders for the subsidy tests: places through the HVT services, runs through the budget services."""

import datetime as dt
from decimal import Decimal

from budget.constants import RunStatuses
from budget.models import SubsidyLine, SubsidyRun, Tranche
from budget.subsidy.services import run_approve, run_calculate
from hvt import services as hvt
from hvt.constants import PlaceCategories
from tests.factories import make_user
from tests.hvt.helpers import GENT, GENT_POSTAL

NOW = dt.datetime(2025, 5, 1, 12, 0)


def place(*, category=PlaceCategories.CAT1_PUBLIC, capacity=4, start=dt.date(2022, 4, 1), subtype="",
          validate=True, municipality=GENT, postal_code=GENT_POSTAL):
    p = hvt.place_register(
        actor=None, municipality=municipality, postal_code=postal_code, street="Kouter", house_number="1",
        operator="Stad", capacity=capacity, category=category, category_2_subtype=subtype, start_date=start,
    )
    if validate:
        p = validate_place(p)
    return p


def validate_place(p):
    hvt.quality_check_record(
        actor=None, place=p, checked_on=dt.date(2022, 4, 1), inspector="Inspecteur", no_category_3_defects=True,
        no_critical_category_2_defects=True, not_uninhabitable=True, no_overcrowding=True,
    )
    return hvt.place_validate(actor=None, place=p)


def allocate(p, *, size, start, end=None, fee=Decimal("0.00"), ref="HH-0001"):
    a = hvt.allocation_create(
        actor=None, place=p, household_reference=ref, household_size=size, adults=size, minors=0,
        start_date=start, end_date=end, resident_fee_per_day=fee,
    )
    return a


def coordinator():
    return make_user("hvt_subsidy_coordinator")


def calc(code, actor=None):
    return run_calculate(tranche=Tranche.objects.get(code=code), actor=actor)


def approve_through(code, actor):
    """Calculate and approve every tranche up to and including ``code``; the last run."""
    run = None
    for t in Tranche.objects.filter(reference_date__lte=Tranche.objects.get(code=code).reference_date):
        existing = SubsidyRun.objects.filter(tranche=t, status=RunStatuses.APPROVED).first()
        run = existing or run_approve(run=run_calculate(tranche=t, actor=actor), actor=actor)
    return run


def amounts(run, place=None) -> dict[str, Decimal]:
    """{rule kind: amount} of a run's lines (for one place)."""
    qs = SubsidyLine.objects.filter(run=run)
    if place is not None:
        qs = qs.filter(place=place)
    return {line.rule_kind: line.amount for line in qs}
