"""Passwords: "wachtwoord vergeten" (Django's reset flow, Dutch, the same answer whether the account
exists or not, one mail per ten minutes), the single-use link, and changing one's own password."""

import datetime as dt
import re

import pytest
from django.contrib.auth.hashers import check_password
from django.contrib.sessions.models import Session
from knox.models import AuthToken

from accounts.constants import Roles
from audit.models import AuditEvent
from tests.factories import TEST_PASSWORD, make_api_token, make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

FORGOT = "/account/wachtwoord-vergeten/"
NEW_PASSWORD = "Nieuw-Wachtwoord-2024"


def _link(mail) -> str:
    return re.search(r"http://testserver(/account/wachtwoord-herstellen/\S+/)", mail.body).group(1)


def _choose(client, link, password=NEW_PASSWORD):
    form_url = client.get(link).headers["Location"]  # Django moves the token out of the URL
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_forgot_password_answers_the_same_whether_the_account_exists(client, mailoutbox):
    make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"], email="echt@gent.invalid")
    known = client.post(FORGOT, {"email": "echt@gent.invalid"})
    unknown = client.post(FORGOT, {"email": "bestaat-niet@gent.invalid"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"] == "/account/wachtwoord-vergeten/verzonden/"
    assert [m.to for m in mailoutbox] == [["echt@gent.invalid"]]
    assert mailoutbox[0].subject == "Kies een nieuw wachtwoord"
    page = client.get("/account/wachtwoord-vergeten/verzonden/").content.decode()
    assert "Als er een actieve account met dit e-mailadres bestaat" in page


def test_forgot_password_sends_at_most_one_mail_per_ten_minutes(client, mailoutbox, frozen_now):
    t0 = dt.datetime(2024, 5, 6, 9, 0, tzinfo=dt.UTC)
    frozen_now(t0)
    make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"], email="flood@gent.invalid")
    for _ in range(5):
        client.post(FORGOT, {"email": "flood@gent.invalid"})
    assert len(mailoutbox) == 1
    frozen_now(t0 + dt.timedelta(minutes=11))
    client.post(FORGOT, {"email": "flood@gent.invalid"})
    assert len(mailoutbox) == 2


def test_no_link_for_a_deactivated_account(client, mailoutbox):
    make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"], email="weg@gent.invalid", is_active=False)
    assert client.post(FORGOT, {"email": "weg@gent.invalid"}).status_code == 302
    assert mailoutbox == []


def test_the_link_sets_a_new_password_once_and_ends_other_sessions_and_tokens(client, mailoutbox):
    from django.test import Client

    user = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"], email="olga@gent.invalid")
    elsewhere = Client()
    elsewhere.post("/account/aanmelden/", {"username": user.username, "password": TEST_PASSWORD})  # e.g. a thief
    key = make_api_token(user)
    assert elsewhere.get("/").status_code == 200
    client.post(FORGOT, {"email": "olga@gent.invalid"})
    link = _link(mailoutbox[0])
    done = _choose(client, link)
    assert done.headers["Location"] == "/account/wachtwoord-herstellen/klaar/"
    user.refresh_from_db()
    assert check_password(NEW_PASSWORD, user.password)
    assert elsewhere.get("/").status_code == 302  # the other session is over
    assert not AuthToken.objects.filter(user=user).exists()
    assert client.get("/api/v1/", HTTP_AUTHORIZATION=f"Token {key}").status_code in (401, 403)
    assert AuditEvent.objects.filter(reason="password_reset_done", object_id=str(user.pk)).exists()
    # Single use: the same link is refused now.
    again = client.get(link)
    assert again.status_code == 200
    assert "niet (meer) geldig" in again.content.decode()
    assert client.post("/account/aanmelden/", {"username": user.username, "password": NEW_PASSWORD}).status_code == 302
    assert not Session.objects.filter(session_key=elsewhere.cookies["sessionid"].value).exists()


def test_the_new_password_must_pass_the_validators(client, mailoutbox):
    user = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"], email="kort@gent.invalid")
    client.post(FORGOT, {"email": "kort@gent.invalid"})
    response = _choose(client, _link(mailoutbox[0]), password="kort")
    assert response.status_code == 200
    assert "Dit wachtwoord is te kort. Het moet minstens 12 tekens lang zijn." in response.content.decode()
    user.refresh_from_db()
    assert check_password(TEST_PASSWORD, user.password)


def test_own_password_change_needs_the_old_password(login):
    user = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])
    client = login(user)
    wrong = client.post("/account/wachtwoord-wijzigen/",
                        {"old_password": "fout", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert wrong.status_code == 200
    user.refresh_from_db()
    assert check_password(TEST_PASSWORD, user.password)
    right = client.post("/account/wachtwoord-wijzigen/",
                        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert right.headers["Location"] == "/account/wachtwoord-wijzigen/klaar/"
    user.refresh_from_db()
    assert check_password(NEW_PASSWORD, user.password)
    assert client.get("/").status_code == 200  # still signed in
    assert AuditEvent.objects.filter(reason="password_changed", actor_id=user.pk).exists()


def test_own_password_change_needs_the_second_factor_first(login):
    client = login(make_user(Roles.SUPPORT, is_staff=True), verified=False)
    response = client.get("/account/wachtwoord-wijzigen/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/tweestapsverificatie/")


@pytest.mark.parametrize("name", ["accounts:password_change", "accounts:password_change_done"])
def test_password_change_pages_go_through_core_access(name, client):
    """Issue 13: the page callback carries core.access's deny answer; anonymous → the login page with ?next=."""
    from django.urls import resolve, reverse

    from core.access import Deny

    url = reverse(name)
    assert resolve(url).func.access_deny is Deny.FORBIDDEN
    response = client.get(url)
    assert response.status_code == 302 and f"next={url}" in response["Location"].replace("%2F", "/")
