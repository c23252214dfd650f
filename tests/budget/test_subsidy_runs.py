"""Runs: approval order and role, immutability, recalculation, the subsidy_run command contract,
and no float on the money path."""

import ast
import datetime as dt
import io
import json
import pathlib
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from budget.constants import RunStatuses
from budget.models import ApprovedRunError, SubsidyLine, SubsidyRun
from budget.subsidy.services import SubsidyRefused, run_approve
from hvt.constants import PlaceCategories as C
from tests.budget.subsidy_helpers import NOW, approve_through, calc, coordinator, place
from tests.factories import make_user

# the subsidy reads the CRT guidance counts (crt database)
pytestmark = pytest.mark.django_db(databases=["default", "crt"])


@pytest.fixture(autouse=True)
def _now(frozen_now):
    frozen_now(NOW)


def test_approval_is_refused_while_an_earlier_tranche_is_not_approved():
    boss = coordinator()
    run = calc("2022-09", boss)
    with pytest.raises(SubsidyRefused, match="2022-06"):
        run_approve(run=run, actor=boss)
    approve_through("2022-06", boss)
    with pytest.raises(SubsidyRefused, match="opnieuw"):  # calculated before 2022-06 was approved
        run_approve(run=run, actor=boss)


def test_only_the_subsidy_coordination_calculates_and_approves():
    officer = make_user("hvt_coordinator")
    with pytest.raises(SubsidyRefused):
        calc("2022-06", officer)
    run = calc("2022-06")
    with pytest.raises(SubsidyRefused):
        run_approve(run=run, actor=officer)
    assert SubsidyRun.objects.get(pk=run.pk).status == RunStatuses.DRAFT


def test_an_approved_run_and_its_lines_never_change():
    place(category=C.CAT2, subtype="hotel", capacity=1, start=dt.date(2022, 6, 1))
    boss = coordinator()
    run = approve_through("2022-06", boss)
    line = SubsidyLine.objects.get(run=run)
    line.amount = Decimal("1.00")
    with pytest.raises(ApprovedRunError):
        line.save()
    with pytest.raises(ApprovedRunError):
        line.delete()
    with pytest.raises(ApprovedRunError):
        SubsidyLine.objects.filter(run=run).update(amount=Decimal("0.00"))
    with pytest.raises(ApprovedRunError):
        SubsidyLine.objects.filter(run=run).delete()
    run.total = Decimal("0.00")
    with pytest.raises(ApprovedRunError):
        run.save()
    with pytest.raises(SubsidyRefused):
        calc("2022-06", boss)
    assert SubsidyLine.objects.get(pk=line.pk).amount == Decimal("1050.00")


def test_recalculating_a_draft_replaces_its_lines_and_keeps_the_previous_totals():
    """Hotel of 1 bed from 1 June: 30 × € 35 = € 1,050.00; a second hotel → € 2,100.00."""
    place(category=C.CAT2, subtype="hotel", capacity=1, start=dt.date(2022, 6, 1))
    first = calc("2022-06")
    assert first.total == Decimal("1050.00")
    place(category=C.CAT2, subtype="hotel", capacity=1, start=dt.date(2022, 6, 1))
    again = calc("2022-06")
    assert again.pk == first.pk and again.total == Decimal("2100.00")
    assert again.inputs["previous_totals"]["total"] == "1050.00"
    assert SubsidyLine.objects.filter(run=again).count() == 2


def test_subsidy_run_command_json_contract_and_refusals():
    place(category=C.CAT2, subtype="hotel", capacity=1, start=dt.date(2022, 6, 1))
    make_user("hvt_subsidy_coordinator", username="coord")
    make_user("hvt_coordinator", username="notcoord")
    out = io.StringIO()
    call_command("subsidy_run", "2022-06", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "tranche": "2022-06", "status": "draft", "total": "1050.00", "municipalities": {"44021": "1050.00"},
    }
    with pytest.raises(CommandError, match="refused"):
        call_command("subsidy_run", "2022-09", "--approve", "--actor", "coord", stdout=io.StringIO())
    with pytest.raises(CommandError, match="refused"):
        call_command("subsidy_run", "2022-06", "--approve", "--actor", "notcoord", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("subsidy_run", "2022-06", "--approve", stdout=io.StringIO())
    with pytest.raises(CommandError, match="unknown tranche"):
        call_command("subsidy_run", "1999-01", stdout=io.StringIO())
    out = io.StringIO()
    call_command("subsidy_run", "2022-06", "--approve", "--actor", "coord", "--json", stdout=out)
    assert json.loads(out.getvalue())["status"] == "approved"


def test_no_float_on_the_money_path():
    """No float() call, float annotation or float literal anywhere in budget/subsidy."""
    root = pathlib.Path(__file__).resolve().parents[2] / "budget" / "subsidy"
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Name) and node.id == "float":
                offenders.append(f"{path.name}:{node.lineno}")
            if isinstance(node, ast.Constant) and isinstance(node.value, float):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_the_celery_task_calculates_and_reports_progress():
    from budget.models import Tranche
    from budget.subsidy.progress import progress_get
    from budget.tasks import subsidy_run_calculate

    place(category=C.CAT2, subtype="hotel", capacity=1, start=dt.date(2022, 6, 1))
    tranche = Tranche.objects.get(code="2022-06")
    boss = coordinator()
    assert subsidy_run_calculate.delay(tranche.pk, boss.pk).get() == "1050.00"
    assert progress_get(tranche.pk) == 100
    assert SubsidyRun.objects.get(tranche=tranche).progress == 100


def test_the_statement_count_does_not_grow_with_the_number_of_places():
    """One place or twelve (of every rule kind, with allocations): the same number of statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.budget.subsidy_helpers import allocate

    def build(n):
        for i in range(n):
            place(capacity=2, start=dt.date(2022, 4, 1))
            hotel = place(category=C.CAT2, subtype="hotel", capacity=3, start=dt.date(2022, 4, 1))
            allocate(hotel, size=2, start=dt.date(2022, 5, 1), fee=Decimal("1.00"), ref=f"HH-H{n}-{i}")
            private = place(category=C.CAT1_PRIVATE, capacity=3, start=dt.date(2022, 4, 1))
            allocate(private, size=2, start=dt.date(2022, 4, 1), ref=f"HH-P{n}-{i}")

    counts = []
    for n, code in ((1, "2022-06"), (4, "2022-09")):
        build(n)
        with CaptureQueriesContext(connection) as queries:
            calc(code)
        counts.append(len(queries))
    assert counts[0] == counts[1]
