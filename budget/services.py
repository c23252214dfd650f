"""Writes of the budget app: budget lines, the municipalities' bank accounts (payees) and the
actual spending. Every write is validated here and audited; interfaces (admin, pages, the import)
call these functions and show their ValidationError."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.selectors import municipalities_for_user, user_has_role
from audit.constants import AuditActions
from audit.services import audit_log
from budget.models import BudgetLine, Expenditure, Payee
from budget.permissions import PAYEE_EDITORS, SPENDING_RECORDERS
from budget.validators import bic_for_iban, check_bic_matches, compact_bic, validate_bic, validate_iban
from core import clock


@transaction.atomic
def budget_line_set(*, tool: str, year: int, category: str, amount: Decimal, note: str = "", actor=None) -> BudgetLine:
    """Create or change a budget line. Amounts are Decimal with at most two decimals (validated)."""
    if not isinstance(amount, Decimal):
        raise TypeError("amount must be a Decimal")
    line = BudgetLine.objects.select_for_update().filter(tool=tool, year=year, category=category).first()
    before = None if line is None else str(line.amount)
    if line is None:
        line = BudgetLine(tool=tool, year=year, category=category)
    line.amount, line.note = amount, note
    line.full_clean()
    line.save()
    audit_log(
        actor=actor,
        action=AuditActions.CREATE if before is None else AuditActions.UPDATE,
        obj=line,
        changes={"amount": [before, str(line.amount)]},
    )
    return line


# --- Payees ----------------------------------------------------------------------------------------


def _may_edit_payee(actor, refnis: str) -> bool:
    if actor is None:  # demo data, data migrations
        return True
    if actor.is_superuser:
        return True
    return municipalities_for_user(actor, roles=PAYEE_EDITORS).filter(pk=refnis).exists()


PAYEE_FIELDS = ("iban", "bic", "account_holder", "is_demo")


@transaction.atomic
def payee_set(*, municipality, iban: str, account_holder: str, bic: str = "", is_demo: bool = False, actor=None) -> Payee:
    """Create or change the bank account of a municipality (``municipality``: a Municipality or its
    REFNIS code). IBAN and BIC are checked (python-stdnum) and stored compact; an empty BIC of a
    Belgian IBAN is filled in from the bank register; a BIC of another bank is refused. Audited
    with the old and new values."""
    refnis = getattr(municipality, "pk", municipality)
    refnis = str(refnis or "").strip()
    if not _may_edit_payee(actor, refnis):
        raise PermissionDenied(_("U mag de rekening van deze gemeente niet wijzigen."))
    errors: dict[str, list[str]] = {}
    try:
        iban = validate_iban(iban)
    except ValidationError as exc:
        errors["iban"] = exc.messages
    bic = compact_bic(bic)
    if bic:
        try:
            bic = validate_bic(bic)
        except ValidationError as exc:
            errors["bic"] = exc.messages
    account_holder = (account_holder or "").strip()
    if not account_holder:
        errors["account_holder"] = [_("Vul de naam van de rekeninghouder in.")]
    from geo.models import Municipality

    if not Municipality.objects.filter(pk=refnis).exists():
        errors["municipality"] = [_("Onbekende gemeente (NIS-code %(refnis)s).") % {"refnis": refnis}]
    if errors:
        raise ValidationError(errors)
    if not bic:
        bic = bic_for_iban(iban)
    check_bic_matches(iban, bic)

    payee = Payee.objects.select_for_update().filter(municipality_id=refnis).first()
    before = None if payee is None else {name: getattr(payee, name) for name in PAYEE_FIELDS}
    if payee is None:
        payee = Payee(municipality_id=refnis)
    payee.iban, payee.bic, payee.account_holder, payee.is_demo = iban, bic, account_holder, bool(is_demo)
    after = {name: getattr(payee, name) for name in PAYEE_FIELDS}
    if before == after:
        return payee
    payee.updated_at = clock.now()
    payee.updated_by = actor
    payee.full_clean(exclude=["municipality", "updated_by"])
    payee.save()
    audit_log(
        actor=actor,
        action=AuditActions.CREATE if before is None else AuditActions.UPDATE,
        obj=payee,
        changes={name: [None if before is None else before[name], after[name]]
                 for name in PAYEE_FIELDS if before is None or before[name] != after[name]},
    )
    return payee


# --- Actual spending -------------------------------------------------------------------------------


def may_record_spending(user) -> bool:
    return user_has_role(user, *SPENDING_RECORDERS)


@transaction.atomic
def expenditure_record(*, actor, budget_line: BudgetLine, date: dt.date, supplier: str, reference: str,
                       amount: Decimal, description: str = "") -> Expenditure:
    """Record an amount actually spent against a budget line (an invoice, a payment). The date falls
    in the line's year. A negative amount is a credit note or the correction of an earlier entry:
    entries are never changed or deleted, so the spending of a line stays traceable. A supplier's
    reference is recorded once."""
    if not isinstance(amount, Decimal):
        raise TypeError("amount must be a Decimal")
    if actor is None or not may_record_spending(actor):
        raise PermissionDenied(_("Alleen de centrale coördinatie boekt uitgaven."))
    errors: dict[str, list[str]] = {}
    supplier, reference = (supplier or "").strip(), (reference or "").strip()
    if amount == 0:
        errors["amount"] = [_("Een uitgave van € 0,00 wordt niet geboekt.")]
    if date is not None and date.year != budget_line.year:
        errors["date"] = [_("De datum valt niet in %(year)s, het jaar van de budgetlijn.") % {"year": budget_line.year}]
    if date is not None and date > clock.today():
        errors["date"] = [_("Een uitgave wordt geboekt wanneer ze gedaan is: de datum ligt in de toekomst.")]
    if reference and Expenditure.objects.filter(supplier__iexact=supplier, reference__iexact=reference).exists():
        errors["reference"] = [_("Referentie %(reference)s van %(supplier)s is al geboekt.")
                               % {"reference": reference, "supplier": supplier}]
    if errors:
        raise ValidationError(errors)
    entry = Expenditure(
        budget_line=budget_line, date=date, supplier=supplier, reference=reference, amount=amount,
        description=(description or "").strip(), created_by=actor, created_at=clock.now(),
    )
    entry.full_clean()
    entry.save()
    audit_log(
        actor=actor,
        action=AuditActions.CREATE,
        obj=entry,
        changes={"budget_line": str(budget_line), "date": date.isoformat(), "supplier": supplier,
                 "reference": reference, "amount": str(entry.amount)},
    )
    return entry
