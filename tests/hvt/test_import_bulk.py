"""The bulk place import (hvt.resources.PlaceResource → hvt.services.place_register_bulk): every row under
the rules and scope of place_register, all or nothing, a bounded number of SQL statements."""

import datetime as dt
import math

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.constants import AuditActions
from audit.models import AuditEvent
from core import context
from hvt import services
from hvt.models import PlacePeriod, ReceptionPlace
from hvt.resources import PlaceResource
from tests.hvt.helpers import ANTWERPEN, ANTWERPEN_POSTAL, GENT, GENT_POSTAL, register

pytestmark = pytest.mark.django_db

COLUMNS = ["refnis", "name", "street", "house_number", "postal_code", "operator", "capacity", "category",
           "category_2_subtype", "start_date", "end_date", "accessible", "pets_allowed", "notes"]


def gent_row(i, **changes):
    row = dict(refnis=GENT, name="", street=f"Importstraat {i % 50}", house_number=str(i + 1), postal_code=GENT_POSTAL,
               operator="Import BV", capacity=4, category="1_private", category_2_subtype="", start_date="2023-01-01",
               end_date="", accessible="0", pets_allowed="1", notes="")
    row.update(changes)
    return [row[c] for c in COLUMNS]


def dataset(rows):
    return tablib.Dataset(*rows, headers=COLUMNS)


def run_import(rows, user, **kwargs):
    return PlaceResource().import_data(dataset(rows), user=user, **kwargs)


def import_events():
    return AuditEvent.objects.filter(object_type="hvt.receptionplace", action=AuditActions.CREATE)


def test_one_bad_row_among_many_writes_nothing_and_names_the_row(coordinator):
    rows = [gent_row(i) for i in range(60)]
    rows[36] = gent_row(36, postal_code=ANTWERPEN_POSTAL)  # row 37: the postal code of Antwerpen
    result = run_import(rows, coordinator)
    assert result.has_validation_errors() and not result.has_errors()
    assert [r.number for r in result.invalid_rows] == [37]
    assert result.invalid_rows[0].error_dict == {"postal_code": ["Postcode 2000 hoort niet bij deze gemeente."]}
    assert result.totals["invalid"] == 1 and result.totals["new"] == 59
    assert not ReceptionPlace.objects.exists() and not import_events().exists()


def test_every_bad_row_is_named_parse_errors_and_rule_errors_alike(coordinator):
    rows = [gent_row(i) for i in range(10)]
    rows[1] = gent_row(1, start_date="1 april")  # not a date: the widget refuses it
    rows[4] = gent_row(4, start_date="2022-03-01")  # before 14 March 2022
    rows[6] = gent_row(6, end_date="2022-12-31")  # ends before it starts
    rows[8] = gent_row(8, category="2")  # category 2 without a type
    result = run_import(rows, coordinator)
    errors = {r.number: r.error_dict for r in result.invalid_rows}
    assert sorted(errors) == [2, 5, 7, 9]
    assert "start_date" in errors[2]
    assert errors[5] == {"start_date": ["De startdatum kan niet voor 14 maart 2022 liggen."]}
    assert errors[7] == {"end_date": ["De einddatum ligt voor de startdatum van de plaats."]}
    assert "category_2_subtype" in errors[9]
    assert not ReceptionPlace.objects.exists()


def test_rows_outside_the_importers_scope_are_refused_by_row(gent_officer):
    rows = [gent_row(i) for i in range(5)]
    rows.insert(3, gent_row(3, refnis=ANTWERPEN, postal_code=ANTWERPEN_POSTAL))  # row 4
    result = run_import(rows, gent_officer)
    assert [r.number for r in result.invalid_rows] == [4]
    assert result.invalid_rows[0].error_dict == {"__all__": [f"U hebt geen toegang tot gemeente {ANTWERPEN}."]}
    assert not ReceptionPlace.objects.exists()


def test_unknown_municipality_is_refused_like_an_out_of_scope_one(coordinator):
    result = run_import([gent_row(0), gent_row(1, refnis="99999")], coordinator)
    assert [r.number for r in result.invalid_rows] == [2]
    assert not ReceptionPlace.objects.exists()


