"""The accounts admin: roles via role assignments (scope synced, audited); only a superuser hands out flags."""

import pytest

from accounts.constants import Roles
from accounts.models import RoleAssignment
from accounts.selectors import municipalities_for_user
from audit.constants import AuditActions
from audit.models import AuditEvent
from tests.factories import make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


@pytest.fixture
def support(login):
    return login(make_user(Roles.SUPPORT, is_staff=True))


def test_support_cannot_hand_out_superuser_groups_or_raw_permissions(support):
    target = make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"])
    response = support.get(f"/beheer/accounts/user/{target.pk}/change/")
    assert response.status_code == 200
    fields = set(response.context["adminform"].form.fields)
    assert {"username", "is_active", "organisation"} <= fields
    assert not fields & {"is_superuser", "user_permissions", "groups"}


def test_superuser_sees_the_flags(login):
    client = login(make_user(None, is_staff=True, is_superuser=True))
    target = make_user()
    fields = set(client.get(f"/beheer/accounts/user/{target.pk}/change/").context["adminform"].form.fields)
    assert "is_superuser" in fields


def test_role_assignment_through_the_admin_syncs_the_scope_and_is_audited(support):
    target = make_user()
    response = support.post(
        "/beheer/accounts/roleassignment/add/",
        {"user": target.pk, "role": Roles.HVT_MUNICIPAL_FULL, "municipalities": ["44021", "11002"]},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert RoleAssignment.objects.filter(user=target, role=Roles.HVT_MUNICIPAL_FULL).exists()
    assert set(municipalities_for_user(target).values_list("pk", flat=True)) == {"44021", "11002"}
    assert list(target.groups.values_list("name", flat=True)) == [Roles.HVT_MUNICIPAL_FULL]
    event = AuditEvent.objects.get(action=AuditActions.ROLE_ASSIGNED, object_type="accounts.roleassignment",
                                   changes__role=Roles.HVT_MUNICIPAL_FULL)
    assert event.changes["municipalities"] == ["11002", "44021"]


def test_the_admin_offers_no_crt_role(support, login):
    response = support.get("/beheer/accounts/roleassignment/add/")
    choices = {value for value, _ in response.context["adminform"].form.fields["role"].choices}
    assert Roles.HVT_MUNICIPAL_FULL in choices
    assert Roles.HVT_COORDINATOR not in choices  # above support's authority (accounts.authority)
    assert not choices & {"crt_case_manager", "crt_reporting", "crt_central_admin", "crt_security_auditor"}
    superuser = login(make_user(None, is_staff=True, is_superuser=True))
    choices = {value for value, _ in superuser.get("/beheer/accounts/roleassignment/add/").context["adminform"].form.fields["role"].choices}
    assert Roles.HVT_COORDINATOR in choices
    assert not choices & {"crt_case_manager", "crt_reporting", "crt_central_admin", "crt_security_auditor"}
    support = login(make_user(Roles.SUPPORT, is_staff=True))
    target = make_user()
    refused = support.post("/beheer/accounts/roleassignment/add/", {"user": target.pk, "role": "crt_case_manager"})
    assert refused.status_code == 200
    assert not RoleAssignment.objects.filter(user=target).exists()


def test_crt_role_assignment_is_audited_in_the_crt_database():
    from crt.models import AuditEvent as CrtAuditEvent

    user = make_user(Roles.CRT_REPORTING)
    assert CrtAuditEvent.objects.using("crt").filter(
        action=AuditActions.ROLE_ASSIGNED, changes__user_id=user.pk, changes__role="crt_reporting"
    ).exists()
    assert not AuditEvent.objects.filter(action=AuditActions.ROLE_ASSIGNED, changes__role="crt_reporting").exists()


def test_organisations_are_created_changed_and_deleted_through_the_service_and_audited(support, login):
    """The account admin's organisations go through ``accounts.services.organisation_save`` /
    ``organisation_delete``: each write is an audit event with its values, a save without a change
    writes none, and the form shows the model's refusals (a code already taken)."""
    from accounts.models import Organisation

    created = support.post("/beheer/accounts/organisation/add/",
                           {"name": "VLOT Oost", "kind": "vlot_team", "code": "vlot-oost", "province": ""})
    assert created.status_code == 302, created.context["adminform"].form.errors if created.context else created
    organisation = Organisation.objects.get(code="vlot-oost")
    event = AuditEvent.objects.get(action=AuditActions.CREATE, object_type="accounts.organisation")
    assert event.object_id == str(organisation.pk)
    assert event.changes == {"name": "VLOT Oost", "kind": "vlot_team", "code": "vlot-oost", "province": None}
    assert event.actor_id is not None  # the signed-in support user

    url = f"/beheer/accounts/organisation/{organisation.pk}/change/"
    changed = support.post(url, {"name": "VLOT Oost-Vlaanderen", "kind": "vlot_team", "code": "vlot-oost", "province": ""})
    assert changed.status_code == 302
    update = AuditEvent.objects.get(action=AuditActions.UPDATE, object_type="accounts.organisation")
    assert update.changes == {"name": ["VLOT Oost", "VLOT Oost-Vlaanderen"]}
    support.post(url, {"name": "VLOT Oost-Vlaanderen", "kind": "vlot_team", "code": "vlot-oost", "province": ""})
    assert AuditEvent.objects.filter(action=AuditActions.UPDATE, object_type="accounts.organisation").count() == 1

    Organisation.objects.create(name="Ander", kind="vlot_team", code="ander")
    taken = support.post(url, {"name": "VLOT Oost-Vlaanderen", "kind": "vlot_team", "code": "ander", "province": ""})
    assert taken.status_code == 200 and taken.context["adminform"].form.errors
    assert Organisation.objects.get(pk=organisation.pk).code == "vlot-oost"

    superuser = login(make_user(None, is_staff=True, is_superuser=True))
    deleted = superuser.post(f"/beheer/accounts/organisation/{organisation.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    gone = AuditEvent.objects.get(action=AuditActions.DELETE, object_type="accounts.organisation")
    assert gone.object_id == str(organisation.pk) and gone.changes["code"] == "vlot-oost"
