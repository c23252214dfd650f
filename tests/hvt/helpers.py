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
