"""Demo data of the budget app: a bank account (payee) for every municipality, and some actual
spending against the 2024 budget lines. Runs after geo, accounts and licensing. Idempotent.

The demo accounts are valid IBANs (the checks of python-stdnum pass, so the payment file can be
tried out) but clearly marked: ``is_demo`` is set and the account holder reads "DEMO – Gemeente X".
They use Belfius's bank code 091 with the municipality's NIS code as account number, so they are
stable from one seed to the next.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from accounts.models import User
from budget.constants import BudgetCategories
from budget.models import BudgetLine, Expenditure, Payee
from budget.validators import bic_for_iban
from core import clock
from geo.models import Municipality

DEMO_BANK_CODE = "091"
DEMO_HOLDER_PREFIX = "DEMO – "


def demo_iban(refnis: str) -> str:
    """A valid Belgian IBAN for a demo account: bank code, the NIS code as account number, the
    national check digits (mod 97) and the IBAN check digits."""
    base = f"{DEMO_BANK_CODE}{int(refnis):07d}"
    national = int(base) % 97 or 97
    bban = f"{base}{national:02d}"
    digits = "".join(str(int(c, 36)) for c in f"{bban}BE00")
    return f"BE{98 - int(digits) % 97:02d}{bban}"


def demo_holder(name: str) -> str:
    return f"{DEMO_HOLDER_PREFIX}Gemeente {name}"


# (category, date, supplier, reference, amount) against the HVT lines of 2024
DEMO_SPENDING = [
    (BudgetCategories.LICENCES, dt.date(2024, 4, 15), "Softwareleverancier (demo)", "DEMO-F-2024-001", Decimal("176850.00")),
    (BudgetCategories.MAINTENANCE, dt.date(2024, 3, 31), "Onderhoudspartner (demo)", "DEMO-F-2024-002", Decimal("35000.00")),
    (BudgetCategories.MAINTENANCE, dt.date(2024, 6, 30), "Onderhoudspartner (demo)", "DEMO-F-2024-003", Decimal("35000.00")),
    (BudgetCategories.PROCESS_SUPPORT, dt.date(2024, 5, 20), "Opleidingsbureau (demo)", "DEMO-F-2024-004", Decimal("42180.50")),
    (BudgetCategories.IT_SUPPORT, dt.date(2024, 4, 30), "Helpdeskpartner (demo)", "DEMO-F-2024-005", Decimal("74500.00")),
    (BudgetCategories.GOVERNANCE, dt.date(2024, 9, 12), "Adviesbureau (demo)", "DEMO-F-2024-006", Decimal("18225.75")),
    (BudgetCategories.GOVERNANCE, dt.date(2024, 10, 1), "Adviesbureau (demo)", "DEMO-CN-2024-001", Decimal("-1225.75")),
]


@transaction.atomic
def seed(stdout, *, small: bool = False) -> None:
    now = clock.now()
    missing = Municipality.objects.filter(payee__isnull=True).order_by("pk").values_list("pk", "name_nl")
    payees = []
    for refnis, name in missing:
        iban = demo_iban(refnis)
        payees.append(Payee(municipality_id=refnis, iban=iban, bic=bic_for_iban(iban), account_holder=demo_holder(name),
                            is_demo=True, updated_at=now))
    Payee.objects.bulk_create(payees)

    recorder = User.objects.filter(username="demo-hvt_coordinator").first()
    entries = 0
    if recorder is not None and not Expenditure.objects.filter(reference__startswith="DEMO-").exists():
        lines = {line.category: line for line in BudgetLine.objects.filter(tool="hvt", year=2024)}
        rows = [
            Expenditure(budget_line=lines[category], date=date, supplier=supplier, reference=reference, amount=amount,
                        description="Demo-uitgave", created_by=recorder, created_at=now)
            for category, date, supplier, reference, amount in DEMO_SPENDING
            if category in lines
        ]
        Expenditure.objects.bulk_create(rows)
        entries = len(rows)
    stdout.write(f"budget: {len(payees)} demo payees (marked DEMO), {entries} demo expenditures")
