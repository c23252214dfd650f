"""The municipality map of the overview (issue 11) against its SQL twin (registered by
``benchmarks.operations``, which imports this module)."""

from __future__ import annotations

import json

from benchmarks.generate import TODAY
from benchmarks.operations import AVAILABLE_SQL, CAPACITY_SQL, PERIOD_JOIN_SQL, _coordinator, _fetch, _need, _within
from benchmarks.registry import Bench, NotAvailable, operation

# --- The municipality map of the overview (issue 11): GET /hvt/dashboard/kaart.geojson ------------------
_map_check = _within(500, 2)


@operation("dashboard_map", title="Municipality map GeoJSON, all Flanders (coordinator): figures + shapes, serialised",
           target="≤ 2× SQL and < 500 ms", check=_map_check)
def dashboard_map(ctx) -> Bench:

    _need("geo.MunicipalityBoundary")
    try:
        from hvt.maps import municipality_map_json_for_user
    except ImportError as exc:
        raise NotAvailable("hvt.maps.municipality_map_json_for_user") from exc

    from geo.models import MunicipalityBoundary
    from geo.services import bundled_boundaries_load
    from geo.shapes import municipality_shapes
    from hvt.constants import CATEGORY_2_CONFIRMATION_FROM
    from hvt.models import MunicipalityTarget

    if not MunicipalityBoundary.objects.exists():  # the generator loads the reference data without boundaries
        bundled_boundaries_load()
    coordinator = _coordinator()
    round_id = MunicipalityTarget.objects.order_by("-round_id").values_list("round_id", flat=True).first()
    day = TODAY
    shapes_bytes = len(json.dumps(municipality_shapes(), separators=(",", ":")))  # warms the cache, as the first view

    def orm():
        # What the view does: the figures (two statements), the cached geometry texts spliced in.
        return municipality_map_json_for_user(coordinator, day=day)

    # The floor: PostgreSQL builds the whole FeatureCollection itself (the stored, unsimplified
    # geometry; the same figures by the period-aware available rule of operation 1).
    sql_text = f"""
        WITH avail AS (SELECT p.municipality_id, SUM({CAPACITY_SQL}) AS beds
                       FROM hvt_receptionplace p {PERIOD_JOIN_SQL}
                       WHERE {AVAILABLE_SQL} GROUP BY 1)
        SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(json_build_object(
            'type', 'Feature', 'id', m.refnis,
            'properties', json_build_object('refnis', m.refnis, 'name', m.name_nl, 'target', t.assigned,
                'available', COALESCE(a.beds, 0),
                'realisation', CASE WHEN t.assigned > 0 THEN ROUND(100.0 * COALESCE(a.beds, 0) / t.assigned, 1) END),
            'geometry', b.geometry) ORDER BY m.refnis), '[]'::json))::text
        FROM geo_municipality m
        LEFT JOIN avail a ON a.municipality_id = m.refnis
        LEFT JOIN hvt_municipalitytarget t ON t.municipality_id = m.refnis AND t.round_id = %(round)s
        LEFT JOIN geo_municipalityboundary b ON b.municipality_id = m.refnis
    """

    def sql():
        return _fetch(sql_text, {"day": day, "cat2_from": CATEGORY_2_CONFIRMATION_FROM, "round": round_id})[0][0]

    def figures(text):
        return sorted((f["properties"]["refnis"], f["properties"]["target"], f["properties"]["available"])
                      for f in json.loads(text)["features"])

    sizes = {}

    def same(a, b):
        sizes.update(orm=len(a.encode()), sql=len(b.encode()))
        return figures(a) == figures(b)

    return Bench(orm=orm, sql=sql, same=same, rows=MunicipalityBoundary.objects.count(),
                 note=f"ORM: hvt.maps.municipality_map_json_for_user; simplified shapes {shapes_bytes:,} bytes "
                      f"(geo.shapes, cached); SQL: json_build_object over the stored geometry. Compared: "
                      f"refnis, target and available beds of every feature")
