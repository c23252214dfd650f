"""Issue 10, finding 5: deactivating in the admin left tokens, sessions and the licence. Now every
way of deactivating (admin form, admin action, CRT realm, sweep) goes through one service that
ends sessions and API tokens and releases licences; reactivation never revives an old token;
API keys are stored hashed and expire."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from knox.models import AuthToken

from accounts.constants import Roles
from accounts.services import user_deactivate
from audit.constants import AuditActions
from audit.models import AuditEvent
from core import clock
from licensing.models import DeactivationEvent, LicenceAssignment, LicencePool
from licensing.services import licence_assign
from tests.factories import TEST_PASSWORD, make_api_token, make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


def _pool(tool="hvt", licence_type="full", group="local_governments"):
    return LicencePool.objects.get(period__code="2024", tool=tool, licence_type=licence_type, group=group)


def _signed_in(user) -> Client:
    """A browser of the user, signed in with the password (and the second factor where needed)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    browser = Client()
    assert browser.post("/account/aanmelden/", {"username": user.username, "password": TEST_PASSWORD}).status_code == 302
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    session = browser.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    assert browser.get("/").status_code == 200
    return browser


def _form(user, **fields) -> dict:
    """The user change form as the admin posts it (with the read-only role inline's management form)."""
    ids = list(user.role_assignments.values_list("pk", flat=True))
    data = {"username": user.username, "email": user.email, "first_name": "", "last_name": "", **fields,
            "role_assignments-TOTAL_FORMS": len(ids), "role_assignments-INITIAL_FORMS": len(ids),
            "role_assignments-MIN_NUM_FORMS": 0, "role_assignments-MAX_NUM_FORMS": 1000}
    for i, pk in enumerate(ids):
        data |= {f"role_assignments-{i}-id": pk, f"role_assignments-{i}-user": user.pk}
    return data


def _api(key):
    return Client().get("/api/v1/", HTTP_AUTHORIZATION=f"Token {key}")


def _assert_switched_off(user, browser, key, pool):
    user.refresh_from_db()
    assert user.is_active is False
    assert browser.get("/").status_code == 302  # the session ended
    assert not Session.objects.filter(session_key=browser.cookies["sessionid"].value).exists()
    assert not AuthToken.objects.filter(user=user).exists()
    assert _api(key).status_code in (401, 403)
    released = LicenceAssignment.objects.get(user=user, pool=pool)
    assert released.released_at is not None and released.release_reason == "deactivated"
    event = DeactivationEvent.objects.get(user=user)
    assert released.deactivation == event and event.run is None
    return AuditEvent.objects.get(action=AuditActions.DEACTIVATE, object_id=str(user.pk))


@pytest.fixture
def officer():
    user = make_user(Roles.HVT_MUNICIPAL_FULL, username="officer-gent", municipalities=["44021"])
    licence_assign(user=user, pool=_pool())
    return user


def test_unticking_active_in_the_admin_ends_sessions_tokens_and_the_licence(login, officer):
    browser, key = _signed_in(officer), make_api_token(officer)
    assert _api(key).status_code == 200
    support = make_user(Roles.SUPPORT, username="support-d", is_staff=True)
    admin = login(support)
    response = admin.post(f"/beheer/accounts/user/{officer.pk}/change/", _form(officer))  # is_active unticked
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    event = _assert_switched_off(officer, browser, key, _pool())
    assert event.actor_id == support.pk and event.reason == "admin"
    assert event.changes["licences_released"] == [_pool().pk]


def test_the_admin_action_deactivates_the_same_way(login, officer):
    browser, key = _signed_in(officer), make_api_token(officer)
    admin = login(make_user(None, username="root-d", is_staff=True, is_superuser=True))
    admin.post("/beheer/accounts/user/", {"action": "deactivate_selected", "_selected_action": [officer.pk]})
    _assert_switched_off(officer, browser, key, _pool())


