"""Reads of the HVT, always scoped to the user (one subquery, accounts.selectors.scope_filter)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.constants import Roles
from accounts.selectors import municipalities_for_user, scope_filter, user_has_role
from core import clock
from hvt.constants import (
    NOTE_ROLES,
    READ_ROLES,
    TARGET_ROLES,
    WRITE_ROLES,
    OfferStatuses,
    PlaceCategories,
    PlaceStatuses,
)
from hvt.models import Allocation, MunicipalityTarget, PlaceOffer, ReceptionPlace, SteeringNote, TargetRound
from hvt.periods import ELIGIBLE_UNTIL as SUBSIDY_ELIGIBLE_UNTIL  # noqa: F401 - for the budget app
from hvt.periods import OPEN_END as SUBSIDY_OPEN_END  # noqa: F401 - for the budget app
from hvt.periods import day_from_number as subsidy_day_from_number  # noqa: F401 - for the budget app
from hvt.periods import day_number as subsidy_day_number  # noqa: F401 - for the budget app
from hvt.querysets import (  # noqa: F401 - re-exported: callers read the rules here
    available_in_force_q,
    available_q,
    beds_in_use_on,
    capacity_in_force,
    capacity_on,
    category_in_force,
    category_on,
    free_beds,
    last_point_of_month,
    occupied_in_force,
    occupied_q,
    open_on_q,
    percentage,
    realisation,
    with_allocations_on,
    with_period_on,
)
from hvt.timeline import place_timeline  # noqa: F401 - the place page's timeline


def can_read(user) -> bool:
    return user_has_role(user, *READ_ROLES)


def can_write(user) -> bool:
    return user_has_role(user, *WRITE_ROLES)


def can_write_place(user, place: ReceptionPlace) -> bool:
    return can_write(user) and municipalities_for_user(user, roles=WRITE_ROLES).filter(pk=place.municipality_id).exists()


def place_list_for_user(
    user,
    *,
    q: str = "",
    municipality: str = "",
    category: str = "",
    status: str = "",
    with_free_beds: bool = False,
    day: dt.date | None = None,
) -> QuerySet[ReceptionPlace]:
    """The places in the user's read scope, annotated with beds in use today (one query per page)."""
    day = day or clock.today()
    qs = scope_filter(ReceptionPlace.objects.all(), user, roles=READ_ROLES).select_related("municipality")
    qs = qs.annotate(beds_in_use=beds_in_use_on(day))
    if q:
        q = q.strip()
        condition = Q(street__icontains=q) | Q(operator__icontains=q) | Q(name__icontains=q) | Q(postal_code=q)
        if q.isdigit():
            condition |= Q(pk=int(q))
        qs = qs.filter(condition)
    if municipality:
        qs = qs.filter(municipality_id=municipality)
    if category in PlaceCategories.values:
        qs = qs.filter(category=category)
    if status in PlaceStatuses.values:
        qs = qs.filter(status=status)
    if with_free_beds:
        qs = qs.filter(available_q(day)).annotate(capacity_today=capacity_on(day)).filter(
            beds_in_use__lt=F("capacity_today"))
    return qs.order_by("municipality__name_nl", "street", "house_number", "pk")


def place_get_for_user(user, pk: int, *, for_write: bool = False, with_history: bool = False) -> ReceptionPlace:
    """404 outside the scope: existence is not revealed. ``with_history`` prefetches the
    allocations and quality checks (the place page: a fixed number of queries)."""
    roles = WRITE_ROLES if for_write else READ_ROLES
    qs = scope_filter(ReceptionPlace.objects.select_related("municipality", "validated_by"), user, roles=roles)
    if with_history:
        qs = qs.prefetch_related("allocations", "quality_checks", "periods")
    return get_object_or_404(qs, pk=pk)


def place_beds_on(place: ReceptionPlace, day: dt.date | None = None) -> dict:
    """One place on ``day``: ``in_use`` (its allocations active that day), ``available`` (its capacity
    when available that day, else 0) and ``free`` (hvt.querysets.free_beds; 0 when not available).
    Uses the prefetched allocations when there are (the place page), else one aggregate query."""
    day = day or clock.today()
    cache = getattr(place, "_prefetched_objects_cache", {})
    if "allocations" in cache:
        in_use = sum(a.household_size for a in cache["allocations"] if a.is_active_on(day))
    else:
        in_use = place.allocations.filter(open_on_q(day)).aggregate(beds=Sum("household_size"))["beds"] or 0
    if not place.is_available_on(day):
        return {"in_use": in_use, "available": 0, "free": 0}
    capacity = place.capacity_on(day)  # the capacity in force that day (PlacePeriod)
    return {"in_use": in_use, "available": capacity, "free": free_beds(capacity, in_use)}


