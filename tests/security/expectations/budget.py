"""Permission-matrix entries for the budget app (overview, exports, payees, spending, admin)."""

from accounts.constants import Roles
from tests.security.expectations._base import SUPERUSER_NO_CRT, AdminRule, Scope, only, roles

# budget.permissions.BUDGET_VIEWERS; everyone else 404 (anonymous: the login page). The superuser
# holds no role, so the pages refuse it too (roles, not Django flags, open the app pages).
VIEWERS = roles(Roles.HVT_COORDINATOR, Roles.HVT_SUBSIDY_COORDINATOR)
# budget.permissions.PAYEE_EDITORS (Django permissions view/add/change payee) and the superuser.
PAYEE_ADMINS = roles(Roles.HVT_COORDINATOR, Roles.HVT_SUBSIDY_COORDINATOR, SUPERUSER_NO_CRT)


def budget_line(scope: Scope) -> dict:
    from budget.models import BudgetLine

    line, _ = BudgetLine.objects.get_or_create(tool="hvt", year=2023, category="licences", defaults={"amount": "1.00"})
    return {"object_id": line.pk}


def payee(scope: Scope) -> dict:
    from budget.demo import demo_iban
    from budget.services import payee_set

    return {"object_id": payee_set(municipality=scope.municipality, iban=demo_iban(scope.municipality),
                                   account_holder=f"Matrix {scope.name}").pk}


def expenditure(scope: Scope) -> dict:
    import datetime as dt
    from decimal import Decimal

    from budget.models import BudgetLine, Expenditure
    from tests.factories import make_user

    line = BudgetLine.objects.get(tool="hvt", year=2024, category="licences")
    entry = Expenditure.objects.create(
        budget_line=line, date=dt.date(2024, 5, 1), supplier="Matrix", reference=f"M-{scope.name}",
        amount=Decimal("1.00"), created_by=make_user(), created_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
    )
    return {"object_id": entry.pk}


EXPECTATIONS: dict = {
    "budget:overview": only(VIEWERS),
    "budget:export": only(VIEWERS),
    # budget.permissions.PAYEE_READERS: the municipal officer's page lists only their municipality's
    # account (tests/budget/test_payees.py checks the scope of the rows).
    "budget:payees": only(VIEWERS | roles(Roles.HVT_MUNICIPAL_FULL)),
    # budget.import_payees: central coordination, like every bulk import (the subsidy coordinator edits one by one).
    "admin:budget_payee_import": only(roles(Roles.HVT_COORDINATOR, SUPERUSER_NO_CRT)),
}

ADMIN_MODELS: dict = {
    "admin:budget.budgetline": AdminRule(
        view=roles(Roles.HVT_SUBSIDY_COORDINATOR),
        add=roles(Roles.HVT_COORDINATOR, SUPERUSER_NO_CRT),
        change=roles(Roles.HVT_COORDINATOR, SUPERUSER_NO_CRT),
        delete=frozenset(),  # budget lines are never deleted (BudgetLineAdmin.has_delete_permission)
        obj=budget_line,
    ),
    "admin:budget.payee": AdminRule(
        view=PAYEE_ADMINS, add=PAYEE_ADMINS, change=PAYEE_ADMINS,
        delete=frozenset(),  # an account is changed, never deleted
        obj=payee,
    ),
    # Spending is recorded on /budget/uitgaven/ (a service); the admin only shows it.
    "admin:budget.expenditure": AdminRule(
        view=roles(Roles.HVT_COORDINATOR, Roles.HVT_SUBSIDY_COORDINATOR, SUPERUSER_NO_CRT),
        delete=frozenset(),
        obj=expenditure,
    ),
}
