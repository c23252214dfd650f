"""A first second-factor enrolment needs a proof the account holder has besides the password: the
single-use link from the e-mail (or the password reset link just used). Issue 10, finding 1."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import links
from accounts.constants import Roles
from audit.models import AuditEvent
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

OTP_URL = "/account/tweestapsverificatie/"
ENROL_LINK = re.compile(r"(?:http://testserver)?(/account/tweestapsverificatie/inschrijven/\S+/)")


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def _sign_in(client, user, password=TEST_PASSWORD):
    response = client.post("/account/aanmelden/", {"username": user.username, "password": password})
    assert response.status_code == 302, "login failed"


@pytest.fixture
def coordinator():
    return make_user(Roles.HVT_COORDINATOR, username="new-coordinator", is_staff=True, email="coord@vlaanderen.invalid")


def test_the_password_alone_shows_no_enrolment_secret(client, coordinator):
    """The attack: whoever has (or just set) the password of an account without a second factor
    used to get a fresh TOTP secret on this page."""
    _sign_in(client, coordinator)
    page = client.get(OTP_URL)
    body = page.content.decode()
    assert page.status_code == 200
    assert "data:image/svg+xml" not in body and "Sleutel:" not in body
    assert "Stuur mij een inschrijvingslink" in body
    assert not TOTPDevice.objects.filter(user=coordinator).exists()  # no secret was even made
    # Posting codes does not help either, and the admin stays closed.
    assert client.post(OTP_URL, {"token": "123456"}).status_code == 200
    assert client.get("/beheer/").headers["Location"].startswith(OTP_URL)
    # An unconfirmed device left over from before this change is not shown or used.
    TOTPDevice.objects.create(user=coordinator, name="old", confirmed=False)
    assert "data:image/svg+xml" not in client.get(OTP_URL).content.decode()


def test_the_enrolment_link_goes_to_the_own_address_and_then_the_qr_code_is_shown(client, coordinator, mailoutbox):
    stale = TOTPDevice.objects.create(user=coordinator, name="old", confirmed=False)  # its key may have been seen
    _sign_in(client, coordinator)
    client.post(OTP_URL, {"send_link": "1"})
    assert [m.to for m in mailoutbox] == [["coord@vlaanderen.invalid"]]
    link = ENROL_LINK.search(mailoutbox[0].body).group(1)
    assert AuditEvent.objects.filter(reason="otp_enrolment_link_sent", object_id=str(coordinator.pk)).exists()
    assert link.split("/")[-2] not in str(list(AuditEvent.objects.values_list("changes", "reason")))
    assert client.get(link).headers["Location"] == OTP_URL  # the token leaves the URL
    page = client.get(OTP_URL).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page and "Sleutel:" in page
    assert not TOTPDevice.objects.filter(pk=stale.pk).exists()  # a fresh secret, not the old one
    device = TOTPDevice.objects.get(user=coordinator)
    done = client.post(OTP_URL, {"token": _code(device), "next": "/beheer/"})
    assert done.headers["Location"] == "/beheer/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/beheer/").status_code == 200
    # Single use: with a confirmed device the link does nothing any more.
    client.post("/account/afmelden/")
    assert "niet (meer) geldig" in client.get(link).content.decode()


def test_the_link_without_the_password_is_not_enough(client, coordinator, mailoutbox):
    from accounts import services

    services.otp_enrolment_link_send(user=coordinator)
    link = ENROL_LINK.search(mailoutbox[0].body).group(1)
    response = client.get(link)
    assert response.headers["Location"] == "/account/aanmelden/?next=%2Faccount%2Ftweestapsverificatie%2F"
    assert client.get(OTP_URL).headers["Location"].startswith("/account/aanmelden/")
    _sign_in(client, coordinator)  # the password, in the browser that opened the link
    assert 'src="data:image/svg+xml;base64,' in client.get(OTP_URL).content.decode()


def test_a_link_for_someone_else_does_not_enrol_the_signed_in_user(client, coordinator, mailoutbox):
    from accounts import services

    intruder = make_user(Roles.SUPPORT, username="intruder", is_staff=True)
    services.otp_enrolment_link_send(user=coordinator)
    link = ENROL_LINK.search(mailoutbox[0].body).group(1)
    _sign_in(client, intruder)
    client.get(link)  # signs the intruder out; the grant is for the coordinator only
    assert "_auth_user_id" not in client.session
    _sign_in(client, intruder)
    assert "data:image/svg+xml" not in client.get(OTP_URL).content.decode()
    assert not TOTPDevice.objects.filter(user=intruder).exists()


def test_a_forged_or_foreign_token_is_refused(client, coordinator):
    other = make_user(Roles.SUPPORT, username="other-support", is_staff=True)
    token_for_other = links.enrolment_token_generator.make_token(other)
    for uid, token in ((links.uid_for(coordinator), "abc-123"), (links.uid_for(coordinator), token_for_other)):
        page = client.get(f"/account/tweestapsverificatie/inschrijven/{uid}/{token}/")
        assert page.status_code == 200 and "niet (meer) geldig" in page.content.decode()
    # A password-reset token is not an enrolment token either.
    reset_token = links.password_token_generator.make_token(coordinator)
    page = client.get(f"/account/tweestapsverificatie/inschrijven/{links.uid_for(coordinator)}/{reset_token}/")
    assert "niet (meer) geldig" in page.content.decode()


def test_after_a_password_reset_the_user_may_enrol(client, coordinator, mailoutbox):
    """The reset link proved the mailbox: a new account sets its password and then its second factor."""
    client.post("/account/wachtwoord-vergeten/", {"email": "coord@vlaanderen.invalid"})
    link = re.search(r"http://testserver(/account/wachtwoord-herstellen/\S+/)", mailoutbox[0].body).group(1)
    form_url = client.get(link).headers["Location"]
    client.post(form_url, {"new_password1": "Nieuw-Wachtwoord-2024", "new_password2": "Nieuw-Wachtwoord-2024"})
    _sign_in(client, coordinator, "Nieuw-Wachtwoord-2024")
    assert 'src="data:image/svg+xml;base64,' in client.get(OTP_URL).content.decode()


def test_a_reset_in_another_browser_gives_no_enrolment_here(client, coordinator, mailoutbox):
    from django.test import Client

    victim_browser = Client()
    victim_browser.post("/account/wachtwoord-vergeten/", {"email": "coord@vlaanderen.invalid"})
    link = re.search(r"http://testserver(/account/wachtwoord-herstellen/\S+/)", mailoutbox[0].body).group(1)
    victim_browser.post(victim_browser.get(link).headers["Location"],
                        {"new_password1": "Nieuw-Wachtwoord-2024", "new_password2": "Nieuw-Wachtwoord-2024"})
    _sign_in(client, coordinator, "Nieuw-Wachtwoord-2024")  # someone who learnt the new password
    assert "data:image/svg+xml" not in client.get(OTP_URL).content.decode()


def test_the_admin_resets_a_lost_second_factor_with_a_link_to_the_user(login, mailoutbox):
    support = make_user(Roles.SUPPORT, username="support-x", is_staff=True)
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, username="officer-x", municipalities=["44021"],
                        email="officer@gent.invalid")
    TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    StaticDevice.objects.create(user=officer, name="backup")
    client = login(support)
    response = client.post("/beheer/accounts/user/", {"action": "reset_second_factor", "_selected_action": [officer.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists() and not StaticDevice.objects.filter(user=officer).exists()
    assert [m.to for m in mailoutbox] == [["officer@gent.invalid"]]
    assert ENROL_LINK.search(mailoutbox[0].body)
    event = AuditEvent.objects.get(reason="otp_reset", object_id=str(officer.pk))
    assert event.actor_id == support.pk and event.changes["devices"] == 2
