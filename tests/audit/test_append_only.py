"""Audit events are append-only: the model, the queryset, the admin and (PostgreSQL) a trigger refuse changes."""

import pytest
from django.db import DatabaseError, connections, transaction
from django.test import override_settings

from accounts.constants import Roles
from audit.constants import AuditActions
from audit.models import AppendOnlyError, AuditEvent
from audit.services import audit_log
from crt.models import AuditEvent as CrtAuditEvent
from tests.factories import make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

REALMS = [("default", AuditEvent), ("crt", CrtAuditEvent)]


@pytest.fixture
def actor():
    return make_user(Roles.SUPPORT)


def _event(database, actor):
    return audit_log(actor=actor, action=AuditActions.OTHER, object_type="test.thing", object_id=7,
                     object_repr="ding", changes={"a": 1}, database=database)


@pytest.mark.parametrize(("database", "model"), REALMS)
def test_audit_log_writes_to_the_realms_own_table(database, model, actor):
    event = _event(database, actor)
    assert isinstance(event, model)
    assert event._state.db == database
    assert model.objects.using(database).filter(pk=event.pk, actor_id=actor.pk, object_id="7").exists()
    other = "crt" if database == "default" else "default"
    other_model = CrtAuditEvent if model is AuditEvent else AuditEvent
    assert not other_model.objects.using(other).filter(object_type="test.thing").exists()


@pytest.mark.parametrize(("database", "model"), REALMS)
def test_orm_refuses_to_change_or_delete_an_event(database, model, actor):
    event = _event(database, actor)
    event.action = AuditActions.DELETE
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    qs = model.objects.using(database).filter(pk=event.pk)
    with pytest.raises(AppendOnlyError):
        qs.update(action=AuditActions.DELETE)
    with pytest.raises(AppendOnlyError):
        qs.delete()
    with pytest.raises(AppendOnlyError):
        model.objects.using(database).all().delete()
    with pytest.raises(AppendOnlyError), transaction.atomic(using=database):
        model.objects.using(database).bulk_update([event], ["action"])
    stored = model.objects.using(database).get(pk=event.pk)
    assert stored.action == AuditActions.OTHER
    assert stored.changes == {"a": 1}


@pytest.mark.parametrize(("database", "model"), REALMS)
def test_postgresql_trigger_refuses_raw_update_and_delete(database, model, actor):
    connection = connections[database]
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL only (SQLite relies on the ORM guards)")
    event = _event(database, actor)
    table = connection.ops.quote_name(model._meta.db_table)
    for sql in (f"UPDATE {table} SET action = 'delete' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(using=database), connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT action FROM {table} WHERE id = %s", [event.pk])
        assert cursor.fetchone() == ("other",)


@override_settings(TRUSTED_PROXIES=["10.1.2.0/24"])
def test_events_carry_the_request_id_and_client_ip(client):
    """From a trusted proxy (tests/core/test_proxies.py: only from a trusted proxy)."""
    user = make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"])
    from tests.factories import TEST_PASSWORD

    response = client.post(
        "/account/aanmelden/", {"username": user.username, "password": TEST_PASSWORD},
        HTTP_X_REQUEST_ID="req-123", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="198.51.100.4",
    )
    assert response.headers["X-Request-ID"] == "req-123"
    event = AuditEvent.objects.get(action=AuditActions.LOGIN, actor_id=user.pk)
    assert event.request_id == "req-123"
    assert event.client_ip == "198.51.100.4"
