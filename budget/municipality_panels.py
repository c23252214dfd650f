"""The budget's panel on the HVT municipality page (found through core.registry: hvt never imports
budget). Subsidy totals of one municipality per approved tranche, for whoever may read subsidy runs
(BUDGET_VIEWERS); nothing for anyone else. One aggregate statement."""

from __future__ import annotations

from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.selectors import user_has_role
from budget.constants import RunStatuses
from budget.models import SubsidyLine
from budget.permissions import BUDGET_VIEWERS


def municipality_panels(user, municipality) -> list[dict]:
    if not user_has_role(user, *BUDGET_VIEWERS):
        return []
    rows = list(
        SubsidyLine.objects.filter(municipality=municipality, run__status=RunStatuses.APPROVED).order_by()
        .values("run__tranche__code", "run__tranche__reference_date")
        .annotate(amount=Sum("amount")).order_by("run__tranche__reference_date")
    )
    return [{
        "key": "subsidy", "title": _("Subsidies (goedgekeurde schijven)"), "template": "budget/_municipality_subsidy.html",
        "context": {"rows": rows, "total": sum((r["amount"] for r in rows), start=0)},
    }]
