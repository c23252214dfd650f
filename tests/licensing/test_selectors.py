from decimal import Decimal

import pytest

from licensing.models import PlanPeriod
from licensing.selectors import plan_report

pytestmark = pytest.mark.django_db


def rows_by_tool(report):
    return {row.tool: row for row in report.per_tool}


def test_2024_report_totals():
    report = plan_report(period=PlanPeriod.objects.get(code="2024"))
    assert (report.total.full, report.total.limited, report.total.total) == (250, 160, 410)
    tools = rows_by_tool(report)
    assert (tools["hvt"].full, tools["hvt"].limited) == (239, 131)
    assert (tools["crt"].full, tools["crt"].limited) == (3, 29)
    assert (tools["general"].full, tools["general"].limited) == (8, 0)
    table = {(r.tool, r.group): (r.full, r.limited) for r in report.rows}
    assert table[("hvt", "local_governments")] == (221, 131)
    assert table[("crt", "crt_case_managers")] == (0, 26)
    assert table[("crt", "crt_reporting")] == (0, 3)
    assert len(table) == 10
    assert report.portal_seats == 50
    assert report.cost == Decimal("353700.00")  # the 2024 licence budget line


def test_year_on_year_change_is_computed_from_the_data():
    report = plan_report(period=PlanPeriod.objects.get(code="2024"))
    assert report.previous.code == "2023"
    assert report.total.previous_total == 650
    assert report.total.change_total == -240
    tools = rows_by_tool(report)
    assert (tools["hvt"].change_full, tools["hvt"].change_limited, tools["hvt"].change_total) == (-103, -20, -123)
    assert (tools["crt"].change_full, tools["crt"].change_total) == (-2, -119)
    # Change the data: the report follows (nothing is copied from the note's prose).
    pool = PlanPeriod.objects.get(code="2024").pools.get(tool="hvt", licence_type="limited")
    pool.seats = 141
    pool.save()
    report = plan_report(period=PlanPeriod.objects.get(code="2024"))
    assert rows_by_tool(report)["hvt"].change_limited == -10
    assert report.total.total == 420


def test_first_plan_has_no_comparison():
    report = plan_report(period=PlanPeriod.objects.get(code="2023"))
    assert report.previous is None and report.total.change_total is None
    assert report.total.total == 650 and report.portal_seats == 0


def test_period_current_is_the_plan_covering_today_else_the_latest_in_one_query(django_assert_num_queries):
    import datetime as dt

    from licensing.selectors import period_current

    PlanPeriod.objects.create(code="p-late", name="later", starts_on=dt.date(2040, 1, 1), ends_on=dt.date(2040, 12, 31))
    covering = PlanPeriod.objects.create(
        code="p-now", name="now", starts_on=dt.date(2030, 1, 1), ends_on=dt.date(2030, 12, 31)
    )
    with django_assert_num_queries(1):
        assert period_current(today=dt.date(2030, 6, 1)) == covering
    with django_assert_num_queries(1):
        assert period_current(today=dt.date(2035, 6, 1)).code == "p-late"  # none covers: the latest