def place_free_beds(place: ReceptionPlace, day: dt.date | None = None) -> int:
    return place_beds_on(place, day)["free"]


def place_allocations_on(place: ReceptionPlace, day: dt.date, *, can_write: bool = False) -> list[Allocation]:
    """The place's (prefetched) allocations, each marked ``active`` (active on ``day``), ``current``
    (not ended before ``day``) and ``can_change`` (current, and the user may write: end or move it)."""
    allocations = list(place.allocations.all())
    for allocation in allocations:
        allocation.active = allocation.is_active_on(day)
        allocation.current = allocation.end_date is None or allocation.end_date >= day
        allocation.can_change = can_write and allocation.current
    return allocations


def place_actions(user, place: ReceptionPlace) -> dict:
    """What ``user`` may do with ``place`` on its page: change it (write scope), allocate a
    household (writable, validated, not closed and confirmed where needed) and confirm it as the
    agency (coordinator, category 2 from 1 June 2023, not yet confirmed)."""
    can_write = can_write_place(user, place)
    return {
        "can_write": can_write,
        "can_allocate": can_write and place.status == PlaceStatuses.VALIDATED and place.is_available,
        "can_confirm": place.needs_agency_confirmation and place.agency_confirmed_on is None
        and user_has_role(user, Roles.HVT_COORDINATOR),
    }


def allocation_list_for_user(user, *, place: int | None = None, active_on: dt.date | None = None) -> QuerySet[Allocation]:
    qs = scope_filter(Allocation.objects.select_related("place", "place__municipality"), user,
                      field="place__municipality", roles=READ_ROLES)
    if place:
        qs = qs.filter(place_id=place)
    if active_on:
        qs = qs.filter(start_date__lte=active_on).filter(Q(end_date__isnull=True) | Q(end_date__gte=active_on))
    return qs


def allocation_get_for_user(user, pk: int, *, for_write: bool = False) -> Allocation:
    roles = WRITE_ROLES if for_write else READ_ROLES
    qs = scope_filter(Allocation.objects.select_related("place", "place__municipality"), user,
                      field="place__municipality", roles=roles)
    return get_object_or_404(qs, pk=pk)


def move_targets_for_user(user, allocation: Allocation) -> QuerySet[ReceptionPlace]:
    """Places the household can move to: validated places in the officer's write scope."""
    qs = scope_filter(ReceptionPlace.objects.select_related("municipality"), user, roles=WRITE_ROLES)
    return qs.filter(status=PlaceStatuses.VALIDATED).exclude(pk=allocation.place_id)


def offer_list_for_portal_user(user) -> QuerySet[PlaceOffer]:
    """A portal user sees their own offers, nothing else."""
    if not user_has_role(user, Roles.PORTAL_USER):
        return PlaceOffer.objects.none()
    return PlaceOffer.objects.filter(offered_by=user).select_related("municipality", "place")


def offer_queue_for_user(user, *, status: str = OfferStatuses.OFFERED) -> QuerySet[PlaceOffer]:
    """The validation queue: offers for municipalities the user may validate."""
    qs = scope_filter(PlaceOffer.objects.select_related("municipality"), user, roles=WRITE_ROLES)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("created_at", "pk")


def target_round_current() -> TargetRound | None:
    return TargetRound.objects.filter(effective_on__lte=clock.today()).order_by("-effective_on", "-pk").first() or (
        TargetRound.objects.order_by("-effective_on", "-pk").first()
    )


def target_list_for_user(user, *, round_: TargetRound | None = None, day: dt.date | None = None) -> QuerySet[MunicipalityTarget]:
    """A round's targets in the user's read scope, with available validated beds and realisation."""
    day = day or clock.today()
    round_ = round_ or target_round_current()
    if round_ is None:
        return MunicipalityTarget.objects.none()
    # One grouped join over the places and their period in force, not a subquery per municipality
    # (which PostgreSQL ran as a scan of every period per municipality: 4 s at scale 1).
    places = "municipality__reception_places__"
    qs = with_period_on(scope_filter(MunicipalityTarget.objects.filter(round=round_), user, roles=TARGET_ROLES), day, places)
    return qs.select_related("municipality", "municipality__province").annotate(
        available_beds=Coalesce(Sum(capacity_in_force(), filter=available_in_force_q(day, places)), Value(0))
    ).order_by("municipality__name_nl")