def test_a_file_without_errors_is_registered_with_an_audit_event_per_place(gent_officer, frozen_now):
    moment = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    frozen_now(moment)
    token = context.bind(context.RequestContext(request_id="req-import-1", client_ip="192.0.2.7"))
    try:
        result = run_import([gent_row(i) for i in range(25)], gent_officer)
    finally:
        context.reset(token)
    assert not result.has_errors() and not result.has_validation_errors() and result.totals["new"] == 25
    places = ReceptionPlace.objects.order_by("pk")
    assert places.count() == 25
    assert {(p.source, p.status, p.municipality_id) for p in places} == {("import", "registered", GENT)}
    events = {e.object_id: e for e in import_events()}
    assert set(events) == {str(p.pk) for p in places}
    place = places[0]
    event = events[str(place.pk)]
    assert (event.occurred_at, event.actor_id, event.actor_username) == (moment, gent_officer.pk, "officer-gent")
    assert (event.request_id, event.client_ip, event.reason) == ("req-import-1", "192.0.2.7", "")
    assert event.object_repr == str(place)
    assert event.changes["source"] == "import" and event.changes["municipality_id"] == GENT
    assert event.changes["start_date"] == "2023-01-01" and event.changes["pets_allowed"] is True


def test_bulk_audit_event_has_the_fields_of_place_register_s_event(gent_officer):
    single = register(gent_officer, street="Importstraat 0", house_number="1", operator="Import BV",
                      category="1_private", start_date=dt.date(2023, 1, 1), pets_allowed=True)
    run_import([gent_row(0)], gent_officer)
    single_event, bulk_event = import_events().order_by("pk")
    bulk_place = ReceptionPlace.objects.exclude(pk=single.pk).get()
    assert bulk_event.object_id == str(bulk_place.pk)
    assert single_event.changes | {"source": "import"} == bulk_event.changes
    for name in ("actor_id", "actor_username", "action", "object_type", "reason", "request_id", "client_ip"):
        assert getattr(single_event, name) == getattr(bulk_event, name), name


def test_dry_run_writes_nothing(coordinator):
    result = run_import([gent_row(i) for i in range(5)], coordinator, dry_run=True)
    assert result.totals["new"] == 5 and not result.has_validation_errors()
    assert all(row.diff for row in result.rows)  # the preview shows each row
    assert not ReceptionPlace.objects.exists() and not import_events().exists()


def test_spreadsheet_numbers_for_codes_are_read_as_codes(coordinator):
    result = run_import([gent_row(0, refnis=float(GENT), postal_code=float(GENT_POSTAL))], coordinator)
    assert not result.has_validation_errors(), result.invalid_rows
    assert ReceptionPlace.objects.get().postal_code == GENT_POSTAL


