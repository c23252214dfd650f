"""Statements and correction requests of the subsidy module: what a municipality sees of a tranche,
the requests its officer files until the correction deadline, and the coordination's answer.

Scope: a statement, its lines and its requests are read only for municipalities in the user's scope
under the full-licence officer role (``hvt_municipal_full``); the subsidy coordination sees all.
Every write is audited."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.constants import Roles
from accounts.selectors import municipalities_for_user, user_has_role
from audit.constants import AuditActions
from audit.services import audit_log
from budget.constants import RunStatuses
from budget.models import CorrectionRequest, CorrectionStatuses, SubsidyLine, SubsidyRun, Tranche
from core import clock

STATEMENT_ROLES = frozenset({Roles.HVT_MUNICIPAL_FULL})
COORDINATION = Roles.HVT_SUBSIDY_COORDINATOR


def is_coordinator(user) -> bool:
    return user_has_role(user, COORDINATION)


def may_read_statements(user) -> bool:
    return user_has_role(user, *STATEMENT_ROLES)


def statement_municipalities(user):
    return municipalities_for_user(user, roles=STATEMENT_ROLES)


def statement_municipality(user, refnis: str | None):
    """The municipality whose statement the officer asked for (``?gemeente=``), or their first one;
    404 outside the scope."""
    qs = statement_municipalities(user).order_by("name_nl")
    municipality = qs.filter(pk=refnis).first() if refnis else qs.first()
    if municipality is None:
        raise Http404
    return municipality


def statement_tranches(municipality):
    """The tranches that have a run, with the municipality's total per run (one query)."""
    return (
        Tranche.objects.filter(run__isnull=False)
        .select_related("run")
        .annotate(municipality_total=Sum("run__lines__amount", filter=Q(run__lines__municipality=municipality)),
                  open_requests=Count("corrections", filter=Q(corrections__municipality=municipality,
                                                             corrections__status=CorrectionStatuses.OPEN),
                                      distinct=True))
        .order_by("reference_date")
    )


def statement_lines(run: SubsidyRun, municipality):
    return (
        SubsidyLine.objects.filter(run=run, municipality=municipality)
        .select_related("place")
        .order_by("place_id", "rule_kind")
    )


def line_label(line: SubsidyLine) -> str:
    place = f"#{line.place_id} {line.place.street} {line.place.house_number}" if line.place_id else _("gemeente")
    return f"{place} · {line.get_rule_kind_display()} · € {line.amount}"[:255]


def correction_open(tranche: Tranche) -> bool:
    return clock.today() <= tranche.correction_deadline


@transaction.atomic
def correction_file(*, actor, tranche: Tranche, municipality, description: str, proposed_value: str = "",
                    line: SubsidyLine | None = None) -> CorrectionRequest:
    """An officer with a full licence asks to correct their municipality's statement of ``tranche``
    (a line of it, or the statement), until the correction deadline."""
    if not statement_municipalities(actor).filter(pk=municipality.pk).exists():
        raise PermissionDenied(_("U mag voor deze gemeente geen correctie aanvragen."))
    errors = {}
    if not correction_open(tranche):
        raise ValidationError(_("De termijn voor correcties van schijf %(code)s liep af op %(date)s.")
                              % {"code": tranche.code, "date": tranche.correction_deadline.strftime("%d-%m-%Y")})
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("Beschrijf wat er fout is.")]
    if line is not None and (line.municipality_id != municipality.pk or line.run.tranche_id != tranche.pk):
        errors["line"] = [_("Deze lijn hoort niet bij de afrekening van uw gemeente.")]
    if errors:
        raise ValidationError(errors)
    request = CorrectionRequest.objects.create(
        tranche=tranche, municipality=municipality, line=line, line_label=line_label(line) if line else "",
        place_id=line.place_id if line else None,
        description=description, proposed_value=(proposed_value or "").strip(), created_by=actor,
        created_at=clock.now(),
    )
    audit_log(actor=actor, action=AuditActions.CREATE, obj=request,
              changes={"tranche": tranche.code, "municipality": municipality.pk, "line": line.pk if line else None})
    return request


