from accounts.constants import Roles

BUDGET_VIEWERS = (Roles.HVT_COORDINATOR, Roles.HVT_SUBSIDY_COORDINATOR)

ROLE_PERMISSIONS = {
    Roles.HVT_COORDINATOR: ["budget.view_budgetline", "budget.add_budgetline", "budget.change_budgetline"],
    Roles.HVT_SUBSIDY_COORDINATOR: ["budget.view_budgetline"],
}
