"""The measured operations. Each is one function returning a Bench (ORM way + hand-written SQL twin).
The HVT's core operations are here with the shared helpers; the CRT operations, the map, the subsidy
engine and the data-quality report have their own modules, imported (registered) at the end.

To add one: write ``@operation("name", title=..., target=..., check=...)`` + a function ``(ctx) -> Bench``;
raise ``NotAvailable("why")`` when the model or service it needs is not there yet.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from django.db import close_old_connections, connection, connections, transaction

from benchmarks.generate import TODAY
from benchmarks.registry import Bench, NotAvailable, operation


def _need(label: str):
    from django.apps import apps

    try:
        return apps.get_model(label)
    except LookupError as exc:
        raise NotAvailable(f"model {label} does not exist") from exc


def _need_rows(model, what: str):
    if not model.objects.exists():
        raise NotAvailable(f"no {what} in the bench data (generator skipped them)")


def _fetch(sql: str, params=(), alias: str = "default") -> list[tuple]:
    with connections[alias].cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _under(ms: float):
    return lambda r: None if r.orm_ms is not None and r.orm_ms < ms else f"{r.orm_ms:.0f} ms ≥ {ms:.0f} ms"


def _coordinator():
    """The first active central coordinator of the bench data (an all-Flanders viewer)."""
    from accounts.models import User

    coordinator = User.objects.filter(role_assignments__role="hvt_coordinator", is_active=True).order_by("pk").first()
    if coordinator is None:
        raise NotAvailable("no hvt_coordinator in the bench data")
    return coordinator


def _within(ms: float, ratio: float):
    """A check: under ``ms`` and at most ``ratio`` × its SQL twin."""

    def check(r):
        problems = []
        if r.orm_ms is not None and r.orm_ms >= ms:
            problems.append(f"{r.orm_ms:.0f} ms ≥ {ms:.0f} ms")
        if r.ratio is not None and r.ratio > ratio:
            problems.append(f"{r.ratio:.1f}× its SQL > {ratio:g}×")
        return "; ".join(problems) or None

    return check


# --- 1. Capacity aggregate for all of Flanders (the VLOT overview) --------------------------------------
# The hand-written reading of hvt.querysets' "available on a day" over the effective-dated periods
# (issue 9): the period in force joined as f (one row per place at most), the place's own fields
# where it has no period at all. Use with PERIOD_JOIN_SQL after "FROM hvt_receptionplace p".
PERIOD_JOIN_SQL = """
    LEFT JOIN hvt_placeperiod f ON f.place_id = p.id AND f.valid_from <= %(day)s
                                 AND (f.valid_until IS NULL OR f.valid_until >= %(day)s)
"""
CAPACITY_SQL = "COALESCE(f.capacity, p.capacity)"
CATEGORY_SQL = "COALESCE(f.category, p.category)"
AVAILABLE_SQL = """
    p.validated_on IS NOT NULL AND (
      (f.id IS NOT NULL AND f.start_date <= %(day)s AND (f.end_date IS NULL OR f.end_date >= %(day)s)
       AND NOT (f.category = '2' AND f.start_date >= %(cat2_from)s AND p.agency_confirmed_on IS NULL))
      OR (f.id IS NULL AND NOT EXISTS (SELECT 1 FROM hvt_placeperiod q WHERE q.place_id = p.id)
          AND p.start_date <= %(day)s AND (p.end_date IS NULL OR p.end_date >= %(day)s)
          AND NOT (p.category = '2' AND p.start_date >= %(cat2_from)s AND p.agency_confirmed_on IS NULL)))
