# ruff: noqa: F811 - the fixtures of tests/hvt/test_dashboard.py are imported and used as arguments
"""The overview of issue 11: the map's GeoJSON contract, the weekly evolution and its export, the
page's headline and grouped table — known figures of a hand-built data set (tests/hvt/test_dashboard.py's
``fixture_data``: Gent 18 available / 7 occupied / target 20, Antwerpen 7, Hasselt 4), the scope of a
VLOT user of one province in every figure, map feature and export, and constant statement counts."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import resolve_url
from django.urls import reverse

from accounts.constants import Roles
from accounts.selectors import roles_for_user
from audit.constants import AuditActions
from audit.models import AuditEvent
from geo import shapes
from geo.models import Municipality
from geo.services import bundled_boundaries_load
from hvt import overview
from hvt.maps import municipality_map_for_user, municipality_map_json_for_user
from tests.hvt.helpers import ANTWERPEN, ANTWERPEN_POSTAL, GENT, HASSELT, allocate, validated
from tests.hvt.test_dashboard import (  # noqa: F401 - fixtures
    CAT1,
    CAT3,
    OOST_VLAANDEREN,
    _csv_rows,
    fixture_data,
    snapshots,
    today,
    vlot,
)

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


@pytest.fixture
def boundaries(db):
    cache.delete_many([shapes.CACHE_KEY, shapes.JSON_CACHE_KEY])
    bundled_boundaries_load()
    yield
    cache.delete_many([shapes.CACHE_KEY, shapes.JSON_CACHE_KEY])


def _features(collection):
    return {f["properties"]["refnis"]: f for f in collection["features"]}


# --- the GeoJSON contract ---------------------------------------------------------------------------


def test_map_has_one_feature_per_municipality_in_scope_with_the_dashboard_figures(fixture_data, boundaries,
                                                                                 coordinator):
    collection = municipality_map_for_user(coordinator)
    features = _features(collection)
    assert collection["type"] == "FeatureCollection"
    assert set(features) == set(Municipality.objects.values_list("pk", flat=True))
    assert len(collection["features"]) == len(features)  # one each
    gent = features[GENT]
    assert gent["properties"] == {"refnis": GENT, "name": "Gent", "target": 20, "available": 18, "realisation": 90.0}
    assert features[ANTWERPEN]["properties"]["realisation"] == 35.0
    assert features[HASSELT]["properties"]["available"] == 4
    assert gent["geometry"]["type"] == "MultiPolygon" and gent["geometry"]["coordinates"]
    ring = gent["geometry"]["coordinates"][0][0]
    assert ring[0] == ring[-1] and len(ring) >= 4
    lon, lat = ring[0]
    assert 2.5 < lon < 6.0 and 50.6 < lat < 51.6  # WGS84, in Flanders


def test_vlot_of_one_province_gets_only_its_municipalities_over_http(client, login, fixture_data, boundaries, vlot):
    login(vlot)
    response = client.get(reverse("hvt:dashboard_map"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    collection = json.loads(response.content)
    refnis = {f["properties"]["refnis"] for f in collection["features"]}
    assert refnis == set(Municipality.objects.filter(province_id=OOST_VLAANDEREN).values_list("pk", flat=True))
    assert ANTWERPEN not in refnis and HASSELT not in refnis
    assert _features(collection)[GENT]["properties"]["available"] == 18
    # asking for another province does not widen the scope: the filter is ignored
    other = json.loads(client.get(reverse("hvt:dashboard_map"), {"provincie": "70000"}).content)
    assert {f["properties"]["refnis"] for f in other["features"]} == refnis


def test_province_filter_narrows_the_map(client, login, fixture_data, coordinator):
    login(coordinator)
    collection = json.loads(client.get(reverse("hvt:dashboard_map"), {"provincie": OOST_VLAANDEREN}).content)
    refnis = {f["properties"]["refnis"] for f in collection["features"]}
    assert GENT in refnis and ANTWERPEN not in refnis
    assert all(f["geometry"] is None for f in collection["features"])  # no boundaries imported: null, not missing


def test_municipal_officer_sees_only_its_municipality(client, login, fixture_data, gent_officer):
    login(gent_officer)
    collection = json.loads(client.get(reverse("hvt:dashboard_map")).content)
    assert [f["properties"]["refnis"] for f in collection["features"]] == [GENT]


@pytest.mark.parametrize("role", [Roles.HVT_MUNICIPAL_LIMITED, Roles.HVT_SECURITY_AUDITOR, Roles.PORTAL_USER])
def test_roles_without_the_dashboard_get_403(client, login, make_user, role):
    user = make_user(role, municipalities=[GENT] if role == Roles.HVT_MUNICIPAL_LIMITED else [])
    login(user)
    assert client.get(reverse("hvt:dashboard_map")).status_code == 403
    assert client.get(reverse("hvt:dashboard_evolution_export")).status_code == 403


def test_anonymous_goes_to_the_login_page(client):
    response = client.get(reverse("hvt:dashboard_map"))
    assert response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_simplified_shapes_of_all_flanders_stay_small_and_are_cached(boundaries, django_assert_num_queries):
    with django_assert_num_queries(1):
        all_shapes = shapes.municipality_shapes()
    assert len(all_shapes) == Municipality.objects.count()
    size = len(json.dumps(all_shapes, separators=(",", ":")))
    assert size < 300_000  # 1.4 MB as stored
    with django_assert_num_queries(0):
        assert shapes.municipality_shapes() == all_shapes
    for geometry in all_shapes.values():
        assert geometry["coordinates"], "every municipality keeps at least one polygon"
        for polygon in geometry["coordinates"]:
            assert all(ring[0] == ring[-1] and len(ring) >= 4 for ring in polygon)


def test_a_new_boundary_import_drops_the_cached_shapes(boundaries, django_capture_on_commit_callbacks):
    from geo.services import boundaries_import

    shapes.municipality_shapes()
    square = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"nis": GENT}, "geometry": {
        "type": "Polygon", "coordinates": [[[3.6, 51.0], [3.8, 51.0], [3.8, 51.1], [3.6, 51.1], [3.6, 51.0]]]}}]}
    with django_capture_on_commit_callbacks(execute=True):
        boundaries_import(raw=json.dumps(square).encode())
    assert shapes.municipality_shapes()[GENT]["coordinates"] == [[[[3.6, 51.0], [3.8, 51.0], [3.8, 51.1], [3.6, 51.1],
                                                                    [3.6, 51.0]]]]
    assert json.loads(shapes.municipality_shapes_json()[GENT]) == shapes.municipality_shapes()[GENT]


def test_the_response_text_is_the_same_collection(fixture_data, boundaries, coordinator, vlot):
    """The view splices cached geometry texts into the JSON; the result is the collection itself."""
    shapes.municipality_shapes_json()  # warm
    for user in (coordinator, vlot):
        assert json.loads(municipality_map_json_for_user(user)) == municipality_map_for_user(user)
    assert json.loads(municipality_map_json_for_user(coordinator, province="40000"))["features"]


def test_map_statement_count_does_not_grow_with_the_data(fixture_data, boundaries, coordinator,
                                                         django_assert_max_num_queries):
    roles_for_user(coordinator)
    shapes.municipality_shapes()  # warm, as after the first view of the day
    with django_assert_max_num_queries(3):
        small = municipality_map_for_user(coordinator)
    for i in range(10):
        place = validated(coordinator, capacity=5, category=CAT1, street=f"Groei {i}")
        allocate(coordinator, place, size=2, start=dt.date(2024, 1, 1), ref=f"HH-MAP-{i}")
        validated(coordinator, municipality=ANTWERPEN, postal_code=ANTWERPEN_POSTAL, capacity=3, street=f"M {i}")
    with django_assert_max_num_queries(3):
        large = municipality_map_for_user(coordinator)
    assert _features(large)[GENT]["properties"]["available"] == _features(small)[GENT]["properties"]["available"] + 50


# --- the weekly evolution -----------------------------------------------------------------------------


def test_weekly_series_keeps_the_last_snapshot_of_each_week_in_scope(snapshots, coordinator, vlot,
                                                                     django_assert_max_num_queries):
    roles_for_user(coordinator)
    with django_assert_max_num_queries(2):
        weeks = overview.weekly_series_for_user(coordinator)
    assert [w["date"] for w in weeks] == [dt.date(2023, 12, 15), dt.date(2023, 12, 31), dt.date(2024, 2, 10),
                                          dt.date(2024, 2, 29)]
    last = weeks[-1]
    assert last["categories"][CAT1] == {"available": 100, "occupied": 85} and last["categories"][CAT3]["occupied"] == 20
    assert last["individual_share"] == Decimal("81.0")  # 85 / 105
    vlot_weeks = overview.weekly_series_for_user(vlot)
    assert vlot_weeks[-1]["categories"][CAT1] == {"available": 40, "occupied": 35}  # Antwerpen left out


def test_weekly_series_is_one_statement_on_more_data(snapshots, coordinator, django_assert_max_num_queries):
    from hvt.models import CapacitySnapshot
    from tests.hvt.test_dashboard import _snapshot

    roles_for_user(coordinator)
    CapacitySnapshot.objects.bulk_create([_snapshot(dt.date(2023, 1, 1) + dt.timedelta(days=d), GENT, CAT1, 5, 1)
                                          for d in range(60)])
    with django_assert_max_num_queries(2):
        assert len(overview.weekly_series_for_user(coordinator)) > 4


def test_target_line_steps_to_the_round_in_force_on_each_week_in_scope(fixture_data, snapshots, coordinator, vlot,
                                                                      django_assert_max_num_queries):
    """Round 1 (20 per municipality) from 01-04-2022; round 2 (40 each) from 01-01-2024. The weeks of
    December 2023 carry round 1's sum, those of February 2024 round 2's; a VLOT user of one province
    sees the sum over its province's municipalities only."""
    from hvt import services

    services.target_round_create(actor=coordinator, total=40 * Municipality.objects.count(),
                                 effective_on=dt.date(2024, 1, 1))
    everywhere = Municipality.objects.count()
    roles_for_user(coordinator)
    with django_assert_max_num_queries(2):
        weeks = overview.weekly_series_for_user(coordinator)
    assert [(w["date"], w["target"]) for w in weeks] == [
        (dt.date(2023, 12, 15), 20 * everywhere), (dt.date(2023, 12, 31), 20 * everywhere),
        (dt.date(2024, 2, 10), 40 * everywhere), (dt.date(2024, 2, 29), 40 * everywhere)]
    in_province = Municipality.objects.filter(province_id=OOST_VLAANDEREN).count()
    assert [w["target"] for w in overview.weekly_series_for_user(vlot)][-1] == 40 * in_province


