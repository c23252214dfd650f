"""The CRT admin logs its own actions in the CRT database only (issue 10, finding 10).

Django's ModelAdmin writes every add/change/delete to ``django_admin_log`` in the default (HVT)
database: CRT organisation names, role grants and transfers landed next to HVT data, readable by
HVT staff. The CRT admin's base class writes CRT audit events instead, and its "history" pages
and "recent actions" read them back.
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from audit.constants import AuditActions
from crt.admin import ADMIN_LOG_VIA, CrtModelAdmin, crt_admin_site
from crt.constants import CrtRoles
from crt.models import AuditEvent, Organisation

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


@pytest.fixture
def central_admin(make_user):
    return make_user(CrtRoles.CENTRAL_ADMIN, username="crt-central")


def _admin_events(**filters):
    return AuditEvent.objects.using("crt").filter(changes__via=ADMIN_LOG_VIA, **filters).order_by("pk")


def test_add_change_delete_write_the_crt_trail_and_nothing_in_the_default_database(client, login, central_admin):
    login(central_admin)
    response = client.post(reverse("crt_admin:crt_organisation_add"),
                           {"code": "nieuw", "name": "Nieuwe organisatie", "is_active": "on"})
    assert response.status_code == 302
    org = Organisation.objects.using("crt").get(code="nieuw")
    response = client.post(reverse("crt_admin:crt_organisation_change", args=[org.pk]),
                           {"code": "nieuw", "name": "Hernoemde organisatie", "is_active": "on"})
    assert response.status_code == 302
    response = client.post(reverse("crt_admin:crt_organisation_delete", args=[org.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Organisation.objects.using("crt").filter(pk=org.pk).exists()

    assert not LogEntry.objects.using("default").exists()  # nothing of the CRT in the HVT database
    added, changed, deleted = _admin_events(object_type="crt.organisation", object_id=str(org.pk))
    assert [added.action, changed.action, deleted.action] == [AuditActions.CREATE, AuditActions.UPDATE,
                                                                AuditActions.DELETE]
    assert {e.actor_id for e in (added, changed, deleted)} == {central_admin.pk}
    assert changed.changes["message"] == [{"changed": {"fields": ["Naam"]}}]
    assert deleted.object_repr == "Hernoemde organisatie"


def test_bulk_delete_and_role_grants_are_logged_in_the_crt_trail(client, login, central_admin, make_user, org):
    from crt.models import RoleAssignment

    newcomer = make_user(None, username="nieuwe-dossierbeheerder")
    login(central_admin)
    response = client.post(reverse("crt_admin:crt_roleassignment_add"),
                           {"user_id": newcomer.pk, "role": "crt_case_manager", "organisation": org.pk})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.using("crt").get(user_id=newcomer.pk)
    a, b = (Organisation.objects.using("crt").create(code=f"weg-{i}", name=f"Weg {i}") for i in (1, 2))
    response = client.post(reverse("crt_admin:crt_organisation_changelist"),
                           {"action": "delete_selected", "_selected_action": [a.pk, b.pk], "post": "yes"})
    assert response.status_code == 302 and not Organisation.objects.using("crt").filter(code__startswith="weg-").exists()

    assert not LogEntry.objects.using("default").exists()
    assert _admin_events(object_type="crt.roleassignment", object_id=str(assignment.pk),
                         action=AuditActions.CREATE).count() == 1
    assert set(_admin_events(action=AuditActions.DELETE).values_list("object_id", flat=True)) == {str(a.pk), str(b.pk)}


def test_history_and_recent_actions_read_the_crt_trail(client, login, central_admin, make_user):
    login(central_admin)
    client.post(reverse("crt_admin:crt_organisation_add"), {"code": "hist", "name": "Historiek", "is_active": "on"})
    org = Organisation.objects.using("crt").get(code="hist")
    client.post(reverse("crt_admin:crt_organisation_change", args=[org.pk]),
                {"code": "hist", "name": "Historiek 2", "is_active": ""})
    # An HVT admin action of the same person, in the default database: not CRT history.
    LogEntry.objects.log_actions(user_id=central_admin.pk, queryset=[central_admin], action_flag=2,
                                 change_message="HVT-wijziging-marker")

    body = client.get(reverse("crt_admin:crt_organisation_history", args=[org.pk])).content.decode()
    assert "crt-central" in body and "aangemaakt" in body.lower() and "Naam en Actief gewijzigd" in body
    assert "HVT-wijziging-marker" not in body
    index = client.get(reverse("crt_admin:index")).content.decode()
    assert "Historiek 2" in index and "HVT-wijziging-marker" not in index
    assert central_admin.username not in index.split('id="recent-actions-module"')[1].split("</div>")[0]


def test_every_crt_admin_logs_to_the_crt_trail():
    """A ModelAdmin registered on the CRT site without the CRT base class would write
    django_admin_log in the default database again (e.g. a new user-management admin)."""
    for model, model_admin in crt_admin_site._registry.items():
        assert isinstance(model_admin, CrtModelAdmin), model
        for name in ("log_addition", "log_change", "log_deletions", "history_view"):
            assert getattr(type(model_admin), name) is getattr(CrtModelAdmin, name), (model, name)
