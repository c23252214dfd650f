"""Issue 10, finding 2: an HVT superuser reached CRT data (every TOTP secret and every API token
in clear in the admin, plus finding 1). Now no secret or token is shown after creation, CRT
users' accounts are managed only in the CRT realm by CRT central management, and an HVT
superuser without a CRT role has no path into a CRT session."""

import base64
import re

import pytest
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from accounts.constants import Roles
from accounts.models import User
from audit.constants import AuditActions
from tests.factories import make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


@pytest.fixture
def superuser(login):
    return login(make_user(None, username="hvt-root", is_staff=True, is_superuser=True))


@pytest.fixture
def case_manager():
    user = make_user(Roles.CRT_CASE_MANAGER, username="crt-case-manager", email="cm@atlas.invalid")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user, device


def test_the_admin_shows_no_totp_secret(superuser, case_manager):
    _user, device = case_manager
    secret_b32 = base64.b32encode(device.bin_key).decode()
    assert settings.OTP_ADMIN_HIDE_SENSITIVE_DATA is True
    for url in (f"/beheer/otp_totp/totpdevice/{device.pk}/config/", f"/beheer/otp_totp/totpdevice/{device.pk}/qrcode/",
                f"/beheer/otp_totp/totpdevice/{device.pk}/change/", "/beheer/otp_totp/totpdevice/",
                "/beheer/otp_static/staticdevice/"):
        response = superuser.get(url)
        assert response.status_code == 404, url
        body = response.content.decode()
        assert device.key not in body and secret_b32 not in body


def test_api_keys_are_stored_hashed_and_never_listed(superuser):
    technical = make_user(None, username="gemeente-koppeling", is_technical_account=True)
    instance, key = AuthToken.objects.create(user=technical)
    row = AuthToken.objects.filter(pk=instance.pk).values().get()
    assert key not in str(row)  # only a digest (and a 15-character lookup prefix) is stored
    listing = superuser.get("/beheer/knox/authtoken/")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "gemeente-koppeling" in body
    assert key not in body and key[:15] not in body
    detail = superuser.get(f"/beheer/knox/authtoken/{instance.pk}/change/").content.decode()
    assert key not in detail and key[:15] not in detail
    # The old DRF token admin is gone.
    assert superuser.get("/beheer/authtoken/tokenproxy/").status_code == 404