def test_weeks_before_the_first_round_have_no_target(snapshots, coordinator):
    roles_for_user(coordinator)
    assert {w["target"] for w in overview.weekly_series_for_user(coordinator)} == {None}  # no round at all


def test_evolution_export_has_the_weeks_of_the_scope_and_is_audited(client, login, fixture_data, snapshots, vlot):
    login(vlot)
    response = client.get(reverse("hvt:dashboard_evolution_export"), {"formaat": "csv"})
    assert response.status_code == 200
    rows = _csv_rows(response)
    header, body = rows[0], rows[1:]
    last = dict(zip(header, body[-1], strict=True))
    assert last["Week (laatste momentopname)"] == "29-02-2024"
    assert last["Categorie 1 – publiek – bezet"] == "35" and last["Beschikbaar"] == "140"  # Gent only: 40 + 100
    assert last["Objectief"] == str(20 * Municipality.objects.filter(province_id=OOST_VLAANDEREN).count())
    assert AuditEvent.objects.filter(action=AuditActions.EXPORT, object_type="hvt.dashboard_evolution",
                                     actor_id=vlot.pk).exists()


# --- the page -----------------------------------------------------------------------------------------


def test_overview_page_shows_headline_map_config_and_grouped_table(client, login, fixture_data, snapshots, vlot):
    login(vlot)
    response = client.get(reverse("hvt:dashboard"))
    html = response.content.decode()
    assert 'style="' not in html and "<script>" not in html  # strict CSP
    headline = {h["key"]: h for h in response.context["headline"]}
    assert headline[CAT1]["available"] == 10 and headline["2"]["occupied"] == 4
    assert headline["1_private+1_public"]["available"] == 10  # category 1, public + private
    total = headline["1_public+1_private+2+3"]
    assert (total["available"], total["occupied"], total["free"]) == (18, 7, 11)
    assert response.context["sort"] == "realisatie"  # furthest behind first by default
    groups = response.context["groups"]
    assert [g["total"]["province_id"] for g in groups] == [OOST_VLAANDEREN]
    rows = groups[0]["rows"]
    assert rows[-1]["refnis"] == GENT and rows[0]["realisation"] <= rows[-1]["realisation"]
    config = json.loads(html.split('id="hvt-map-config" type="application/json">')[1].split("</script>")[0])
    assert config["url"] == reverse("hvt:dashboard_map")
    assert config["detail"] == reverse("hvt:municipality_detail", args=["REFNIS"])
    assert f'href="{reverse("hvt:municipality_detail", args=[GENT])}"' in html
    assert "Antwerpen" not in html