def steering_notes_for_user(user, municipality_id: str) -> QuerySet[SteeringNote]:
    qs = scope_filter(SteeringNote.objects.select_related("author"), user, roles=NOTE_ROLES)
    return qs.filter(municipality_id=municipality_id)


def municipality_overview_for_user(user, *, day: dt.date | None = None) -> QuerySet:
    """Per municipality in the steering scope: places, available validated beds today and the
    number of steering notes (one query)."""

    day = day or clock.today()
    places = ReceptionPlace.objects.filter(municipality=OuterRef("pk")).order_by().values("municipality")
    counted = places.annotate(n=Count("pk")).values("n")
    notes = SteeringNote.objects.filter(municipality=OuterRef("pk")).order_by().values("municipality").annotate(
        n=Count("pk")).values("n")
    # Available beds by one grouped join over the places and their period in force (as target_list_for_user).
    joined = "reception_places__"
    return (
        with_period_on(municipalities_for_user(user, roles=NOTE_ROLES), day, joined)
        .select_related("province")
        .annotate(
            places=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)),
            available_beds=Coalesce(Sum(capacity_in_force(), filter=available_in_force_q(day, joined)), Value(0)),
            notes=Coalesce(Subquery(notes, output_field=IntegerField()), Value(0)),
        )
        .order_by("province__name_nl", "name_nl")
    )


def capacity_evolution_for_user(user, *, municipality: str = "") -> list[dict]:
    """Monthly evolution (the last snapshot of each month, as the dashboard: hvt.querysets) of available and occupied beds per
    category in the user's scope, from the nightly snapshots: one aggregate query."""
    from hvt.models import CapacitySnapshot

    qs = scope_filter(CapacitySnapshot.objects.all(), user, roles=READ_ROLES)
    if municipality:
        qs = qs.filter(municipality_id=municipality)
    qs = last_point_of_month(qs)
    rows = qs.values("date", "category").annotate(available=Sum("available"), occupied=Sum("occupied")).order_by("date")
    months: dict[dt.date, dict] = {}
    for row in rows:
        month = months.setdefault(row["date"], {"date": row["date"], "categories": {}})
        month["categories"][row["category"]] = {"available": row["available"], "occupied": row["occupied"]}
    out = []
    for month in months.values():
        cats = month["categories"]
        month["rows"] = [{"category": c, "label": label, **cats.get(c, {"available": 0, "occupied": 0})}
                         for c, label in PlaceCategories.choices]
        month["available"] = sum(r["available"] for r in month["rows"])
        month["occupied"] = sum(r["occupied"] for r in month["rows"])
        out.append(month)
    return out


# --- the VLOT / coordinator dashboard -------------------------------------------------------------

# Who sees the dashboard: whoever may read targets (realisation = available beds / target), each in
# their own scope. The limited municipal licence has no targets (DOMAIN §1); the security auditor
# reads no HVT capacity data.
DASHBOARD_ROLES = TARGET_ROLES
CATEGORY_KEYS = [c for c, _label in PlaceCategories.choices]


def _current_round_id(day: dt.date):
    """The round in force on ``day`` (else the oldest future one, as target_round_current), as a subquery."""
    effective = TargetRound.objects.filter(effective_on__lte=day).order_by("-effective_on", "-pk").values("pk")[:1]
    future = TargetRound.objects.order_by("-effective_on", "-pk").values("pk")[:1]
    return Coalesce(Subquery(effective), Subquery(future))


def _totals(label: str, rows: list[dict]) -> dict:
    """The sums of ``rows`` (one pass: the overview totals every province and the whole scope)."""
    cats = {c: {"available": 0, "occupied": 0, "free": 0} for c in CATEGORY_KEYS}
    available = occupied = free = available_in_target = 0
    target = None
    for r in rows:
        for c, cell in r["categories"].items():
            total = cats[c]
            total["available"] += cell["available"]
            total["occupied"] += cell["occupied"]
            total["free"] += cell["free"]
        available += r["available"]
        occupied += r["occupied"]
        free += r["free"]
        if r["target"]:
            target = (target or 0) + r["target"]
            available_in_target += r["available"]
    return {
        "label": label, "municipalities": len(rows), "categories": cats, "available": available,
        "occupied": occupied, "free": free,
        "occupancy": percentage(occupied, available),
        "target": target, "realisation": realisation(available_in_target, target),
    }