@transaction.atomic
def correction_answer(*, actor, request: CorrectionRequest, status: str, answer: str) -> CorrectionRequest:
    """The coordination accepts (the data is then fixed in the HVT and the draft recalculated: the
    first recalculation after the answer marks the request processed, ``recalculated_at``) or
    rejects (with a reason) an open request."""
    if not is_coordinator(actor):
        raise PermissionDenied(_("Enkel de centrale subsidiecoördinatie beantwoordt correctieaanvragen."))
    request = CorrectionRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != CorrectionStatuses.OPEN:
        raise ValidationError(_("Deze aanvraag is al beantwoord."))
    answer = (answer or "").strip()
    if status not in (CorrectionStatuses.ACCEPTED, CorrectionStatuses.REJECTED):
        raise ValidationError({"status": [_("Kies aanvaard of afgewezen.")]})
    if status == CorrectionStatuses.REJECTED and not answer:
        raise ValidationError({"answer": [_("Geef de reden van de afwijzing.")]})
    request.status, request.answer = status, answer
    request.answered_by, request.answered_at = actor, clock.now()
    request.save()
    audit_log(actor=actor, action=AuditActions.UPDATE, obj=request,
              changes={"status": [CorrectionStatuses.OPEN, status]})
    return request


def corrections_for_tranche(tranche: Tranche):
    return CorrectionRequest.objects.filter(tranche=tranche).select_related("municipality", "created_by", "place")


def corrections_awaiting_recalculation(tranche: Tranche):
    """Accepted requests that no recalculation has processed yet."""
    return CorrectionRequest.objects.filter(tranche=tranche, status=CorrectionStatuses.ACCEPTED,
                                            recalculated_at__isnull=True)


def corrections_mark_recalculated(tranche: Tranche, when) -> int:
    """Called by the recalculation of ``tranche``'s draft: every accepted request answered before it
    is processed (one UPDATE). The number of requests."""
    return corrections_awaiting_recalculation(tranche).filter(answered_at__lte=when).update(recalculated_at=when)


def corrections_for_statement(tranche: Tranche, municipality):
    return CorrectionRequest.objects.filter(tranche=tranche, municipality=municipality).select_related(
        "answered_by", "place")


TRANCHE_FIELDS = ("code", "reference_date", "correction_deadline", "payment_date", "guidance_factor")


@transaction.atomic
def tranche_set(*, actor, tranche: Tranche | None = None, code: str, reference_date, correction_deadline,
                payment_date, guidance_factor: Decimal) -> Tranche:
    """Add a tranche or change one (the coordination keeps the tranches of DOMAIN §5; audited).
    The dates follow each other: reference date ≤ correction deadline ≤ payment date. Once the
    tranche's run is approved only its payment date may still move, and once it is paid nothing
    does: an approved calculation stands on its reference date and factor."""
    if not is_coordinator(actor):
        raise PermissionDenied(_("Enkel de centrale subsidiecoördinatie beheert de schijven."))
    new = {"code": code, "reference_date": reference_date, "correction_deadline": correction_deadline,
           "payment_date": payment_date, "guidance_factor": guidance_factor}
    errors: dict[str, list[str]] = {}
    if correction_deadline < reference_date:
        errors["correction_deadline"] = [_("De uiterste datum voor correcties ligt niet voor de referentiedatum.")]
    if payment_date < correction_deadline:
        errors["payment_date"] = [_("De betaaldatum ligt niet voor de uiterste datum voor correcties.")]
    old = {}
    if tranche is not None:
        tranche = Tranche.objects.select_for_update().get(pk=tranche.pk)
        old = {field: getattr(tranche, field) for field in TRANCHE_FIELDS}
        changed = {field for field in TRANCHE_FIELDS if old[field] != new[field]}
        approved = SubsidyRun.objects.filter(tranche=tranche, status=RunStatuses.APPROVED).exists()
        if tranche.paid_on is not None and changed:
            errors.setdefault("__all__", []).append(_("Deze schijf is betaald: ze wijzigt niet meer."))
        elif approved and changed - {"payment_date"}:
            errors.setdefault("__all__", []).append(
                _("De berekening van deze schijf is goedgekeurd: enkel de betaaldatum kan nog wijzigen."))
    if errors:
        raise ValidationError(errors)
    tranche = tranche or Tranche()
    for field, value in new.items():
        setattr(tranche, field, value)
    tranche.full_clean()  # unique code and reference date, a factor of at least 0
    tranche.save()
    diff = {field: [str(old.get(field)) if field in old else None, str(value)]
            for field, value in new.items() if old.get(field) != value}
    audit_log(actor=actor, action=AuditActions.UPDATE if old else AuditActions.CREATE, obj=tranche, changes=diff)
    return tranche


