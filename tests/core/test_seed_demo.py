"""seed_demo: one account demo-<role> per role code of DOMAIN §1, with sensible scopes and 2FA devices."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.constants import TWO_FACTOR_ROLES, Roles
from accounts.models import User
from accounts.selectors import municipalities_for_user, roles_for_user
from crt.realm import crt_grants_for_user, crt_roles_for_user
from geo.models import Municipality

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


@pytest.fixture
def seeded():
    out = io.StringIO()
    call_command("seed_demo", "--small", stdout=out)
    return out.getvalue()


def _demo(role):
    return User.objects.get(username=f"demo-{role}")


def test_one_demo_account_per_role_code(seeded):
    assert len(Roles) == 12
    demo_users = set(User.objects.filter(username__startswith="demo-").values_list("username", flat=True))
    assert {f"demo-{r.value}" for r in Roles} <= demo_users
    for role in Roles:
        user = _demo(role)
        assert user.check_password(settings.DEMO_PASSWORD)
        assert user.is_active
        held = roles_for_user(user) | crt_roles_for_user(user)
        assert held == {role.value}, (role, held)
    assert "Demo ready" in seeded


def test_demo_scopes(seeded):
    full = _demo(Roles.HVT_MUNICIPAL_FULL)
    assert list(municipalities_for_user(full).values_list("pk", flat=True)) == ["44021"]
    vlot = _demo(Roles.HVT_VLOT)
    scope = set(municipalities_for_user(vlot).values_list("pk", flat=True))
    assert scope == set(Municipality.objects.filter(province_id="40000").values_list("pk", flat=True))
    assert len(scope) == 55
    limited = _demo(Roles.HVT_MUNICIPAL_LIMITED)
    assert 0 < municipalities_for_user(limited).count() < 285
    assert municipalities_for_user(_demo(Roles.HVT_COORDINATOR)).count() == 285
    assert not municipalities_for_user(_demo(Roles.SUPPORT)).exists()
    assert not municipalities_for_user(_demo(Roles.CRT_CASE_MANAGER)).exists()


def test_demo_case_manager_holds_the_role_at_atlas_in_the_crt_realm(seeded):
    from crt.models import Organisation as CrtOrganisation

    manager = _demo(Roles.CRT_CASE_MANAGER)
    atlas = CrtOrganisation.objects.using("crt").get(code="atlas")
    grants = crt_grants_for_user(manager)
    assert {(g.role, g.organisation_id) for g in grants} == {("crt_case_manager", atlas.pk)}
    assert not manager.role_assignments.exists()  # nothing in the default realm


def test_demo_two_factor_devices_for_the_roles_that_need_them(seeded):
    for role in Roles:
        user = _demo(role)
        has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        assert has_device == (role in TWO_FACTOR_ROLES), role
    device = TOTPDevice.objects.get(user=_demo(Roles.HVT_COORDINATOR))
    assert device.key == settings.DEMO_TOTP_HEX_KEY


def test_seed_demo_is_idempotent(seeded):
    before = User.objects.filter(username__startswith="demo-").count()
    call_command("seed_demo", "--small", stdout=io.StringIO())
    assert User.objects.filter(username__startswith="demo-").count() == before
    assert list(municipalities_for_user(_demo(Roles.HVT_MUNICIPAL_FULL)).values_list("pk", flat=True)) == ["44021"]
