import datetime as dt

import pytest
from django.urls import reverse

from audit.constants import AuditActions
from crt.constants import CrtRoles
from crt.models import AuditEvent
from crt.numbers import generate_number
from crt.reporting import DIMENSIONS, publish, report_table, round_to_base, suppress


def test_primary_suppression_of_small_cells():
    shown, total = suppress({"a": 20, "b": 3, "c": 0, "d": 15, "e": 2})
    assert shown["b"] is None and shown["e"] is None
    assert shown["c"] is None  # none is "fewer than 5" too: 0 one day and x the next gave a person away
    assert shown["a"] == 20 and shown["d"] == 15 and total == 40


def test_secondary_suppression_when_one_cell_is_hidden():
    shown, total = suppress({"a": 20, "b": 3, "c": 8})
    # total 31 - 20 - 8 would reveal b: the smallest visible cell is hidden too.
    assert shown == {"a": 20, "b": None, "c": None} and total == 31


def test_secondary_suppression_when_hidden_cells_add_up_under_threshold():
    shown, total = suppress({"a": 1, "b": 2, "c": 30, "d": 6})
    # a + b = 3 could be derived from the total: hide d as well.
    assert shown["a"] is None and shown["b"] is None and shown["d"] is None and shown["c"] == 30
    assert total == 39


def test_total_under_threshold_hides_everything():
    shown, total = suppress({"a": 2, "b": 1, "c": 0})
    assert total is None and shown == {"a": None, "b": None, "c": None}


def test_nothing_to_suppress():
    assert suppress({"a": 5, "b": 7}) == ({"a": 5, "b": 7}, 12)


def test_no_table_lets_a_hidden_cell_be_computed():
    import itertools

    for values in itertools.product([0, 1, 3, 5, 9], repeat=4):
        cells = dict(zip("abcd", values, strict=True))
        shown, total = suppress(cells)
        hidden = [k for k, v in shown.items() if v is None]
        for k, v in cells.items():
            if v < 5:
                assert shown[k] is None
        if total is not None and hidden:
            assert len(hidden) >= 2 and sum(cells[k] for k in hidden) >= 5


@pytest.mark.django_db(databases=["default", "crt"])
def test_report_tables_from_data(register, frozen_now):
    frozen_now(dt.datetime(2024, 3, 1, 10))
    for i in range(7):
        birth = dt.date(1980 + i, 1, 1)
        register(first_name=f"P{i}", birth_date=birth, national_number=generate_number(birth, 2 * i + 2))
    birth = dt.date(2010, 1, 1)
    register(first_name="Kid", sex="M", birth_date=birth, national_number=generate_number(birth, 3),
             municipality_refnis="11002", postal_code="")
    table = report_table("municipality", dt.date(2024, 3, 1))
    rows = {r.key: r.value for r in table.rows}
    # Every municipality is a row, also without anyone: a row appearing would give a person away.
    assert len(rows) == 285 and table.rows[0].label == "Aalst"
    # Gent 7, Antwerpen 1, 283 empty (hidden, adding up to 1) -> Gent hidden too; total 8 rounded to 10.
    assert set(rows.values()) == {None} and table.total == 10
    sex = {r.key: r.value for r in report_table("sex", dt.date(2024, 3, 1)).rows}
    assert sex == {"F": None, "M": None, "X": None}
    ages = {r.key: r.value for r in report_table("age_band", dt.date(2024, 3, 1)).rows}
    assert ages["12-17"] is None and ages["30-44"] is None
    months = [r.key for r in report_table("month", dt.date(2024, 3, 1)).rows]
    assert months[0] == "2022-03" and months[-1] == "2024-03" and len(months) == 25  # every month, none skipped
    for dimension in DIMENSIONS:
        report_table(dimension, dt.date(2024, 3, 1))


def test_round_to_base_five():
    assert [round_to_base(n) for n in range(0, 14)] == [0, 0, 0, 5, 5, 5, 5, 5, 10, 10, 10, 10, 10, 15]


def test_publish_rounds_visible_cells_and_the_total_each_on_its_own():
    shown, total = publish({"a": 23, "b": 7, "c": 12, "d": 0})
    # d (none) is hidden alone, so the smallest visible cell (b) goes too; the rest is rounded.
    assert shown == {"a": 25, "b": None, "c": 10, "d": None}
    assert total == 40  # 42 rounded, not the sum of the rounded cells
    assert publish({"a": 3, "b": 1}) == ({"a": None, "b": None}, None)


