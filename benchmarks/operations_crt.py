"""The CRT operations: the guidance count at a date and the reporting tables and page (registered
by ``benchmarks.operations``, which imports this module)."""

from __future__ import annotations

import datetime as dt

from benchmarks.operations import _fetch, _need, _under
from benchmarks.registry import Bench, NotAvailable, operation

# --- 8. Guidance count at a date (the guidance subsidy's input: persons per municipality, address history) ------
GUIDANCE_DAY = dt.date(2024, 6, 30)  # a tranche date in the middle of the generated history


def _guidance_check(r):
    problems = []
    if r.orm_ms is not None and r.orm_ms >= 1000:
        problems.append(f"{r.orm_ms:.0f} ms ≥ 1,000 ms")
    if r.queries is not None and r.queries > 1:
        problems.append(f"{r.queries} queries > 1")
    if not r.extra.get("persons"):
        problems.append("no person counted: the bench data has no address history")
    return "; ".join(problems) or None


@operation("guidance_count", title="Guidance count at a date: persons per municipality from the CRT address history",
           target="< 1 s, 1 query, persons counted", check=_guidance_check)
def guidance_count(ctx) -> Bench:
    AddressPeriod = _need("crt.AddressPeriod")
    try:
        from crt.selectors import registered_persons_per_municipality
    except ImportError as exc:
        raise NotAvailable("crt.selectors.registered_persons_per_municipality") from exc
    periods = AddressPeriod.objects.using("crt").count()
    if not periods:
        raise NotAvailable("no address periods in the bench data")
    first = registered_persons_per_municipality(GUIDANCE_DAY)
    state = {"persons": sum(first.values()), "municipalities": len(first)}

    def orm():
        return registered_persons_per_municipality(GUIDANCE_DAY)

    # A person's address periods do not overlap and a person has one dossier, so COUNT(*) counts
    # persons (the kept counts merge overlapping periods of one person, should there ever be any).
    sql_text = """
        SELECT ap.municipality_refnis, COUNT(*)
        FROM crt_addressperiod ap JOIN crt_dossier d ON d.person_id = ap.person_id
        WHERE ap.valid_from <= %(day)s AND (ap.valid_to IS NULL OR ap.valid_to > %(day)s)
          AND d.opened_on <= %(day)s AND (d.ended_on IS NULL OR d.ended_on > %(day)s)
        GROUP BY 1
    """

    def sql():
        return dict(_fetch(sql_text, {"day": GUIDANCE_DAY}, "crt"))

    bench = Bench(orm=orm, sql=sql, same=lambda a, b: a == b, databases=("crt",),
                  note=f"{state['persons']:,} persons in {state['municipalities']} municipalities on "
                       f"{GUIDANCE_DAY:%d-%m-%Y}, from {periods:,} address periods; "
                       "ORM: crt.selectors.registered_persons_per_municipality (the counts kept by "
                       "crt.services.counts); SQL: the count over address periods and dossiers")
    bench.state = state
    return bench


# --- 9. CRT reporting: the six published tables at a date (the reporting page) -----------------------
def _report_sql(day: dt.date) -> dict[str, dict[str, int]]:
    """The six tables' true counts straight from persons, dossiers, address periods and status
    changes (the definitions of crt.services.counts), one statement each."""
    from crt.constants import AGE_BANDS
    from crt.services.counts import years_before

    registered = "d.opened_on <= %(day)s AND (d.ended_on IS NULL OR d.ended_on > %(day)s)"
    bands = " ".join(f"WHEN p.birth_date > %(b{upper})s THEN '{label}'" for _lower, upper, label in AGE_BANDS[:-1])
    params = {"day": day, **{f"b{upper}": years_before(day, upper) for _lower, upper, _label in AGE_BANDS[:-1]}}
    statements = {
        "municipality": f"""SELECT ap.municipality_refnis, COUNT(DISTINCT ap.person_id)
            FROM crt_addressperiod ap JOIN crt_dossier d ON d.person_id = ap.person_id
            WHERE ap.valid_from <= %(day)s AND (ap.valid_to IS NULL OR ap.valid_to > %(day)s) AND {registered}
            GROUP BY 1""",
        "age_band": f"""SELECT CASE {bands} ELSE '{AGE_BANDS[-1][2]}' END, COUNT(*)
            FROM crt_dossier d JOIN crt_person p ON p.id = d.person_id WHERE {registered} GROUP BY 1""",
        "sex": f"SELECT p.sex, COUNT(*) FROM crt_dossier d JOIN crt_person p ON p.id = d.person_id WHERE {registered} GROUP BY 1",
        "status": """SELECT s.status, COUNT(*) FROM crt_dossier d
            JOIN LATERAL (SELECT sc.status FROM crt_statuschange sc WHERE sc.dossier_id = d.id AND sc.effective_on <= %(day)s
                          ORDER BY sc.effective_on DESC, sc.id DESC LIMIT 1) s ON TRUE
            WHERE d.opened_on <= %(day)s GROUP BY 1""",
        "organisation": f"SELECT d.organisation_id::text, COUNT(*) FROM crt_dossier d WHERE {registered} GROUP BY 1",
        "month": """SELECT to_char(d.opened_on, 'YYYY-MM'), COUNT(*) FROM crt_dossier d
            WHERE d.opened_on <= %(day)s GROUP BY 1""",
    }
    return {dim: dict(_fetch(sql_text, params, "crt")) for dim, sql_text in statements.items()}


