from django.utils.translation import gettext_lazy as _

from accounts.constants import Roles
from accounts.selectors import user_has_role
from budget.permissions import BUDGET_VIEWERS, PAYEE_READERS


def items(user):
    out = []
    if user_has_role(user, *BUDGET_VIEWERS):
        out.append({"label": _("Budget"), "url_name": "budget:overview", "icon": "cash-coin", "order": 70})
    elif user_has_role(user, *PAYEE_READERS):
        out.append({"label": _("Rekeningnummer"), "url_name": "budget:payees", "icon": "bank", "order": 70})
    if user_has_role(user, Roles.HVT_SUBSIDY_COORDINATOR):
        out.append({"label": _("Subsidies"), "url_name": "budget:subsidy_tranches", "icon": "calculator", "order": 71})
    elif user_has_role(user, Roles.HVT_VLOT, Roles.HVT_COORDINATOR):
        out.append({"label": _("Subsidies"), "url_name": "budget:subsidy_totals", "icon": "calculator", "order": 71})
    if user_has_role(user, Roles.HVT_MUNICIPAL_FULL):
        out.append({"label": _("Afrekeningen"), "url_name": "budget:subsidy_statements", "icon": "receipt", "order": 71})
    return out
