"""The VLOT / coordinator dashboard: figures per municipality × category against a hand computation,
scope, constant query count, the evolution series, the page and its exports."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.constants import Roles
from accounts.selectors import roles_for_user
from audit.constants import AuditActions
from audit.models import AuditEvent
from geo.models import Municipality, PopulationFigure
from hvt import selectors, services
from hvt.constants import PlaceCategories
from hvt.models import CapacitySnapshot
from tests.hvt.helpers import (
    ANTWERPEN,
    ANTWERPEN_POSTAL,
    GENT,
    HASSELT,
    HASSELT_POSTAL,
    allocate,
    register,
    validated,
)

# pages: the navigation asks the CRT realm about the signed-in user
pytestmark = pytest.mark.django_db(databases=["default", "crt"])

TODAY = dt.date(2024, 3, 1)
OOST_VLAANDEREN = "40000"
CAT1, CAT1P, CAT2, CAT3 = (PlaceCategories.CAT1_PUBLIC, PlaceCategories.CAT1_PRIVATE, PlaceCategories.CAT2,
                           PlaceCategories.CAT3)


@pytest.fixture
def today(frozen_now):
    frozen_now(dt.datetime(2024, 3, 1, 10, 0))
    return TODAY


@pytest.fixture
def vlot(make_user):
    return make_user(Roles.HVT_VLOT, username="vlot-ovl", provinces=[OOST_VLAANDEREN])


@pytest.fixture
def fixture_data(today, gent_officer, coordinator):
    """Gent: 10 + 8 available beds (3 + 4 occupied today); a not-validated place, a closed place,
    an unconfirmed category-2 place, an allocation that ended yesterday and one starting tomorrow
    do not count. Antwerpen 7 (2 occupied), Hasselt 4. Target 20 for every municipality."""
    public = validated(gent_officer, capacity=10, category=CAT1)
    allocate(gent_officer, public, size=3, start=dt.date(2024, 1, 1), ref="HH-NOW")
    allocate(gent_officer, public, size=2, start=dt.date(2024, 2, 1), end=dt.date(2024, 2, 29), ref="HH-ENDED")
    allocate(gent_officer, public, size=1, start=dt.date(2024, 3, 2), ref="HH-TOMORROW")
    register(gent_officer, capacity=5, category=CAT1, street="Niet-gevalideerd")
    hotel = validated(gent_officer, capacity=8, category=CAT2, category_2_subtype="hotel", street="Hotel")
    allocate(gent_officer, hotel, size=4, start=dt.date(2023, 1, 1), ref="HH-HOTEL")
    village = validated(gent_officer, capacity=20, category=CAT3, street="Nooddorp")
    services.place_close(actor=gent_officer, place=village, end_date=dt.date(2024, 2, 15))
    validated(gent_officer, capacity=6, category=CAT2, category_2_subtype="hotel", street="Onbevestigd",
              start_date=dt.date(2023, 7, 1))  # needs the agency's confirmation: not available
    antwerpen = validated(coordinator, municipality=ANTWERPEN, postal_code=ANTWERPEN_POSTAL, capacity=7, category=CAT1P)
    allocate(coordinator, antwerpen, size=2, start=dt.date(2024, 1, 1), ref="HH-ANTW")
    validated(coordinator, municipality=HASSELT, postal_code=HASSELT_POSTAL, capacity=4, category=CAT1)
    PopulationFigure.objects.bulk_create([
        PopulationFigure(municipality=m, year=2024, men=5, women=5, total=10) for m in Municipality.objects.all()
    ])
    services.target_round_create(actor=coordinator, total=20 * Municipality.objects.count(),
                                 effective_on=dt.date(2022, 4, 1))


def _row(overview, refnis):
    return next(r for r in overview["rows"] if r["refnis"] == refnis)


def test_figures_equal_a_hand_computation(fixture_data, coordinator):
    overview = selectors.capacity_overview_for_user(coordinator)
    gent = _row(overview, GENT)
    assert gent["categories"] == {
        CAT1: {"available": 10, "occupied": 3, "free": 7},
        CAT1P: {"available": 0, "occupied": 0, "free": 0},
        CAT2: {"available": 8, "occupied": 4, "free": 4},
        CAT3: {"available": 0, "occupied": 0, "free": 0},
    }
    assert (gent["available"], gent["occupied"], gent["free"], gent["target"], gent["realisation"]) == (18, 7, 11, 20, 90.0)
    assert gent["occupancy"] == Decimal("38.9")  # a percentage with one decimal (hvt.querysets)
    antwerpen = _row(overview, ANTWERPEN)
    assert (antwerpen["available"], antwerpen["occupied"], antwerpen["realisation"]) == (7, 2, 35.0)
    assert _row(overview, HASSELT)["realisation"] == 20.0
    # Every municipality is listed, with zeros where there is nothing yet.
    assert len(overview["rows"]) == Municipality.objects.count()
    empty = next(r for r in overview["rows"] if r["refnis"] not in {GENT, ANTWERPEN, HASSELT})
    assert (empty["available"], empty["realisation"], empty["target"]) == (0, 0.0, 20)
    total = overview["total"]
    assert (total["available"], total["occupied"], total["free"]) == (29, 9, 20)
    assert total["target"] == 20 * Municipality.objects.count()
    assert total["categories"][CAT1] == {"available": 14, "occupied": 3, "free": 11}
    ovl = next(t for t in overview["provinces"] if t["province_id"] == OOST_VLAANDEREN)
    assert ovl["available"] == 18 and ovl["municipalities"] == Municipality.objects.filter(province_id=OOST_VLAANDEREN).count()


def test_an_allocation_ending_today_still_counts_and_one_ending_yesterday_not(fixture_data, coordinator):
    assert _row(selectors.capacity_overview_for_user(coordinator, day=dt.date(2024, 2, 29)), GENT)["occupied"] == 3 + 2 + 4
    assert _row(selectors.capacity_overview_for_user(coordinator, day=dt.date(2024, 3, 2)), GENT)["occupied"] == 3 + 1 + 4


def test_sorted_by_lagging_realisation_puts_the_lowest_first_and_no_target_last(fixture_data, coordinator):
    rows = selectors.capacity_overview_for_user(coordinator, sort="realisation")["rows"]
    realisations = [r["realisation"] for r in rows]
    assert realisations == sorted(realisations)
    assert rows[-1]["refnis"] == GENT and rows[-2]["refnis"] == ANTWERPEN


def test_vlot_sees_only_its_province(fixture_data, vlot):
    overview = selectors.capacity_overview_for_user(vlot)
    refnis = {r["refnis"] for r in overview["rows"]}
    assert GENT in refnis and ANTWERPEN not in refnis and HASSELT not in refnis
    assert {r["province_id"] for r in overview["rows"]} == {OOST_VLAANDEREN}
    assert overview["total"]["available"] == 18  # totals of its scope only, never Flanders
    assert list(selectors.dashboard_provinces_for_user(vlot).values_list("pk", flat=True)) == [OOST_VLAANDEREN]


def test_officer_sees_only_own_municipality(fixture_data, gent_officer):
    overview = selectors.capacity_overview_for_user(gent_officer)
    assert [r["refnis"] for r in overview["rows"]] == [GENT]
    assert overview["total"]["available"] == 18


def test_province_filter(fixture_data, coordinator):
    overview = selectors.capacity_overview_for_user(coordinator, province=OOST_VLAANDEREN)
    assert {r["province_id"] for r in overview["rows"]} == {OOST_VLAANDEREN}
    assert ANTWERPEN not in {r["refnis"] for r in overview["rows"]}


def test_query_count_does_not_grow_with_the_data(fixture_data, coordinator, gent_officer,
                                                 django_assert_max_num_queries):
    roles_for_user(coordinator)  # cached on the user for the request, as in a view
    with django_assert_max_num_queries(3):
        small = selectors.capacity_overview_for_user(coordinator)
    for i in range(12):
        category = [CAT1, CAT1P, CAT2, CAT3][i % 4]
        place = validated(coordinator, capacity=6, category=category, street=f"Groei {i}",
                          category_2_subtype="hotel" if category == CAT2 else "")
        allocate(coordinator, place, size=1 + i % 3, start=dt.date(2024, 1, 1), ref=f"HH-GROW-{i}")
        validated(coordinator, municipality=ANTWERPEN, postal_code=ANTWERPEN_POSTAL, capacity=3, street=f"A {i}")
    with django_assert_max_num_queries(3):
        large = selectors.capacity_overview_for_user(coordinator)
    assert large["total"]["available"] == small["total"]["available"] + 12 * 6 + 12 * 3



def test_availability_is_decided_per_place_not_per_allocation(fixture_data, coordinator, django_assert_max_num_queries):
    """The occupied-beds sum starts from the places (hvt.querysets.with_allocations_on) and decides
    availability from the period in force, joined once per place: no subquery, nothing correlated on
    ``hvt_allocation.place_id``. An allocation-side reading with a correlated subquery made PostgreSQL
    filter after joining every active allocation and cost the subquery per allocation, which
    switched on JIT: 3× the hand-written SQL at scale 1 (benchmarks/RESULTS.md, "Capacity aggregate
    after periods"); since every place has a period (hvt migration 0008) there is no subquery left."""
    roles_for_user(coordinator)
    with django_assert_max_num_queries(3) as captured:
        selectors.capacity_overview_for_user(coordinator)
    occupied = [q["sql"] for q in captured.captured_queries if "allocation" in q["sql"]]
    assert len(occupied) == 1
    assert occupied[0].count('"hvt_placeperiod"') == 1  # the one join of the period in force
    assert "EXISTS" not in occupied[0]
    assert '("hvt_allocation"."place_id")' not in occupied[0]


def _snapshot(day, municipality, category, available, occupied):
    return CapacitySnapshot(date=day, municipality_id=municipality, category=category, capacity=available,
                            available=available, occupied=occupied, free=available - occupied)


@pytest.fixture
def snapshots(today):
    CapacitySnapshot.objects.bulk_create([
        _snapshot(dt.date(2023, 12, 15), GENT, CAT3, 100, 90),
        _snapshot(dt.date(2023, 12, 31), GENT, CAT3, 100, 80),
        _snapshot(dt.date(2023, 12, 31), GENT, CAT1, 10, 5),
        _snapshot(dt.date(2023, 12, 31), ANTWERPEN, CAT1, 50, 40),
        _snapshot(dt.date(2024, 2, 10), GENT, CAT3, 100, 30),
        _snapshot(dt.date(2024, 2, 29), GENT, CAT3, 100, 20),
        _snapshot(dt.date(2024, 2, 29), GENT, CAT1, 40, 35),
        _snapshot(dt.date(2024, 2, 29), ANTWERPEN, CAT1, 60, 50),
    ])


def test_series_sums_per_date_in_scope_and_keeps_the_last_snapshot_of_a_month(snapshots, coordinator, vlot):
    monthly = selectors.capacity_series_for_user(coordinator, monthly=True)
    assert monthly["labels"] == ["2023-12-31", "2024-02-29"]
    assert monthly["series"][CAT1] == {"available": [60, 100], "occupied": [45, 85]}
    assert monthly["series"][CAT3] == {"available": [100, 100], "occupied": [80, 20]}
    assert monthly["series"][CAT2] == {"available": [0, 0], "occupied": [0, 0]}
    daily = selectors.capacity_series_for_user(vlot, start=dt.date(2023, 12, 1), monthly=False)
    assert daily["labels"] == ["2023-12-15", "2023-12-31", "2024-02-10", "2024-02-29"]
    assert daily["series"][CAT1]["occupied"] == [0, 5, 0, 35]  # Antwerpen is outside the VLOT's province


def test_series_query_count(snapshots, coordinator, django_assert_max_num_queries):
    roles_for_user(coordinator)
    with django_assert_max_num_queries(1):
        selectors.capacity_series_for_user(coordinator)


# --- the page -----------------------------------------------------------------------------------------


def test_page_shows_the_table_and_the_chart_data_for_vlot(client, login, fixture_data, snapshots, vlot):
    login(vlot)
    response = client.get(reverse("hvt:dashboard"))
    assert response.status_code == 200
    refnis = {r["refnis"] for r in response.context["overview"]["rows"]}
    assert GENT in refnis and ANTWERPEN not in refnis
    html = response.content.decode()
    assert 'id="hvt-dashboard-data"' in html and 'id="hvt-chart-available"' in html
    assert 'style="' not in html  # strict CSP: no inline style attributes
    assert 'value="90.0"' in html  # the realisation bar, unlocalised
    shift = response.context["shift"]
    assert shift[0] == {"date": "2023-12-31", "individual": 5, "collective": 80, "share": Decimal("5.9")}
    assert shift[-1] == {"date": "2024-02-29", "individual": 35, "collective": 20, "share": Decimal("63.6")}


def test_page_sorts_by_lagging_realisation_and_ignores_a_province_outside_the_scope(client, login, fixture_data, vlot):
    login(vlot)
    response = client.get(reverse("hvt:dashboard"), {"sorteer": "realisatie", "provincie": "70000"})
    rows = response.context["overview"]["rows"]
    assert response.context["province"] == ""
    assert rows[-1]["refnis"] == GENT
    assert HASSELT not in {r["refnis"] for r in rows}


@pytest.mark.parametrize("role", [Roles.HVT_MUNICIPAL_LIMITED, Roles.HVT_SECURITY_AUDITOR, Roles.PORTAL_USER])
def test_roles_without_targets_get_403(client, login, make_user, role):
    user = make_user(role, municipalities=[GENT] if role == Roles.HVT_MUNICIPAL_LIMITED else [])
    login(user)
    assert client.get(reverse("hvt:dashboard")).status_code == 403
    assert client.get(reverse("hvt:dashboard_export")).status_code == 403


def test_navigation_shows_the_dashboard_to_vlot_only_among_these(vlot, make_user):
    from hvt.navigation import items

    assert "hvt:dashboard" in {i["url_name"] for i in items(vlot)}
    limited = make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=[GENT])
    assert "hvt:dashboard" not in {i["url_name"] for i in items(limited)}