def _published(tables) -> dict[str, dict[str, int | None]]:
    return {t.dimension: {**{r.key: r.value for r in t.rows}, "total": t.total} for t in tables}


@operation("crt_reports", title="CRT reporting: the six published tables at a date (one grouped sum vs six SQL scans)",
           target="< 1 s", check=_under(1000))
def crt_reports(ctx) -> Bench:
    _need("crt.Dossier")
    try:
        from crt.reporting import DIMENSIONS, _table, report_tables
    except ImportError as exc:
        raise NotAvailable("crt.reporting.report_tables") from exc
    from crt.models import Dossier
    from crt.reporting import _cells

    persons = Dossier.objects.using("crt").count()
    if not persons:
        raise NotAvailable("no CRT dossiers in the bench data")

    def orm():
        return _published(report_tables(GUIDANCE_DAY))

    def sql():  # the same publication (suppression, rounding, every row) over the direct counts
        raw = _report_sql(GUIDANCE_DAY)
        return _published([_table(dim, *_cells(dim, raw[dim], GUIDANCE_DAY)) for dim in DIMENSIONS])

    return Bench(orm=orm, sql=sql, same=lambda a, b: a == b, databases=("crt", "default"),
                 note=f"{persons:,} dossiers on {GUIDANCE_DAY:%d-%m-%Y}; ORM: crt.reporting.report_tables "
                      "(crt.selectors.counts_on, the counts kept by crt.services.counts); SQL: six statements "
                      "over persons, dossiers, address periods and status changes, published the same way")


def _crt_reporter():
    """A CRT reporting user with a CRT licence and a confirmed second factor (created once)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from crt.realm import crt_role_assign
    from licensing.models import LicencePool, PlanPeriod
    from licensing.services import licence_assign

    user, created = User.objects.get_or_create(username="bench-crt-reporting")
    if created:
        crt_role_assign(user=user, role="crt_reporting")
        period, _ = PlanPeriod.objects.get_or_create(code="bench-crt", defaults={
            "name": "Bench CRT", "starts_on": dt.date(2020, 1, 1), "ends_on": dt.date(2099, 12, 31)})
        pool, _ = LicencePool.objects.get_or_create(period=period, tool="crt", licence_type="full",
                                                    group="crt_reporting", defaults={"seats": 5})
        licence_assign(user=user, pool=pool)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    return user, device


@operation("crt_reports_page", title="CRT reporting page, full request (GET /crt/rapportage/)",
           target="< 1 s", check=_under(1000))
def crt_reports_page(ctx) -> Bench:
    _need("crt.Dossier")
    from django.test import Client
    from django.urls import reverse

    user, device = _crt_reporter()
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id  # the second factor passed, as after the login
    session.save()
    url = f"{reverse('crt:reports')}?datum={GUIDANCE_DAY.isoformat()}"

    def orm():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response.status_code

    return Bench(orm=orm, databases=("crt", "default"), note="whole request incl. session, auth, second factor, "
                 f"licence, template: six tables (285 municipalities) on {GUIDANCE_DAY:%d-%m-%Y}")