"""


def _capacity_check(r):
    problems = []
    if r.orm_ms is not None and r.orm_ms >= 300:
        problems.append(f"{r.orm_ms:.0f} ms ≥ 300 ms")
    if r.ratio is not None and r.ratio > 2:
        problems.append(f"{r.ratio:.1f}× its SQL > 2×")
    return "; ".join(problems) or None


@operation("capacity_aggregate", title="Capacity per municipality and category, all Flanders (VLOT overview)",
           target="≤ 2× SQL and < 300 ms", check=_capacity_check)
def capacity_aggregate(ctx) -> Bench:
    _need("hvt.ReceptionPlace")
    from hvt.constants import CATEGORY_2_CONFIRMATION_FROM
    from hvt.models import MunicipalityTarget, ReceptionPlace
    from hvt.selectors import capacity_overview_for_user

    _need_rows(ReceptionPlace, "places")
    day = TODAY
    round_id = MunicipalityTarget.objects.order_by("-round_id").values_list("round_id", flat=True).first()
    coordinator = _coordinator()

    def orm():
        # The dashboard selector (one statement; the role lookup is cached on the user object,
        # as in a request). The SQL twin lists only municipality x category pairs with available
        # beds, so the comparison keeps those.
        overview = capacity_overview_for_user(coordinator, day=day)
        return sorted(
            (row["refnis"], category, cell["available"], cell["occupied"], cell["free"], row["target"])
            for row in overview["rows"] for category, cell in row["categories"].items() if cell["available"]
        )

    sql_text = f"""
        WITH avail AS (SELECT p.municipality_id, {CATEGORY_SQL} AS category, SUM({CAPACITY_SQL}) AS beds
                       FROM hvt_receptionplace p {PERIOD_JOIN_SQL}
                       WHERE {AVAILABLE_SQL} GROUP BY 1, 2),
             occ AS (SELECT p.municipality_id, {CATEGORY_SQL} AS category, SUM(a.household_size) AS beds
                     FROM hvt_allocation a JOIN hvt_receptionplace p ON p.id = a.place_id {PERIOD_JOIN_SQL}
                     WHERE {AVAILABLE_SQL} AND a.start_date <= %(day)s
                       AND (a.end_date IS NULL OR a.end_date >= %(day)s)
                     GROUP BY 1, 2)
        SELECT avail.municipality_id, avail.category, avail.beds::int, COALESCE(occ.beds, 0)::int,
               (avail.beds - COALESCE(occ.beds, 0))::int, t.assigned
        FROM avail LEFT JOIN occ USING (municipality_id, category)
        LEFT JOIN hvt_municipalitytarget t ON t.municipality_id = avail.municipality_id AND t.round_id = %(round)s
        ORDER BY 1, 2
    """

    def sql():
        return sorted(_fetch(sql_text, {"day": day, "cat2_from": CATEGORY_2_CONFIRMATION_FROM, "round": round_id}))

    return Bench(orm=orm, sql=sql, same=lambda a, b: [tuple(x) for x in a] == [tuple(x) for x in b],
                 note="ORM: hvt.selectors.capacity_overview_for_user (dashboard), all Flanders")


# --- 2. An officer's place list (page of 50) ---------------------------------------------------------------
def _busiest_officer(ctx):
    """The hvt_municipal_full officer whose municipality has the most places."""
    from django.db.models import Count, OuterRef, Subquery

    from accounts.models import User
    from geo.models import MunicipalityUserObjectPermission
    from hvt.models import ReceptionPlace

    if ctx.cache.get("officer") is None:
        officers = MunicipalityUserObjectPermission.objects.filter(
            user__role_assignments__role="hvt_municipal_full", user__is_active=True)
        places = (ReceptionPlace.objects.filter(municipality_id=OuterRef("content_object_id")).order_by()
                  .values("municipality_id").annotate(n=Count("pk")).values("n"))
        best = officers.annotate(n=Subquery(places)).filter(n__gt=0).order_by("-n").values("user_id", "content_object_id", "n").first()
        if best is None:
            raise NotAvailable("no municipal officer with places in the bench data")
        ctx.cache["officer"] = (User.objects.get(pk=best["user_id"]), best["content_object_id"], best["n"])
    return ctx.cache["officer"]


@operation("place_list", title="Officer's place list, page of 50 (selector vs SQL)", target="< 100 ms",
           check=_under(100))
def place_list(ctx) -> Bench:
    _need("hvt.ReceptionPlace")
    from hvt.selectors import place_list_for_user

    officer, municipality, n = _busiest_officer(ctx)
    day = dt.date.today()

    def orm():
        return [(p.pk, p.beds_in_use) for p in place_list_for_user(officer, day=day)[:50]]

    sql_text = """
        SELECT p.id, COALESCE((SELECT SUM(a.household_size) FROM hvt_allocation a WHERE a.place_id = p.id
                               AND a.start_date <= %(day)s AND (a.end_date IS NULL OR a.end_date >= %(day)s)), 0)
        FROM hvt_receptionplace p JOIN geo_municipality m ON m.refnis = p.municipality_id
        WHERE p.municipality_id IN (SELECT content_object_id FROM geo_municipalityuserobjectpermission
                                    WHERE user_id = %(user)s)
        ORDER BY m.name_nl, p.street, p.house_number, p.id LIMIT 50
    """

    def sql():
        return [tuple(r) for r in _fetch(sql_text, {"day": day, "user": officer.pk})]

    return Bench(orm=orm, sql=sql, same=lambda a, b: list(a) == list(b),
                 note=f"officer of municipality {municipality} ({n} places in scope)")


@operation("place_list_page", title="Officer's place list page, full request (GET /hvt/plaatsen/)",
           target="< 100 ms and ≤ 10 queries",
           check=lambda r: "; ".join(x for x in (
               f"{r.orm_ms:.0f} ms ≥ 100 ms" if r.orm_ms >= 100 else "",
               f"{r.queries} queries > 10" if r.queries > 10 else "") if x) or None)
def place_list_page(ctx) -> Bench:
    _need("hvt.ReceptionPlace")
    from django.test import Client
    from django.urls import reverse

    officer, municipality, n = _busiest_officer(ctx)
    client = Client()
    client.force_login(officer)
    url = reverse("hvt:place_list")

    def orm():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response.status_code

    return Bench(orm=orm, note=f"whole request incl. session, auth, template; {n} places in scope")


# --- 3. Allocation of the last bed under contention --------------------------------------------------------
CONTENDERS = 8


def _contention_place(officer, municipality):
    from benchmarks.generate import _postal_codes
    from hvt.models import ReceptionPlace
    from hvt.periods import period_first_create

    with transaction.atomic():
        place = ReceptionPlace.objects.create(
            municipality_id=municipality, street="Bankstraat", house_number=str(int(time.time() * 1000) % 100000),
            postal_code=_postal_codes().get(municipality, "9000"), operator="Bench", capacity=3, category="1_private",
            start_date=dt.date(2022, 4, 1), status="validated", validated_on=dt.date(2022, 4, 1), source="import",
            first_allocation_on=dt.date(2022, 4, 1),  # the fill below, written directly: its first allocation day
        )
        period_first_create(place)  # its facts as a period: a place always has one (hvt migration 0008)
        place.allocations.create(household_reference="HH-FILL-01", household_size=2, adults=2, minors=0,
                                 start_date=dt.date(2022, 4, 1))
    return place


def _race(worker) -> int:
    """CONTENDERS threads try at once; returns how many succeeded."""
    barrier = threading.Barrier(CONTENDERS)
    wins = []

    def run(i):
        try:
            barrier.wait()
            if worker(i):
                wins.append(i)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CONTENDERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(wins)


@operation("allocation_contention", title=f"Allocate the last bed, {CONTENDERS} officers at once",
           target="exactly 1 succeeds",
           check=lambda r: None if r.extra.get("orm_wins") == 1 and r.extra.get("sql_wins") == 1
           else f"winners ORM {r.extra.get('orm_wins')}, SQL {r.extra.get('sql_wins')} (must be 1)")
def allocation_contention(ctx) -> Bench:
    _need("hvt.Allocation")
    from django.core.exceptions import ValidationError

    from hvt.services import allocation_create

    officer, municipality, n = _busiest_officer(ctx)
    state: dict = {}

    def orm():
        place = _contention_place(officer, municipality)

        def worker(i):
            try:
                with transaction.atomic():
                    allocation_create(actor=officer, place=place, household_reference=f"HH-RACE-{i:02d}",
                                      household_size=1, adults=1, minors=0, start_date=dt.date(2023, 1, 1))
                return True
            except ValidationError:
                return False

        wins = _race(worker)
        state["orm_wins"] = wins
        return wins

    def sql():
        place = _contention_place(officer, municipality)

        def worker(i):
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute("SELECT capacity FROM hvt_receptionplace WHERE id = %s FOR UPDATE", [place.pk])
                capacity = cur.fetchone()[0]
                cur.execute("SELECT COALESCE(SUM(household_size), 0) FROM hvt_allocation WHERE place_id = %s "
                            "AND start_date <= %s AND (end_date IS NULL OR end_date >= %s)",
                            [place.pk, dt.date(2023, 1, 1), TODAY])
                if cur.fetchone()[0] + 1 > capacity:
                    return False
                cur.execute("INSERT INTO hvt_allocation (place_id, household_reference, household_size, adults, "
                            "minors, start_date, end_reason, is_demo, resident_fee_per_day, created_at) VALUES "
                            "(%s, %s, 1, 1, 0, %s, '', false, 0, now())", [place.pk, f"HH-RACE-{i:02d}", dt.date(2023, 1, 1)])
                # as the service: the place's first allocation day (hvt.services.first_allocation_refresh)
                cur.execute("UPDATE hvt_receptionplace SET first_allocation_on = LEAST(COALESCE(first_allocation_on, %s), %s)"
                            " WHERE id = %s", [dt.date(2023, 1, 1), dt.date(2023, 1, 1), place.pk])
                return True

        wins = _race(worker)
        state["sql_wins"] = wins
        return wins

    bench = Bench(orm=orm, sql=sql, same=lambda a, b: a == b == 1, repeat=3,
                  note=f"wall time for {CONTENDERS} concurrent attempts on a place with 1 bed free; "
                       "ORM = hvt.services.allocation_create (row lock, fit check, audit)")
    bench.state = state
    return bench


# --- 4. The idle sweep ------------------------------------------------------------------------------------------
@operation("idle_sweep", title="Idle sweep (40-day rule) over all accounts", target="≤ 10 queries and < 5 s",
           check=lambda r: "; ".join(x for x in (
               f"{r.orm_ms / 1000:.1f} s ≥ 5 s" if r.orm_ms >= 5000 else "",
               f"{r.queries} queries > 10" if r.queries > 10 else "") if x) or None)
def idle_sweep(ctx) -> Bench:
    try:
        from licensing.services import users_idle_sweep
    except ImportError as exc:
        raise NotAvailable("licensing.services.users_idle_sweep") from exc
    from accounts.models import User
    from core import clock

    now = clock.now()
    total = User.objects.count()

    def orm():
        run = users_idle_sweep(now=now)
        return run.deactivated

    def sql():
        with connection.cursor() as cur:
            cur.execute(
                "UPDATE accounts_user SET is_active = false WHERE is_active AND NOT is_technical_account "
                "AND COALESCE(last_activity, date_joined) <= %s", [now - dt.timedelta(days=40)])
            return cur.rowcount

    return Bench(orm=orm, sql=sql, same=lambda a, b: a == b, rollback=True, repeat=5,
                 note=f"{total:,} accounts; rolled back after each run. SQL twin = the deactivating UPDATE only "
                      "(the service also releases licences, ends sessions/tokens, writes events and audit rows; warnings are a separate daily job)")


# --- 5. A 10,000-row place import vs COPY ---------------------------------------------------------------------
def _import_rows(ctx, n: int) -> list[list]:
    from benchmarks.generate import _postal_codes

    officer, municipality, _ = _busiest_officer(ctx)
    postal = _postal_codes().get(municipality, "9000")
    return [[municipality, "", f"Importstraat {i % 50}", str(i + 1), postal, "Import BV", 4, "1_private", "",
             "2023-01-01", "", "0", "0", ""] for i in range(n)]


IMPORT_COLUMNS = ["refnis", "name", "street", "house_number", "postal_code", "operator", "capacity", "category",
                  "category_2_subtype", "start_date", "end_date", "accessible", "pets_allowed", "notes"]


@operation("place_import", title="Place import (django-import-export, bulk path with the place_register rules) vs COPY",
           target="≥ 1,000 rows/s",
           check=lambda r: None if (r.rows_per_s or 0) >= 1000 else f"{r.rows_per_s:,.0f} rows/s < 1,000")
def place_import(ctx) -> Bench:
    _need("hvt.ReceptionPlace")
    try:
        from hvt.resources import PlaceResource
    except ImportError as exc:
        raise NotAvailable("hvt.resources.PlaceResource") from exc
    import tablib

    officer, municipality, _ = _busiest_officer(ctx)
    n = 10_000 if not ctx.smoke else 200
    rows = _import_rows(ctx, n)
    dataset = tablib.Dataset(*rows, headers=IMPORT_COLUMNS)

    def orm():
        result = PlaceResource().import_data(dataset, dry_run=False, user=officer)
        if result.has_errors() or result.has_validation_errors():
            raise RuntimeError("import reported errors: " + str(result.invalid_rows[:1] or result.row_errors()[:1]))
        return result.totals["new"]

    def sql():
        with connection.cursor() as cur:
            with cur.copy(
                "COPY hvt_receptionplace (municipality_id, name, street, house_number, postal_code, operator, capacity,"
                " category, category_2_subtype, start_date, accessible, pets_allowed, notes, status, source, is_demo,"
                " created_at, updated_at) FROM STDIN"
            ) as copy:
                for r in rows:
                    copy.write_row([r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], False, False, "",
                                    "registered", "import", False, "now", "now"])
            return n

    return Bench(orm=orm, sql=sql, same=lambda a, b: a == b, rollback=True, repeat=1, warmup=ctx.smoke, rows=n,
                 note=f"{n:,} rows, all-or-nothing, rolled back after each run")


# --- 6. Exact national-register-number lookup among all persons ------------------------------------------------
@operation("number_lookup", title="Exact national-register-number lookup (blind index) among all persons",
           target="< 10 ms", check=_under(10))
def number_lookup(ctx) -> Bench:
    Person = _need("crt.Person")
    from benchmarks.generate import sample_numbers
    from crt import crypto
    from crt.numbers import parse_person_number

    total = Person.objects.using("crt").count()
    if not total:
        raise NotAvailable("no persons in the bench data")
    numbers = sample_numbers(total)
    cursor = {"i": 0}

    def next_number():
        cursor["i"] = (cursor["i"] + 1) % len(numbers)
        return numbers[cursor["i"]]

    def orm():
        parsed = parse_person_number(next_number())
        return list(Person.objects.using("crt").filter(
            national_number_index=crypto.blind_index(parsed.value)).values_list("pk", flat=True))

    def sql():
        index = crypto.blind_index(next_number())
        return [r[0] for r in _fetch("SELECT id FROM crt_person WHERE national_number_index = %s", [index], "crt")]

    # Same number for both sides: compare on the first sample.
    first = numbers[0]

    def same(_a, _b):
        a = list(Person.objects.using("crt").filter(
            national_number_index=crypto.blind_index(parse_person_number(first).value)).values_list("pk", flat=True))
        b = [r[0] for r in _fetch("SELECT id FROM crt_person WHERE national_number_index = %s",
                                  [crypto.blind_index(first)], "crt")]
        return a == b and len(a) == 1

    return Bench(orm=orm, sql=sql, same=same, databases=("crt",), repeat=25,
                 note=f"{total:,} persons; parse + HMAC blind index + indexed query")


# --- 7. Targets with available beds, all Flanders (the targets page of central coordination) ------------------
@operation("target_list", title="Targets with available beds per municipality, all Flanders (coordinator)",
           target="< 300 ms", check=_under(300))
def target_list(ctx) -> Bench:
    _need("hvt.MunicipalityTarget")
    try:
        from hvt.selectors import target_list_for_user
    except ImportError as exc:
        raise NotAvailable("hvt.selectors.target_list_for_user") from exc
    from hvt.constants import CATEGORY_2_CONFIRMATION_FROM
    from hvt.selectors import target_round_current

    coordinator = _coordinator()
    round_ = target_round_current()
    if round_ is None:
        raise NotAvailable("no target round in the bench data")
    day = TODAY

    def orm():
        return sorted((t.municipality_id, t.available_beds, t.assigned)
                      for t in target_list_for_user(coordinator, round_=round_, day=day))

    sql_text = f"""
        SELECT t.municipality_id,
               COALESCE((SELECT SUM({CAPACITY_SQL}) FROM hvt_receptionplace p {PERIOD_JOIN_SQL}
                         WHERE p.municipality_id = t.municipality_id AND {AVAILABLE_SQL}), 0)::int,
               t.assigned
        FROM hvt_municipalitytarget t JOIN geo_municipality m ON m.refnis = t.municipality_id
        WHERE t.round_id = %(round)s ORDER BY m.name_nl
    """

    def sql():
        return sorted(tuple(r) for r in _fetch(sql_text, {"day": day, "cat2_from": CATEGORY_2_CONFIRMATION_FROM,
                                                           "round": round_.pk}))

    return Bench(orm=orm, sql=sql, same=lambda a, b: a == b, note="hvt.selectors.target_list_for_user")


# --- The CRT operations, the map, the subsidy engine and the data-quality report: their own modules,
# registered on import (in this order) ----------------------------------------------------------------
from benchmarks import operations_crt, operations_map, operations_quality, operations_subsidy  # noqa: E402, F401
