"""The CRT realm: only a CRT role grants CRT access. No HVT role, no superuser/staff flag."""

import pytest
from django.db import IntegrityError, transaction

from accounts.constants import CRT_ROLES, DEFAULT_REALM_ROLES, Roles
from accounts.models import RoleAssignment
from accounts.services import RoleError, role_assign
from crt.models import RoleAssignment as CrtRoleAssignment
from crt.realm import crt_roles_for_user, user_has_crt_role
from tests.factories import make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

SCOPES = {
    Roles.HVT_MUNICIPAL_FULL: {"municipalities": ["44021"]},
    Roles.HVT_MUNICIPAL_LIMITED: {"municipalities": ["44021"]},
    Roles.HVT_VLOT: {"provinces": ["40000"]},
}


@pytest.mark.parametrize("role", sorted(DEFAULT_REALM_ROLES))
def test_no_default_realm_role_grants_a_crt_role(role):
    user = make_user(role, **SCOPES.get(role, {}))
    assert user_has_crt_role(user) is False
    assert crt_roles_for_user(user) == frozenset()
    for crt_role in CRT_ROLES:
        assert user_has_crt_role(user, crt_role) is False


def test_superuser_and_staff_flags_grant_no_crt_role():
    boss = make_user(Roles.HVT_COORDINATOR, is_superuser=True, is_staff=True)
    assert boss.is_superuser
    assert user_has_crt_role(boss) is False
    for crt_role in CRT_ROLES:
        assert user_has_crt_role(boss, crt_role) is False
    assert not CrtRoleAssignment.objects.using("crt").filter(user_id=boss.pk).exists()


def _superuser(make_user_kwargs=None):
    return make_user(None, is_superuser=True, is_staff=True, **(make_user_kwargs or {}))


@pytest.mark.parametrize("path", ["/crt/", "/crt/beheer/", "/crt/beheer/crt/roleassignment/", "/crt/beheer/crt/auditevent/"])
@pytest.mark.parametrize("verified", [False, True])
def test_superuser_without_crt_role_gets_no_crt_page(login, path, verified):
    client = login(_superuser(), verified=verified)
    response = client.get(path)
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        location = response.headers["Location"]
        # to the second factor (not verified yet) or to the CRT admin login, never into the CRT
        assert "/account/tweestapsverificatie/" in location or "/crt/beheer/login/" in location
    body = response.content.decode()
    assert "Dossierbeheerder" not in body and "crt_case_manager" not in body


def test_verified_superuser_gets_404_on_crt_index_and_login_redirect_on_crt_admin(login):
    client = login(_superuser())
    assert client.get("/").status_code == 200  # verified: the platform itself is reachable
    assert client.get("/crt/").status_code == 404
    response = client.get("/crt/beheer/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/crt/beheer/login/")


def test_hvt_coordinator_gets_404_on_crt(login):
    client = login(make_user(Roles.HVT_COORDINATOR))
    assert client.get("/crt/").status_code == 404


def test_crt_case_manager_reaches_the_crt(login):
    user = make_user(Roles.CRT_CASE_MANAGER)
    response = login(user).get("/crt/")
    assert response.status_code == 200
    assert user_has_crt_role(user, Roles.CRT_CASE_MANAGER)


@pytest.mark.parametrize("role", sorted(CRT_ROLES))
def test_a_crt_role_cannot_be_stored_in_accounts_role_assignment(role):
    user = make_user()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=role)
    assert not RoleAssignment.objects.filter(user=user).exists()


@pytest.mark.parametrize("role", sorted(CRT_ROLES))
def test_role_assign_refuses_a_crt_role(role):
    user = make_user()
    with pytest.raises(RoleError):
        role_assign(user=user, role=role)
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert not CrtRoleAssignment.objects.using("crt").filter(user_id=user.pk).exists()
