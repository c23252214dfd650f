from decimal import Decimal

from django.db import transaction

from audit.constants import AuditActions
from audit.services import audit_log
from budget.models import BudgetLine


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
