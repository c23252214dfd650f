"""The scheme's versions as the subsidy coordination keeps them: read every version with its amounts,
add a version (amounts in force from a day on). A version is never changed or deleted here: a
change of amounts is a new version. Approved runs keep their lines (the difference a back-dated
version makes is paid, or recovered, by the next tranche: cumulative entitlement)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.constants import AuditActions
from audit.services import audit_log
from budget import corrections
from budget.constants import RuleKinds
from budget.data import SCHEME_CODE, VERSION_1_FROM, VERSION_1_RATES
from budget.models import SchemeRate, SchemeVersion, SubsidyScheme
from hvt.selectors import SUBSIDY_ELIGIBLE_UNTIL as ELIGIBLE_UNTIL

# The amounts a version holds: (rule kind, subtype), in the order of version 1.
RATE_KEYS: list[tuple[str, str]] = [(kind, subtype) for kind, subtype, _amount in VERSION_1_RATES]
SUBTYPE_LABELS = {
    "hotel": gettext_lazy("hotel"), "bnb": gettext_lazy("B&B"), "youth_hostel": gettext_lazy("jeugdherberg"),
    "holiday_park": gettext_lazy("vakantiepark"), "service_flat": gettext_lazy("serviceflat"),
}


def rate_key(kind: str, subtype: str) -> str:
    """The form/service name of an amount: ``cat2_day__hotel``, ``guidance``."""
    return f"{kind}__{subtype}" if subtype else kind


def rate_label(kind: str, subtype: str) -> str:
    label = str(RuleKinds(kind).label)
    return f"{label} ({SUBTYPE_LABELS.get(subtype, subtype)})" if subtype else label


def scheme_versions(scheme_code: str = SCHEME_CODE) -> tuple[list[SchemeVersion], list[dict]]:
    """The versions (oldest first) and one row per amount with its value in each version (two queries)."""
    versions = list(SchemeVersion.objects.filter(scheme__code=scheme_code).order_by("valid_from"))
    amounts = {(r.version_id, r.rule_kind, r.subtype): r.amount
               for r in SchemeRate.objects.filter(version__in=versions)}
    rows = [{"key": rate_key(k, s), "label": rate_label(k, s),
             "amounts": [amounts.get((v.pk, k, s)) for v in versions]} for k, s in RATE_KEYS]
    return versions, rows


def current_amounts(scheme_code: str = SCHEME_CODE) -> dict[str, Decimal]:
    """The amounts of the latest version, by rate key (the starting values of a new version)."""
    latest = SchemeVersion.objects.filter(scheme__code=scheme_code).order_by("-valid_from").first()
    if latest is None:
        return {}
    return {rate_key(r.rule_kind, r.subtype): r.amount for r in latest.rates.all()}


@transaction.atomic
def scheme_version_add(*, actor, valid_from: dt.date, rates: dict[str, Decimal], note: str = "",
                       scheme_code: str = SCHEME_CODE) -> SchemeVersion:
    """Add a version of the scheme in force from ``valid_from`` with every amount of ``rates``
    (by rate key; an amount left out keeps the value of the version in force on ``valid_from``).
    The subsidy coordination only; audited."""
    if actor is None or not corrections.is_coordinator(actor):
        raise PermissionDenied(_("Enkel de centrale subsidiecoördinatie voegt een versie van de regeling toe."))
    scheme = SubsidyScheme.objects.select_for_update().get(code=scheme_code)
    errors: dict[str, list[str]] = {}
    if valid_from is None or not (VERSION_1_FROM <= valid_from <= ELIGIBLE_UNTIL):
        errors["valid_from"] = [_("Een versie geldt vanaf een dag tussen %(start)s en %(end)s.")
                                % {"start": VERSION_1_FROM.strftime("%d-%m-%Y"), "end": ELIGIBLE_UNTIL.strftime("%d-%m-%Y")}]
    elif scheme.versions.filter(valid_from=valid_from).exists():
        errors["valid_from"] = [_("Er is al een versie die geldt vanaf %(date)s.") % {"date": valid_from.strftime("%d-%m-%Y")}]
    known = {rate_key(k, s) for k, s in RATE_KEYS}
    unknown = sorted(set(rates) - known)
    if unknown:
        errors["rates"] = [_("Onbekend bedrag: %(names)s.") % {"names": ", ".join(unknown)}]
    for key, amount in rates.items():
        if key in known and (amount is None or not isinstance(amount, Decimal) or amount < 0
                             or amount != amount.quantize(Decimal("0.01"))):
            errors[key] = [_("Een bedrag is positief of nul, in euro en cent.")]
    note = (note or "").strip()
    if len(note) > 300:
        errors["note"] = [_("De toelichting is te lang (hoogstens 300 tekens).")]
    if errors:
        raise ValidationError(errors)
    in_force = scheme.versions.filter(valid_from__lte=valid_from).order_by("-valid_from").first()
    base = {rate_key(r.rule_kind, r.subtype): r.amount for r in in_force.rates.all()} if in_force else {}
    values = {**base, **rates}
    missing = [rate_label(k, s) for k, s in RATE_KEYS if values.get(rate_key(k, s)) is None]
    if missing:
        raise ValidationError({"rates": [_("Geef elk bedrag: %(names)s.") % {"names": ", ".join(missing)}]})
    number = (scheme.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = SchemeVersion.objects.create(scheme=scheme, number=number, valid_from=valid_from, note=note)
    SchemeRate.objects.bulk_create([
        SchemeRate(version=version, rule_kind=k, subtype=s, amount=values[rate_key(k, s)]) for k, s in RATE_KEYS
    ])
    changed = {key: [f"{base[key]:.2f}" if base.get(key) is not None else None, f"{values[key]:.2f}"]
               for key in values if base.get(key) != values[key]}
    audit_log(actor=actor, action=AuditActions.CREATE, obj=version,
              changes={"scheme": scheme.code, "number": number, "valid_from": valid_from.isoformat(),
                       "note": note, "rates": changed})
    return version
