"""Permission-matrix entries for the budget app (overview, CSV export, admin)."""

from accounts.constants import Roles
from tests.security.expectations._base import SUPERUSER_NO_CRT, AdminRule, Scope, only, roles

# budget.permissions.BUDGET_VIEWERS; everyone else 404 (anonymous: the login page). The superuser
# holds no role, so the pages refuse it too (roles, not Django flags, open the app pages).
VIEWERS = roles(Roles.HVT_COORDINATOR, Roles.HVT_SUBSIDY_COORDINATOR)


def budget_line(scope: Scope) -> dict:
    from budget.models import BudgetLine

    line, _ = BudgetLine.objects.get_or_create(tool="hvt", year=2023, category="licences", defaults={"amount": "1.00"})
    return {"object_id": line.pk}


EXPECTATIONS: dict = {
    "budget:overview": only(VIEWERS),
    "budget:export": only(VIEWERS),
}

ADMIN_MODELS: dict = {
    "admin:budget.budgetline": AdminRule(
        view=roles(Roles.HVT_SUBSIDY_COORDINATOR),
        add=roles(Roles.HVT_COORDINATOR, SUPERUSER_NO_CRT),
        change=roles(Roles.HVT_COORDINATOR, SUPERUSER_NO_CRT),
        delete=frozenset(),  # budget lines are never deleted (BudgetLineAdmin.has_delete_permission)
        obj=budget_line,
    ),
}
