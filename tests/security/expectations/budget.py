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


# --- subsidies (docs/SUBSIDY.md): runs and lines are read-only everywhere (written by services) ---


def _version(scope: Scope) -> dict:
    from budget.models import SchemeVersion

    return {"object_id": SchemeVersion.objects.get(number=1).pk}


def _tranche(scope: Scope) -> dict:
    from budget.models import Tranche

    return {"object_id": Tranche.objects.get(code="2022-06").pk}


def _scheme(scope: Scope) -> dict:
    from budget.models import SubsidyScheme

    return {"object_id": SubsidyScheme.objects.get().pk}


def _run(scope: Scope) -> dict:
    from budget.models import SubsidyRun, Tranche

    run, _ = SubsidyRun.objects.get_or_create(tranche=Tranche.objects.get(code="2022-06"))
    return {"object_id": run.pk}


def _line(scope: Scope) -> dict:
    from decimal import Decimal

    from budget.models import SubsidyLine, SubsidyRun, Tranche

    run, _ = SubsidyRun.objects.get_or_create(tranche=Tranche.objects.get(code="2022-06"))
    line = SubsidyLine.objects.create(run=run, municipality_id="44021", rule_kind="guidance",
                                      entitlement_to_date=Decimal("1.00"), amount=Decimal("1.00"))
    return {"object_id": line.pk}


SUBSIDY_READERS = roles(Roles.HVT_SUBSIDY_COORDINATOR, Roles.HVT_COORDINATOR, SUPERUSER_NO_CRT)
SUBSIDY_EDITORS = roles(Roles.HVT_SUBSIDY_COORDINATOR, SUPERUSER_NO_CRT)

ADMIN_MODELS.update({
    "admin:budget.subsidyscheme": AdminRule(view=SUBSIDY_READERS, obj=_scheme),
    "admin:budget.schemeversion": AdminRule(view=SUBSIDY_READERS, add=SUBSIDY_EDITORS, change=SUBSIDY_EDITORS, obj=_version),
    "admin:budget.tranche": AdminRule(view=SUBSIDY_READERS, add=SUBSIDY_EDITORS, change=SUBSIDY_EDITORS, obj=_tranche),
    "admin:budget.subsidyrun": AdminRule(view=SUBSIDY_READERS, obj=_run),
    "admin:budget.subsidyline": AdminRule(view=SUBSIDY_READERS, obj=_line),
})
