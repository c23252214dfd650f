"""Helpers that build HVT data through the services (so the rules hold in test data too)."""

import datetime as dt

from hvt import services
from hvt.constants import PlaceCategories

GENT, GENT_POSTAL = "44021", "9000"
HASSELT, HASSELT_POSTAL = "71072", "3500"
ANTWERPEN, ANTWERPEN_POSTAL = "11002", "2000"


def register(actor, *, municipality=GENT, postal_code=GENT_POSTAL, capacity=4, category=PlaceCategories.CAT1_PUBLIC,
             start_date=dt.date(2022, 4, 1), **extra):
    data = dict(street="Kouter", house_number="1", operator="Stad")
    data.update(extra)
    return services.place_register(
        actor=actor, municipality=municipality, postal_code=postal_code, capacity=capacity, category=category,
        start_date=start_date, **data,
    )


def validated(actor, **kwargs):
    place = register(actor, **kwargs)
    services.quality_check_record(
        actor=actor, place=place, checked_on=dt.date(2022, 4, 1), inspector="Inspecteur",
        no_category_3_defects=True, no_critical_category_2_defects=True, not_uninhabitable=True, no_overcrowding=True,
    )
    return services.place_validate(actor=actor, place=place)


def allocate(actor, place, *, size=2, start=dt.date(2022, 5, 1), end=None, ref="HH-0001"):
    return services.allocation_create(
        actor=actor, place=place, household_reference=ref, household_size=size, adults=size, minors=0,
        start_date=start, end_date=end,
    )


# --- builders for the permission matrix (system actor: no scope check) ------------------------------


def postal_code_of(municipality: str) -> str:
    from geo.models import PostalCode

    return PostalCode.objects.filter(municipality_id=municipality).order_by("code").values_list("code", flat=True)[0]


def make_place(*, municipality: str = GENT, capacity: int = 4):
    place = services.place_register(
        actor=None, municipality=municipality, street="Matrixstraat", house_number="1",
        postal_code=postal_code_of(municipality), operator="Matrix", capacity=capacity,
        category=PlaceCategories.CAT1_PUBLIC, start_date=dt.date(2022, 4, 1),
    )
    services.quality_check_record(
        actor=None, place=place, checked_on=dt.date(2022, 4, 1), inspector="Matrix", no_category_3_defects=True,
        no_critical_category_2_defects=True, not_uninhabitable=True, no_overcrowding=True,
    )
    return services.place_validate(actor=None, place=place)


def make_allocation(*, municipality: str = GENT):
    return allocate(None, make_place(municipality=municipality), ref="HH-MATRIX")


def make_offer(*, municipality: str = GENT):
    from hvt.models import PlaceOffer
    from tests.factories import make_user

    author = make_user("portal_user")
    return PlaceOffer.objects.create(
        municipality_id=municipality, offered_by=author, street="Aanbodstraat", house_number="2",
        postal_code=postal_code_of(municipality), operator="Matrix", capacity=2, available_from=dt.date(2022, 4, 1),
    )


def make_target(*, municipality: str = GENT):
    from geo.models import Municipality, PopulationFigure
    from hvt.models import MunicipalityTarget

    if not PopulationFigure.objects.exists():
        PopulationFigure.objects.bulk_create([
            PopulationFigure(municipality=m, year=2024, men=5, women=5, total=10) for m in Municipality.objects.all()
        ])
    round_ = services.target_round_create(actor=None, total=2850, effective_on=dt.date(2022, 4, 1))
    return MunicipalityTarget.objects.get(round=round_, municipality_id=municipality)
