"""Finding 6: the client's address and the request id in audit events and logs are believed from
headers only when a configured proxy (TRUSTED_PROXIES) sent them."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings

from accounts.constants import Roles
from audit.constants import AuditActions
from audit.models import AuditEvent
from core.net import client_ip, request_id
from tests.factories import TEST_PASSWORD, make_user

LOGIN = "/account/aanmelden/"
PROXY = "10.0.0.2"
SPOOFED = "192.0.2.66"  # what the attacker claims to be


def _login(client, user, **headers):
    return client.post(LOGIN, {"username": user.username, "password": TEST_PASSWORD}, **headers)


def _login_event(user):
    return AuditEvent.objects.get(action=AuditActions.LOGIN, actor_id=user.pk)


@pytest.mark.django_db
def test_without_a_trusted_proxy_forwarded_for_and_request_id_are_ignored(client):
    assert settings.TRUSTED_PROXIES == []  # the default
    user = make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"])
    response = _login(client, user, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=SPOOFED,
                      HTTP_X_REQUEST_ID="forged-id-1")
    assert response.status_code == 302
    event = _login_event(user)
    assert event.client_ip == "198.51.100.7"
    assert event.request_id != "forged-id-1" and len(event.request_id) == 32
    assert response.headers["X-Request-ID"] == event.request_id


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
def test_a_trusted_proxy_tells_the_client_address_and_request_id(client):
    user = make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"])
    # the client wrote the first entry itself; our proxies appended the rest
    response = _login(client, user, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{SPOOFED}, 203.0.113.9, 10.0.0.3",
                      HTTP_X_REQUEST_ID="proxy-req-42")
    event = _login_event(user)
    assert event.client_ip == "203.0.113.9"
    assert event.request_id == "proxy-req-42"
    assert response.headers["X-Request-ID"] == "proxy-req-42"


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
def test_an_untrusted_peer_cannot_pose_as_a_proxy(client):
    user = make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"])
    _login(client, user, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"{SPOOFED}, 10.0.0.3",
           HTTP_X_REQUEST_ID="forged-id-2")
    event = _login_event(user)
    assert event.client_ip == "198.51.100.7"
    assert event.request_id != "forged-id-2"


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
@pytest.mark.parametrize("forged", [
    "id with spaces", "<script>alert(1)</script>", "x" * 65, "a\tb", "ünïcode", "-leading-dash", "a;b=c",
])
def test_a_malformed_request_id_is_replaced_even_from_a_trusted_proxy(client, forged):
    response = client.get(LOGIN, REMOTE_ADDR=PROXY, HTTP_X_REQUEST_ID=forged)
    assert response.headers["X-Request-ID"] != forged
    assert len(response.headers["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_axes_records_the_same_address_as_the_audit_trail(client):
    from axes.models import AccessAttempt

    user = make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"])
    client.post(LOGIN, {"username": user.username, "password": "wrong-password-1"},
                REMOTE_ADDR="198.51.100.8", HTTP_X_FORWARDED_FOR=SPOOFED)
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.8"]
    with override_settings(TRUSTED_PROXIES=["10.0.0.0/24"]):
        client.post(LOGIN, {"username": user.username, "password": "wrong-password-2"},
                    REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{SPOOFED}, 203.0.113.10")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.8", "203.0.113.10"}


def _request(remote, forwarded=None, rid=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    if rid is not None:
        headers["HTTP_X_REQUEST_ID"] = rid
    return RequestFactory().get("/", **headers)


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "2001:db8:1::/48", "127.0.0.1"])
@pytest.mark.parametrize(("remote", "forwarded", "expected"), [
    ("10.1.1.1", None, "10.1.1.1"),                                   # a proxy, nothing forwarded
    ("10.1.1.1", "203.0.113.5", "203.0.113.5"),
    ("10.1.1.1", "203.0.113.5:4711", "203.0.113.5"),                  # with a port
    ("10.1.1.1", "[2001:db8:9::5]:443, 10.2.2.2", "2001:db8:9::5"),
    ("2001:db8:1::2", "2001:db8:9::5", "2001:db8:9::5"),
    ("::ffff:10.1.1.1", "203.0.113.5", "203.0.113.5"),                # IPv4-mapped proxy address
    ("10.1.1.1", "192.0.2.1, 203.0.113.5, 10.3.3.3, 127.0.0.1", "203.0.113.5"),
    ("10.1.1.1", "10.4.4.4, 10.3.3.3", "10.4.4.4"),                   # only proxies: the farthest one
    ("10.1.1.1", "203.0.113.5, not-an-ip", "10.1.1.1"),               # garbage from our side: stop
    ("10.1.1.1", "not-an-ip, 203.0.113.5", "203.0.113.5"),            # garbage from the client: never read
    ("198.51.100.1", "203.0.113.5", "198.51.100.1"),                  # not a proxy
    ("unix-socket", "203.0.113.5", None),
])
def test_client_ip_rule(remote, forwarded, expected):
    assert client_ip(_request(remote, forwarded)) == expected


@override_settings(TRUSTED_PROXIES=[])
def test_client_ip_without_proxies_is_the_peer():
    assert client_ip(_request("198.51.100.1", "203.0.113.5")) == "198.51.100.1"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_request_id_rule():
    assert request_id(_request("10.0.0.1", rid="0f8fad5b-d9cb-469f-a165-70867728950e")) == "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert request_id(_request("198.51.100.1", rid="abc")) != "abc"
    assert request_id(_request("10.0.0.1", rid="abc def")) != "abc def"


def test_a_malformed_trusted_proxies_setting_refuses_to_start():
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "TRUSTED_PROXIES": "10.0.0.0/8,10.0.0.300"}
    proc = subprocess.run([sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "TRUSTED_PROXIES" in proc.stderr and "10.0.0.300" in proc.stderr
