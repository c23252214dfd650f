"""The budget figures of the government note (section D), shipped as data."""

import datetime as dt
from decimal import Decimal

from budget.constants import BudgetCategories as C
from budget.constants import Tools

NOTE_BUDGET = [
    (Tools.HVT, 2024, C.LICENCES, Decimal("353700.00")),
    (Tools.HVT, 2024, C.MAINTENANCE, Decimal("140000.00")),
    (Tools.HVT, 2024, C.PROCESS_SUPPORT, Decimal("160000.00")),
    (Tools.HVT, 2024, C.IT_SUPPORT, Decimal("298000.00")),
    (Tools.HVT, 2024, C.GOVERNANCE, Decimal("80000.00")),
    # The note gives the 2023 budgets as totals only.
    (Tools.HVT, 2023, C.UNSPECIFIED, Decimal("1637100.45")),
    (Tools.CRT, 2023, C.UNSPECIFIED, Decimal("287915.00")),
]


# --- the subsidy scheme "BVR 2022", version 1, and its 13 tranches (DOMAIN §5) ----------------------
SCHEME_CODE = "BVR 2022"
SCHEME_NAME = "Besluit van de Vlaamse Regering van 8 april 2022 (opvang ontheemden uit Oekraïne)"
VERSION_1_FROM = dt.date(2022, 3, 14)
# (rule kind, subtype, amount in euro)
VERSION_1_RATES = [
    ("cat1_public_once", "", Decimal("1000.00")),
    ("cat1_private_once", "", Decimal("400.00")),
    ("cat2_day", "hotel", Decimal("35.00")),
    ("cat2_day", "bnb", Decimal("35.00")),
    ("cat2_day", "youth_hostel", Decimal("20.00")),
    ("cat2_day", "holiday_park", Decimal("10.00")),
    ("cat2_day", "service_flat", Decimal("20.00")),
    ("cat2_assignment_once", "", Decimal("400.00")),
    ("cat3_day", "", Decimal("0.00")),
    ("guidance", "", Decimal("400.00")),
]
# (code, reference date, guidance factor). The correction deadline and the payment date are not in
# the public summary: shipped as reference date + 23 days and the last day of the second month after
# the reference date (editable by the subsidy coordination; docs/SUBSIDY.md).
TRANCHES = [
    ("2022-06", dt.date(2022, 6, 30), Decimal("0.45")),
    ("2022-09", dt.date(2022, 9, 30), Decimal("0.45")),
    ("2022-12", dt.date(2022, 12, 31), Decimal("0.30")),
    ("2023-02", dt.date(2023, 2, 28), Decimal("0.30")),
    ("2023-06", dt.date(2023, 6, 30), Decimal("0.30")),
    ("2023-09", dt.date(2023, 9, 30), Decimal("0.30")),
    ("2023-12", dt.date(2023, 12, 31), Decimal("0.30")),
    ("2024-02", dt.date(2024, 2, 29), Decimal("0.30")),
    ("2024-06", dt.date(2024, 6, 30), Decimal("0.30")),
    ("2024-09", dt.date(2024, 9, 30), Decimal("0.30")),
    ("2024-12", dt.date(2024, 12, 31), Decimal("0.30")),
    ("2025-02", dt.date(2025, 2, 28), Decimal("0.30")),
    ("2025-03", dt.date(2025, 3, 31), Decimal("0.00")),
]


def _end_of_month(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def tranche_dates(reference_date: dt.date) -> tuple[dt.date, dt.date]:
    """(correction deadline, payment date) shipped for a tranche."""
    month = reference_date.month + 2
    year = reference_date.year + (month - 1) // 12
    return reference_date + dt.timedelta(days=23), _end_of_month(year, (month - 1) % 12 + 1)


def load_subsidy_scheme(SubsidyScheme, SchemeVersion, SchemeRate, Tranche) -> None:
    """Create the scheme, version 1 and the tranches where missing (idempotent; never overwrites)."""
    scheme, _ = SubsidyScheme.objects.get_or_create(code=SCHEME_CODE, defaults={"name": SCHEME_NAME})
    version, created = SchemeVersion.objects.get_or_create(
        scheme=scheme, number=1, defaults={"valid_from": VERSION_1_FROM, "note": "BVR 8 april 2022"}
    )
    if created:
        SchemeRate.objects.bulk_create(
            [SchemeRate(version=version, rule_kind=k, subtype=s, amount=a) for k, s, a in VERSION_1_RATES]
        )
    for code, reference_date, factor in TRANCHES:
        deadline, payment = tranche_dates(reference_date)
        Tranche.objects.get_or_create(code=code, defaults={
            "reference_date": reference_date, "correction_deadline": deadline, "payment_date": payment,
            "guidance_factor": factor,
        })