def test_an_api_key_is_shown_once_and_only_for_a_technical_account(superuser):
    technical = make_user(None, username="koppeling", is_technical_account=True)
    person = make_user(Roles.HVT_MUNICIPAL_FULL, username="a-person", municipalities=["44021"])
    made = superuser.post("/beheer/knox/authtoken/add/", {"user": technical.pk}, follow=True)
    shown = [str(m) for m in made.context["messages"]]
    key = re.search(r"bewaar ze veilig\): (\w+)", " ".join(shown)).group(1)
    assert superuser.get("/api/v1/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert key not in superuser.get("/beheer/knox/authtoken/").content.decode()  # never again
    token = AuthToken.objects.get(user=technical)
    assert token.expiry is not None  # every key expires
    refused = superuser.post("/beheer/knox/authtoken/add/", {"user": person.pk})
    assert refused.status_code == 200 and refused.context["adminform"].form.errors
    assert not AuthToken.objects.filter(user=person).exists()


def test_a_superuser_cannot_reach_a_crt_account(superuser, case_manager, mailoutbox):
    """The chain of the issue: superuser → a CRT account's password or second factor → a CRT session."""
    user, device = case_manager
    changelist = "/beheer/accounts/user/"
    assert "crt-case-manager" not in superuser.get(changelist).content.decode()
    for action in ("send_password_reset", "reset_second_factor", "deactivate_selected"):
        superuser.post(changelist, {"action": action, "_selected_action": [user.pk]})
    superuser.post(f"{changelist}{user.pk}/password/", {"password1": "Overname-2024-x", "password2": "Overname-2024-x"})
    superuser.post("/beheer/knox/authtoken/add/", {"user": user.pk})
    assert mailoutbox == []
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    assert not AuthToken.objects.filter(user=user).exists()
    user.refresh_from_db()
    assert user.is_active and user.check_password("correct-horse-battery")
    # Nor do the CRT pages or the CRT admin (user accounts included) open for the superuser.
    for url in ("/crt/", "/crt/beheer/", "/crt/beheer/accounts/user/", f"/crt/beheer/accounts/user/{user.pk}/change/"):
        response = superuser.get(url)
        assert response.status_code in (302, 404), url
        assert "crt-case-manager" not in response.content.decode()


# --- the CRT realm manages its users' accounts ------------------------------------------------------


@pytest.fixture
def crt_admin(login):
    return login(make_user(Roles.CRT_CENTRAL_ADMIN, username="crt-central"))


def test_crt_central_management_lists_only_crt_users(crt_admin, case_manager):
    make_user(Roles.HVT_MUNICIPAL_FULL, username="hvt-only-officer", municipalities=["44021"])
    page = crt_admin.get("/crt/beheer/accounts/user/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "crt-case-manager" in body and "Dossierbeheerder" in body
    assert "hvt-only-officer" not in body
    officer = User.objects.get(username="hvt-only-officer")
    assert crt_admin.get(f"/crt/beheer/accounts/user/{officer.pk}/change/").status_code == 302  # not found


def test_crt_central_management_resets_a_case_managers_password_and_second_factor(crt_admin, case_manager, mailoutbox):
    from crt.models import AuditEvent as CrtAuditEvent

    user, device = case_manager
    url = "/crt/beheer/accounts/user/"
    crt_admin.post(url, {"action": "send_password_reset", "_selected_action": [user.pk]})
    crt_admin.post(url, {"action": "reset_second_factor", "_selected_action": [user.pk]})
    assert [m.to for m in mailoutbox] == [["cm@atlas.invalid"], ["cm@atlas.invalid"]]
    assert "/account/wachtwoord-herstellen/" in mailoutbox[0].body
    assert "/account/tweestapsverificatie/inschrijven/" in mailoutbox[1].body
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    trail = set(CrtAuditEvent.objects.using("crt").filter(object_id=str(user.pk)).values_list("reason", flat=True))
    assert {"password_reset_link_sent", "otp_reset"} <= trail
    # The change form sets no password and shows no secret.
    form = crt_admin.get(f"{url}{user.pk}/change/")
    assert set(form.context["adminform"].form.fields) == {"first_name", "last_name", "email"}
    assert "Stuur herstellink" in form.content.decode()


def test_crt_central_management_does_not_manage_its_own_account_or_other_realms(crt_admin, mailoutbox):
    me = User.objects.get(username="crt-central")
    crt_admin.post("/crt/beheer/accounts/user/", {"action": "deactivate_selected", "_selected_action": [me.pk]})
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, username="hvt-officer-2", municipalities=["44021"])
    crt_admin.post("/crt/beheer/accounts/user/", {"action": "send_password_reset", "_selected_action": [officer.pk]})
    me.refresh_from_db()
    assert me.is_active and mailoutbox == []


def test_a_case_manager_or_crt_auditor_cannot_manage_accounts(login, case_manager, mailoutbox):
    user, _device = case_manager
    for role in (Roles.CRT_SECURITY_AUDITOR, Roles.CRT_REPORTING):
        client = login(make_user(role, username=f"x-{role}"))
        response = client.post("/crt/beheer/accounts/user/", {"action": "send_password_reset", "_selected_action": [user.pk]})
        assert response.status_code in (302, 403, 404)
    assert mailoutbox == []
    from audit.models import AuditEvent

    assert not AuditEvent.objects.filter(action=AuditActions.OTHER, reason="password_reset_link_sent").exists()
