"""Session lifetime (30 min idle, 12 h absolute) and last_activity writes, with an injected clock."""

import datetime as dt

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from accounts.constants import Roles
from accounts.models import User, UserSession
from accounts.services import sessions_end_for_users
from audit.constants import AuditActions
from audit.models import AuditEvent
from tests.factories import make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

T0 = dt.datetime(2024, 3, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def officer():
    return make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"])


def test_still_logged_in_after_29_minutes_idle(client, login, officer, frozen_now):
    frozen_now(T0)
    login(officer)
    frozen_now(T0 + dt.timedelta(minutes=29))
    response = client.get("/")
    assert response.status_code == 200
    assert "_auth_user_id" in client.session
    assert not AuditEvent.objects.filter(action=AuditActions.SESSION_EXPIRED).exists()


def test_idle_for_31_minutes_sends_to_login_with_expired_and_audits(client, login, officer, frozen_now):
    frozen_now(T0)
    login(officer)
    frozen_now(T0 + dt.timedelta(minutes=31))
    response = client.get("/hvt/?pagina=2")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/account/aanmelden/?expired=1&next=%2Fhvt%2F%3Fpagina%3D2"
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action=AuditActions.SESSION_EXPIRED)
    assert event.actor_id == officer.pk
    page = client.get(location)
    assert "Uw sessie is verlopen" in page.content.decode()
    assert client.get("/").status_code == 302


def test_activity_keeps_the_session_alive_but_12_hours_is_the_absolute_limit(client, login, officer, frozen_now):
    frozen_now(T0)
    login(officer)
    moment = T0
    while moment + dt.timedelta(minutes=20) < T0 + dt.timedelta(hours=12):
        moment += dt.timedelta(minutes=20)
        frozen_now(moment)
        assert client.get("/").status_code == 200, moment - T0
    assert moment - T0 >= dt.timedelta(hours=11, minutes=40)
    frozen_now(T0 + dt.timedelta(hours=12, minutes=1))
    response = client.get("/")
    assert response.status_code == 302
    assert "expired=1" in response.headers["Location"]
    assert AuditEvent.objects.filter(action=AuditActions.SESSION_EXPIRED, actor_id=officer.pk).count() == 1


def test_an_expired_api_session_gets_401_json(client, login, officer, frozen_now):
    frozen_now(T0)
    login(officer)
    frozen_now(T0 + dt.timedelta(minutes=45))
    response = client.get("/api/v1/")
    assert response.status_code == 401
    assert response.json()["detail"]


def _last_activity_updates(queries):
    return [
        q["sql"] for q in queries
        if q["sql"].lstrip().upper().startswith("UPDATE") and "accounts_user" in q["sql"] and "last_activity" in q["sql"]
    ]


def test_last_activity_is_written_at_most_once_per_five_minutes(client, login, officer, frozen_now):
    frozen_now(T0)
    login(officer)
    officer.refresh_from_db()
    assert officer.last_activity == T0
    writes = []
    for minutes in (1, 2, 3, 4, 4.5):
        frozen_now(T0 + dt.timedelta(minutes=minutes))
        with CaptureQueriesContext(connections["default"]) as ctx:
            assert client.get("/").status_code == 200
        writes += _last_activity_updates(ctx.captured_queries)
    assert writes == []
    officer.refresh_from_db()
    assert officer.last_activity == T0

    frozen_now(T0 + dt.timedelta(minutes=5, seconds=1))
    with CaptureQueriesContext(connections["default"]) as ctx:
        client.get("/")
    assert len(_last_activity_updates(ctx.captured_queries)) == 1
    officer.refresh_from_db()
    assert officer.last_activity == T0 + dt.timedelta(minutes=5, seconds=1)

    frozen_now(T0 + dt.timedelta(minutes=7))
    with CaptureQueriesContext(connections["default"]) as ctx:
        client.get("/")
    assert _last_activity_updates(ctx.captured_queries) == []


def test_ending_a_users_sessions_logs_them_out(client, officer):
    from tests.factories import TEST_PASSWORD

    assert client.post("/account/aanmelden/", {"username": officer.username, "password": TEST_PASSWORD}).status_code == 302
    assert UserSession.objects.filter(user=officer).count() == 1
    assert client.get("/").status_code == 200
    ended = sessions_end_for_users(user_ids=User.objects.filter(pk=officer.pk).values("pk"))
    assert ended == 1
    assert not UserSession.objects.filter(user=officer).exists()
    assert client.get("/").status_code == 302
