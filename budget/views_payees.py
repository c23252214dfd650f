"""The municipalities' bank accounts as a page: coordinators see every account, a municipal officer
with a full licence only their own municipality's (scope on the server). Changes: the admin."""

from django.shortcuts import render

from budget.selectors import may_read_payees, payees_for_user
from core.access import Deny, access_required


@access_required(may_read_payees, deny_with=Deny.FORBIDDEN)
def payee_list(request):
    payees = payees_for_user(request.user)
    return render(request, "budget/payees.html", {"payees": payees, "may_edit": request.user.has_perm("budget.change_payee")})