def test_a_municipal_officer_is_sent_to_the_place_list_not_the_municipality_page(client, login, fixture_data,
                                                                                 gent_officer):
    login(gent_officer)
    html = client.get(reverse("hvt:dashboard")).content.decode()
    config = json.loads(html.split('id="hvt-map-config" type="application/json">')[1].split("</script>")[0])
    assert config["detail"] == reverse("hvt:place_list") + "?municipality=REFNIS"


def test_overview_page_statement_count_does_not_grow(client, login, fixture_data, coordinator,
                                                     django_assert_max_num_queries):
    login(coordinator)
    client.get(reverse("hvt:dashboard"))  # warm the session and the navigation caches
    with django_assert_max_num_queries(40) as small:
        client.get(reverse("hvt:dashboard"))
    for i in range(10):
        validated(coordinator, capacity=5, category=CAT1, street=f"Groei {i}")
        validated(coordinator, municipality=ANTWERPEN, postal_code=ANTWERPEN_POSTAL, capacity=3, street=f"P {i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("hvt:dashboard"))


def test_map_figures_equal_the_dashboard_rows_for_every_municipality(fixture_data, coordinator, vlot):
    from hvt.selectors import capacity_overview_for_user

    for user in (coordinator, vlot):
        overview = {r["refnis"]: r for r in capacity_overview_for_user(user)["rows"]}
        features = _features(municipality_map_for_user(user))
        assert set(features) == set(overview)
        for refnis, feature in features.items():
            row = overview[refnis]
            expected = {"refnis": refnis, "name": row["name"], "target": row["target"], "available": row["available"],
                        "realisation": None if row["realisation"] is None else float(row["realisation"])}
            assert feature["properties"] == expected
