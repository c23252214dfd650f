from django.utils.translation import gettext_lazy as _

from accounts.selectors import user_has_role
from budget.permissions import BUDGET_VIEWERS


def items(user):
    if user_has_role(user, *BUDGET_VIEWERS):
        return [{"label": _("Budget"), "url_name": "budget:overview", "icon": "cash-coin", "order": 70}]
    return []
