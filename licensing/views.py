"""Licence pages: the plan report with seats and cost, the sweep's history and upcoming
deactivations; assignment and reactivation (POST) call the services. Access: core.access, a
403 (the pages' existence is no secret)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from audit.constants import AuditActions
from audit.services import audit_log
from core import clock
from core.access import Deny, access_required
from core.exports import export_format, export_response
from core.forms import submit_to_service
from core.paging import paginate
from licensing import reports, selectors, services
from licensing.forms import LicenceAssignForm
from licensing.models import PlanPeriod
from licensing.permissions import may_manage, may_read_reports


def _period(request) -> PlanPeriod | None:
    code = request.GET.get("plan")
    if code:
        return get_object_or_404(PlanPeriod, code=code)
    return selectors.period_current()


def _overview(request, period: PlanPeriod | None, form: LicenceAssignForm, *, status: int = 200):
    pools = list(selectors.pools_with_usage(period=period)) if period else []
    context = {
        "period": period,
        "periods": PlanPeriod.objects.all(),
        "report": selectors.plan_report(period=period) if period else None,
        "pools": pools,
        "pools_chart": reports.pools_chart(reports.pool_rows(pools)),
        "per_organisation": selectors.seats_used_per_organisation(period=period) if period else [],
        "technical_accounts": selectors.technical_accounts(),
        "may_manage": may_manage(request.user),
        "form": form,
    }
    return render(request, "licensing/overview.html", context, status=status)


@access_required(may_read_reports, deny_with=Deny.FORBIDDEN)
def overview(request):
    period = _period(request)
    return _overview(request, period, LicenceAssignForm(period=period))


@access_required(may_read_reports, deny_with=Deny.FORBIDDEN)
def activity(request):
    now = clock.now()
    today = clock.brussels_date(now)
    history = selectors.deactivation_history()
    per_month = reports.deactivations_per_month(history, today=today)
    upcoming_per_day = reports.upcoming_per_day(now=now)
    portal_logins = reports.portal_logins_filled(selectors.portal_logins_per_month(period=selectors.period_current()),
                                                 today=today)
    context = {
        "history": history,
        "per_month": per_month,
        "deactivations_chart": reports.deactivations_chart(per_month),
        "recent": paginate(request, selectors.recent_deactivations(limit=None)),
        "upcoming": selectors.upcoming_deactivations(now=now)[:200],
        "upcoming_per_day": upcoming_per_day,
        "upcoming_chart": reports.upcoming_chart(upcoming_per_day),
        "portal_logins": portal_logins,
        "portal_chart": reports.portal_chart(portal_logins),
        "may_manage": may_manage(request.user),
    }
    return render(request, "licensing/activity.html", context)


@access_required(may_manage, deny_with=Deny.FORBIDDEN)
@require_POST
def assign(request):
    """Assign, or show the overview again with the refusal next to the fields and what was typed kept."""
    form = LicenceAssignForm(request.POST)
    if form.is_valid() and submit_to_service(
            form, services.licence_assign, arguments={"user": form.cleaned_data["username"], "pool": form.cleaned_data["pool"]},
            actor=request.user):
        messages.success(request, _("Licentie toegekend aan %(user)s.") % {"user": form.cleaned_data["username"].username})
        return redirect("licensing:overview")
    pool = form.cleaned_data.get("pool")
    return _overview(request, pool.period if pool is not None else selectors.period_current(), form, status=400)


@access_required(may_manage, deny_with=Deny.FORBIDDEN)
@require_POST
def reactivate(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    try:
        services.user_reactivate(user=user, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:  # outside the actor's authority (accounts.authority), e.g. a CRT user
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(user)s is opnieuw actief.") % {"user": user.username})
    return redirect("licensing:activity")


@access_required(may_read_reports, deny_with=Deny.FORBIDDEN)
def export(request, table: str):
    """One table behind a licence chart as CSV (or ``?formaat=xlsx``), the page's figures; audited."""
    if table not in reports.EXPORTS:
        raise Http404
    fmt = export_format(request)
    title, columns = reports.EXPORTS[table]
    period = _period(request)
    rows = reports.export_rows(table, now=clock.now(), period=period)
    response = export_response(fmt=fmt, filename=f"licenties-{table}", columns=columns, rows=rows, sheet=str(title))
    audit_log(actor=request.user, action=AuditActions.EXPORT, object_type="licensing.report", object_id=table,
              object_repr=str(title), changes={"table": table, "format": fmt, "plan": period.code if period else None})
    return response
