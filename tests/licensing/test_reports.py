"""Licence charts and their tables and exports (licensing.reports): known figures of a hand-built
data set in the page, in the JSON behind each chart and in the CSV/XLSX; query counts do not grow."""

import datetime as dt
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.constants import Roles
from audit.constants import AuditActions
from audit.models import AuditEvent
from core import clock
from licensing.models import DeactivationEvent
from licensing.services import licence_assign
from tests.licensing.conftest import NOW

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


def chart(body: str, name: str) -> dict:
    found = re.search(rf'<script id="licensing-chart-{name}" type="application/json">(.*?)</script>', body, re.S)
    assert found, name
    return json.loads(found.group(1))


def deactivated(make_user, moment: dt.datetime):
    user = make_user(is_active=False)
    return DeactivationEvent.objects.create(user=user, username=user.username, last_activity=moment - dt.timedelta(days=41),
                                            occurred_at=moment)


@pytest.fixture
def known(make_user, idle_user, pool):
    """2 deactivations in November 2025, 1 in January 2026; 2 users deactivated on 5 February
    2026 and 1 on 9 February if they stay idle; 2 licences used in the 2024 local-governments pool."""
    for moment in (dt.datetime(2025, 11, 3, 6, tzinfo=clock.BRUSSELS), dt.datetime(2025, 11, 30, 23, 30, tzinfo=clock.BRUSSELS),
                   dt.datetime(2026, 1, 2, 6, tzinfo=clock.BRUSSELS)):
        deactivated(make_user, moment)
    idle_user(35), idle_user(35), idle_user(31)
    with clock.frozen(NOW):
        licence_assign(user=make_user(), pool=pool())
        licence_assign(user=make_user(), pool=pool())


def test_activity_page_charts_tables_and_exports_show_the_known_figures(login, make_user, known):
    client = login(make_user(Roles.SUPPORT))
    with clock.frozen(NOW):
        body = client.get("/licenties/deactivaties/").content.decode()
        deactivations = chart(body, "deactivations")
        assert deactivations["labels"] == ["november 2025", "december 2025", "januari 2026"]
        assert deactivations["series"][0]["data"] == [2, 0, 1]  # since the first, every month, 0 included
        upcoming = chart(body, "upcoming")
        assert upcoming["labels"] == ["05-02-2026", "09-02-2026"] and upcoming["series"][0]["data"] == [2, 1]
        assert re.search(r"<td>december 2025</td><td[^>]*>0</td>", body)
        csv = client.get("/licenties/export/deactivaties/").content.decode("utf-8")
        assert csv.startswith("\ufeff") and "01-11-2025;2" in csv and "01-12-2025;0" in csv and "01-01-2026;1" in csv
        csv = client.get("/licenties/export/binnenkort/").content.decode("utf-8")
        assert "05-02-2026;2" in csv and "09-02-2026;1" in csv
        response = client.get("/licenties/export/portaal/", {"formaat": "xlsx"})
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert client.get("/licenties/export/gebruikers/").status_code == 404
    events = AuditEvent.objects.filter(action=AuditActions.EXPORT, object_type="licensing.report")
    assert sorted(events.values_list("object_id", flat=True)) == ["binnenkort", "deactivaties", "portaal"]


def test_pool_chart_and_export_show_seats_used_and_free(login, make_user, known, pool):
    from openpyxl import load_workbook

    local = pool()
    client = login(make_user(Roles.HVT_COORDINATOR))
    with clock.frozen(NOW):
        body = client.get("/licenties/", {"plan": "2024"}).content.decode()
        data = chart(body, "pools")
        label = f"{local.get_tool_display()} – {local.get_group_display()} – {local.get_licence_type_display()}"
        i = data["labels"].index(label)
        assert data["series"][0]["data"][i] == 2 and data["series"][1]["data"][i] == local.seats - 2
        assert "portal" not in " ".join(data["labels"]).lower()  # portal licences are per login, not seats
        response = client.get("/licenties/export/pools/", {"plan": "2024", "formaat": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert (label, local.seats, 2, local.seats - 2) in rows


def test_portal_logins_chart_against_the_allowance(login, make_user):
    from audit.services import audit_log

    portal = make_user(Roles.PORTAL_USER)
    with clock.frozen(dt.datetime(2024, 5, 10, 9, 0, tzinfo=clock.BRUSSELS)):
        audit_log(actor=portal, action=AuditActions.LOGIN, obj=portal)
        audit_log(actor=portal, action=AuditActions.LOGIN, obj=portal)
    with clock.frozen(dt.datetime(2024, 7, 1, 12, 0, tzinfo=clock.BRUSSELS)):
        data = chart(login(make_user(Roles.HVT_COORDINATOR)).get("/licenties/deactivaties/").content.decode(), "portal")
    assert data["labels"] == ["mei 2024", "juni 2024", "juli 2024"]
    assert [s["data"] for s in data["series"]] == [[2, 0, 0], [1, 0, 0], [50, 50, 50]]
    assert data["series"][2]["kind"] == "line"  # the allowance: a line, with its own dash and points


def test_activity_page_queries_do_not_grow_with_the_data(login, make_user, idle_user):
    client = login(make_user(Roles.SUPPORT))

    def count() -> int:
        with clock.frozen(NOW), CaptureQueriesContext(connection) as ctx:
            assert client.get("/licenties/deactivaties/").status_code == 200
        return len(ctx)

    deactivated(make_user, dt.datetime(2025, 5, 3, 6, tzinfo=clock.BRUSSELS))
    idle_user(31)
    count()
    small = count()  # one of each; an empty page skips the queries of its empty lists
    for k in range(6):
        deactivated(make_user, dt.datetime(2025, 6 + k, 3, 6, tzinfo=clock.BRUSSELS))
        idle_user(31 + k)
    assert count() == small


def test_licence_exports_are_refused_to_those_without_the_report(login, make_user):
    client = login(make_user(Roles.HVT_SUBSIDY_COORDINATOR))
    assert client.get("/licenties/export/pools/").status_code == 403
