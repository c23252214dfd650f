"""The municipality map of the VLOT / coordinator overview (issue 11): a GeoJSON FeatureCollection
of exactly the municipalities in the user's dashboard scope, with the figures of the dashboard.

Contract (``GET /hvt/dashboard/kaart.geojson``, optional ``?provincie=<REFNIS>``): one Feature per
municipality in scope, ``id`` its REFNIS code, properties ``refnis``, ``name``, ``target``
(assigned beds of the round in force, or null), ``available`` (available validated beds today,
``hvt.querysets.available_q``) and ``realisation`` (available / target as a **percentage** with
one decimal, a JSON number, or null without a target: ``hvt.querysets.realisation``). A
municipality without an imported boundary has ``"geometry": null``. Geometry: WGS84 longitude /
latitude, simplified for the screen (``geo.shapes``).

Statements: two — the municipalities in scope with their target (as the dashboard), and the
available beds per municipality (``hvt.querysets``: the same rule, read through the period in force;
the map needs neither the occupied beds nor the split per category, the costly parts of the
dashboard's ``capacity_overview_for_user``) — plus at most one for the shapes (none when cached):
the count does not depend on the number of places or municipalities.
"""

from __future__ import annotations

import datetime as dt
import json

from django.db.models import IntegerField, OuterRef, Subquery, Sum

from accounts.selectors import municipalities_for_user
from core import clock
from geo.shapes import municipality_shapes, municipality_shapes_json
from hvt.models import MunicipalityTarget, ReceptionPlace
from hvt.querysets import available_in_force_q, capacity_in_force, realisation, with_period_on
from hvt.selectors import DASHBOARD_ROLES, _current_round_id


def _number(value):
    return None if value is None else float(value)


def map_figures_for_user(user, *, province: str = "", day: dt.date | None = None) -> list[dict]:
    """Per municipality in the dashboard scope: ``refnis``, ``name``, ``target`` (round in force),
    ``available`` (beds available on ``day``) and ``realisation`` — the dashboard's figures, two statements."""
    day = day or clock.today()
    scope = municipalities_for_user(user, roles=DASHBOARD_ROLES)
    if province:
        scope = scope.filter(province_id=province)
    target = Subquery(
        MunicipalityTarget.objects.filter(round_id=_current_round_id(day), municipality=OuterRef("pk"))
        .order_by().values("assigned")[:1], output_field=IntegerField(),
    )
    available = dict(
        with_period_on(ReceptionPlace.objects.order_by(), day)
        .filter(available_in_force_q(day), municipality__in=scope.values("pk"))
        .values("municipality").annotate(beds=Sum(capacity_in_force())).values_list("municipality", "beds")
    )
    rows = []
    for refnis, name, assigned in scope.order_by("refnis").annotate(target=target).values_list("refnis", "name_nl", "target"):
        beds = available.get(refnis) or 0
        rows.append({"refnis": refnis, "name": name, "target": assigned, "available": beds,
                     "realisation": realisation(beds, assigned)})
    return rows


def municipality_map_for_user(user, *, province: str = "", day: dt.date | None = None,
                              overview: dict | None = None) -> dict:
    """The FeatureCollection (see the module); ``overview`` (the dashboard's) reuses figures already computed."""
    rows = overview["rows"] if overview else map_figures_for_user(user, province=province, day=day)
    shapes = municipality_shapes()
    features = [
        {
            "type": "Feature",
            "id": row["refnis"],
            "properties": _properties(row),
            "geometry": shapes.get(row["refnis"]),
        }
        for row in sorted(rows, key=lambda r: r["refnis"])
    ]
    return {"type": "FeatureCollection", "features": features}


def _properties(row: dict) -> dict:
    return {"refnis": row["refnis"], "name": row["name"], "target": row["target"],
            "available": row["available"], "realisation": _number(row["realisation"])}


def municipality_map_json_for_user(user, *, province: str = "", day: dt.date | None = None) -> str:
    """``municipality_map_for_user`` as the response's JSON text: the figures are serialised per
    request, the cached geometry texts (``geo.shapes.municipality_shapes_json``) are spliced in."""
    rows = map_figures_for_user(user, province=province, day=day)
    shapes = municipality_shapes_json()

    def dumps(value) -> str:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)

    features = ",".join(
        f'{{"type":"Feature","id":{dumps(row["refnis"])},"properties":{dumps(_properties(row))},'
        f'"geometry":{shapes.get(row["refnis"], "null")}}}'
        for row in sorted(rows, key=lambda r: r["refnis"])
    )
    return f'{{"type":"FeatureCollection","features":[{features}]}}'
