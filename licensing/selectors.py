"""Reads: who holds which licence, seats per pool, the plan report, the sweep's history."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, Exists, F, OuterRef, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce, ExtractYear, TruncMonth

from accounts.constants import Roles
from accounts.models import User
from audit.constants import AuditActions
from audit.models import AuditEvent
from core import clock
from licensing.constants import (
    IDLE_DAYS,
    PORTAL_EXACT_PATHS,
    PORTAL_PATH_PREFIXES,
    TOOL_PATH_PREFIXES,
    UPCOMING_IDLE_DAYS,
    WARNING_DAYS_BEFORE,
    LicenceGroups,
    LicenceTypes,
    Tools,
)
from licensing.models import DeactivationEvent, IdleWarning, LicenceAssignment, LicencePool, PlanPeriod

# --- Licences of a user ------------------------------------------------------------------------


def licence_tools_for_user(user) -> frozenset[str]:
    """The tools the user holds an active licence for (one query, memoised on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_licence_tools", None)
    if cached is None:
        cached = frozenset(
            LicenceAssignment.objects.filter(user_id=user.pk, released_at__isnull=True).values_list("tool", flat=True)
        )
        user._licence_tools = cached
    return cached


def user_has_licence(user, tool: str) -> bool:
    return tool in licence_tools_for_user(user)


def tool_for_path(path: str) -> str | None:
    """The named-licence tool a URL belongs to (None: no licence needed)."""
    for prefix, tool in TOOL_PATH_PREFIXES:
        if path.startswith(prefix):
            return tool
    return None


def user_may_use_path(user, path: str) -> bool:
    """A user uses a tool's pages only with an active licence for that tool. Portal pages are
    login-based (no named licence): a portal user may use them."""
    tool = tool_for_path(path)
    if tool is None or user_has_licence(user, tool):
        return True
    if path.startswith(PORTAL_PATH_PREFIXES) or path in PORTAL_EXACT_PATHS:
        from accounts.selectors import user_has_role

        return user_has_role(user, Roles.PORTAL_USER)
    return False


def active_assignments() -> QuerySet[LicenceAssignment]:
    return LicenceAssignment.objects.filter(released_at__isnull=True)


def support_contacts() -> QuerySet[User]:
    """Whom to ask for a licence: the active support accounts."""
    return User.objects.filter(role_assignments__role=Roles.SUPPORT, is_active=True, is_technical_account=False).order_by(
        "last_name", "username"
    )


# --- Idleness ------------------------------------------------------------------------------------


def idle_cutoff(*, now: dt.datetime, days: int) -> dt.datetime:
    """The moment before which activity is ``days`` days or more ago, counted in Brussels dates.

    Activity on Brussels date A is ``days`` days old on date D when D - A >= days, i.e. when it
    happened before midnight (Brussels) of D - (days - 1).
    """
    day = clock.brussels_date(now) - dt.timedelta(days=days - 1)
    return dt.datetime.combine(day, dt.time.min, tzinfo=clock.BRUSSELS)


def deactivation_cutoff(*, now: dt.datetime) -> dt.datetime:
    """The idle rule's moment: an active, non-technical user idle since before it is deactivated.
    The one place both sweep paths (the portable queryset and the PostgreSQL statement) take it from."""
    return idle_cutoff(now=now, days=IDLE_DAYS)


def users_with_idle_since() -> QuerySet[User]:
    """Active users subject to the sweep, annotated with ``idle_since`` (last activity, or the
    account's creation for someone who never logged in). Technical accounts are exempt."""
    return User.objects.filter(is_active=True, is_technical_account=False).annotate(
        idle_since=Coalesce("last_activity", "date_joined")
    )


def users_idle_for_deactivation(*, now: dt.datetime) -> QuerySet[User]:
    return users_with_idle_since().filter(idle_since__lt=deactivation_cutoff(now=now))


def users_due_for_warning(*, now: dt.datetime) -> QuerySet[User]:
    """Idle for 33-39 days and not yet warned for this idle period."""
    already = IdleWarning.objects.filter(user_id=OuterRef("pk"), last_activity=OuterRef("idle_since"))
    return users_with_idle_since().filter(
        idle_since__lt=idle_cutoff(now=now, days=IDLE_DAYS - WARNING_DAYS_BEFORE),
        idle_since__gte=deactivation_cutoff(now=now),
        email__gt="",
    ).exclude(Exists(already))


def deactivation_date(idle_since: dt.datetime) -> dt.date:
    return clock.brussels_date(idle_since) + dt.timedelta(days=IDLE_DAYS)


def upcoming_deactivations(*, now: dt.datetime) -> QuerySet[User]:
    """Users idle 30 days or more who are still active (not exempt), oldest activity first."""
    return (
        users_with_idle_since()
        .filter(idle_since__lt=idle_cutoff(now=now, days=UPCOMING_IDLE_DAYS))
        .select_related("organisation")
        .annotate(licence_count=Count("licences", filter=Q(licences__released_at__isnull=True)))
        .order_by("idle_since")
    )


def technical_accounts() -> QuerySet[User]:
    return User.objects.filter(is_technical_account=True).select_related("organisation").order_by("username")


def recent_deactivations(*, limit: int | None = 50) -> QuerySet[DeactivationEvent]:
    """Newest first (the activity page pages through all of them with ``limit=None``)."""
    events = DeactivationEvent.objects.select_related("user", "organisation").annotate(
        licences_released=Count("released_licences")
    ).order_by("-occurred_at", "-id")
    return events if limit is None else events[:limit]


# --- Pools and the plan report ----------------------------------------------------------------


def period_current(*, today: dt.date | None = None) -> PlanPeriod | None:
    """The plan covering today, else the latest plan."""
    today = today or clock.today()
    covers_today = Case(When(starts_on__lte=today, ends_on__gte=today, then=1), default=0)
    return PlanPeriod.objects.order_by(covers_today.desc(), "-starts_on").first()  # one query


def period_previous(period: PlanPeriod) -> PlanPeriod | None:
    return PlanPeriod.objects.filter(starts_on__lt=period.starts_on).order_by("-starts_on").first()


def pools_with_usage(*, period: PlanPeriod) -> QuerySet[LicencePool]:
    """Pools of a plan with seats used and free and their cost (seats × unit price), one query."""
    return (
        LicencePool.objects.filter(period=period)
        .annotate(used=Count("assignments", filter=Q(assignments__released_at__isnull=True)))
        .annotate(free=F("seats") - F("used"))
    )


def seats_used_per_organisation(*, period: PlanPeriod) -> list[dict]:
    """Active named licences of a plan per organisation, tool and licence type (one query)."""
    return list(
        active_assignments()
        .filter(pool__period=period)
        .values("user__organisation__name", "tool", "pool__licence_type")
        .annotate(count=Count("id"))
        .order_by("user__organisation__name", "tool", "pool__licence_type")
    )


@dataclass
class PlanRow:
    tool: str
    group: str
    full: int = 0
    limited: int = 0
    previous_full: int | None = None
    previous_limited: int | None = None

    @property
    def total(self) -> int:
        return self.full + self.limited

    @property
    def previous_total(self) -> int | None:
        if self.previous_full is None:
            return None
        return self.previous_full + (self.previous_limited or 0)

    @property
    def change_full(self) -> int | None:
        return None if self.previous_full is None else self.full - self.previous_full

    @property
    def change_limited(self) -> int | None:
        return None if self.previous_limited is None else self.limited - self.previous_limited

    @property
    def change_total(self) -> int | None:
        return None if self.previous_total is None else self.total - self.previous_total

    @property
    def tool_label(self) -> str:
        return Tools(self.tool).label

    @property
    def group_label(self) -> str:
        return LicenceGroups(self.group).label


@dataclass
class PlanReport:
    period: PlanPeriod
    previous: PlanPeriod | None
    rows: list[PlanRow] = field(default_factory=list)
    per_tool: list[PlanRow] = field(default_factory=list)
    total: PlanRow | None = None
    portal_seats: int = 0
    previous_portal_seats: int | None = None
    cost: Decimal = Decimal("0.00")
    previous_cost: Decimal | None = None


_TOOL_ORDER = [Tools.HVT, Tools.CRT, Tools.GENERAL]
_GROUP_ORDER = list(LicenceGroups.values)


def _seats_by_key(period: PlanPeriod | None) -> tuple[dict, int, Decimal]:
    """{(tool, group): {type: seats}}, portal seats, cost: one query."""
    named: dict = defaultdict(lambda: defaultdict(int))
    portal = 0
    cost = Decimal("0.00")
    if period is None:
        return named, portal, cost
    for tool, group, licence_type, seats, unit_price in LicencePool.objects.filter(period=period).values_list(
        "tool", "group", "licence_type", "seats", "unit_price"
    ):
        cost += seats * unit_price
        if licence_type == LicenceTypes.PORTAL:
            portal += seats
        else:
            named[(tool, group)][licence_type] += seats
    return named, portal, cost


def plan_report(*, period: PlanPeriod) -> PlanReport:
    """The note's table (named licences per tool and group, full and limited) with the change
    against the previous plan computed from the data, plus portal licences and cost."""
    previous = period_previous(period)
    current, portal, cost = _seats_by_key(period)
    before, previous_portal, previous_cost = _seats_by_key(previous)
    keys = sorted(
        set(current) | set(before),
        key=lambda k: (_TOOL_ORDER.index(k[0]) if k[0] in _TOOL_ORDER else 99, _GROUP_ORDER.index(k[1])),
    )
    report = PlanReport(period=period, previous=previous, portal_seats=portal, cost=cost)
    if previous is not None:
        report.previous_portal_seats = previous_portal
        report.previous_cost = previous_cost
    per_tool: dict[str, PlanRow] = {}
    total = PlanRow(tool="", group="")
    if previous is not None:
        total.previous_full = total.previous_limited = 0
    for key in keys:
        row = PlanRow(tool=key[0], group=key[1], full=current[key][LicenceTypes.FULL], limited=current[key][LicenceTypes.LIMITED])
        if previous is not None:
            row.previous_full = before[key][LicenceTypes.FULL]
            row.previous_limited = before[key][LicenceTypes.LIMITED]
        report.rows.append(row)
        tool_row = per_tool.setdefault(key[0], PlanRow(tool=key[0], group=""))
        for target in (tool_row, total):
            target.full += row.full
            target.limited += row.limited
            if previous is not None:
                target.previous_full = (target.previous_full or 0) + row.previous_full
                target.previous_limited = (target.previous_limited or 0) + row.previous_limited
    report.per_tool = list(per_tool.values())
    report.total = total
    return report


# --- Sweep history and portal use ----------------------------------------------------------------


def deactivation_history() -> dict:
    """How many users were deactivated since the start, per month (Brussels) and per organisation."""
    events = DeactivationEvent.objects.all()
    per_month = (
        events.annotate(month=TruncMonth("occurred_at", tzinfo=clock.BRUSSELS))
        .values("month")
        .annotate(count=Count("id"))
        .order_by("month")
    )
    per_organisation = (
        events.values("organisation__name").annotate(count=Count("id")).order_by("-count", "organisation__name")
    )
    return {"total": events.count(), "per_month": list(per_month), "per_organisation": list(per_organisation)}


def portal_logins_per_month(*, period: PlanPeriod | None) -> list[dict]:
    """Logins (and distinct users) per month of holders of the portal role, against the portal
    allowance of the plan (portal licences are counted per login, not named)."""
    allowance = 0
    if period is not None:
        allowance = (
            LicencePool.objects.filter(period=period, licence_type=LicenceTypes.PORTAL).aggregate(s=Sum("seats"))["s"] or 0
        )
    portal_users = User.objects.filter(role_assignments__role=Roles.PORTAL_USER).values("pk")
    rows = (
        AuditEvent.objects.filter(action=AuditActions.LOGIN, actor_id__in=portal_users)
        .annotate(month=TruncMonth("occurred_at", tzinfo=clock.BRUSSELS))
        .values("month")
        .annotate(logins=Count("id"), users=Count("actor_id", distinct=True))
        .order_by("month")
    )
    return [{**row, "allowance": allowance, "over": row["users"] > allowance} for row in rows]


def plan_cost_per_start_year() -> dict[int, Decimal]:
    """What the licence pools of each plan cost (seats × unit price, every tool and type), keyed by
    the year the plan starts in (the 2024 plan runs April 2024 – March 2025): one grouped query.
    Read by the budget's "budget vs actual" page next to the licence line."""
    rows = (
        LicencePool.objects.annotate(year=ExtractYear("period__starts_on"))
        .values("year")
        .annotate(cost=Sum(F("seats") * F("unit_price"), output_field=DecimalField(max_digits=14, decimal_places=2)))
        .order_by("year")
    )
    return {row["year"]: Decimal(str(row["cost"])).quantize(Decimal("0.01")) for row in rows}
