from accounts.constants import Roles

BUDGET_VIEWERS = (Roles.HVT_COORDINATOR, Roles.HVT_SUBSIDY_COORDINATOR)
# Central coordination records actual spending against the budget lines.
SPENDING_RECORDERS = (Roles.HVT_COORDINATOR,)
# Subsidy coordination and central coordination keep the municipalities' bank accounts.
PAYEE_EDITORS = frozenset({Roles.HVT_SUBSIDY_COORDINATOR, Roles.HVT_COORDINATOR})
# A municipal officer with a full licence (subsidy management) reads their own municipality's account.
PAYEE_READERS = PAYEE_EDITORS | {Roles.HVT_MUNICIPAL_FULL}

ROLE_PERMISSIONS = {
    Roles.HVT_SUBSIDY_COORDINATOR: [
        "budget.view_budgetline",
        "budget.view_payee", "budget.add_payee", "budget.change_payee",
        "budget.view_expenditure",
        "budget.view_subsidyscheme",
        # Versions are added on /budget/subsidies/regeling/ (scheme_version_add); the admin only shows them.
        "budget.view_schemeversion", "budget.view_schemerate",
        "budget.view_tranche", "budget.add_tranche", "budget.change_tranche",
        "budget.view_subsidyrun", "budget.view_subsidyline",
    ],
    Roles.HVT_COORDINATOR: [
        "budget.view_budgetline", "budget.add_budgetline", "budget.change_budgetline",
        "budget.view_payee", "budget.add_payee", "budget.change_payee", "budget.import_payees",
        "budget.view_expenditure", "budget.add_expenditure",
        "budget.view_subsidyscheme", "budget.view_schemeversion", "budget.view_schemerate", "budget.view_tranche",
        "budget.view_subsidyrun", "budget.view_subsidyline",
    ],
}
