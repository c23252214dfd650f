"""Demo data for the HVT: a plausible Flanders, labelled as demo (``is_demo``).

Places in every municipality across all categories, allocations from March 2022 until today:
host families (category 1 private) dominate the first months and fade in 2023; hotels (category
2) fill the gap in 2022–2023; the three emergency villages (category 3) open in 2022 and are wound
down from 2024 while individual housing (category 1 public) grows. Allocations are laid out in
"lanes" whose widths add up to at most the capacity, so no day is ever overbooked.

Bulk inserts (no audit events: this is not anyone's change). Idempotent: earlier demo rows are
replaced.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from core import clock
from geo.models import Municipality, PopulationFigure, PostalCode
from hvt import services
from hvt.constants import EARLIEST_START, Category2Subtypes, OfferStatuses, PlaceCategories, PlaceSources, PlaceStatuses
from hvt.models import (
    Allocation,
    CapacitySnapshot,
    MunicipalityTarget,
    PlaceOffer,
    QualityCheck,
    ReceptionPlace,
    SteeringNote,
    TargetRound,
)
from hvt.periods import periods_create_missing

STREETS = ["Kerkstraat", "Stationsstraat", "Dorpsstraat", "Molenstraat", "Schoolstraat", "Nieuwstraat", "Kapelstraat",
           "Hoogstraat", "Beekstraat", "Veldstraat", "Lindenlaan", "Kasteelstraat", "Bosstraat", "Marktplein"]
VILLAGES = {"12025": "Nooddorp Mechelen", "11002": "Nooddorp Antwerpen", "44021": "Nooddorp Gent"}
DAY = dt.timedelta(days=1)


def _d(year, month, day=1):
    return dt.date(year, month, day)


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _count(rng: random.Random, expected: float) -> int:
    """An integer with the given expectation (so small municipalities still get some places)."""
    whole = int(expected)
    return whole + (1 if rng.random() < expected - whole else 0)


def _place_specs(rng, refnis: str, weight: float, small: bool, today: dt.date):
    """(category, subtype, capacity, start, end) for one municipality."""
    scale = 0.35 if small else 5.0
    specs = []
    for _ in range(max(1, _count(rng, scale * weight * rng.uniform(0.6, 1.4)))):  # host families, early, fading
        start = _between(rng, EARLIEST_START, _d(2022, 6, 30))
        end = _between(rng, _d(2022, 9, 1), _d(2023, 12, 31)) if rng.random() < 0.85 else None
        specs.append((PlaceCategories.CAT1_PRIVATE, "", rng.randint(2, 6), start, end))
    for _ in range(_count(rng, scale * weight * 0.8 * rng.uniform(0.5, 1.5))):  # individual housing, growing from 2024
        start = _between(rng, _d(2022, 5, 1), _d(2023, 6, 30)) if rng.random() < 0.3 else _between(rng, _d(2024, 1, 1), today)
        specs.append((PlaceCategories.CAT1_PUBLIC, "", rng.randint(3, 12), start, None))
    if rng.random() < (0.25 if small else 0.6) * min(weight, 3):  # specific places
        subtype = rng.choice(list(Category2Subtypes.values))
        start = _between(rng, _d(2022, 3, 20), _d(2023, 9, 30))
        end = _between(rng, _d(2023, 6, 1), _d(2024, 12, 31)) if rng.random() < 0.7 else None
        specs.append((PlaceCategories.CAT2, subtype, rng.randint(10, 40), start, end))
    if refnis in VILLAGES:  # emergency villages: hundreds of beds, wound down from 2024
        specs.append((PlaceCategories.CAT3, "", 150 if small else rng.randint(300, 600), _d(2022, 4, 8),
                      _between(rng, _d(2024, 3, 1), _d(2024, 12, 31))))
    return specs


def _lanes(rng, place: ReceptionPlace, today: dt.date, counter: list[int]) -> list[Allocation]:
    """Sequential households per lane; lane widths sum to at most the capacity."""
    out = []
    remaining = place.capacity
    occupancy = rng.uniform(0.5, 0.95)
    while remaining > 0 and place.capacity - remaining < place.capacity * occupancy:
        width = min(remaining, rng.choice([1, 2, 2, 3, 3, 4, 5]))
        remaining -= width
        day = place.start_date + dt.timedelta(days=rng.randint(0, 30))
        last = min(place.end_date or today, today)
        while day <= last:
            length = rng.randint(45, 420)
            end = day + dt.timedelta(days=length)
            open_ended = end > last and place.end_date is None
            if not open_ended and end > last:
                end = last
            minors = rng.randint(0, max(0, width - 1))
            counter[0] += 1
            out.append(Allocation(
                place=place, household_reference=f"DEMO-{counter[0]:06d}", household_size=width,
                adults=width - minors, minors=minors, start_date=day, end_date=None if open_ended else end, is_demo=True,
            ))
            if open_ended:
                break
            day = end + dt.timedelta(days=rng.randint(1, 60))
    return out


def _clear():
    PlaceOffer.objects.filter(place__is_demo=True).update(place=None)
    PlaceOffer.objects.filter(offered_by__username__startswith="demo-").delete()
    Allocation.objects.filter(place__is_demo=True).update(moved_from=None)
    Allocation.objects.filter(place__is_demo=True).delete()
    QualityCheck.objects.filter(place__is_demo=True).delete()
    ReceptionPlace.objects.filter(is_demo=True).delete()
    SteeringNote.objects.filter(author__username__startswith="demo-").delete()
    MunicipalityTarget.objects.filter(round__note__startswith="[demo]").delete()
    TargetRound.objects.filter(note__startswith="[demo]").delete()
    CapacitySnapshot.objects.all().delete()


@transaction.atomic
def seed(stdout, *, small: bool = False) -> None:
    rng = random.Random(20220314)
    today = clock.today()
    _clear()
    postal = {}
    for code, refnis in PostalCode.objects.order_by("code").values_list("code", "municipality_id"):
        postal.setdefault(refnis, code)
    population = dict(
        PopulationFigure.objects.order_by("municipality_id", "-year").distinct("municipality_id").values_list("municipality_id", "total")
    ) if PopulationFigure.objects.exists() and _supports_distinct_on() else {
        m: t for m, t in PopulationFigure.objects.order_by("municipality_id", "year").values_list("municipality_id", "total")
    }
    mean = (sum(population.values()) / len(population)) if population else 1
    places = []
    for refnis in Municipality.objects.order_by("pk").values_list("pk", flat=True):
        weight = min(max(population.get(refnis, mean) / mean, 0.3), 12)
        for category, subtype, capacity, start, end in _place_specs(rng, refnis, weight, small, today):
            if start > today:
                start = today
            if end is not None and end < start:
                end = start + dt.timedelta(days=90)
            closed = end is not None and end < today
            pending = not closed and start > today - dt.timedelta(days=30) and rng.random() < 0.3
            status = PlaceStatuses.CLOSED if closed else (PlaceStatuses.REGISTERED if pending else PlaceStatuses.VALIDATED)
            cat2_new = category == PlaceCategories.CAT2 and start >= _d(2023, 6, 1)
            places.append(ReceptionPlace(
                municipality_id=refnis, name=VILLAGES.get(refnis, "") if category == PlaceCategories.CAT3 else "",
                street=rng.choice(STREETS), house_number=str(rng.randint(1, 250)), postal_code=postal[refnis],
                operator={PlaceCategories.CAT1_PRIVATE: "Gastgezin (demo)", PlaceCategories.CAT1_PUBLIC: "Lokaal bestuur (demo)",
                          PlaceCategories.CAT2: "Uitbater (demo)", PlaceCategories.CAT3: "Vlaamse overheid (demo)"}[category],
                capacity=capacity, category=category, category_2_subtype=subtype, start_date=start, end_date=end,
                accessible=rng.random() < 0.2, pets_allowed=rng.random() < 0.3, status=status, source=PlaceSources.DEMO,
                validated_on=None if pending else start, closed_on=end if closed else None,
                agency_confirmed_on=(start + dt.timedelta(days=10)) if cat2_new and not pending else None,
                notes="Demogegevens", is_demo=True,
            ))
    ReceptionPlace.objects.bulk_create(places, batch_size=1000)
    periods_create_missing()  # one open period per place: the effective-dated facts (docs/SUBSIDY.md)
    places = list(ReceptionPlace.objects.filter(is_demo=True).order_by("pk"))
    checks, allocations, counter = [], [], [0]
    for place in places:
        if place.validated_on:
            checks.append(QualityCheck(
                place=place, checked_on=place.validated_on, inspector="Woninginspectie (demo)", no_category_3_defects=True,
                no_critical_category_2_defects=True, not_uninhabitable=True, no_overcrowding=True,
            ))
            allocations.extend(_lanes(rng, place, today, counter))
    QualityCheck.objects.bulk_create(checks, batch_size=2000)
    fees = random.Random(2022)  # its own stream: the rest of the demo data stays as it was
    for allocation in allocations:  # some hotels charge their residents (category-2 resident fee)
        if allocation.place.category == PlaceCategories.CAT2 and fees.random() < 0.3:
            allocation.resident_fee_per_day = Decimal("5.00")
    Allocation.objects.bulk_create(allocations, batch_size=2000)
    services.first_allocation_refresh(ReceptionPlace.objects.filter(is_demo=True).values("pk"))  # bulk: the first allocation day of each demo place
    stdout.write(f"  {len(places)} demo reception places, {len(allocations)} allocations")
    _offers_notes_targets(stdout, rng, postal, today)
    every = 30 if small else 7
    day, days = EARLIEST_START, 0
    while day <= today:
        services.snapshot_take(day=day)
        day += dt.timedelta(days=every)
        days += 1
    services.snapshot_take(day=today)
    stdout.write(f"  capacity snapshots for {days + 1} dates (every {every} days)")


def _supports_distinct_on() -> bool:
    from django.db import connection

    return connection.features.can_distinct_on_fields


def _offers_notes_targets(stdout, rng, postal, today):
    from accounts.models import User

    portal = User.objects.filter(username="demo-portal_user").first()
    if portal is not None:
        for i, (status, reason) in enumerate([(OfferStatuses.OFFERED, ""), (OfferStatuses.OFFERED, ""),
                                              (OfferStatuses.REJECTED, "Woning voldoet niet aan de normen (demo)")]):
            PlaceOffer.objects.create(
                municipality_id="44021", offered_by=portal, street=STREETS[i], house_number=str(10 + i),
                postal_code=postal["44021"], operator="Vzw Onderdak (demo)", capacity=2 + i,
                category=PlaceCategories.CAT1_PRIVATE, available_from=today, status=status, rejection_reason=reason,
                notes="Demogegevens",
            )
    vlot = User.objects.filter(username="demo-hvt_vlot").first()
    if vlot is not None:
        SteeringNote.objects.create(municipality_id="44021", author=vlot,
                                    text="Demo: afbouw nooddorp opvolgen; individuele woningen zoeken.")
    if PopulationFigure.objects.exists():
        for total, day in [(6000, _d(2022, 3, 14)), (18000, _d(2022, 4, 1)), (30000, _d(2022, 6, 15))]:
            services.target_round_create(actor=None, total=total, effective_on=day, note="[demo] indicatief objectief")
        stdout.write("  indicative targets 6,000 / 18,000 / 30,000 (2022)")
