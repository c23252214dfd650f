"""Municipality shapes for maps: the imported boundaries, simplified for the screen and cached.

A choropleth of Flanders is drawn about 1,000 px wide: one pixel is some 250 m. The stored
boundaries (1.4 MB of GeoJSON, 34,000 points, 0.35 s to read and parse on PostgreSQL) are far
finer than that. ``municipality_shapes`` keeps every ring's points that matter at ``TOLERANCE``
(Douglas–Peucker, per ring) with coordinates rounded to ``DIGITS`` decimals (about 10 m), and
caches the result for all municipalities under one key; ``shapes_changed`` (called by every
service that writes boundaries) drops it. Neighbours are simplified separately: the gaps this can
leave along a shared border are below ``TOLERANCE`` (~50 m), well under a pixel.
"""

from __future__ import annotations

import json

from django.core.cache import cache

from geo.models import MunicipalityBoundary

TOLERANCE = 0.0007  # degrees (≈ 50 m north–south, 75 m east–west in Flanders)
DIGITS = 4
CACHE_KEY = "geo:shapes:v1"
JSON_CACHE_KEY = "geo:shapes-json:v1"
CACHE_SECONDS = 24 * 3600


def _perpendicular(point, start, end) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return abs(x - x1) + abs(y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5


def simplify_ring(ring: list, tolerance: float = TOLERANCE, digits: int = DIGITS) -> list | None:
    """A closed ring with the points that lie further than ``tolerance`` from the simplified
    line (iterative Douglas–Peucker), rounded; None when fewer than four points remain."""
    if len(ring) < 4:
        return None
    keep = [False] * len(ring)
    keep[0] = keep[-1] = True
    # A closed ring starts and ends on one point: split it at the point furthest from the start.
    far = max(range(1, len(ring) - 1), key=lambda i: abs(ring[i][0] - ring[0][0]) + abs(ring[i][1] - ring[0][1]))
    keep[far] = True
    stack = [(0, far), (far, len(ring) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, 0
        for i in range(first + 1, last):
            distance = _perpendicular(ring[i], ring[first], ring[last])
            if distance > best:
                best, index = distance, i
        if best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    out = []
    for i, point in enumerate(ring):
        if keep[i]:
            rounded = [round(point[0], digits), round(point[1], digits)]
            if not out or out[-1] != rounded:
                out.append(rounded)
    if out[-1] != out[0]:
        out.append(out[0])
    return out if len(out) >= 4 else None


def simplify_geometry(geometry: dict, tolerance: float = TOLERANCE) -> dict:
    """A Polygon or MultiPolygon simplified ring by ring; a polygon whose outer ring vanishes is
    dropped, unless it is the only one (then its outer ring is kept as is, rounded)."""
    polygons = geometry["coordinates"] if geometry.get("type") == "MultiPolygon" else [geometry.get("coordinates", [])]
    out = []
    for polygon in polygons:
        rings = [simplify_ring(ring, tolerance) for ring in polygon]
        if rings and rings[0] is not None:
            out.append([r for r in rings if r is not None])
    if not out and polygons and polygons[0]:
        out = [[[[round(x, DIGITS), round(y, DIGITS)] for x, y in polygons[0][0]]]]
    return {"type": "MultiPolygon", "coordinates": out}


def municipality_shapes() -> dict[str, dict]:
    """REFNIS → simplified MultiPolygon for every municipality with a boundary (one query when
    the cache is cold, none when warm)."""
    shapes = cache.get(CACHE_KEY)
    if shapes is None:
        shapes = {
            refnis: simplify_geometry(geometry)
            for refnis, geometry in MunicipalityBoundary.objects.values_list("municipality_id", "geometry").iterator()
        }
        cache.set(CACHE_KEY, shapes, CACHE_SECONDS)
    return shapes


def municipality_shapes_json() -> dict[str, str]:
    """REFNIS → the simplified MultiPolygon as JSON text, cached: a map response splices these texts
    in instead of serialising 10,000 points on every request (and a cache read of 285 strings is
    cheaper than of the nested lists)."""
    texts = cache.get(JSON_CACHE_KEY)
    if texts is None:
        texts = {refnis: json.dumps(shape, separators=(",", ":")) for refnis, shape in municipality_shapes().items()}
        cache.set(JSON_CACHE_KEY, texts, CACHE_SECONDS)
    return texts


def shapes_changed() -> None:
    """Boundaries were written: the next map reads and simplifies them again."""
    cache.delete_many([CACHE_KEY, JSON_CACHE_KEY])