# --- exports ------------------------------------------------------------------------------------------


def _csv_rows(response):
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_csv_export_has_the_figures_shown_neutralised_and_audited(client, login, fixture_data, vlot):
    Municipality.objects.filter(pk=GENT).update(name_nl="=HYPERLINK(\"http://evil\")")
    login(vlot)
    page = client.get(reverse("hvt:dashboard"), {"sorteer": "realisatie"})
    response = client.get(reverse("hvt:dashboard_export"), {"sorteer": "realisatie", "formaat": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    header, body = rows[0], rows[1:]
    shown = page.context["overview"]["rows"]
    assert [r[1] for r in body[:len(shown)]] == [r["refnis"] for r in shown]  # same rows, same order
    gent = next(r for r in body if r[1] == GENT)
    assert gent[2] == "'=HYPERLINK(\"http://evil\")"
    figures = dict(zip(header, gent, strict=True))
    assert figures["Beschikbaar"] == "18" and figures["Bezet"] == "7" and figures["Vrij"] == "11"
    assert figures["Objectief"] == "20" and figures["Realisatie (%)"] == "90,0"  # core.exports: decimal comma
    assert figures["Categorie 2 – specifieke plaatsen – bezet"] == "4"
    assert ANTWERPEN not in {r[1] for r in body}
    assert body[-1][2] == "Totaal" and body[-1][header.index("Beschikbaar")] == "18"
    event = AuditEvent.objects.filter(action=AuditActions.EXPORT, object_type="hvt.dashboard").get()
    assert event.actor_id == vlot.pk and event.changes["format"] == "csv"


def test_xlsx_export_neutralises_formulas_and_is_audited(client, login, fixture_data, coordinator):
    from openpyxl import load_workbook

    Municipality.objects.filter(pk=GENT).update(name_nl="=1+1")
    login(coordinator)
    response = client.get(reverse("hvt:dashboard_export"), {"formaat": "xlsx", "provincie": OOST_VLAANDEREN})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    gent = next(r for r in rows if r[1] == GENT)
    assert gent[2] == "'=1+1"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert gent[header.index("Beschikbaar")] == 18 and gent[header.index("Realisatie (%)")] == 90.0
    assert ANTWERPEN not in {r[1] for r in rows}
    assert AuditEvent.objects.filter(action=AuditActions.EXPORT, object_type="hvt.dashboard",
                                     actor_id=coordinator.pk, changes__format="xlsx").exists()