def capacity_overview_for_user(user, *, day: dt.date | None = None, province: str = "", sort: str = "") -> dict:
    """Per municipality in the user's dashboard scope × category: available validated beds (the
    capacity that counts), beds occupied on ``day`` in them, free beds; the municipality's target of
    the round in force and its realisation (available / target). Plus totals per province and for
    the whole scope.

    Three SQL statements whatever the data size (plus the role lookup, cached on the user for the
    request): the municipalities in scope with their target, available beds per municipality with
    one conditional sum per category, and occupied beds likewise; merged by municipality code.
    Municipalities without any place are listed with zeros: they are where steering matters most.

    ``sort``: "" (province, municipality), "realisation" (lagging first; no target last),
    "name", "available" (most beds first).
    """
    day = day or clock.today()
    scope = municipalities_for_user(user, roles=DASHBOARD_ROLES)
    if province:
        scope = scope.filter(province_id=province)
    target = Subquery(
        MunicipalityTarget.objects.filter(round_id=_current_round_id(day), municipality=OuterRef("pk"))
        .order_by().values("assigned")[:1], output_field=IntegerField(),
    )
    raw = (
        scope.order_by().annotate(target=target)
        .values("refnis", "name_nl", "province_id", "province__name_nl", "target")
        .order_by("province__name_nl", "name_nl")
    )
    # The period in force is joined once per row (hvt.querysets, "two readings of the same rule"); the
    # available places in scope are one base for both sums (occupied: their allocations active on the day).
    places = (
        with_period_on(ReceptionPlace.objects.order_by(), day)
        .filter(available_in_force_q(day), municipality__in=scope.values("pk"))
        .annotate(category_today=category_in_force())
    )
    available = {
        r["municipality"]: r for r in
        places.annotate(capacity_today=capacity_in_force()).values("municipality").annotate(**{
            f"available_{i}": Sum("capacity_today", filter=Q(category_today=c)) for i, c in enumerate(CATEGORY_KEYS)
        })
    }
    occupied = {
        r["municipality"]: r for r in
        with_allocations_on(places, day).values("municipality").annotate(**{
            f"occupied_{i}": Sum(occupied_in_force(), filter=Q(category_today=c)) for i, c in enumerate(CATEGORY_KEYS)
        })
    }
    empty: dict = {}
    keys = [(category, f"available_{i}", f"occupied_{i}") for i, category in enumerate(CATEGORY_KEYS)]
    rows = []
    for r in raw:
        in_available, in_occupied = available.get(r["refnis"], empty), occupied.get(r["refnis"], empty)
        categories = {}
        beds = used = 0
        for category, available_key, occupied_key in keys:
            cell_beds, cell_used = in_available.get(available_key) or 0, in_occupied.get(occupied_key) or 0
            categories[category] = {"available": cell_beds, "occupied": cell_used, "free": free_beds(cell_beds, cell_used)}
            beds += cell_beds
            used += cell_used
        rows.append({
            "refnis": r["refnis"], "name": r["name_nl"], "province_id": r["province_id"],
            "province": r["province__name_nl"], "categories": categories, "available": beds,
            "occupied": used, "free": free_beds(beds, used),
            "occupancy": percentage(used, beds),
            "target": r["target"], "realisation": realisation(beds, r["target"]),
        })
    if sort == "realisation":
        rows.sort(key=lambda r: (r["realisation"] is None, r["realisation"] or 0, r["name"]))
    elif sort == "name":
        rows.sort(key=lambda r: r["name"])
    elif sort == "available":
        rows.sort(key=lambda r: (-r["available"], r["name"]))
    provinces: dict[str, list[dict]] = {}
    for row in rows:
        provinces.setdefault(row["province_id"], []).append(row)
    province_totals = sorted(
        (_totals(members[0]["province"], members) | {"province_id": pid} for pid, members in provinces.items()),
        key=lambda t: t["label"],
    )
    return {"day": day, "rows": rows, "provinces": province_totals, "total": _totals("", rows),
            "categories": PlaceCategories.choices}


