"""The product carries its reference files (geo/data/): `load_reference_data` loads the 2020
population and the boundaries from them onto the 285 merged municipalities, so the demo has
targets and realisation on a machine that has nothing but the repository."""

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.db.models import Sum

from accounts.constants import Roles
from geo.models import Municipality, MunicipalityBoundary, PopulationFigure
from geo.services import BUNDLED_BOUNDARIES_FILE, BUNDLED_POPULATION_FILE, DATA_DIR
from hvt.models import MunicipalityTarget
from tests.factories import make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

FLANDERS_2020 = 6629143


def _file_total(code):
    with BUNDLED_POPULATION_FILE.open(encoding="utf-8-sig", newline="") as fh:
        return next(int(row["Totaal"]) for row in csv.DictReader(fh) if row["NIS code"] == code)


def _load():
    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    return out.getvalue()


def test_the_files_live_in_the_repository_with_source_and_licence():
    assert DATA_DIR.is_relative_to(DATA_DIR.parent.parent)  # geo/data inside the project
    assert BUNDLED_POPULATION_FILE.stat().st_size > 20_000
    assert BUNDLED_BOUNDARIES_FILE.stat().st_size > 500_000
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for fact in ("Statbel", "CC BY 4.0", "CC0", "bmesuere/belgium-topojson", BUNDLED_POPULATION_FILE.name,
                 BUNDLED_BOUNDARIES_FILE.name, "46030"):
        assert fact in readme, fact


def test_load_reference_data_loads_population_and_boundaries_of_all_285_municipalities():
    assert not PopulationFigure.objects.exists()
    assert not MunicipalityBoundary.objects.exists()
    output = _load()
    assert "population_2020_added: 285" in output
    assert "boundaries_added: 285" in output
    figures = PopulationFigure.objects.filter(year=2020)
    assert figures.count() == 285
    assert figures.aggregate(total=Sum("total"))["total"] == FLANDERS_2020 == _file_total("02000")
    # pre-2025 codes are summed into the merged municipality
    assert figures.get(municipality_id="11002").total == _file_total("11002") + _file_total("11007")
    assert figures.get(municipality_id="46030").total == sum(_file_total(c) for c in ("46003", "46013", "11056"))
    assert figures.get(municipality_id="44021").total == _file_total("44021")
    assert not Municipality.objects.filter(boundary__isnull=True).exists()
    merged = MunicipalityBoundary.objects.get(municipality_id="71072")  # Hasselt + Kortessem
    assert merged.geometry["type"] == "MultiPolygon" and len(merged.geometry["coordinates"]) >= 2
    assert "CC0" in merged.source


def test_load_reference_data_is_idempotent_and_keeps_imported_figures():
    _load()
    gent = PopulationFigure.objects.get(municipality_id="44021", year=2020)
    PopulationFigure.objects.filter(pk=gent.pk).update(men=1, women=2, total=3)  # a coordinator's correction
    boundary = MunicipalityBoundary.objects.get(municipality_id="44021")
    MunicipalityBoundary.objects.filter(pk=boundary.pk).update(geometry={"type": "MultiPolygon", "coordinates": []},
                                                               source="import")
    before = list(PopulationFigure.objects.order_by("pk").values_list("pk", "municipality_id", "total"))
    output = _load()
    assert "population_2020_added: 0" in output and "boundaries_added: 0" in output
    assert list(PopulationFigure.objects.order_by("pk").values_list("pk", "municipality_id", "total")) == before
    assert PopulationFigure.objects.get(pk=gent.pk).total == 3
    assert MunicipalityBoundary.objects.get(pk=boundary.pk).source == "import"
    assert MunicipalityBoundary.objects.count() == 285


def test_demo_after_load_reference_data_shows_targets_and_realisation(client, login):
    """What `make run` does (load_reference_data, then seed_demo): targets from the real
    population, and a realisation figure instead of "—"."""
    _load()
    call_command("seed_demo", "--small", stdout=io.StringIO())
    gent = MunicipalityTarget.objects.filter(municipality_id="44021").order_by("-round__effective_on").first()
    assert gent is not None, "no target round: the demo found no population"
    assert gent.population == _file_total("44021")
    assert gent.assigned > 0
    login(make_user(Roles.HVT_COORDINATOR))
    body = client.get("/hvt/doelstellingen/").content.decode()
    assert "Totaal Vlaanderen: 30.000 plaatsen" in body  # Belgian-Dutch thousands separator
    realisations = re.findall(r'<td class="text-end text-nowrap">([^<]*)</td>\s*</tr>', body)
    assert len(realisations) == 100  # first page
    # "—" only where the target is 0 (Herstappe, 79 inhabitants, gets no place of 30,000)
    assert sum(r.strip().endswith("%") for r in realisations) >= 95, realisations
