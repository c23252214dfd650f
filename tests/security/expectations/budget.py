"""Permission-matrix entries for the budget app (overview, exports, payees, spending, admin)."""

from accounts.constants import Roles
from tests.security.expectations._base import (
    ALLOW,
    ANONYMOUS,
    FORBIDDEN,
    LOGIN,
    SUPERUSER_NO_CRT,
    AdminRule,
    Entry,
    Scope,
    only,
    roles,
    status,
)

# budget.permissions.BUDGET_VIEWERS; everyone else 403 (core.access, Deny.FORBIDDEN; anonymous: the login page). The superuser
# holds no role, so the pages refuse it too (roles, not Django flags, open the app pages).
VIEWERS = roles(Roles.HVT_COORDINATOR, Roles.HVT_SUBSIDY_COORDINATOR)
# budget.permissions.PAYEE_EDITORS (Django permissions view/add/change payee) and the superuser.
PAYEE_ADMINS = roles(Roles.HVT_COORDINATOR, Roles.HVT_SUBSIDY_COORDINATOR, SUPERUSER_NO_CRT)


def viewers_else_403(principals) -> Entry:
    """``principals`` get the page; every other signed-in principal exactly 403, anonymous the login page."""
    return Entry(default=FORBIDDEN, roles={**{p: ALLOW for p in principals}, ANONYMOUS: LOGIN})


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
    # Exactly 403 (not any denial): these moved from login_required + a hand-made 404 to core.access (issue 13).
    "budget:overview": viewers_else_403(VIEWERS),
    "budget:export": viewers_else_403(VIEWERS),
    "budget:history_export": viewers_else_403(VIEWERS),  # per post and year with the change (tests/budget/test_budget_charts.py)
    # budget.permissions.PAYEE_READERS: the municipal officer's page lists only their municipality's
    # account (tests/budget/test_payees.py checks the scope of the rows).
    "budget:payees": only(VIEWERS | roles(Roles.HVT_MUNICIPAL_FULL)),
    # budget.import_payees: central coordination, like every bulk import (the subsidy coordinator edits one by one).
    # Actual spending: budget vs actual (page and CSV/XLSX) and the entries for the budget viewers;
    # recording (budget.permissions.SPENDING_RECORDERS) is central coordination's only.
    "budget:actual": only(VIEWERS),
    "budget:actual_export": only(VIEWERS),
    "budget:spending": only(VIEWERS),
    "budget:spending_new": only(roles(Roles.HVT_COORDINATOR)),
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
    # Read-only: a version is added on /budget/subsidies/regeling/ (scheme_version_add), never changed.
    "admin:budget.schemeversion": AdminRule(view=SUBSIDY_READERS, obj=_version),
    "admin:budget.tranche": AdminRule(view=SUBSIDY_READERS, add=SUBSIDY_EDITORS, change=SUBSIDY_EDITORS, obj=_tranche),
    "admin:budget.subsidyrun": AdminRule(view=SUBSIDY_READERS, obj=_run),
    "admin:budget.subsidyline": AdminRule(view=SUBSIDY_READERS, obj=_line),
})


# --- subsidy pages (budget/views_subsidy.py): coordination with a second factor; statements for the
# municipal officer with a full licence (their municipality only: tests/budget/test_subsidy_pages.py) --

COORDINATION = roles(Roles.HVT_SUBSIDY_COORDINATOR)
OFFICER_FULL = roles(Roles.HVT_MUNICIPAL_FULL)


def _tranche_pk(scope: Scope) -> dict:
    return {"pk": _run_tranche()}


def _run_tranche() -> int:
    from budget.models import SubsidyRun, Tranche

    tranche = Tranche.objects.get(code="2022-06")
    SubsidyRun.objects.get_or_create(tranche=tranche)
    return tranche.pk


def _approved_payment(scope: Scope) -> dict:
    from budget.models import SubsidyRun, Tranche

    tranche = Tranche.objects.get(code="2022-09")
    SubsidyRun.objects.get_or_create(tranche=tranche, defaults={"status": "approved"})
    return {"pk": tranche.pk, "fmt": "csv"}


def _correction(scope: Scope) -> dict:
    import datetime as dt

    from budget.models import CorrectionRequest, Tranche
    from tests.factories import make_user

    item = CorrectionRequest.objects.create(
        tranche=Tranche.objects.get(code="2022-06"), municipality_id=scope.municipality, description="matrix",
        created_by=make_user(), created_at=dt.datetime(2022, 7, 1, tzinfo=dt.UTC),
    )
    return {"pk": item.pk}


EXPECTATIONS.update({
    "budget:subsidy_tranches": only(COORDINATION),
    "budget:subsidy_tranche": only(COORDINATION, obj=_tranche_pk),
    "budget:subsidy_run_progress": only(COORDINATION, obj=_tranche_pk),
    "budget:subsidy_payment": only(COORDINATION, obj=_approved_payment),
    # POST only: the coordination gets 405 on a GET, everyone else is refused first.
    "budget:subsidy_run_start": only(COORDINATION, status(405), obj=_tranche_pk),
    "budget:subsidy_run_approve": only(COORDINATION, status(405), obj=_tranche_pk),
    "budget:subsidy_tranche_paid": only(COORDINATION, status(405), obj=_tranche_pk),
    "budget:subsidy_correction_answer": only(COORDINATION, status(405), obj=_correction),
    "budget:subsidy_statements": only(OFFICER_FULL),
    "budget:subsidy_statement": only(OFFICER_FULL, obj=_tranche_pk),
    # The scheme and its versions; a POST adds a version (tests/budget/test_subsidy_scheme.py).
    "budget:subsidy_scheme": only(COORDINATION, writes="budget.schemeversion"),
    # Subsidy totals: VLOT (its provinces: tests/budget/test_subsidy_totals.py checks the rows) and
    # the Flanders-wide coordination roles.
    "budget:subsidy_totals": only(COORDINATION | roles(Roles.HVT_VLOT, Roles.HVT_COORDINATOR)),
    "budget:subsidy_totals_export": only(COORDINATION | roles(Roles.HVT_VLOT, Roles.HVT_COORDINATOR)),
})
