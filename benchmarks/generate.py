"""Synthetic data at a scale (``--scale 1`` ≈ Flanders), written with bulk inserts.

Per scale unit: 10,000 places, 50,000 allocations, 80,000 CRT persons (with households,
dossiers and their address history), 1,000 role holders (each with the HVT licence their role
uses) plus 1,000 other accounts (the idle sweep's population: 20,000 accounts at scale 10). The
285 municipalities are the reference data. Deterministic (seeded). Each part is skipped when its
model does not exist yet (reported, not fatal).

``VERSION`` is part of the scale the runner remembers: raise it when the generated data changes,
so that an existing bench database is regenerated instead of silently measured on old data.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from decimal import Decimal

from django.apps import apps
from django.db import connections, transaction

VERSION = 7  # 2: licences for the role holders; CRT persons spread over municipalities with address history
# 3: effective-dated place periods (5 % of the places change capacity), category-2 subtypes, resident fees
# 4: CRT status history (registered on opening, then pre-trajectory/referred/civic integration, the
#    ending status on the end date) and three sexes, so the status and sex tables are exercised at scale
# 5: scheme version 2 from 8 April 2022 with a category-3 day rate, so every subsidy rule yields lines
# 6: the data-quality sources: places created on their start date (not on the day of generation),
#    housing-quality checks, portal offers (some waiting), CRT households without address history
# 7: each place's first allocation day (ReceptionPlace.first_allocation_on) filled after the bulk insert
BENCH_PASSWORD = "Bench-password-2022"
START = dt.date(2022, 3, 14)
TODAY = dt.date(2026, 11, 1)
BATCH = 5000


def counts(scale: float) -> dict[str, int]:
    return {
        "places": max(50, int(10_000 * scale)),
        "allocations": max(200, int(50_000 * scale)),
        "persons": max(200, int(80_000 * scale)),
        "role_users": max(40, int(1_000 * scale)),
        "other_users": max(40, int(1_000 * scale)),
    }


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _timed(log: Callable[[str], None], what: str, fn: Callable[[], int | None]) -> dict:
    started = time.perf_counter()
    n = fn()
    seconds = time.perf_counter() - started
    rate = f", {n / seconds:,.0f} rows/s" if n else ""
    log(f"  {what}: {n or 0:,} rows in {seconds:.1f} s{rate}")
    return {"what": what, "rows": n or 0, "seconds": seconds}


def truncate_all() -> None:
    """Empty every generated table (both databases), keeping the reference data and role groups.

    The audit tables refuse TRUNCATE (a trigger); the bench databases' superuser switches triggers
    off for the transaction that empties them (session_replication_role, superusers only)."""
    from django.db import transaction

    with transaction.atomic(using="default"), transaction.atomic(using="crt"):
        for alias in ("default", "crt"):
            with connections[alias].cursor() as cur:
                cur.execute("SET LOCAL session_replication_role = replica")
        _truncate_all()


def _truncate_all() -> None:
    with connections["default"].cursor() as cur:
        tables = [
            t for t in (
                "hvt_allocation", "hvt_qualitycheck", "hvt_capacitysnapshot", "hvt_steeringnote", "hvt_municipalitytarget",
                "hvt_targetround", "hvt_placeoffer", "hvt_receptionplace", "licensing_idlewarning",
                "licensing_deactivationevent", "licensing_sweeprun", "licensing_licenceassignment",
                "licensing_licencepool", "licensing_planperiod",
                "audit_auditevent", "accounts_usersession", "authtoken_token", "django_session",
            )
            if t in connections["default"].introspection.table_names(cur)
        ]
        if tables:
            cur.execute("TRUNCATE " + ", ".join(tables) + " CASCADE")
        cur.execute("DELETE FROM accounts_roleassignment_municipalities")
        cur.execute("DELETE FROM accounts_roleassignment_provinces")
        cur.execute("DELETE FROM accounts_roleassignment")
        cur.execute("DELETE FROM geo_municipalityuserobjectpermission")
        cur.execute("DELETE FROM geo_provinceuserobjectpermission")
        cur.execute("DELETE FROM accounts_user_groups")
        cur.execute("TRUNCATE accounts_user CASCADE")
    with connections["crt"].cursor() as cur:
        names = connections["crt"].introspection.table_names(cur)
        tables = [t for t in names if t.startswith("crt_") and t not in ("crt_organisation",)]
        if tables:
            cur.execute("TRUNCATE " + ", ".join(tables) + " CASCADE")


def generate(scale: float, log: Callable[[str], None] = print) -> list[dict]:
    from accounts.roles import roles_sync
    from geo.services import reference_data_load

    n = counts(scale)
    rng = random.Random(20220314)
    report: list[dict] = []
    log(f"generating scale {scale}: " + ", ".join(f"{k}={v:,}" for k, v in n.items()))
    report.append(_timed(log, "reference data", lambda: (reference_data_load() and None) or 285))
    roles_sync()
    report.append(_timed(log, "users, roles and scope", lambda: _users(n, rng)))
    if _model("licensing.LicenceAssignment") is not None:
        report.append(_timed(log, "HVT licences of the role holders", _licences))
    if _model("hvt.ReceptionPlace") is not None:
        report.append(_timed(log, "reception places", lambda: _places(n, rng)))
        report.append(_timed(log, "allocations", lambda: _allocations(n, rng)))
        report.append(_timed(log, "housing-quality checks", lambda: _quality_checks(rng)))
        report.append(_timed(log, "portal offers", lambda: _offers(n, rng)))
        report.append(_timed(log, "targets", lambda: _targets()))
        if _model("budget.SchemeVersion") is not None:
            report.append(_timed(log, "subsidy scheme version 2 (category-3 day rate)", _scheme_version))
    else:
        log("  hvt.ReceptionPlace does not exist yet: no places/allocations")
    if _model("crt.Person") is not None:
        history: list[tuple] = []
        statuses: list[tuple] = []
        report.append(_timed(log, "CRT persons (+ households, dossiers)",
                             lambda: _persons(n, rng, history, statuses)))
        if _model("crt.AddressPeriod") is not None:
            report.append(_timed(log, "CRT address history (COPY)", lambda: _address_periods(history)))
        if statuses:
            report.append(_timed(log, "CRT status history (COPY)", lambda: _status_changes(statuses)))
        if _model("crt.CountChange") is not None:
            report.append(_timed(log, "CRT counts at a date (rebuilt from the rows above)", _crt_counts))
    else:
        log("  crt.Person does not exist yet: no persons")
    with connections["default"].cursor() as cur:
        cur.execute("ANALYZE")
    with connections["crt"].cursor() as cur:
        cur.execute("ANALYZE")
    return report


# --- users ------------------------------------------------------------------------------------------
ROLE_MIX = [  # (role, share of the role holders)
    ("hvt_municipal_full", 0.55), ("hvt_municipal_limited", 0.30), ("hvt_vlot", 0.08),
    ("hvt_coordinator", 0.03), ("hvt_subsidy_coordinator", 0.02), ("hvt_security_auditor", 0.01), ("support", 0.01),
]


@transaction.atomic
def _users(n: dict, rng: random.Random) -> int:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, Permission

    from accounts.models import RoleAssignment, User
    from core import clock
    from geo.models import Municipality, MunicipalityUserObjectPermission, Province, ProvinceUserObjectPermission

    password = make_password(BENCH_PASSWORD)  # one real hash, shared: hashing 20,000 would take minutes
    now = clock.now()
    municipalities = list(Municipality.objects.order_by("pk").values_list("pk", flat=True))
    provinces = list(Province.objects.order_by("pk").values_list("pk", flat=True))
    users = []
    plan = []  # (index, role)
    for i in range(n["role_users"]):
        r = rng.random()
        acc = 0.0
        role = ROLE_MIX[-1][0]
        for name, share in ROLE_MIX:
            acc += share
            if r < acc:
                role = name
                break
        plan.append((i, role))
        users.append(User(
            username=f"bench-{role.replace('_', '-')}-{i:05d}", password=password, email=f"b{i}@bench.invalid",
            first_name="Bench", last_name=f"Gebruiker {i}", date_joined=now - dt.timedelta(days=400),
            last_activity=now - dt.timedelta(days=rng.randint(0, 20)),
        ))
    for j in range(n["other_users"]):
        # The sweep's population: a third idle 40+ days, some 33-39 days (warned), the rest active.
        idle = rng.choice([rng.randint(0, 32), rng.randint(0, 32), rng.randint(33, 39), rng.randint(40, 400)])
        users.append(User(
            username=f"bench-account-{j:06d}", password=password, email=f"a{j}@bench.invalid",
            date_joined=now - dt.timedelta(days=500), last_activity=now - dt.timedelta(days=idle),
        ))
    User.objects.bulk_create(users, batch_size=BATCH)
    by_name = dict(User.objects.filter(username__startswith="bench-").values_list("username", "pk"))
    groups = dict(Group.objects.values_list("name", "pk"))
    m_perm = Permission.objects.get(content_type__app_label="geo", codename="scope_municipality")
    p_perm = Permission.objects.get(content_type__app_label="geo", codename="scope_province")
    assignments, user_groups, m_rows, p_rows, ra_m, ra_p = [], [], [], [], [], []
    for (_i, role), user in zip(plan, users, strict=False):
        uid = by_name[user.username]
        assignments.append(RoleAssignment(user_id=uid, role=role))
        if role in groups:
            user_groups.append(User.groups.through(user_id=uid, group_id=groups[role]))
    RoleAssignment.objects.bulk_create(assignments, batch_size=BATCH)
    ra_ids = dict(RoleAssignment.objects.values_list("user_id", "pk"))
    for (i, role), user in zip(plan, users, strict=False):
        uid = by_name[user.username]
        if role in ("hvt_municipal_full", "hvt_municipal_limited"):
            mine = {municipalities[i % len(municipalities)]}
            if role == "hvt_municipal_limited":  # regional governments: a few municipalities
                mine |= {municipalities[(i + k * 37) % len(municipalities)] for k in range(1, 3)}
            for m in sorted(mine):
                m_rows.append(MunicipalityUserObjectPermission(user_id=uid, permission=m_perm, content_object_id=m))
                ra_m.append(RoleAssignment.municipalities.through(roleassignment_id=ra_ids[uid], municipality_id=m))
        elif role == "hvt_vlot":
            p = provinces[i % len(provinces)]
            p_rows.append(ProvinceUserObjectPermission(user_id=uid, permission=p_perm, content_object_id=p))
            ra_p.append(RoleAssignment.provinces.through(roleassignment_id=ra_ids[uid], province_id=p))
    MunicipalityUserObjectPermission.objects.bulk_create(m_rows, batch_size=BATCH)
    ProvinceUserObjectPermission.objects.bulk_create(p_rows, batch_size=BATCH)
    RoleAssignment.municipalities.through.objects.bulk_create(ra_m, batch_size=BATCH)
    RoleAssignment.provinces.through.objects.bulk_create(ra_p, batch_size=BATCH)
    User.groups.through.objects.bulk_create(user_groups, batch_size=BATCH)
    return len(users)


# Role → (licence type, group) of the HVT licence the role works with (DOMAIN: licence plan).
HVT_LICENCES = {
    "hvt_municipal_full": ("full", "local_governments"), "hvt_municipal_limited": ("limited", "local_governments"),
    "hvt_vlot": ("full", "vlot"), "hvt_coordinator": ("full", "central_coordination"),
    "hvt_subsidy_coordinator": ("full", "subsidy_coordination"), "hvt_security_auditor": ("full", "hvt_security_auditor"),
}


@transaction.atomic
def _licences() -> int:
    """One active HVT licence per HVT role holder, in a pool per (type, group) of a bench plan, in two
    INSERT … SELECT statements: the bench then runs with licence enforcement on, as production does."""
    from core import clock
    from licensing.models import PlanPeriod

    period = PlanPeriod.objects.create(code="bench", name="Bench", starts_on=START, ends_on=dt.date(2027, 3, 31))
    roles = list(HVT_LICENCES)
    with connections["default"].cursor() as cur:
        cur.execute(
            """INSERT INTO licensing_licencepool (period_id, tool, licence_type, "group", seats, unit_price)
               SELECT %s, 'hvt', v.licence_type, v.grp, COUNT(DISTINCT ra.user_id), 0
               FROM (SELECT unnest(%s::text[]) AS role, unnest(%s::text[]) AS licence_type,
                            unnest(%s::text[]) AS grp) v
               JOIN accounts_roleassignment ra ON ra.role = v.role
               GROUP BY v.licence_type, v.grp""",
            [period.pk, roles, [HVT_LICENCES[r][0] for r in roles], [HVT_LICENCES[r][1] for r in roles]],
        )
        cur.execute(
            """INSERT INTO licensing_licenceassignment (pool_id, user_id, tool, assigned_at, release_reason)
               SELECT DISTINCT ON (ra.user_id) p.id, ra.user_id, 'hvt', %s, ''
               FROM accounts_roleassignment ra
               JOIN (SELECT unnest(%s::text[]) AS role, unnest(%s::text[]) AS licence_type,
                            unnest(%s::text[]) AS grp) v ON v.role = ra.role
               JOIN licensing_licencepool p ON p.period_id = %s AND p.licence_type = v.licence_type AND p."group" = v.grp
               ORDER BY ra.user_id""",
            [clock.now(), roles, [HVT_LICENCES[r][0] for r in roles], [HVT_LICENCES[r][1] for r in roles], period.pk],
        )
        return cur.rowcount


# --- HVT ------------------------------------------------------------------------------------------------
STREETS = ["Kerkstraat", "Stationsstraat", "Dorpsstraat", "Molenstraat", "Schoolstraat", "Nieuwstraat", "Beekstraat",
           "Veldstraat", "Kapelstraat", "Lindelaan", "Hoogstraat", "Kouter", "Markt", "Steenweg", "Pastorijstraat"]


def _postal_codes() -> dict[str, str]:
    from geo.models import PostalCode

    out: dict[str, str] = {}
    for code, municipality in PostalCode.objects.order_by("code").values_list("code", "municipality_id"):
        out.setdefault(municipality, code)
    return out


@transaction.atomic
def _places(n: dict, rng: random.Random) -> int:
    from geo.models import Municipality
    from hvt.models import ReceptionPlace

    postal = _postal_codes()
    municipalities = list(Municipality.objects.order_by("pk").values_list("pk", flat=True))
    weights = [3 if m.startswith(("11", "44", "24")) else 1 for m in municipalities]  # cities get more
    places = []
    span = (TODAY - START).days
    for i in range(n["places"]):
        m = rng.choices(municipalities, weights)[0]
        category = rng.choices(["1_public", "1_private", "2", "3"], [25, 60, 12, 3])[0]
        capacity = rng.choice([2, 3, 4, 4, 5, 6, 8]) if category in ("1_public", "1_private") else rng.randint(10, 60)
        start = START + dt.timedelta(days=int(rng.betavariate(1.2, 4) * span))
        status = rng.choices(["validated", "registered", "closed"], [85, 10, 5])[0]
        end = None
        if status == "closed":
            end = min(TODAY, start + dt.timedelta(days=rng.randint(60, 700)))
        places.append(ReceptionPlace(
            municipality_id=m, street=rng.choice(STREETS), house_number=str(rng.randint(1, 250)),
            postal_code=postal.get(m, "9000"), operator=f"Uitbater {i % 997}", capacity=capacity, category=category,
            category_2_subtype=rng.choice(SUBTYPES) if category == "2" else "", start_date=start, end_date=end, status=status,
            source="import", validated_on=start if status != "registered" else None,
            agency_confirmed_on=start if category == "2" else None, closed_on=end,
        ))
    ReceptionPlace.objects.bulk_create(places, batch_size=BATCH)
    with connections["default"].cursor() as cur:  # auto_now_add stamped today: registered on the start date
        cur.execute("UPDATE hvt_receptionplace SET created_at = (start_date + time '09:00') AT TIME ZONE 'Europe/Brussels'")
    _periods(rng)
    return len(places)


SUBTYPES = ["hotel", "hotel", "youth_hostel", "holiday_park", "service_flat", "bnb"]


def _periods(rng: random.Random) -> None:
    """One open period per place; 5 % of the places change capacity from a day after their start
    (the place keeps the capacity in force today), so the subsidy engine meets split periods."""
    from hvt.models import PlacePeriod, ReceptionPlace

    rows, changed = [], []
    for pk, capacity, category, subtype, start, end in ReceptionPlace.objects.order_by("pk").values_list(
        "pk", "capacity", "category", "category_2_subtype", "start_date", "end_date"
    ):
        facts = dict(category=category, category_2_subtype=subtype, start_date=start, end_date=end)
        if rng.random() < 0.05:
            split = start + dt.timedelta(days=rng.randint(30, 400))
            new = max(1, capacity + rng.choice([-2, -1, 1, 2, 4]))
            rows.append(PlacePeriod(place_id=pk, valid_from=START, valid_until=split - dt.timedelta(days=1),
                                    capacity=capacity, **facts))
            rows.append(PlacePeriod(place_id=pk, valid_from=split, capacity=new, **facts))
            if split <= TODAY:
                changed.append(ReceptionPlace(pk=pk, capacity=new))
        else:
            rows.append(PlacePeriod(place_id=pk, valid_from=START, capacity=capacity, **facts))
    PlacePeriod.objects.bulk_create(rows, batch_size=BATCH)
    ReceptionPlace.objects.bulk_update(changed, ["capacity"], batch_size=BATCH)


@transaction.atomic
def _allocations(n: dict, rng: random.Random) -> int:
    from hvt.models import Allocation, ReceptionPlace
    from hvt.services import first_allocation_refresh

    places = list(ReceptionPlace.objects.order_by("pk").values_list("pk", "start_date", "end_date", "capacity", "category"))
    rows = []
    for i in range(n["allocations"]):
        pk, start, end, capacity, category = places[rng.randrange(len(places))]
        last = end or TODAY
        begin = start + dt.timedelta(days=rng.randint(0, max(0, (last - start).days)))
        stop = None if rng.random() < 0.3 else min(last, begin + dt.timedelta(days=rng.randint(14, 400)))
        if end is not None and stop is None:
            stop = end
        size = min(capacity, rng.choice([1, 1, 2, 2, 3, 4, 5]))
        adults = rng.randint(1, size)
        rows.append(Allocation(
            place_id=pk, household_reference=f"HH-{i:07d}", household_size=size, adults=adults, minors=size - adults,
            start_date=begin, end_date=stop,
            resident_fee_per_day=Decimal("5.00") if category == "2" and i % 3 == 0 else Decimal("0.00"),
        ))
    Allocation.objects.bulk_create(rows, batch_size=BATCH)
    first_allocation_refresh()  # bulk insert, no service: the places' first allocation day in one UPDATE
    return len(rows)


@transaction.atomic
def _quality_checks(rng: random.Random) -> int:
    """A housing-quality check for nine in ten validated or closed places and half the registered
    ones, within 60 days of the start (recorded that day), so ``places_without_check`` has a real
    history; one in twenty fails a criterion."""
    from hvt.models import QualityCheck, ReceptionPlace

    rows = []
    for pk, status, start in ReceptionPlace.objects.order_by("pk").values_list("pk", "status", "start_date"):
        if rng.random() >= (0.5 if status == "registered" else 0.9):
            continue
        day = min(TODAY, start + dt.timedelta(days=rng.randint(0, 60)))
        ok = rng.random() >= 0.05
        rows.append(QualityCheck(place_id=pk, checked_on=day, inspector="Bench-controleur", no_category_3_defects=True,
                                 no_critical_category_2_defects=ok, not_uninhabitable=True, no_overcrowding=True))
    QualityCheck.objects.bulk_create(rows, batch_size=BATCH)
    with connections["default"].cursor() as cur:  # auto_now_add stamped today: recorded on the check's day
        cur.execute("UPDATE hvt_qualitycheck SET created_at = (checked_on + time '12:00') AT TIME ZONE 'Europe/Brussels'")
    return len(rows)


@transaction.atomic
def _offers(n: dict, rng: random.Random) -> int:
    """Portal offers by the other accounts (portal users), made over the last two years: three in
    four decided (validated or rejected) within 3-30 days, the rest still waiting, most of those
    longer than the 14 days of ``offers_waiting``."""
    from accounts.models import User
    from geo.models import Municipality
    from hvt.models import PlaceOffer

    postal = _postal_codes()
    municipalities = list(Municipality.objects.order_by("pk").values_list("pk", flat=True))
    offerers = list(User.objects.filter(username__startswith="bench-account-").order_by("pk").values_list("pk", flat=True))
    rows, moments = [], []
    for i in range(max(60, n["places"] // 7)):
        m = rng.choice(municipalities)
        made = dt.datetime.combine(TODAY - dt.timedelta(days=rng.randint(0, 730)), dt.time(10), tzinfo=dt.UTC)
        status = rng.choices(["validated", "rejected", "offered"], [55, 20, 25])[0]
        decided = None if status == "offered" else min(
            made + dt.timedelta(days=rng.randint(3, 30)), dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.UTC))
        rows.append(PlaceOffer(
            municipality_id=m, street=rng.choice(STREETS), house_number=str(rng.randint(1, 250)),
            postal_code=postal.get(m, "9000"), offered_by_id=offerers[i % len(offerers)], operator=f"Aanbieder {i}",
            capacity=rng.choice([2, 3, 4, 5]), available_from=made.date(), status=status, decided_at=decided,
            rejection_reason="Bench: niet geschikt" if status == "rejected" else "",
        ))
        moments.append(made)
    made_rows = PlaceOffer.objects.bulk_create(rows, batch_size=BATCH)
    with connections["default"].cursor() as cur:  # auto_now_add stamped today: the offer's own moment
        cur.execute("UPDATE hvt_placeoffer o SET created_at = v.made FROM unnest(%s::bigint[], %s::timestamptz[]) "
                    "AS v(id, made) WHERE o.id = v.id", [[o.pk for o in made_rows], moments])
    return len(rows)


def _scheme_version() -> int:
    """Version 2 of the shipped scheme from 8 April 2022: version 1's amounts with a category-3 day
    rate of € 5.00 (version 1 prices category 3 at € 0.00, which gives no line), so the benchmark's
    subsidy run meets all seven rules and a version boundary. Idempotent."""
    from budget.models import SchemeRate, SchemeVersion

    v1 = SchemeVersion.objects.filter(number=1).first()
    if v1 is None or SchemeVersion.objects.filter(scheme=v1.scheme, number=2).exists():
        return 0
    v2 = SchemeVersion.objects.create(scheme=v1.scheme, number=2, valid_from=dt.date(2022, 4, 8), note="bench")
    SchemeRate.objects.bulk_create([
        SchemeRate(version=v2, rule_kind=r.rule_kind, subtype=r.subtype,
                   amount=Decimal("5.00") if r.rule_kind == "cat3_day" else r.amount)
        for r in v1.rates.all()
    ])
    return 1


@transaction.atomic
def _targets() -> int:
    from geo.models import Municipality
    from hvt.models import MunicipalityTarget, TargetRound

    municipalities = list(Municipality.objects.order_by("pk").values_list("pk", flat=True))
    round_ = TargetRound.objects.create(total=40 * len(municipalities), effective_on=dt.date(2023, 1, 1), note="bench")
    MunicipalityTarget.objects.bulk_create([
        MunicipalityTarget(round=round_, municipality_id=m, population=10_000, computed=40, assigned=40)
        for m in municipalities
    ])
    return len(municipalities)


# --- CRT ---------------------------------------------------------------------------------------------------
CRT_ORGANISATIONS = [("atlas", "Atlas"), ("amal", "Amal"), ("agii", "AgII"), ("hvn", "Huis van het Nederlands")]


def _crt_municipalities() -> tuple[list[str], list[int]]:
    from geo.models import Municipality

    refnis = list(Municipality.objects.order_by("pk").values_list("pk", flat=True))
    return refnis, [8 if m in ("11002", "44021") else 3 if m.startswith(("11", "44", "24")) else 1 for m in refnis]


@transaction.atomic(using="crt")
def _persons(n: dict, rng: random.Random, history: list[tuple], statuses: list[tuple] | None = None) -> int:
    """Households at the four integration agencies, spread over the municipalities (cities get more),
    registered between 14 March 2022 and the bench's today. A household moves together: a fifth
    moves once, one in twenty twice (a new address period each time); one in ten dossiers ended by
    moving away and one in twenty was closed (the count stops at ``ended_on``); one household in fifty
    has no address history. ``history`` receives
    (person index, refnis, valid_from, valid_to) rows for ``_address_periods``; ``statuses``
    (dossier id, status, effective_on) rows for ``_status_changes``: registered on opening, then
    for some pre-trajectory, referred, civic integration (each later), and the ending status on
    the end date; the dossier's status is the last one."""
    from crt import crypto
    from crt.models import Dossier, Household, Organisation, Person
    from crt.numbers import generate_number

    orgs = [Organisation.objects.using("crt").get_or_create(code=code, defaults={"name": name})[0]
            for code, name in CRT_ORGANISATIONS]
    municipalities, weights = _crt_municipalities()
    now = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)
    span = (TODAY - START).days
    households, persons, dossiers = [], [], []  # persons: (household index, member, number, birth, refnis)
    i = 0
    while len(persons) < n["persons"]:
        org = orgs[len(households) % len(orgs)]
        households.append(Household(reference=f"GZ-B{len(households):07d}", organisation=org, created_at=now))
        opened = START + dt.timedelta(days=int(rng.betavariate(1.2, 3) * span))
        # The household's address history: [(refnis, from, to)], the last one open.
        moves = sorted({opened + dt.timedelta(days=rng.randint(1, max(1, (TODAY - opened).days)))
                        for _ in range(rng.choices([0, 1, 2], [75, 20, 5])[0])} - {opened})
        moves = [d for d in moves if d <= TODAY]
        places = [rng.choices(municipalities, weights)[0]]
        for _ in moves:  # a move changes the municipality (a move within one changes no count)
            m = rng.choices(municipalities, weights)[0]
            places.append(m if m != places[-1] else municipalities[(municipalities.index(m) + 1) % len(municipalities)])
        bounds = [opened, *moves, None]
        periods = [(places[k], bounds[k], bounds[k + 1]) for k in range(len(places))]
        fate = rng.choices(["open", "moved_away", "closed"], [85, 10, 5])[0]
        ended = None if fate == "open" else opened + dt.timedelta(days=rng.randint(0, max(0, (TODAY - opened).days)))
        path, day = [("registered", opened)], opened
        for status, share in (("pre_trajectory", 60), ("referred", 40), ("civic_integration", 30)):
            if rng.randrange(100) >= share:
                break
            day = day + dt.timedelta(days=rng.randint(7, 120))
            if day > (ended or TODAY) or (ended is not None and day >= ended):
                break
            path.append((status, day))
        if ended is not None:
            path.append((fate, ended))
        # One household in fifty has no address history (registered, not yet living anywhere known):
        # the data-quality report's persons_without_municipality.
        unplaced = rng.random() < 0.02
        for member in range(rng.choice([1, 2, 3, 3, 4])):
            if len(persons) >= n["persons"]:
                break
            # unique by construction: (birth day, sequence) walks through the combinations
            birth = dt.date(1950, 1, 1) + dt.timedelta(days=i % 20_000)
            sequence = 1 + (i // 20_000) % 989
            number = generate_number(birth, sequence, bis_number=(i // (20_000 * 989)) % 2 == 1)
            persons.append((len(households) - 1, member, number, birth, periods[-1][0],
                            rng.choices("FMX", [55, 44, 1])[0]))
            dossiers.append((org, opened, path, ended))
            if not unplaced:
                history.extend((len(persons) - 1, m, f, t) for m, f, t in periods)
            i += 1
    Household.objects.using("crt").bulk_create(households, batch_size=BATCH)
    objs = [
        Person(
            household=households[h], household_role="head" if member == 0 else "child", first_name="Olena",
            last_name=f"Benchenko{k % 5000}", birth_date=birth, sex=sex, number_kind="nn",
            national_number_enc=crypto.encrypt(number, context="crt.person.national_number"),
            national_number_index=crypto.blind_index(number), municipality_refnis=refnis, registered_at=now,
        )
        for k, (h, member, number, birth, refnis, sex) in enumerate(persons)
    ]
    Person.objects.using("crt").bulk_create(objs, batch_size=BATCH)
    made = Dossier.objects.using("crt").bulk_create(
        [Dossier(number=f"CRT-B{k:08d}", person=p, organisation=org, opened_on=opened,
                 status=path[-1][0], ended_on=ended, closed_on=ended if path[-1][0] == "closed" else None)
         for k, (p, (org, opened, path, ended)) in enumerate(zip(objs, dossiers, strict=True))],
        batch_size=BATCH,
    )
    if statuses is not None:
        statuses.extend((d.pk, status, day) for d, (_org, _opened, path, _ended) in zip(made, dossiers, strict=True)
                        for status, day in path)
    for k, row in enumerate(history):  # person index → person id
        history[k] = (objs[row[0]].pk, *row[1:])
    return len(objs)


def _address_periods(history: list[tuple]) -> int:
    """The persons' address periods in one COPY (what ``crt.services`` keeps for each registration
    and move; ``registered_persons_per_municipality`` counts from it)."""
    with transaction.atomic(using="crt"), connections["crt"].cursor() as cur:
        with cur.copy("COPY crt_addressperiod (person_id, municipality_refnis, valid_from, valid_to) FROM STDIN") as copy:
            for row in history:
                copy.write_row(row)
    return len(history)


def _status_changes(statuses: list[tuple]) -> int:
    """The dossiers' status history in one COPY (what ``dossier_status_change`` records)."""
    created = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)
    with transaction.atomic(using="crt"), connections["crt"].cursor() as cur:
        with cur.copy("COPY crt_statuschange (dossier_id, status, effective_on, note_enc, created_at, "
                      "created_by_username) FROM STDIN") as copy:
            for dossier_id, status, day in statuses:
                copy.write_row((dossier_id, status, day, "", created, "bench"))
    return len(statuses)


def _crt_counts() -> int:
    """The counts the CRT services keep with every change (``crt.CountChange``), recomputed from the
    bulk-loaded rows, as after any bulk load."""
    from crt.models import CountChange
    from crt.services import counts_rebuild

    counts_rebuild(audit=False)
    return CountChange.objects.using("crt").count()


def sample_numbers(persons: int, k: int = 50) -> list[str]:
    """National numbers known to be in the bench data (the generator's walk, at spread indices)."""
    from crt.numbers import generate_number

    out = []
    for j in range(k):
        i = j * max(1, persons // k)
        out.append(generate_number(dt.date(1950, 1, 1) + dt.timedelta(days=i % 20_000), 1 + (i // 20_000) % 989))
    return out