def dashboard_provinces_for_user(user) -> QuerySet:
    """The provinces with at least one municipality in the user's dashboard scope (filter options)."""
    from geo.models import Province

    return Province.objects.filter(
        pk__in=municipalities_for_user(user, roles=DASHBOARD_ROLES).values("province_id")
    ).order_by("name_nl")


def capacity_series_for_user(user, *, start: dt.date | None = None, end: dt.date | None = None,
                             province: str = "", monthly: bool | None = None) -> dict:
    """Available and occupied beds per category over time from the nightly snapshots, in the
    user's dashboard scope, summed in SQL per date (one query). ``monthly`` (default: when the
    range spans more than 180 days) keeps the last snapshot date of each month, chosen in SQL too.
    Returns {"monthly", "labels": [iso dates], "series": {category: {"available": [...], "occupied": [...]}}}."""
    from hvt.models import CapacitySnapshot

    qs = scope_filter(CapacitySnapshot.objects.all(), user, roles=DASHBOARD_ROLES)
    if province:
        qs = qs.filter(municipality__province_id=province)
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    if monthly is None:
        monthly = start is None or (end or clock.today()) - start > dt.timedelta(days=180)
    if monthly:
        qs = last_point_of_month(qs)
    rows = qs.order_by().values("date", "category").annotate(
        available=Sum("available"), occupied=Sum("occupied")).order_by("date", "category")
    labels: list[str] = []
    index: dict[dt.date, int] = {}
    by_category = {c: {} for c in CATEGORY_KEYS}
    for row in rows:
        if row["date"] not in index:
            index[row["date"]] = len(labels)
            labels.append(row["date"].isoformat())
        by_category[row["category"]][row["date"]] = (row["available"], row["occupied"])
    series = {}
    for category in CATEGORY_KEYS:
        values = by_category[category]
        dates = list(index)
        series[category] = {
            "available": [values.get(d, (0, 0))[0] for d in dates],
            "occupied": [values.get(d, (0, 0))[1] for d in dates],
        }
    return {"monthly": monthly, "labels": labels, "series": series}


# --- for the subsidy engine (budget reads the HVT only through these) ------------------------------



def subsidy_available_segments_sql(reference_date: dt.date, categories: tuple[str, ...] | None = None) -> tuple[str, list]:
    """SELECT (place_id, municipality_id, category, subtype, beds, from_day, to_day) of the days a
    place is available up to ``reference_date`` (day numbers since 1970-01-01): hvt.periods."""
    from hvt.periods import available_segments_sql

    return available_segments_sql(reference_date, categories)


def subsidy_allocations_sql(reference_date: dt.date) -> tuple[str, list]:
    """SELECT (allocation_id, place_id, size, fee_cents, start_day, end_day) of the allocations
    started by ``reference_date``: hvt.periods."""
    from hvt.periods import allocations_sql

    return allocations_sql(reference_date)


def subsidy_place_facts_digest(reference_date: dt.date) -> dict:
    """A digest of the place facts and allocations a run uses (stored in its inputs, so a later
    recalculation can tell whether the HVT data changed): counts and a digest of the rows (on
    PostgreSQL computed in the database; the digest is comparable between runs on one vendor)."""
    import hashlib

    from django.db import connection

    from hvt.periods import allocations_sql, available_segments_sql

    counts = {}
    parts = []
    with connection.cursor() as cursor:
        for name, (sql, params) in (
            ("segments", available_segments_sql(reference_date)), ("allocations", allocations_sql(reference_date)),
        ):
            if connection.vendor == "postgresql":  # hashed in the database: no row travels to Python
                cursor.execute(
                    f"SELECT COUNT(*), COALESCE(md5(string_agg(CAST(q AS text), '|' ORDER BY CAST(q AS text))), '')"  # noqa: S608
                    f" FROM ({sql}) q", params,
                )
                n, part = cursor.fetchone()
            else:
                cursor.execute(f"SELECT * FROM ({sql}) q ORDER BY 1, 2, 3, 4, 5, 6", params)  # noqa: S608
                rows = cursor.fetchall()
                n, part = len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()
            counts[name] = n
            parts.append(part)
    return {"digest": hashlib.sha256("|".join(parts).encode()).hexdigest(), "vendor": connection.vendor, **counts}