@transaction.atomic
def tranche_mark_paid(*, actor, tranche: Tranche) -> Tranche:
    """The coordination marks an approved tranche as paid (today), once."""
    if not is_coordinator(actor):
        raise PermissionDenied(_("Enkel de centrale subsidiecoördinatie markeert een schijf als betaald."))
    tranche = Tranche.objects.select_for_update().get(pk=tranche.pk)
    run = SubsidyRun.objects.filter(tranche=tranche).first()
    if run is None or not run.is_approved:
        raise ValidationError(_("Enkel een schijf met een goedgekeurde berekening kan betaald worden."))
    if tranche.paid_on is not None:
        raise ValidationError(_("Deze schijf is al als betaald gemarkeerd."))
    tranche.paid_on = clock.today()
    tranche.save(update_fields=["paid_on"])
    audit_log(actor=actor, action=AuditActions.UPDATE, obj=tranche, changes={"paid_on": [None, tranche.paid_on.isoformat()]})
    return tranche


def _date(iso: str) -> str:
    return "-".join(reversed(iso.split("-"))) if iso else ""


def _euro(text) -> str:
    from django.utils.formats import number_format

    return f"€ {number_format(Decimal(str(text)), decimal_pos=2, use_l10n=True, force_grouping=True)}"


def explain(line: SubsidyLine) -> list[str]:
    """The explanation of a statement line in words: the periods with days, beds, rate and scheme
    version; the guidance line with the registered-person count and the factor."""
    data = line.explanation or {}
    out = []
    if line.rule_kind == "guidance" and "persons" in data:
        out.append(_("%(persons)s ingeschreven personen op %(date)s × %(rate)s × factor %(factor)s (versie %(version)s)")
                   % {"persons": data["persons"], "date": _date(data.get("reference_date", "")),
                      "rate": _euro(data.get("rate", "0")), "factor": str(data.get("factor", "")).replace(".", ","),
                      "version": data.get("version", "")})
    from budget.subsidy.engine import explanation_items

    for item in explanation_items(data):
        text = _("%(start)s – %(end)s: %(days)s dagen, %(beds)s bedden, %(rate)s (versie %(version)s) = %(amount)s") % {
            "start": _date(item.get("from", "")), "end": _date(item.get("to", "")), "days": item.get("days", 0),
            "beds": item.get("beds", 0), "rate": _euro(item.get("rate", "0")), "version": item.get("version", ""),
            "amount": _euro(item.get("amount", "0"))}
        if "allocation" in item:
            text += " " + _("(toewijzing %(id)s)") % {"id": item["allocation"]}
        out.append(text)
    if "capped_at" in data:
        out.append(_("De bijdrage van de bewoners is begrensd op %(amount)s.") % {"amount": _euro(data["capped_at"])})
    if data.get("note"):
        out.append(_("Geen recht meer op de referentiedatum: wat eerder betaald werd, wordt teruggevorderd."))
    return out
