"""sync_roles: one group per default-realm role code with exactly the permissions declared in code."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from accounts.constants import CRT_ROLES, DEFAULT_REALM_ROLES, Roles
from accounts.roles import role_permissions
from tests.factories import make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


def _group_perms(name):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=name).permissions.select_related("content_type")
    }


def test_sync_roles_makes_one_group_per_default_realm_role_with_the_declared_permissions():
    Group.objects.all().delete()
    call_command("sync_roles", stdout=io.StringIO())
    names = set(Group.objects.values_list("name", flat=True))
    assert names == {str(r) for r in DEFAULT_REALM_ROLES}
    assert len(names) == 8
    assert not names & {str(r) for r in CRT_ROLES}
    declared = role_permissions()
    existing = {f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related("content_type")}
    for role in DEFAULT_REALM_ROLES:
        assert _group_perms(role) == declared[role] & existing, role
    assert "accounts.change_user" in _group_perms(Roles.SUPPORT)
    assert "audit.view_audit_trail" in _group_perms(Roles.HVT_SECURITY_AUDITOR)
    assert "audit.view_audit_trail" not in _group_perms(Roles.SUPPORT)


def test_sync_roles_removes_a_permission_added_by_hand_and_is_idempotent():
    group = Group.objects.get(name=Roles.HVT_MUNICIPAL_LIMITED)
    group.permissions.add(Permission.objects.get(codename="change_user"))
    call_command("sync_roles", stdout=io.StringIO())
    call_command("sync_roles", stdout=io.StringIO())
    assert "accounts.change_user" not in _group_perms(Roles.HVT_MUNICIPAL_LIMITED)
    assert Group.objects.filter(name=Roles.SUPPORT).count() == 1


def test_role_assignment_puts_the_user_in_the_role_group_and_revocation_takes_it_out():
    from accounts.services import role_revoke

    user = make_user(Roles.SUPPORT)
    assert list(user.groups.values_list("name", flat=True)) == ["support"]
    user = type(user).objects.get(pk=user.pk)
    assert user.has_perm("accounts.change_user")
    role_revoke(user=user, role=Roles.SUPPORT)
    user = type(user).objects.get(pk=user.pk)
    assert not user.groups.exists()
    assert not user.has_perm("accounts.change_user")
