"""Subsidy pages. Coordination (hvt_subsidy_coordinator, second factor): tranches, a tranche's run
(start as a task with a progress bar, totals per municipality/province/rule, difference with the
previous draft, approve, payment file, mark paid) and the correction requests. Municipal officer
with a full licence: the statement of their municipality per tranche and correction requests.
Services: budget.subsidy.services, budget.corrections; refusals through submit_to_service."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from audit.constants import AuditActions
from audit.services import audit_log
from budget import corrections
from budget.constants import RuleKinds
from budget.models import CorrectionRequest, CorrectionStatuses, SubsidyRun, Tranche
from budget.subsidy import payment
from budget.subsidy.progress import progress_get, progress_set
from budget.subsidy.services import run_approve
from core import queue
from core.access import Deny, access_required
from core.exports import XLSX_CONTENT_TYPE
from core.forms import submit_to_service
from geo.models import Municipality, Province

coordinator_required = access_required(corrections.is_coordinator, deny_with=Deny.FORBIDDEN, verified=True)
officer_required = access_required(corrections.may_read_statements, deny_with=Deny.FORBIDDEN)


def _run(tranche: Tranche) -> SubsidyRun | None:
    return SubsidyRun.objects.filter(tranche=tranche).select_related("approved_by", "calculated_by").first()


def _working(tranche: Tranche) -> bool:
    percent = progress_get(tranche.pk)
    return percent is not None and percent < 100


# --- coordination ---------------------------------------------------------------------------------


@coordinator_required
def tranche_list(request):
    tranches = Tranche.objects.select_related("run").order_by("reference_date")
    return render(request, "budget/subsidy/tranches.html", {"tranches": tranches})


def _diff(current: dict, previous: dict | None) -> list[dict]:
    """Per municipality: the previous draft's amount, the new one and the difference (changed only)."""
    if not previous:
        return []
    before, after = previous.get("municipalities", {}), current.get("municipalities", {})
    out = []
    for refnis in sorted(set(before) | set(after)):
        old, new = Decimal(before.get(refnis, "0")), Decimal(after.get(refnis, "0"))
        if old != new:
            out.append({"refnis": refnis, "before": old, "after": new, "change": new - old})
    return out


