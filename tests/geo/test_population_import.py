"""The population import as a stored import (kind "geo.population", geo/imports.py) and the command,
with small Statbel files built in the test: the year option, CSV and xlsx, the file limits."""

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.constants import Roles
from audit.models import AuditEvent
from core import services
from core.constants import ImportStatuses
from geo.models import PopulationFigure
from tests.core.import_helpers import csv_bytes, xlsx_bytes
from tests.factories import make_user

pytestmark = pytest.mark.django_db

HEADER = ["NIS code", "Woonplaats", "Mannen", "Vrouwen", "Totaal"]
ROWS = [
    ["02000", "Vlaams Gewest", "300", "300", "600"],  # an aggregate: ignored
    ["44021", "Gent", "100", "110", "210"],
    ["11002", "Antwerpen", "150", "140", "290"],
    ["11007", "Borsbeek", "50", "50", "100"],  # merged into Antwerpen in 2025: summed
]


@pytest.fixture
def coordinator():
    return make_user(Roles.HVT_COORDINATOR, is_staff=True)


def run(user, content, name="bevolking.csv", year=2023):
    imp = services.import_create(actor=user, kind="geo.population", file_name=name, content=content,
                                 options={"year": year})
    services.import_process(import_id=imp.pk)
    imp.refresh_from_db()
    return imp


@pytest.mark.parametrize(("name", "content"), [
    ("bevolking.csv", csv_bytes(ROWS, headers=HEADER)),
    ("bevolking.xlsx", xlsx_bytes([[r[0], r[1], int(r[2]), int(r[3]), int(r[4])] for r in ROWS], headers=HEADER)),
])
def test_check_then_import_stores_the_year_and_one_audit_event(coordinator, name, content):
    imp = run(coordinator, content, name=name)
    assert imp.status == ImportStatuses.READY, imp.error
    assert imp.report["preview"] == [["11002", "2023", "200", "190", "390"], ["44021", "2023", "100", "110", "210"]]
    assert not PopulationFigure.objects.exists()
    services.import_confirm(actor=coordinator, import_=imp)
    assert services.import_process(import_id=imp.pk) == ImportStatuses.DONE
    figures = dict(PopulationFigure.objects.filter(year=2023).values_list("municipality_id", "total"))
    assert figures == {"11002": 390, "44021": 210}
    event = AuditEvent.objects.get(action="import", object_type="geo.populationfigure")
    assert (event.actor_id, event.changes["year"], event.changes["file"]) == (coordinator.pk, 2023, name)


def test_a_bad_row_fails_the_check_and_names_it(coordinator):
    rows = [*ROWS[:2], ["71022", "Hasselt", "1", "1", "5"]]
    imp = run(coordinator, csv_bytes(rows, headers=HEADER))
    assert imp.status == ImportStatuses.FAILED
    assert "rij 4: NIS-code 71022: mannen + vrouwen (1 + 1) ≠ totaal (5)." in imp.error
    assert imp.report["file_errors"] == [imp.error]
    assert not PopulationFigure.objects.exists()


@override_settings(IMPORT_MAX_ROWS=3)
def test_the_row_limit_holds_for_the_population_too(coordinator):
    imp = run(coordinator, csv_bytes(ROWS, headers=HEADER))
    assert imp.status == ImportStatuses.FAILED and "meer dan 3 rijen" in imp.error
    assert not PopulationFigure.objects.exists()


@override_settings(IMPORT_MAX_ROWS=3)
def test_the_command_applies_the_same_limits(tmp_path):
    path = tmp_path / "bevolking.csv"
    path.write_bytes(csv_bytes(ROWS, headers=HEADER))
    with pytest.raises(CommandError) as caught:
        call_command("import_population", str(path), "--year", "2023")
    assert "Niets opgeslagen." in str(caught.value) and "meer dan 3 rijen" in str(caught.value)
    assert not PopulationFigure.objects.exists()
    with override_settings(IMPORT_MAX_ROWS=4):
        call_command("import_population", str(path), "--year", "2023")
    assert PopulationFigure.objects.filter(year=2023).count() == 2
