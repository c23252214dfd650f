from django.utils.translation import gettext_lazy as _

from accounts.selectors import user_has_role
from budget.permissions import BUDGET_VIEWERS, PAYEE_READERS


def items(user):
    out = []
    if user_has_role(user, *BUDGET_VIEWERS):
        out.append({"label": _("Budget"), "url_name": "budget:overview", "icon": "cash-coin", "order": 70})
    elif user_has_role(user, *PAYEE_READERS):
        out.append({"label": _("Rekeningnummer"), "url_name": "budget:payees", "icon": "bank", "order": 70})
    return out
