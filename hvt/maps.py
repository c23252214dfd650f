"""The municipality map of the VLOT / coordinator overview (issue 11): a GeoJSON FeatureCollection
of exactly the municipalities in the user's dashboard scope, with the figures of the dashboard.

Contract (``GET /hvt/dashboard/kaart.geojson``, optional ``?provincie=<REFNIS>``): one Feature per
municipality in scope, ``id`` its REFNIS code, properties ``refnis``, ``name``, ``target``
(assigned beds of the round in force, or null), ``available`` (available validated beds today,
``hvt.querysets.available_q``) and ``realisation`` (available / target as a **percentage** with
one decimal, a JSON number, or null without a target: ``hvt.querysets.realisation``). A
municipality without an imported boundary has ``"geometry": null``. Geometry: WGS84 longitude /
latitude, simplified for the screen (``geo.shapes``).

Statements: those of ``selectors.capacity_overview_for_user`` (three) plus at most one for the
shapes (none when cached): the count does not depend on the number of places or municipalities.
"""

from __future__ import annotations

import datetime as dt

from geo.shapes import municipality_shapes
from hvt.selectors import capacity_overview_for_user


def _number(value):
    return None if value is None else float(value)


def municipality_map_for_user(user, *, province: str = "", day: dt.date | None = None,
                              overview: dict | None = None) -> dict:
    """The FeatureCollection (see the module); ``overview`` reuses figures already computed."""
    overview = overview or capacity_overview_for_user(user, province=province, day=day)
    shapes = municipality_shapes()
    features = [
        {
            "type": "Feature",
            "id": row["refnis"],
            "properties": {
                "refnis": row["refnis"], "name": row["name"], "target": row["target"],
                "available": row["available"], "realisation": _number(row["realisation"]),
            },
            "geometry": shapes.get(row["refnis"]),
        }
        for row in sorted(overview["rows"], key=lambda r: r["refnis"])
    ]
    return {"type": "FeatureCollection", "features": features}