def insert_statements(model, n, batch_size=1000):
    """The INSERTs bulk_create needs for n new rows: ⌈n / batch⌉, the batch capped by the backend (SQLite:
    999 parameters per statement; PostgreSQL: no cap, so batch_size)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and not f.generated]  # as bulk_create writes them
    batch = min(batch_size, connection.ops.bulk_batch_size(fields, [None] * n))
    return math.ceil(n / batch)


def test_two_thousand_rows_take_a_bounded_number_of_statements(gent_officer, django_assert_max_num_queries):
    n = 2000
    inserts = insert_statements(ReceptionPlace, n) + insert_statements(AuditEvent, n)
    if connection.vendor == "postgresql":
        assert inserts == 4  # two batches of places, two of audit events
    gent_officer = type(gent_officer).objects.get(pk=gent_officer.pk)  # no cached roles: the worst case
    with django_assert_max_num_queries(26 + inserts):  # PostgreSQL: ≤ 30
        result = run_import([gent_row(i) for i in range(n)], gent_officer)
    assert not result.has_errors() and not result.has_validation_errors()
    ids = set(ReceptionPlace.objects.filter(source="import").values_list("pk", flat=True))
    assert len(ids) == n
    assert set(import_events().values_list("object_id", flat=True)) == {str(pk) for pk in ids}


def test_only_the_batch_inserts_grow_with_the_rows(gent_officer):
    other, inserts = [], []
    for n in (10, 900):
        user = type(gent_officer).objects.get(pk=gent_officer.pk)
        with CaptureQueriesContext(connection) as queries:
            result = run_import([gent_row(i) for i in range(n)], user)
        assert result.totals["new"] == n
        statements = [q["sql"].lstrip().upper() for q in queries]
        other.append(len([s for s in statements if not s.startswith("INSERT")]))
        inserts.append(len(statements) - other[-1])
        assert inserts[-1] == (
            insert_statements(ReceptionPlace, n) + insert_statements(PlacePeriod, n) + insert_statements(AuditEvent, n)
        )
    assert other[0] == other[1]
    assert inserts[0] == 3  # one for the places, one for their first periods, one for the events


def test_service_refuses_the_batch_and_names_every_failing_place(gent_officer):
    def arguments(**changes):
        data = dict(municipality=GENT, street="Kouter", house_number="1", postal_code=GENT_POSTAL, operator="Stad",
                    capacity=4, category="1_public", start_date=dt.date(2022, 4, 1))
        return data | changes

    batch = [arguments(), arguments(capacity=0), arguments(), arguments(municipality=ANTWERPEN,
                                                                          postal_code=ANTWERPEN_POSTAL)]
    with pytest.raises(services.PlaceBatchError) as caught:
        services.place_register_bulk(actor=gent_officer, places=batch)
    assert sorted(caught.value.errors) == [1, 3]
    assert "capacity" in caught.value.errors[1].message_dict
    assert isinstance(caught.value.errors[3], services.ScopeError)
    assert not ReceptionPlace.objects.exists() and not import_events().exists()


def test_system_actor_bulk_still_needs_an_existing_municipality():
    base = dict(street="Kouter", house_number="1", postal_code="", operator="Stad", capacity=4, category="1_public",
                start_date=dt.date(2022, 4, 1))
    with pytest.raises(services.PlaceBatchError) as caught:
        services.place_register_bulk(actor=None, places=[base | {"municipality": GENT}, base | {"municipality": "00000"}])
    assert set(caught.value.errors[0].message_dict) == {"postal_code"}  # blank
    assert set(caught.value.errors[1].message_dict) == {"postal_code", "municipality"}
    created = services.place_register_bulk(actor=None, places=[base | {"municipality": GENT, "postal_code": GENT_POSTAL}])
    assert [p.pk for p in created] == list(ReceptionPlace.objects.values_list("pk", flat=True))


def test_place_register_and_the_bulk_path_share_the_period_rule(gent_officer):
    with pytest.raises(ValidationError) as caught:
        register(gent_officer, end_date=dt.date(2022, 3, 31))
    assert caught.value.message_dict == {"end_date": ["De einddatum ligt voor de startdatum van de plaats."]}


# --- through the admin: a stored import, checked and then run by core's import task ------------------------

def _upload(client, capture, rows):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.models import Import

    upload = SimpleUploadedFile("plaatsen.csv", dataset(rows).export("csv").encode(), content_type="text/csv")
    with capture(execute=True):  # the check task runs when the upload's transaction commits
        response = client.post(reverse("admin:hvt_receptionplace_import"), {"import_file": upload})
    imp = Import.objects.get()
    assert response.status_code == 302 and response.headers["Location"] == reverse("admin:core_import_change",
                                                                                    args=[imp.pk])
    return imp


@pytest.mark.django_db(databases=["default", "crt"])
def test_admin_check_names_the_bad_row_and_offers_no_confirmation(client, login, coordinator,
                                                                  django_capture_on_commit_callbacks):
    login(coordinator)
    imp = _upload(client, django_capture_on_commit_callbacks, [gent_row(0), gent_row(1, postal_code=ANTWERPEN_POSTAL),
                                                               gent_row(2)])
    assert imp.status == "failed"
    assert [r["row"] for r in imp.report["row_errors"]] == [2]
    response = client.get(reverse("admin:core_import_change", args=[imp.pk]))
    assert response.status_code == 200 and not response.context["may_confirm"]
    assert "Postcode 2000 hoort niet bij deze gemeente." in response.content.decode()
    assert not ReceptionPlace.objects.exists() and not import_events().exists()


def test_admin_confirmed_import_writes_places_and_audit_events(client, login, coordinator,
                                                               django_capture_on_commit_callbacks):
    login(coordinator)
    imp = _upload(client, django_capture_on_commit_callbacks, [gent_row(i) for i in range(30)])
    assert imp.status == "ready" and not ReceptionPlace.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:core_import_confirm", args=[imp.pk]))
    assert response.status_code == 302
    imp.refresh_from_db()
    assert imp.status == "done" and imp.counts == {"new": 30}
    ids = {str(pk) for pk in ReceptionPlace.objects.values_list("pk", flat=True)}
    assert len(ids) == 30
    # one audit mechanism: an audit event per place (by the importer), and the Import records the file
    assert set(import_events().values_list("object_id", flat=True)) == ids
    assert set(import_events().values_list("actor_id", flat=True)) == {coordinator.pk}
