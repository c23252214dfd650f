from accounts.constants import Roles

BUDGET_VIEWERS = (Roles.HVT_COORDINATOR, Roles.HVT_SUBSIDY_COORDINATOR)
# Central coordination records actual spending against the budget lines.
SPENDING_RECORDERS = (Roles.HVT_COORDINATOR,)
# Subsidy coordination and central coordination keep the municipalities' bank accounts.
PAYEE_EDITORS = frozenset({Roles.HVT_SUBSIDY_COORDINATOR, Roles.HVT_COORDINATOR})
# A municipal officer with a full licence (subsidy management) reads their own municipality's account.
PAYEE_READERS = PAYEE_EDITORS | {Roles.HVT_MUNICIPAL_FULL}

ROLE_PERMISSIONS = {
    Roles.HVT_COORDINATOR: [
        "budget.view_budgetline", "budget.add_budgetline", "budget.change_budgetline",
        "budget.view_payee", "budget.add_payee", "budget.change_payee", "budget.import_payees",
        "budget.view_expenditure", "budget.add_expenditure",
    ],
    Roles.HVT_SUBSIDY_COORDINATOR: [
        "budget.view_budgetline",
        "budget.view_payee", "budget.add_payee", "budget.change_payee",
        "budget.view_expenditure",
    ],
}
