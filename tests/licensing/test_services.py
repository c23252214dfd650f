import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from knox.models import AuthToken

from accounts.constants import Roles
from accounts.models import User
from accounts.services import role_assign
from audit.constants import AuditActions
from audit.models import AuditEvent
from core import clock
from licensing.constants import SweepSources
from licensing.models import LicenceAssignment
from licensing.services import licence_assign, licence_release, licence_role_check, user_reactivate, users_idle_sweep
from tests.factories import make_api_token
from tests.licensing.conftest import NOW

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


def test_seats_cannot_be_over_assigned(make_user, pool):
    small = pool("crt", "full", "crt_security_auditor")  # 1 seat
    first, second = make_user(), make_user()
    licence_assign(user=first, pool=small)
    with pytest.raises(ValidationError) as exc:
        licence_assign(user=second, pool=small)
    assert exc.value.code == "no_free_seat"
    assert LicenceAssignment.objects.filter(pool=small).count() == 1


def test_released_seat_can_be_reused(make_user, pool):
    small = pool("crt", "full", "crt_security_auditor")
    first, second = make_user(), make_user()
    assignment = licence_assign(user=first, pool=small)
    assert licence_release(assignment=assignment) is True
    assert licence_release(assignment=assignment) is False  # twice is harmless
    licence_assign(user=second, pool=small)
    assert LicenceAssignment.objects.filter(pool=small, released_at__isnull=True).get().user == second


def test_one_licence_per_tool(make_user, pool):
    user = make_user()
    licence_assign(user=user, pool=pool("hvt", "limited"))
    with pytest.raises(ValidationError) as exc:
        licence_assign(user=user, pool=pool("hvt", "full"))
    assert exc.value.code == "already_licensed"


def test_portal_licences_are_not_named(make_user, pool):
    with pytest.raises(ValidationError) as exc:
        licence_assign(user=make_user(), pool=pool("portal", "portal", "portal"))
    assert exc.value.code == "portal"


def test_limited_licence_refused_to_a_full_licence_role(make_user, pool):
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])
    with pytest.raises(ValidationError) as exc:
        licence_assign(user=officer, pool=pool("hvt", "limited"))
    assert exc.value.code == "full_licence_required"
    licence_assign(user=officer, pool=pool("hvt", "full"))  # the full one is fine


def test_crt_full_role_refuses_a_limited_crt_licence(make_user, pool):
    admin = make_user(Roles.CRT_CENTRAL_ADMIN)
    with pytest.raises(ValidationError):
        licence_assign(user=admin, pool=pool("crt", "limited", "crt_case_managers"))


def test_full_licence_role_cannot_be_given_to_a_limited_licence_holder(make_user, pool):
    user = make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"])
    licence_assign(user=user, pool=pool("hvt", "limited"))
    with pytest.raises(ValidationError) as exc:
        licence_role_check(user=user, role=Roles.HVT_MUNICIPAL_FULL)
    assert exc.value.code == "full_licence_required"
    licence_role_check(user=user, role=Roles.HVT_MUNICIPAL_LIMITED)  # a limited role is fine
    licence_role_check(user=user, role=Roles.SUPPORT)  # another tool's licence is not limited


def test_role_assign_enforces_the_full_licence_rule(make_user, pool):
    user = make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"])
    licence_assign(user=user, pool=pool("hvt", "limited"))
    with pytest.raises(ValidationError):
        role_assign(user=user, role=Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])
    assert not user.role_assignments.filter(role=Roles.HVT_MUNICIPAL_FULL).exists()


def test_crt_role_assign_enforces_the_full_licence_rule(make_user, pool):
    from crt.models import RoleAssignment as CrtRoleAssignment
    from crt.realm import crt_role_assign

    user = make_user(Roles.CRT_CASE_MANAGER)
    licence_assign(user=user, pool=pool("crt", "limited", "crt_case_managers"))
    with pytest.raises(ValidationError):
        crt_role_assign(user=user, role=Roles.CRT_CENTRAL_ADMIN)
    assert not CrtRoleAssignment.objects.using("crt").filter(user_id=user.pk, role=Roles.CRT_CENTRAL_ADMIN).exists()


def test_assignment_is_audited(make_user, pool):
    actor, user = make_user(Roles.SUPPORT), make_user()
    assignment = licence_assign(user=user, pool=pool(), actor=actor)
    event = AuditEvent.objects.get(object_type="licensing.licenceassignment", object_id=str(assignment.pk))
    assert event.action == AuditActions.CREATE and event.actor_id == actor.pk


def test_reactivate_needs_a_free_seat(make_user, idle_user, pool):
    small = pool("crt", "full", "crt_security_auditor")
    user = idle_user(50)
    with clock.frozen(NOW - dt.timedelta(days=60)):
        licence_assign(user=user, pool=small)
    users_idle_sweep(now=NOW, source=SweepSources.COMMAND)
    taker = make_user()
    licence_assign(user=taker, pool=small)  # the freed seat went to someone else
    with pytest.raises(ValidationError) as exc:
        user_reactivate(user=user)
    assert exc.value.code == "no_free_seat"
    assert not User.objects.get(pk=user.pk).is_active  # nothing changed
    licence_release(assignment=LicenceAssignment.objects.get(user=taker))
    with clock.frozen(NOW + dt.timedelta(days=1)):
        user_reactivate(user=user)
    user.refresh_from_db()
    assert user.is_active and user.last_activity == NOW + dt.timedelta(days=1)
    assert LicenceAssignment.objects.get(user=user, released_at__isnull=True).pool == small
    # A new idle period: the next sweep leaves the user alone.
    assert users_idle_sweep(now=NOW + dt.timedelta(days=2)).deactivated == 0


def test_sessions_and_tokens_really_end(client, make_user, pool):
    user = make_user()
    client.force_login(user)  # login signal: session registered, last activity = now
    key = make_api_token(user)
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    users_idle_sweep(now=clock.now() + dt.timedelta(days=41))
    assert not User.objects.get(pk=user.pk).is_active
    assert not Session.objects.filter(session_key=client.cookies["sessionid"].value).exists()
    assert not AuthToken.objects.filter(user=user).exists()
    # The old cookie and the old token are refused.
    response = client.get("/")
    assert response.status_code == 302 and "/account/aanmelden/" in response["Location"]
    refused = client.get("/api/v1/", HTTP_AUTHORIZATION=f"Token {key}")
    # DRF answers 403 rather than 401 because session authentication comes first (no WWW-Authenticate).
    assert refused.status_code in (401, 403) and refused.json()["detail"]


def test_a_pool_cannot_shrink_below_the_licences_in_use(make_user, pool):
    small = pool("hvt", "full", "vlot")  # 9 seats
    licence_assign(user=make_user(), pool=small)
    licence_assign(user=make_user(), pool=small)
    small.seats = 1
    with pytest.raises(ValidationError) as exc:
        small.full_clean()
    assert "seats" in exc.value.message_dict
    small.seats = 2
    small.full_clean()
