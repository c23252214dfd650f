"""The audit admin is read-only for everyone, and only the HVT security auditor reads it."""

import pytest

from accounts.constants import Roles
from audit.constants import AuditActions
from audit.models import AuditEvent
from audit.services import audit_log
from tests.factories import make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

LIST = "/beheer/audit/auditevent/"


@pytest.fixture
def event():
    return audit_log(actor=None, action=AuditActions.OTHER, object_type="test.thing", object_id=42, object_repr="proef")


@pytest.fixture
def auditor(login):
    return login(make_user(Roles.HVT_SECURITY_AUDITOR, is_staff=True))


def test_auditor_reads_the_list_and_the_detail(auditor, event):
    response = auditor.get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert "proef" in body
    assert "/beheer/audit/auditevent/add/" not in body
    detail = auditor.get(f"{LIST}{event.pk}/change/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert 'name="_save"' not in html
    assert "deletelink" not in html


def test_nobody_adds_changes_or_deletes_through_the_admin(auditor, event):
    assert auditor.get(f"{LIST}add/").status_code == 403
    assert auditor.post(f"{LIST}add/", {"action": "other"}).status_code == 403
    response = auditor.post(f"{LIST}{event.pk}/change/", {"action": "delete", "object_repr": "vervalst"})
    assert response.status_code == 403
    assert auditor.post(f"{LIST}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = auditor.post(LIST, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    assert bulk.status_code in (200, 302, 403)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == "other" and stored.object_repr == "proef"


def test_superuser_cannot_change_or_delete_either(login, event):
    client = login(make_user(None, is_staff=True, is_superuser=True))
    assert client.get(LIST).status_code == 200
    assert client.get(f"{LIST}add/").status_code == 403
    assert client.post(f"{LIST}{event.pk}/change/", {"object_repr": "vervalst"}).status_code == 403
    assert client.post(f"{LIST}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).object_repr == "proef"


def test_support_does_not_read_the_audit_trail(login, event):
    client = login(make_user(Roles.SUPPORT, is_staff=True))
    assert client.get(LIST).status_code == 403
    assert "auditevent" not in client.get("/beheer/").content.decode()