def test_the_crt_realm_deactivates_the_same_way(login):
    case_manager = make_user(Roles.CRT_CASE_MANAGER, username="cm-d")
    crt_pool = _pool("crt", "limited", "crt_case_managers")
    licence_assign(user=case_manager, pool=crt_pool)
    browser, key = _signed_in(case_manager), make_api_token(case_manager)
    crt_admin = login(make_user(Roles.CRT_CENTRAL_ADMIN, username="crt-central-d"))
    crt_admin.post("/crt/beheer/accounts/user/", {"action": "deactivate_selected", "_selected_action": [case_manager.pk]})
    event = _assert_switched_off(case_manager, browser, key, crt_pool)
    assert event.reason == "crt_realm"
    from crt.models import AuditEvent as CrtAuditEvent

    assert CrtAuditEvent.objects.using("crt").filter(action=AuditActions.DEACTIVATE, object_id=str(case_manager.pk)).exists()


def test_reactivation_gives_the_licence_back_but_never_the_old_token(login, officer):
    key = make_api_token(officer)
    user_deactivate(user=officer, reason="admin")
    admin = login(make_user(Roles.SUPPORT, username="support-r", is_staff=True))
    response = admin.post(f"/beheer/accounts/user/{officer.pk}/change/", _form(officer, is_active="on"))
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.is_active
    assert LicenceAssignment.objects.get(user=officer, released_at__isnull=True).pool == _pool()
    assert _api(key).status_code in (401, 403)  # the old key stays dead
    assert _api(make_api_token(officer)).status_code == 200  # a new one works
    event = AuditEvent.objects.get(action=AuditActions.REACTIVATE, object_id=str(officer.pk))
    assert event.changes["licences"] == [_pool().pk]


def test_support_cannot_deactivate_or_reactivate_what_it_may_not_manage(login):
    from django.core.exceptions import PermissionDenied

    support = make_user(Roles.SUPPORT, username="support-p", is_staff=True)
    coordinator = make_user(Roles.HVT_COORDINATOR, username="coord-p", is_staff=True)
    case_manager = make_user(Roles.CRT_CASE_MANAGER, username="cm-p")
    for target in (coordinator, case_manager):
        with pytest.raises(PermissionDenied):
            user_deactivate(user=target, actor=support)
    user_deactivate(user=case_manager)  # the system (the sweep) may
    client = login(support)
    response = client.post(f"/licenties/gebruikers/{case_manager.pk}/heractiveren/", follow=True)
    assert response.status_code == 200
    assert "U mag de account cm-p niet beheren." in [str(m) for m in response.context["messages"]]
    case_manager.refresh_from_db()
    assert case_manager.is_active is False  # only CRT central management reactivates a CRT user


def test_the_sweep_ends_knox_tokens_too(officer):
    from licensing.services import users_idle_sweep

    key = make_api_token(officer)
    users_idle_sweep(now=clock.now() + dt.timedelta(days=41))
    assert not AuthToken.objects.filter(user=officer).exists()
    assert _api(key).status_code in (401, 403)


def test_an_expired_api_key_is_refused(officer, frozen_now, settings):
    t0 = clock.now()  # knox also checks the expiry against the real time: start from it
    frozen_now(t0)
    technical = make_user(None, username="koppeling-x", is_technical_account=True)
    from accounts.services import api_token_create

    instance, key = api_token_create(user=technical)
    assert instance.expiry == t0 + settings.API_TOKEN_TTL
    frozen_now(t0 + settings.API_TOKEN_TTL - dt.timedelta(minutes=1))
    assert _api(key).status_code == 200
    frozen_now(t0 + settings.API_TOKEN_TTL + dt.timedelta(minutes=1))
    refused = _api(key)
    assert refused.status_code in (401, 403) and "verlopen" in refused.json()["detail"]


def test_api_keys_only_for_active_technical_accounts(officer):
    from django.core.exceptions import ValidationError

    from accounts.services import api_token_create

    with pytest.raises(ValidationError):
        api_token_create(user=officer)
    assert not AuthToken.objects.filter(user=officer).exists()
