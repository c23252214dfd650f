"""The evolution of the VLOT / coordinator overview (issue 11): beds by category per week since
March 2022 against the target, and the share of individual housing — from the nightly snapshots,
summed in SQL over the user's dashboard scope.

A week's point is its last snapshot date (as a month's is its last: ``hvt.querysets``). The target
line is, for each week, the target of the round in force on that week's point (the sum of its
municipalities' targets in scope), so a new round draws a step from its effective date on; weeks
before the first round have no target.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, Sum
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext as _

from accounts.selectors import scope_filter
from hvt.querysets import INDIVIDUAL_CATEGORIES, percentage
from hvt.selectors import CATEGORY_KEYS, DASHBOARD_ROLES

EVOLUTION_START = dt.date(2022, 3, 1)  # the first reception places of the programme


def weekly_series_for_user(user, *, province: str = "", start: dt.date = EVOLUTION_START) -> list[dict]:
    """One row per week with snapshots since ``start``: ``date`` (the week's last snapshot), per
    category ``available`` / ``occupied``, the totals and ``individual_share`` (occupied beds in
    category 1 over all occupied, a percentage with one decimal) and ``target`` (the round in force
    on the week's point, ``None`` before the first). Two statements."""
    from hvt.models import CapacitySnapshot

    qs = scope_filter(CapacitySnapshot.objects.all(), user, roles=DASHBOARD_ROLES).filter(date__gte=start)
    if province:
        qs = qs.filter(municipality__province_id=province)
    rounds = _round_targets(user, province)
    week_ends = qs.order_by().annotate(week=TruncWeek("date")).values("week").annotate(last=Max("date")).values("last")
    rows = (qs.filter(date__in=week_ends).order_by().values("date", "category")
            .annotate(available=Sum("available"), occupied=Sum("occupied")).order_by("date", "category"))
    weeks: dict[dt.date, dict] = {}
    for row in rows:
        week = weeks.setdefault(row["date"], {"date": row["date"], "categories": {
            c: {"available": 0, "occupied": 0} for c in CATEGORY_KEYS}})
        week["categories"][row["category"]] = {"available": row["available"] or 0, "occupied": row["occupied"] or 0}
    out = []
    for week in weeks.values():
        cats = week["categories"]
        week["available"] = sum(c["available"] for c in cats.values())
        week["occupied"] = sum(c["occupied"] for c in cats.values())
        individual = sum(cats[c]["occupied"] for c in INDIVIDUAL_CATEGORIES)
        week["individual_occupied"] = individual
        week["individual_share"] = percentage(individual, week["occupied"])
        week["target"] = next((total for effective_on, total in rounds if effective_on <= week["date"]), None)
        out.append(week)
    return out


def _round_targets(user, province: str) -> list[tuple[dt.date, int]]:
    """``[(effective_on, sum of the round's targets in scope)]``, the latest round first (of two
    rounds on one day, the later one: as ``hvt.selectors.target_round_current``). One statement."""
    from hvt.models import MunicipalityTarget

    qs = scope_filter(MunicipalityTarget.objects.all(), user, roles=DASHBOARD_ROLES)
    if province:
        qs = qs.filter(municipality__province_id=province)
    rows = (qs.order_by().values("round_id", "round__effective_on").annotate(total=Sum("assigned"))
            .order_by("-round__effective_on", "-round_id"))
    return [(row["round__effective_on"], row["total"]) for row in rows]


def headline(overview: dict) -> list[dict]:
    """The overview's headline rows: each category, category 1 (public + private), categories 2
    and 3 (collective) and the total with its target and realisation — all from the one overview."""
    total = overview["total"]
    cats = total["categories"]
    labels = dict(overview["categories"])

    def row(label, keys, **extra):
        return {"label": label, "key": "+".join(keys),
                **{k: sum(cats[c][k] for c in keys) for k in ("available", "occupied", "free")},
                "target": None, "realisation": None, **extra}

    individual = sorted(INDIVIDUAL_CATEGORIES)
    collective = [c for c in CATEGORY_KEYS if c not in INDIVIDUAL_CATEGORIES]
    return [
        *(row(labels[c], [c]) for c in CATEGORY_KEYS),
        row(_("Individueel (categorie 1, publiek + privaat)"), individual, subtotal=True),
        row(_("Collectief (categorie 2 en 3)"), collective, subtotal=True),
        row(_("Totaal"), CATEGORY_KEYS, total=True, target=total["target"], realisation=total["realisation"]),
    ]


def shift_from_weeks(weeks: list[dict], reference: dt.date) -> list[dict]:
    """The shift of DOMAIN §4: occupied beds in individual against collective housing at the last
    week before ``reference`` and at the last week (``hvt.querysets.shift_points``, weekly)."""
    if not weeks:
        return []
    points = [w for w in weeks if w["date"] < reference][-1:]
    if not points or points[0] is not weeks[-1]:
        points.append(weeks[-1])
    return [{"date": w["date"].isoformat(), "individual": w["individual_occupied"],
             "collective": w["occupied"] - w["individual_occupied"], "share": w["individual_share"]} for w in points]
