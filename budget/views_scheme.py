"""The scheme page of the subsidy coordination (hvt_subsidy_coordinator, second factor): every version
with its amounts and valid-from day, and the form that adds a version
(budget.subsidy.scheme.scheme_version_add; audited; approved runs keep their lines)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from budget import corrections
from budget.forms import SchemeVersionForm
from budget.subsidy import scheme
from core.access import Deny, access_required
from core.forms import submit_to_service

coordinator_required = access_required(corrections.is_coordinator, deny_with=Deny.FORBIDDEN, verified=True)


@coordinator_required
def scheme_page(request):
    form = SchemeVersionForm(request.POST or None, amounts=scheme.current_amounts())
    if request.method == "POST" and form.is_valid():
        version = submit_to_service(
            form, lambda **_data: scheme.scheme_version_add(actor=request.user, **form.service_data())
        )
        if version is not None:
            messages.success(request, _("Versie %(number)s geldt vanaf %(date)s.")
                             % {"number": version.number, "date": version.valid_from.strftime("%d-%m-%Y")})
            return redirect("budget:subsidy_scheme")
    versions, rows = scheme.scheme_versions()
    return render(request, "budget/subsidy/scheme.html", {"versions": versions, "rows": rows, "form": form})
