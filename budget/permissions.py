from accounts.constants import Roles

BUDGET_VIEWERS = (Roles.HVT_COORDINATOR, Roles.HVT_SUBSIDY_COORDINATOR)

ROLE_PERMISSIONS = {
    Roles.HVT_SUBSIDY_COORDINATOR: [
        "budget.view_budgetline",
        "budget.view_subsidyscheme",
        "budget.view_schemeversion", "budget.add_schemeversion", "budget.change_schemeversion",
        "budget.view_schemerate", "budget.add_schemerate", "budget.change_schemerate", "budget.delete_schemerate",
        "budget.view_tranche", "budget.add_tranche", "budget.change_tranche",
        "budget.view_subsidyrun", "budget.view_subsidyline",
    ],
    Roles.HVT_COORDINATOR: [
        "budget.view_budgetline", "budget.add_budgetline", "budget.change_budgetline",
        "budget.view_subsidyscheme", "budget.view_schemeversion", "budget.view_schemerate", "budget.view_tranche",
        "budget.view_subsidyrun", "budget.view_subsidyline",
    ],
}
