"""The licence pages' charts and exports: seats per pool (used, free), deactivations per month
since the start, upcoming deactivations per day, portal logins per month against the allowance.

The figures are those of ``licensing.selectors`` (SQL aggregates, a fixed number of queries
whatever the number of users); this module fills the months without any event (a month with
none is a 0, not a missing bar) and shapes the same rows for the chart (``core.charts``), the
table and the export (``core.exports``): one list of rows behind all three.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import clock
from core.charts import LINE, Chart, Series
from core.exports import Column, Kind
from core.formatting import format_date, format_month
from licensing import selectors
from licensing.constants import IDLE_DAYS, UPCOMING_IDLE_DAYS, LicenceTypes


def _month_start(value) -> dt.date:
    day = clock.brussels_date(value) if isinstance(value, dt.datetime) else value
    return day.replace(day=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from ``first``'s to ``last``'s, both included."""
    out, month = [], first.replace(day=1)
    while month <= last:
        out.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


def _label(month: dt.date) -> str:
    return format_month(month)


# --- seats per pool -------------------------------------------------------------------------------

def pool_rows(pools) -> list[dict]:
    """Named pools (portal licences are counted per login, not per seat: not here)."""
    return [{"pool": f"{p.get_tool_display()} – {p.get_group_display()} – {p.get_licence_type_display()}",
             "seats": p.seats, "used": p.used, "free": p.free}
            for p in pools if p.licence_type != LicenceTypes.PORTAL]


def pools_chart(rows: list[dict]) -> dict:
    return Chart(title=_("Licenties per pool: in gebruik en vrij"), labels=[r["pool"] for r in rows], horizontal=True,
                 series=[Series(label=_("In gebruik"), data=[r["used"] for r in rows], stack="seats"),
                         Series(label=_("Vrij"), data=[r["free"] for r in rows], stack="seats")]).as_json()


# --- deactivations --------------------------------------------------------------------------------

def deactivations_per_month(history: dict, *, today: dt.date) -> list[dict]:
    """Every month from the first deactivation to this month, with its count (0 included)."""
    counts = {_month_start(row["month"]): row["count"] for row in history["per_month"]}
    if not counts:
        return []
    return [{"month": m, "count": counts.get(m, 0)} for m in months_between(min(counts), today)]


def deactivations_chart(rows: list[dict]) -> dict:
    return Chart(title=_("Gedeactiveerd per maand"), labels=[_label(r["month"]) for r in rows],
                 series=[Series(label=_("Gedeactiveerd"), data=[r["count"] for r in rows])]).as_json()


def upcoming_per_day(*, now: dt.datetime) -> list[dict]:
    """How many users the sweep deactivates on each coming day if they stay idle (idle 30 days or
    more today): one grouped query on the day of their last activity (Brussels)."""
    rows = (selectors.users_with_idle_since()
            .filter(idle_since__lt=selectors.idle_cutoff(now=now, days=UPCOMING_IDLE_DAYS))
            .annotate(day=TruncDate("idle_since", tzinfo=clock.BRUSSELS)).values("day")
            .annotate(count=Count("id")).order_by("day"))
    today = clock.brussels_date(now)
    per_day: dict[dt.date, int] = {}
    for row in rows:  # one row per day of last activity: at most the last ~40 days and the overdue
        day = max(row["day"] + dt.timedelta(days=IDLE_DAYS), today)  # overdue: at the next sweep
        per_day[day] = per_day.get(day, 0) + row["count"]
    return [{"day": day, "count": per_day[day]} for day in sorted(per_day)]


def upcoming_chart(rows: list[dict]) -> dict:
    return Chart(title=_("Binnenkort gedeactiveerd, per dag"), labels=[format_date(r["day"]) for r in rows],
                 series=[Series(label=_("Te deactiveren"), data=[r["count"] for r in rows])]).as_json()


# --- portal logins ----------------------------------------------------------------------------------

def portal_logins_filled(rows: list[dict], *, today: dt.date) -> list[dict]:
    """``selectors.portal_logins_per_month`` with every month from the first login to this month."""
    if not rows:
        return []
    allowance = rows[0]["allowance"]
    by_month = {_month_start(r["month"]): r for r in rows}
    return [{"month": m, "logins": by_month[m]["logins"] if m in by_month else 0,
             "users": by_month[m]["users"] if m in by_month else 0, "allowance": allowance,
             "over": by_month[m]["over"] if m in by_month else False}
            for m in months_between(min(by_month), today)]


def portal_chart(rows: list[dict]) -> dict:
    return Chart(title=_("Portaalaanmeldingen per maand tegenover de portaallicenties"),
                 labels=[_label(r["month"]) for r in rows],
                 series=[Series(label=_("Aanmeldingen"), data=[r["logins"] for r in rows]),
                         Series(label=_("Verschillende gebruikers"), data=[r["users"] for r in rows]),
                         Series(label=_("Portaallicenties"), data=[r["allowance"] for r in rows], kind=LINE)]).as_json()


# --- exports (core.exports) ---------------------------------------------------------------------------

EXPORTS = {
    "pools": (gettext_lazy("licenties per pool"), [
        Column(gettext_lazy("pool"), "pool"), Column(gettext_lazy("licenties"), "seats", Kind.INTEGER),
        Column(gettext_lazy("in gebruik"), "used", Kind.INTEGER), Column(gettext_lazy("vrij"), "free", Kind.INTEGER)]),
    "deactivaties": (gettext_lazy("deactivaties per maand"), [
        Column(gettext_lazy("maand"), lambda r: r["month"], Kind.DATE),
        Column(gettext_lazy("gedeactiveerd"), "count", Kind.INTEGER)]),
    "binnenkort": (gettext_lazy("binnenkort gedeactiveerd"), [
        Column(gettext_lazy("dag"), lambda r: r["day"], Kind.DATE),
        Column(gettext_lazy("te deactiveren"), "count", Kind.INTEGER)]),
    "portaal": (gettext_lazy("portaalaanmeldingen per maand"), [
        Column(gettext_lazy("maand"), lambda r: r["month"], Kind.DATE),
        Column(gettext_lazy("aanmeldingen"), "logins", Kind.INTEGER),
        Column(gettext_lazy("verschillende gebruikers"), "users", Kind.INTEGER),
        Column(gettext_lazy("portaallicenties"), "allowance", Kind.INTEGER)]),
}


def export_rows(table: str, *, now: dt.datetime, period) -> list[dict]:
    today = clock.brussels_date(now)
    if table == "pools":
        return pool_rows(selectors.pools_with_usage(period=period)) if period else []
    if table == "deactivaties":
        return deactivations_per_month(selectors.deactivation_history(), today=today)
    if table == "binnenkort":
        return upcoming_per_day(now=now)
    if table == "portaal":
        return portal_logins_filled(selectors.portal_logins_per_month(period=period), today=today)
    raise KeyError(table)
