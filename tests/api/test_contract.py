"""Finding 12: ids are numbers (404 otherwise, never a 500), every parameter a view accepts is
validated and in the schema, every error response is documented with its body, and the schema
validates. The fuzzer (test_schema_fuzz.py) explores; these pin the cases of the finding."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.urls import URLPattern, get_resolver

from accounts.constants import Roles
from tests.hvt.helpers import make_allocation, make_place

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

GENT = "44021"


@pytest.fixture
def api(client, login, make_user):
    login(make_user(Roles.HVT_COORDINATOR))
    client.raise_request_exception = True  # a 500 raises here instead of passing as a response
    return client


@pytest.fixture
def schema(client):
    response = client.get("/api/v1/schema/", {"format": "json"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def _json_error(response, status):
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
    return response.json()


# --- ids are numbers --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "url"), [
    ("patch", "/api/v1/hvt/places/null,null/"),       # from the finding
    ("post", "/api/v1/hvt/allocations/false/move/"),  # from the finding
    ("get", "/api/v1/hvt/places/abc/"),
    ("get", "/api/v1/hvt/places/-1/"),
    ("get", "/api/v1/hvt/places/1.5/"),
    ("get", "/api/v1/hvt/places/%20/"),
    ("get", "/api/v1/hvt/offers/1e3/"),
    ("post", "/api/v1/hvt/places/true/close/"),
    ("post", "/api/v1/hvt/offers/[]/validate/"),
    ("get", "/api/v1/hvt/targets/0x10/"),
    ("get", "/api/v1/hvt/places/" + "9" * 40 + "/"),  # beyond bigint: no object, not a database error
    ("get", "/api/v1/hvt/places/0/"),
])
def test_a_non_numeric_or_unknown_id_is_a_json_404(api, method, url):
    body = _json_error(getattr(api, method)(url, {}, content_type="application/json"), 404)
    assert body == {"detail": "Niet gevonden."}


def test_every_detail_route_of_the_api_matches_numbers_only():
    resolver = get_resolver()
    api = next(p for p in resolver.url_patterns if str(p.pattern) == "api/v1/")
    detail = [p for p in api.url_patterns if isinstance(p, URLPattern) and "pk" in p.pattern.converters]
    assert len(detail) >= 10  # place, allocation, offer, target and their actions
    for pattern in detail:
        assert type(pattern.pattern.converters["pk"]).__name__ == "IntConverter", pattern
    assert not [p for p in api.url_patterns if "format" in str(p.pattern)], "no .json suffix routes"


def test_a_real_id_still_answers(api):
    place = make_place(municipality=GENT)
    allocation = make_allocation(municipality=GENT)
    assert api.get(f"/api/v1/hvt/places/{place.pk}/").json()["id"] == place.pk
    assert api.get(f"/api/v1/hvt/allocations/{allocation.pk}/").json()["id"] == allocation.pk


def test_other_404s_outside_the_api_stay_pages(client):
    response = client.get("/hvt/plaatsen/abc/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# --- parameters: validated, and in the schema -------------------------------------------------------------

LIST_PARAMETERS = {
    "/api/v1/hvt/places/": {"q", "municipality", "category", "status", "free", "page"},
    "/api/v1/hvt/allocations/": {"place", "active_on", "page"},
    "/api/v1/hvt/targets/": {"municipality", "page"},
    "/api/v1/hvt/offers/": {"page"},
}


def test_the_schema_lists_every_parameter_the_lists_accept(schema):
    for path, expected in LIST_PARAMETERS.items():
        documented = {p["name"] for p in schema["paths"][path]["get"].get("parameters", []) if p["in"] == "query"}
        assert documented == expected, path


@pytest.mark.parametrize(("url", "field"), [
    ("/api/v1/hvt/places/?free=maybe", "free"),
    ("/api/v1/hvt/places/?municipality=Gent", "municipality"),
    ("/api/v1/hvt/places/?category=4", "category"),
    ("/api/v1/hvt/places/?status=open", "status"),
    ("/api/v1/hvt/places/?q=" + "x" * 201, "q"),
    ("/api/v1/hvt/places/?q=a&q=b", "q"),
    ("/api/v1/hvt/allocations/?place=abc", "place"),   # was silently ignored: every allocation came back
    ("/api/v1/hvt/allocations/?place=0", "place"),
    ("/api/v1/hvt/allocations/?active_on=2022-13-01", "active_on"),
    ("/api/v1/hvt/targets/?municipality=4402", "municipality"),
])
def test_an_invalid_filter_is_a_400_naming_the_parameter(api, url, field):
    body = _json_error(api.get(url), 400)
    assert list(body) == [field]
    assert all(isinstance(message, str) and message for message in body[field])


@pytest.mark.parametrize("page", ["0", "", "abc", "-1", "1.0", "9" * 30])
def test_an_invalid_page_is_a_404_not_page_one(api, page):
    assert _json_error(api.get(f"/api/v1/hvt/places/?page={page}"), 404) == {"detail": "Ongeldige pagina."}
    assert _json_error(api.get("/api/v1/hvt/places/?page=1&page=1"), 404)


def test_valid_filters_filter(api):
    gent = make_place(municipality=GENT)
    make_place(municipality="71072")
    ids = [row["id"] for row in api.get(f"/api/v1/hvt/places/?municipality={GENT}&free=true&status=validated").json()["results"]]
    assert ids == [gent.pk]
    allocation = make_allocation(municipality=GENT)
    rows = api.get(f"/api/v1/hvt/allocations/?place={allocation.place_id}").json()["results"]
    assert [row["id"] for row in rows] == [allocation.pk]


# --- bodies: JSON of the documented types ------------------------------------------------------------------

def test_a_body_of_the_wrong_json_type_is_a_400(api):
    allocation = make_allocation(municipality=GENT)
    url = f"/api/v1/hvt/allocations/{allocation.pk}/end/"
    body = _json_error(api.post(url, {"end_date": "2022-06-01", "reason": 0}, content_type="application/json"), 400)
    assert body == {"reason": ["Verwacht tekst."]}
    place = make_place(municipality=GENT)
    body = _json_error(api.patch(f"/api/v1/hvt/places/{place.pk}/", {"capacity": "5", "accessible": 1},
                                 content_type="application/json"), 400)
    assert body == {"capacity": ["Verwacht een geheel getal."], "accessible": ["Verwacht true of false."]}
    allocation.refresh_from_db()
    assert allocation.end_date is None


def test_a_form_body_is_a_415_and_a_required_boolean_cannot_be_left_out(api):
    place = make_place(municipality=GENT)
    url = f"/api/v1/hvt/places/{place.pk}/quality-check/"
    # as a form, a missing checkbox used to count as "false" and the check was recorded
    response = api.post(url, {"checked_on": "2022-04-02", "inspector": "X", "no_category_3_defects": "false",
                              "no_critical_category_2_defects": "false", "no_overcrowding": "false"})
    assert "detail" in _json_error(response, 415)
    body = _json_error(api.post(url, {"checked_on": "2022-04-02", "inspector": "X", "no_category_3_defects": False,
                                      "no_critical_category_2_defects": False, "no_overcrowding": False},
                                content_type="application/json"), 400)
    assert list(body) == ["not_uninhabitable"]


# --- every error response is documented ------------------------------------------------------------------

def test_every_operation_documents_its_error_responses(schema):
    operations = [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()
                  if method in ("get", "post", "patch", "put", "delete")]
    assert len(operations) == 18
    for path, method, operation in operations:
        codes = set(operation["responses"])
        expected = {"400", "401", "403", "404"} | ({"415"} if method in ("post", "patch", "put") else set())
        assert expected <= codes, (method, path, codes)
        for code in expected:
            content = operation["responses"][code]["content"]
            assert list(content) == ["application/json"], (method, path, code)
        if "requestBody" in operation:
            assert list(operation["requestBody"]["content"]) == ["application/json"], (method, path)
    components = schema["components"]["schemas"]
    assert components["Error"]["required"] == ["detail"]
    assert set(components["ValidationError"]["properties"]) == {"detail", "non_field_errors"}


def test_ids_are_integers_in_the_schema(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    assert parameter["schema"]["type"] == "integer", (method, path, parameter)


def test_the_schema_validates(tmp_path):
    target = tmp_path / "schema.json"
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(target),
                 stdout=out, stderr=out)
    assert json.loads(target.read_text())["openapi"].startswith("3.")


def test_a_nul_character_in_a_json_body_is_a_400(api):
    place = make_place(municipality=GENT)
    body = _json_error(api.patch(f"/api/v1/hvt/places/{place.pk}/", {"notes": "a\u0000b", "operator": "\u0000"},
                                 content_type="application/json"), 400)
    assert set(body) == {"notes", "operator"}
    place.refresh_from_db()
    assert "\x00" not in place.notes + place.operator
