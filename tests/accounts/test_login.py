"""Login through the real form, lockout after 5 failures, two-factor authentication, enrolment."""

import re

import pytest
from django.core.cache import cache
from django.utils.http import urlencode
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.constants import CRT_ROLES, Roles
from audit.constants import AuditActions
from audit.models import AuditEvent
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

LOGIN_URL = "/account/aanmelden/"
OTP_URL = "/account/tweestapsverificatie/"
LOCKOUT_TEXT = "Account tijdelijk geblokkeerd"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _post_login(client, username, password):
    return client.post(LOGIN_URL, {"username": username, "password": password})


def test_login_with_the_right_password_reaches_home(client):
    user = make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"])
    response = _post_login(client, user.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Welkom" in home.content.decode()
    assert AuditEvent.objects.filter(action=AuditActions.LOGIN, actor_id=user.pk).count() == 1
    user.refresh_from_db()
    assert user.last_activity is not None


def test_wrong_password_shows_the_dutch_error(client):
    user = make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"])
    response = _post_login(client, user.username, "wrong-password")
    assert response.status_code == 200
    assert "Gebruikersnaam of wachtwoord is niet juist" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_after_five_failures_refuses_even_the_right_password(client):
    user = make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"])
    responses = [_post_login(client, user.username, f"wrong-{i}") for i in range(5)]
    assert all(r.status_code in (200, 403, 429) for r in responses)
    assert "Gebruikersnaam of wachtwoord is niet juist" in responses[0].content.decode()
    sixth = _post_login(client, user.username, TEST_PASSWORD)
    assert sixth.status_code in (403, 429)
    assert LOCKOUT_TEXT in sixth.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still not logged in
    failed = AuditEvent.objects.filter(action=AuditActions.LOGIN_FAILED, actor_username=user.username)
    assert failed.count() >= 5
    assert failed.filter(object_id=str(user.pk)).count() >= 5
    assert AuditEvent.objects.filter(action=AuditActions.LOCKED_OUT, actor_username=user.username).exists()
    assert not AuditEvent.objects.filter(action=AuditActions.LOGIN, actor_id=user.pk).exists()


def test_four_failures_do_not_lock_and_a_success_resets_the_count(client):
    user = make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"])
    for i in range(4):
        _post_login(client, user.username, f"wrong-{i}")
    assert _post_login(client, user.username, TEST_PASSWORD).status_code == 302
    assert not AuditEvent.objects.filter(action=AuditActions.LOCKED_OUT).exists()


def test_lockout_is_per_account_not_per_address(client):
    victim = make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"])
    colleague = make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"])
    for i in range(5):
        _post_login(client, victim.username, f"wrong-{i}")
    # a colleague behind the same town-hall proxy still gets in
    assert _post_login(client, colleague.username, TEST_PASSWORD).status_code == 302


# --- two-factor authentication -----------------------------------------------------------------

TWO_FACTOR = [Roles.SUPPORT, Roles.HVT_COORDINATOR, Roles.HVT_SUBSIDY_COORDINATOR, Roles.HVT_SECURITY_AUDITOR,
              *sorted(CRT_ROLES)]


@pytest.mark.parametrize("role", TWO_FACTOR)
@pytest.mark.parametrize("path", ["/", "/beheer/", "/hvt/", "/crt/", "/crt/beheer/", "/licenties/", "/bestaat-niet/"])
def test_roles_needing_two_factor_are_sent_to_the_totp_page_from_any_page(login, role, path):
    client = login(make_user(role), verified=False)
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{OTP_URL}?{urlencode({'next': path})}"


@pytest.mark.parametrize("path", ["/", "/beheer/"])
def test_staff_flag_alone_needs_two_factor(login, path):
    client = login(make_user(None, is_staff=True), verified=False)
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(OTP_URL)


def test_after_the_second_factor_the_user_lands_on_the_page_asked_for_with_its_query(client):
    user = make_user(Roles.HVT_SECURITY_AUDITOR)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    _post_login(client, user.username, TEST_PASSWORD)
    response = client.get("/beheer/audit/auditevent/?action=login&o=1")
    location = response.headers["Location"]
    assert location == f"{OTP_URL}?next=%2Fbeheer%2Faudit%2Fauditevent%2F%3Faction%3Dlogin%26o%3D1"
    page = client.get(location)
    assert 'value="/beheer/audit/auditevent/?action=login&amp;o=1"' in page.content.decode()
    done = client.post(OTP_URL, {"token": f"{totp(device.bin_key):06d}", "next": "/beheer/audit/auditevent/?action=login&o=1"})
    assert done.headers["Location"] == "/beheer/audit/auditevent/?action=login&o=1"


def test_unverified_user_sees_no_navigation_on_the_totp_page(login):
    client = login(make_user(Roles.SUPPORT), verified=False)
    page = client.get(OTP_URL).content.decode()
    assert "Beheer" not in re.sub(r"<title>.*?</title>", "", page, flags=re.S)


@pytest.mark.parametrize("role", [Roles.HVT_MUNICIPAL_LIMITED, Roles.HVT_MUNICIPAL_FULL, Roles.PORTAL_USER])
def test_roles_without_two_factor_reach_home_directly(client, role):
    kwargs = {"municipalities": ["44021"]} if role != Roles.PORTAL_USER else {}
    user = make_user(role, **kwargs)
    response = _post_login(client, user.username, TEST_PASSWORD)
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Welkom" in home.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_enrolment_shows_a_qr_code_and_confirms_the_device_with_a_correct_code(client, mailoutbox):
    """A first enrolment: the password, then the link from the e-mail (the mailbox), then the QR code."""
    user = make_user(Roles.HVT_COORDINATOR, is_staff=True)
    response = _post_login(client, user.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert client.get("/").headers["Location"] == f"{OTP_URL}?next=%2F"
    page = client.get(f"{OTP_URL}?next=/")
    assert page.status_code == 200
    assert "data:image/svg+xml" not in page.content.decode()  # the password alone shows no secret
    client.post(OTP_URL, {"send_link": "1", "next": "/"})
    link = re.search(r"http://testserver(/account/tweestapsverificatie/inschrijven/\S+/)", mailoutbox[-1].body).group(1)
    assert client.get(link).headers["Location"] == OTP_URL
    page = client.get(f"{OTP_URL}?next=/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in body
    assert "Scan deze QR-code" in body
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False

    wrong = client.post(OTP_URL, {"token": "000000" if totp(device.bin_key) != 0 else "111111", "next": "/"})
    assert wrong.status_code == 200
    assert "Deze code is niet juist of verlopen" in wrong.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()

    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
    confirmed = client.post(OTP_URL, {"token": code, "next": "/"})
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert AuditEvent.objects.filter(action=AuditActions.OTP_ENROLLED, actor_id=user.pk).exists()
    assert AuditEvent.objects.filter(action=AuditActions.OTP_FAILED, actor_id=user.pk).exists()
    home = client.get("/")
    assert home.status_code == 200
    assert "Beheer" in home.content.decode()


def test_verification_with_an_enrolled_device_shows_no_qr_code(client):
    user = make_user(Roles.HVT_SECURITY_AUDITOR)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    _post_login(client, user.username, TEST_PASSWORD)
    body = client.get(OTP_URL).content.decode()
    assert "data:image/svg+xml" not in body
    assert "Vul de code in" in body
    code = f"{totp(device.bin_key):06d}"
    assert client.post(OTP_URL, {"token": code}).headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_deactivated_user_with_the_right_password_is_told_the_account_is_inactive(client):
    user = make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"])
    user.is_active = False
    user.save()
    response = _post_login(client, user.username, TEST_PASSWORD)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Deze account is niet actief" in body
    assert "_auth_user_id" not in client.session
    wrong = _post_login(client, user.username, "wrong-password")
    assert "Gebruikersnaam of wachtwoord is niet juist" in wrong.content.decode()
    assert "Deze account is niet actief" not in wrong.content.decode()
