"""The payment file of an approved run: a SEPA credit transfer (pain.001.001.03, made and validated
by ``sepaxml``) with one transaction per municipality with a positive total, and the full list
(recoveries included) as CSV or XLSX through ``core.exports``. Recoveries are never transfers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from budget.models import Payee, SubsidyLine, SubsidyRun
from core.exports import Column, Kind, csv_response, xlsx_response
from geo.models import Municipality

FORMATS = ("sepa", "csv", "xlsx")


@dataclass(frozen=True)
class PaymentRow:
    refnis: str
    municipality: str
    amount: Decimal
    iban: str
    bic: str
    holder: str = ""
    is_demo: bool = False

    @property
    def kind(self) -> str:
        return _("overschrijving") if self.amount > 0 else _("terugvordering")


def payment_rows(run: SubsidyRun) -> list[PaymentRow]:
    """Total per municipality of an approved run, with its payee (three queries)."""
    if not run.is_approved:
        raise ValidationError(_("Enkel een goedgekeurde berekening heeft een betaalbestand."))
    totals = (
        SubsidyLine.objects.filter(run=run).values("municipality_id").annotate(total=Sum("amount")).order_by("municipality_id")
    )
    names = dict(Municipality.objects.filter(refnis__in=[t["municipality_id"] for t in totals]).values_list("refnis", "name_nl"))
    payees = {p.municipality_id: p for p in Payee.objects.filter(municipality_id__in=list(names))}
    rows = []
    for t in totals:
        if t["total"] == 0:
            continue
        payee = payees.get(t["municipality_id"])
        rows.append(PaymentRow(
            refnis=t["municipality_id"], municipality=names.get(t["municipality_id"], ""), amount=t["total"],
            iban=payee.iban if payee else "", bic=payee.bic if payee else "",
            holder=payee.account_holder if payee else "", is_demo=payee.is_demo if payee else False,
        ))
    return rows


def sepa_xml(run: SubsidyRun, rows: list[PaymentRow] | None = None) -> bytes:
    """pain.001.001.03, validated against the schema by sepaxml. Refused when a municipality to be
    paid has no payee, or a demo payee (``Payee.is_demo``) unless ``SUBSIDY_ALLOW_DEMO_PAYEES``."""
    from sepaxml import SepaTransfer

    rows = payment_rows(run) if rows is None else rows
    positive = [r for r in rows if r.amount > 0]
    missing = [r.refnis for r in positive if not r.iban]
    if missing:
        raise ValidationError(
            _("Geen rekeningnummer voor: %(list)s.") % {"list": ", ".join(missing)}
        )
    demo = [r for r in positive if r.is_demo]
    if demo and not settings.SUBSIDY_ALLOW_DEMO_PAYEES:
        raise ValidationError(
            _("Demo-rekeningnummer (geen echte begunstigde) voor: %(list)s. Vul de echte rekeningnummers in.")
            % {"list": ", ".join(f"{r.municipality or r.refnis} ({r.refnis})" for r in demo)}
        )
    transfer = SepaTransfer({
        "name": settings.SUBSIDY_DEBTOR_NAME, "IBAN": settings.SUBSIDY_DEBTOR_IBAN, "BIC": settings.SUBSIDY_DEBTOR_BIC,
        "batch": True, "currency": "EUR",
    }, clean=True)
    code = run.tranche.code
    for r in positive:
        payment = {
            "name": r.holder or r.municipality or r.refnis, "IBAN": r.iban,
            "amount": int(r.amount * 100),  # integer cents, exact for a Decimal with two places
            "execution_date": run.tranche.payment_date,
            "description": f"Subsidie opvang ontheemden schijf {code} gemeente {r.refnis}",
            "endtoend_id": f"{code.replace('-', '')}{r.refnis}",
        }
        if r.bic:  # optional within SEPA: the IBAN identifies the bank
            payment["BIC"] = r.bic
        transfer.add_payment(payment)
    return transfer.export(validate=True)


def _columns():
    return [
        Column(_("NIS-code"), "refnis"), Column(_("Gemeente"), "municipality"),
        Column(_("Bedrag (EUR)"), "amount", Kind.MONEY), Column(_("Soort"), "kind"),
        Column(_("IBAN"), "iban"), Column(_("BIC"), "bic"),
    ]


def payment_file(run: SubsidyRun, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(fmt)
    rows = payment_rows(run)
    if fmt == "sepa":
        return sepa_xml(run, rows)
    name = f"subsidie-{run.tranche.code}"
    if fmt == "csv":
        return csv_response(filename=name, columns=_columns(), rows=rows).content
    return xlsx_response(filename=name, columns=_columns(), rows=rows, sheet=run.tranche.code).content