@pytest.mark.django_db(databases=["default", "crt"])
def test_reporting_pages_show_no_personal_data_and_exports_are_audited(client, login, make_user, register):
    for i in range(6):
        birth = dt.date(1980 + i, 1, 1)
        register(first_name=f"Voornaam{i}", last_name=f"Achternaam{i}", birth_date=birth,
                 national_number=generate_number(birth, 2 * i + 2))
    user = make_user(CrtRoles.REPORTING)
    login(user)
    body = client.get(reverse("crt:reports")).content.decode()
    assert "Gent" in body and "Voornaam" not in body and "Achternaam" not in body and "Veldstraat" not in body
    response = client.get(reverse("crt:report_export", args=["municipality"]))
    csv = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    # Only Gent has anyone: with every other municipality empty (hidden), Gent is hidden too.
    assert "Gent;x" in csv and "Totaal;5" in csv and "Voornaam" not in csv
    assert "veelvoud van 5" in csv  # the method travels with the figures
    event = AuditEvent.objects.using("crt").get(action=AuditActions.EXPORT)
    assert event.actor_id == user.pk and event.object_id == "municipality"
    assert client.get(reverse("crt:report_export", args=["names"])).status_code == 404
    # A reporting user has no access to dossiers.
    assert client.get(reverse("crt:dossier_list")).status_code == 404


@pytest.mark.django_db(databases=["default", "crt"])
def test_status_table_uses_the_status_on_the_reference_date(register, case_manager, frozen_now):
    from crt.services import dossier_status_change

    frozen_now(dt.datetime(2024, 1, 10, 10))
    dossiers = []
    for i in range(6):
        birth = dt.date(1980 + i, 1, 1)
        dossiers.append(register(first_name=f"P{i}", birth_date=birth, national_number=generate_number(birth, 2 * i + 2)))
    frozen_now(dt.datetime(2024, 3, 1, 10))
    for d in dossiers:
        dossier_status_change(actor=case_manager, dossier=d, status="civic_integration", effective_on=dt.date(2024, 2, 1))
    from crt.reporting import _counts

    january, _labels = _counts("status", dt.date(2024, 1, 31))
    february, _labels = _counts("status", dt.date(2024, 2, 1))
    assert january["registered"] == 6 and january["civic_integration"] == 0
    assert february["registered"] == 0 and february["civic_integration"] == 6


@pytest.mark.django_db(databases=["default", "crt"])
def test_report_export_as_xlsx_has_the_published_figures_typed_and_is_audited(client, login, make_user, register,
                                                                              frozen_now):
    import io

    from openpyxl import load_workbook

    frozen_now(dt.datetime(2024, 3, 1, 10))
    for i in range(8):
        birth = dt.date(1980 + i, 1, 1)
        register(first_name=f"P{i}", birth_date=birth, national_number=generate_number(birth, 2 * i + 2),
                 sex="F" if i < 6 else "M")
    user = make_user(CrtRoles.REPORTING)
    login(user)
    url = reverse("crt:report_export", args=["sex"])
    response = client.get(url, {"datum": "2024-03-01", "formaat": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="crt-sex-2024-03-01.xlsx"' in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    # F 6 -> 5, M 2 and X 0 hidden (together 2 < 5: F hidden too), total 8 -> 10: as on the page.
    table = report_table("sex", dt.date(2024, 3, 1))
    assert rows[1:4] == [(r.label, "x" if r.value is None else r.value) for r in table.rows]
    assert rows[4] == ("Totaal", 10) and isinstance(rows[4][1], int)
    assert "veelvoud van 5" in rows[5][0]
    event = AuditEvent.objects.using("crt").get(action=AuditActions.EXPORT)
    assert event.changes == {"dimension": "sex", "reference_date": "2024-03-01", "format": "xlsx"}
    # The CSV of the same table: Belgian (BOM, ';') with the same figures.
    csv = client.get(url, {"datum": "2024-03-01"}).content.decode("utf-8")
    assert csv.startswith("\ufeffGeslacht;aantal personen") and "Totaal;10" in csv


@pytest.mark.django_db(databases=["default", "crt"])
def test_the_reporting_page_runs_the_same_queries_whatever_the_number_of_persons(client, login, make_user, register,
                                                                                  case_manager, frozen_now):
    """One grouped sum for the six tables (crt.selectors.counts_on), the organisations' and the
    municipalities' names: the page does not query per person, per dossier or per table row."""
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from crt.services import address_move, dossier_status_change

    frozen_now(dt.datetime(2024, 3, 1, 10))
    login(make_user(CrtRoles.REPORTING))
    url = reverse("crt:reports") + "?datum=2024-03-01"
    client.get(url)  # sessions, caches

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connections["crt"]) as crt, CaptureQueriesContext(connections["default"]) as default:
            assert client.get(url).status_code == 200
        return len(crt), len(default)

    empty = queries()
    for i in range(12):
        birth = dt.date(1960 + i, 2, 29 if i % 4 == 0 else 1)
        dossier = register(first_name=f"P{i}", birth_date=birth, national_number=generate_number(birth, 2 * i + 2),
                           sex="FMX"[i % 3])
        if i % 3 == 0:
            address_move(person=dossier.person, municipality_refnis="11002", moved_on=dt.date(2024, 3, 1))
        if i % 4 == 0:
            dossier_status_change(actor=case_manager, dossier=dossier, status="closed", effective_on=dt.date(2024, 3, 1))
    assert queries() == empty
    assert empty[0] == 3  # the user's CRT roles, the counts of all six tables, the organisations