def _named(amounts: dict, names: dict) -> list[dict]:
    return [{"code": code, "name": names.get(code, code), "amount": Decimal(value)}
            for code, value in sorted(amounts.items(), key=lambda kv: names.get(kv[0], kv[0]))]


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Beslissing"),
                               choices=[(CorrectionStatuses.ACCEPTED, gettext_lazy("Aanvaard")),
                                        (CorrectionStatuses.REJECTED, gettext_lazy("Afgewezen"))])
    answer = forms.CharField(label=gettext_lazy("Antwoord"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                             max_length=2000)


@coordinator_required
def tranche_detail(request, pk: int):
    tranche = get_object_or_404(Tranche, pk=pk)
    run = _run(tranche)
    totals = run.totals if run else {}
    codes = set(totals.get("municipalities", {}))
    previous = (run.inputs or {}).get("previous_totals") if run and not run.is_approved else None
    diff = _diff(totals, previous)
    codes |= {d["refnis"] for d in diff}
    names = dict(Municipality.objects.filter(pk__in=codes).values_list("refnis", "name_nl"))
    for row in diff:
        row["name"] = names.get(row["refnis"], row["refnis"])
    provinces = dict(Province.objects.values_list("refnis", "name_nl"))
    return render(request, "budget/subsidy/tranche.html", {
        "tranche": tranche, "run": run, "working": _working(tranche),
        "per_municipality": _named(totals.get("municipalities", {}), names),
        "per_province": _named(totals.get("provinces", {}), provinces),
        "per_rule": _named(totals.get("rules", {}), dict(RuleKinds.choices)),
        "diff": diff, "has_previous": bool(previous),
        "requests": corrections.corrections_for_tranche(tranche), "answer_form": AnswerForm(),
        "awaiting": corrections.corrections_awaiting_recalculation(tranche).count(),
        "formats": payment.FORMATS,
    })


@coordinator_required
@require_POST
def run_start(request, pk: int):
    """Queue the calculation (Celery; the embedded default runs it in process when the request commits)."""
    tranche = get_object_or_404(Tranche, pk=pk)
    run = SubsidyRun.objects.filter(tranche=tranche).first()
    if run is not None and run.is_approved:
        messages.error(request, _("De berekening van schijf %(code)s is al goedgekeurd.") % {"code": tranche.code})
    elif _working(tranche):
        messages.info(request, _("De berekening loopt al."))
    else:
        from budget.tasks import subsidy_run_calculate

        progress_set(tranche.pk, 0)
        queue.enqueue(subsidy_run_calculate, tranche.pk, request.user.pk)
        messages.success(request, _("De berekening van schijf %(code)s is gestart.") % {"code": tranche.code})
    return redirect("budget:subsidy_tranche", pk=tranche.pk)


@coordinator_required
@require_GET
def run_progress(request, pk: int):
    tranche = get_object_or_404(Tranche, pk=pk)
    run = SubsidyRun.objects.filter(tranche=tranche).only("progress", "status").first()
    percent = progress_get(tranche.pk)
    working = percent is not None and percent < 100
    return JsonResponse({"working": working, "percent": percent if working else (run.progress if run else 0),
                         "status": run.status if run else ""})


@coordinator_required
@require_POST
def run_approve_view(request, pk: int):
    tranche = get_object_or_404(Tranche, pk=pk)
    run = get_object_or_404(SubsidyRun, tranche=tranche)
    try:
        run_approve(run=run, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("De berekening van schijf %(code)s is goedgekeurd.") % {"code": tranche.code})
    return redirect("budget:subsidy_tranche", pk=tranche.pk)


@coordinator_required
@require_GET
def payment_download(request, pk: int, fmt: str):
    tranche = get_object_or_404(Tranche, pk=pk)
    run = get_object_or_404(SubsidyRun, tranche=tranche)
    if fmt not in payment.FORMATS:
        return HttpResponse(status=404)
    try:
        content = payment.payment_file(run, fmt)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("budget:subsidy_tranche", pk=tranche.pk)
    audit_log(actor=request.user, action=AuditActions.EXPORT, obj=run, object_repr=f"betaalbestand {tranche.code}",
              changes={"format": fmt, "total": f"{run.total:.2f}"})
    types = {"sepa": "application/xml", "csv": "text/csv; charset=utf-8", "xlsx": XLSX_CONTENT_TYPE}
    extension = {"sepa": "xml", "csv": "csv", "xlsx": "xlsx"}[fmt]
    response = HttpResponse(content, content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="subsidie-{tranche.code}.{extension}"'
    return response


@coordinator_required
@require_POST
def tranche_paid(request, pk: int):
    tranche = get_object_or_404(Tranche, pk=pk)
    try:
        corrections.tranche_mark_paid(actor=request.user, tranche=tranche)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Schijf %(code)s is als betaald gemarkeerd.") % {"code": tranche.code})
    return redirect("budget:subsidy_tranche", pk=tranche.pk)


@coordinator_required
@require_POST
def correction_answer(request, pk: int):
    item = get_object_or_404(CorrectionRequest, pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        submit_to_service(form, corrections.correction_answer, actor=request.user, request=item)
    if form.errors:
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
    elif form.cleaned_data["status"] == CorrectionStatuses.ACCEPTED:
        if SubsidyRun.objects.filter(tranche_id=item.tranche_id, status="approved").exists():
            messages.success(request, _("Aanvaard. De berekening van deze schijf is al goedgekeurd: laat de gegevens "
                                        "in de HVT aanpassen, de volgende schijf verrekent het verschil."))
        else:
            messages.success(request, _("Aanvaard. Laat de gegevens van de plaats in de HVT aanpassen en bereken "
                                        "de schijf daarna opnieuw: de aanvraag is dan verwerkt."))
    else:
        messages.success(request, _("Het antwoord is bewaard."))
    return redirect("budget:subsidy_tranche", pk=item.tranche_id)


# --- municipal officer -----------------------------------------------------------------------------


class CorrectionForm(forms.Form):
    line = forms.TypedChoiceField(label=gettext_lazy("Lijn"), coerce=int, required=False, empty_value=None)
    description = forms.CharField(label=gettext_lazy("Wat is fout?"), widget=forms.Textarea(attrs={"rows": 3}),
                                  max_length=2000)
    proposed_value = forms.CharField(label=gettext_lazy("Voorgestelde waarde"), max_length=255, required=False)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = {line.pk: line for line in lines}
        self.fields["line"].choices = [("", _("De afrekening als geheel"))] + [
            (line.pk, corrections.line_label(line)) for line in lines
        ]


@officer_required
def statement_list(request):
    municipality = corrections.statement_municipality(request.user, request.GET.get("gemeente"))
    return render(request, "budget/subsidy/statements.html", {
        "municipality": municipality, "municipalities": corrections.statement_municipalities(request.user),
        "tranches": corrections.statement_tranches(municipality),
    })


@officer_required
def statement_detail(request, pk: int):
    municipality = corrections.statement_municipality(request.user, request.GET.get("gemeente"))
    tranche = get_object_or_404(Tranche, pk=pk)
    run = get_object_or_404(SubsidyRun, tranche=tranche)
    lines = list(corrections.statement_lines(run, municipality))
    for line in lines:
        line.explained = corrections.explain(line)
    form = CorrectionForm(request.POST or None, lines=lines)
    if request.method == "POST" and form.is_valid() and submit_to_service(
            form, corrections.correction_file, arguments={**form.cleaned_data, "line": form.lines.get(form.cleaned_data["line"])},
            actor=request.user, tranche=tranche, municipality=municipality):
        messages.success(request, _("Uw correctieaanvraag is ingediend."))
        return redirect(f"{request.path}?gemeente={municipality.pk}")
    total = sum((line.amount for line in lines), Decimal("0.00"))
    return render(request, "budget/subsidy/statement.html", {
        "municipality": municipality, "tranche": tranche, "run": run, "lines": lines, "total": total,
        "form": form, "may_file": corrections.correction_open(tranche),
        "requests": corrections.corrections_for_statement(tranche, municipality),
    })
