import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.constants import DEFAULT_REALM_ROLES, Roles
from accounts.selectors import municipalities_for_user, provinces_for_user, scope_filter
from accounts.services import RoleError, role_assign, role_revoke
from geo.models import Municipality, PostalCode
from tests.factories import make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


def test_officer_of_gent_gets_exactly_gent():
    user = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])
    assert list(municipalities_for_user(user).values_list("pk", flat=True)) == ["44021"]


def test_regional_officer_gets_their_three_municipalities():
    user = make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["71072", "71016", "73107"])
    assert set(municipalities_for_user(user).values_list("pk", flat=True)) == {"71072", "71016", "73107"}


def test_vlot_oost_vlaanderen_gets_the_55_municipalities_of_the_province():
    user = make_user(Roles.HVT_VLOT, provinces=["40000"])
    scope = set(municipalities_for_user(user).values_list("pk", flat=True))
    assert len(scope) == 55
    assert scope == set(Municipality.objects.filter(province="40000").values_list("pk", flat=True))
    assert "44021" in scope and "11002" not in scope
    assert list(provinces_for_user(user).values_list("pk", flat=True)) == ["40000"]


@pytest.mark.parametrize("role", [Roles.HVT_COORDINATOR, Roles.HVT_SUBSIDY_COORDINATOR, Roles.HVT_SECURITY_AUDITOR])
def test_flanders_roles_see_all_285(role):
    assert municipalities_for_user(make_user(role)).count() == 285


@pytest.mark.parametrize("role", [Roles.SUPPORT, Roles.PORTAL_USER])
def test_roles_without_hvt_scope_see_no_municipality(role):
    assert not municipalities_for_user(make_user(role)).exists()


def test_user_without_role_and_inactive_user_see_nothing():
    assert not municipalities_for_user(make_user()).exists()
    user = make_user(Roles.HVT_COORDINATOR)
    user.is_active = False
    user.save()
    assert not municipalities_for_user(user).exists()


def test_scope_filter_is_one_sql_statement():
    user = make_user(Roles.HVT_VLOT, provinces=["40000", "70000"])
    qs = scope_filter(PostalCode.objects.all(), user)
    user._role_cache = None
    with CaptureQueriesContext(connection) as ctx:
        rows = list(qs)
    # one for the roles (memoised per request), one for the list itself
    assert len(ctx.captured_queries) <= 2
    assert rows and all(pc.municipality.province_id in {"40000", "70000"} for pc in rows[:5])


def test_revoking_the_role_removes_the_scope():
    user = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])
    role_revoke(user=user, role=Roles.HVT_MUNICIPAL_FULL)
    assert not municipalities_for_user(user).exists()


def test_scope_follows_a_changed_assignment():
    user = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])
    role_assign(user=user, role=Roles.HVT_MUNICIPAL_FULL, municipalities=["11002"])
    assert list(municipalities_for_user(user).values_list("pk", flat=True)) == ["11002"]


def test_crt_roles_cannot_be_assigned_in_the_default_realm():
    user = make_user()
    with pytest.raises(RoleError):
        role_assign(user=user, role="crt_case_manager")
    assert "crt_case_manager" not in DEFAULT_REALM_ROLES


def test_municipal_role_needs_a_municipality():
    with pytest.raises(RoleError):
        role_assign(user=make_user(), role=Roles.HVT_MUNICIPAL_FULL)
