"""Finding 11: a NUL character anywhere in a request is a 400 (a Dutch page, or JSON under /api/),
never a 500 — also on parameters no view declares; and every response carries X-Frame-Options,
also those a middleware answers by itself (the no-licence page)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.constants import Roles
from tests.factories import TEST_PASSWORD
from tests.security.expectations import all_entries
from tests.security.expectations._base import INSIDE
from tests.security.matrix import walk_urls

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

# The URLs of the finding, and the same trick on other parameters and in the path.
NAMED_IN_THE_FINDING = [
    "/api/v1/hvt/places/?q=%00",
    "/api/v1/hvt/targets/?municipality=%00",
    "/hvt/evolutie/?municipality=%00",
]
MORE = [
    "/api/v1/hvt/allocations/?active_on=%00",
    "/api/v1/hvt/allocations/?place=1%00",
    "/api/v1/hvt/places/?municipality=44021&status=%00",
    "/api/v1/hvt/places/?page=%00",
    "/api/v1/hvt/places/?never_declared=%00",
    "/api/v1/hvt/places/?%00=1",
    "/api/v1/hvt/places/%00/",
    "/api/v1/schema/?format=%00",
    "/hvt/plaatsen/?q=abc%00def",
    "/hvt/plaatsen/?pagina=%00",
    "/hvt/dashboard/?sort=%00",
    "/hvt/gemeenten/44%0021/",
    "/beheer/hvt/receptionplace/?q=%00",
    "/beheer/geo/municipality/?province__refnis__exact=%00",
    "/crt/dossiers/?q=%00",
    "/account/aanmelden/?next=/%00",
    "/%00",
    "/static/css/app.css%00",
]


@pytest.fixture
def coordinator(login, make_user):
    return login(make_user(Roles.HVT_COORDINATOR, is_staff=True, is_superuser=True))


def _assert_refused(response, url):
    assert response.status_code == 400, f"{url}: {response.status_code}"
    assert response["X-Frame-Options"] == "DENY", url
    assert "Content-Security-Policy" in response, url
    if url.startswith("/api/"):
        assert response["Content-Type"] == "application/json", url
        assert "ongeldig teken" in response.json()["detail"], url
    else:
        body = response.content.decode()
        assert "Ongeldige aanvraag" in body and "ongeldig teken (een nul-teken)" in body, url


@pytest.mark.parametrize("url", NAMED_IN_THE_FINDING + MORE)
def test_a_nul_byte_is_a_400_for_a_logged_in_user(coordinator, url):
    coordinator.raise_request_exception = True  # a 500 would raise here
    _assert_refused(coordinator.get(url), url)


@pytest.mark.parametrize("url", NAMED_IN_THE_FINDING[:1] + ["/hvt/plaatsen/?q=%00", "/account/aanmelden/?next=%00"])
def test_a_nul_byte_is_a_400_for_anyone(client, url):
    _assert_refused(client.get(url), url)


def test_a_raw_nul_in_the_query_string_is_refused(coordinator):
    response = coordinator.generic("GET", "/api/v1/hvt/places/", QUERY_STRING="q=a\x00b")
    _assert_refused(response, "/api/v1/hvt/places/")


def test_the_refusal_speaks_english_to_who_chose_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    from django.core.management import call_command

    call_command("compile_translations", verbosity=0)
    body = client.get("/hvt/plaatsen/?q=%00").content.decode()
    assert "invalid character (a null character)" in body


def test_every_url_refuses_a_nul_in_a_parameter_it_never_declared(coordinator):
    """A walk over every named URL (pages, both admin sites, the API): none may pass a NUL on."""
    named, _ = walk_urls()
    entries = all_entries()
    checked, failures = 0, []
    for name in sorted(named):
        entry = entries.get(name, (None, None))[1]
        try:
            with transaction.atomic(using="default"), transaction.atomic(using="crt"):
                kwargs = (entry.obj(INSIDE) if entry is not None and entry.obj else (entry.kwargs or {}) if entry else {})
            url = reverse(name, kwargs=kwargs)
        except Exception as exc:
            failures.append(f"{name}: cannot build the URL ({exc!r})")
            continue
        for suffix in ("?zzz=%00", "?q=%00&municipality=%00&page=%00"):
            response = coordinator.get(url + suffix)
            checked += 1
            if response.status_code != 400:
                failures.append(f"{name}: GET {url}{suffix} → {response.status_code}")
    assert checked > 300
    assert failures == []


def test_a_nul_in_a_form_field_is_refused_and_changes_nothing(client, make_user):
    from audit.models import AuditEvent

    user = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])
    response = client.post("/account/aanmelden/", {"username": user.username + "\x00", "password": TEST_PASSWORD})
    _assert_refused(response, "/account/aanmelden/")
    response = client.post("/account/aanmelden/", {"username": user.username, "password": TEST_PASSWORD,
                                                   "extra\x00": "1"})
    _assert_refused(response, "/account/aanmelden/")
    assert not AuditEvent.objects.filter(actor_id=user.pk).exists()  # nobody logged in


def test_a_nul_in_a_multipart_field_is_refused(coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hvt.models import ReceptionPlace

    before = ReceptionPlace.objects.count()
    url = "/hvt/plaatsen/nieuw/"
    response = coordinator.post(url, {"street": "Kerkstraat\x00", "file": SimpleUploadedFile("a.csv", b"x")})
    _assert_refused(response, url)
    response = coordinator.post(url, {"street\x00": "Kerkstraat", "file": SimpleUploadedFile("a.csv", b"x")})
    _assert_refused(response, url)
    assert ReceptionPlace.objects.count() == before


def test_an_ordinary_request_passes(coordinator):
    response = coordinator.get("/api/v1/hvt/places/?q=Kerkstraat%20%25")
    assert response.status_code == 200
    assert response.json()["count"] == 0


# --- X-Frame-Options on pages a middleware answers itself ------------------------------------------


def test_the_no_licence_page_cannot_be_framed(login, make_user, settings):
    settings.LICENCE_ENFORCEMENT = True
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])
    response = login(officer).get("/hvt/")
    assert response.status_code == 403
    assert "U hebt geen licentie voor HVT" in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    api = login(officer).get("/api/v1/hvt/places/")
    assert api.status_code == 403 and api["X-Frame-Options"] == "DENY"


def test_the_second_factor_redirect_and_error_pages_cannot_be_framed(client, login, make_user):
    coordinator = make_user(Roles.HVT_COORDINATOR)
    redirect = login(coordinator, verified=False).get("/hvt/")
    assert redirect.status_code == 302
    assert redirect["X-Frame-Options"] == "DENY"
    assert client.get("/bestaat-niet/")["X-Frame-Options"] == "DENY"


def test_the_form_check_leaves_the_body_of_a_csrf_exempt_view_unread():
    """Such a view may set its own upload handlers (Django's documented pattern), which is
    impossible once the body was parsed: the NUL check reads form fields where CSRF would."""
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.views.decorators.csrf import csrf_exempt

    from core.middleware import RejectNulBytesMiddleware

    middleware = RejectNulBytesMiddleware(lambda request: HttpResponse())
    request = RequestFactory().post("/upload/", {"name": "a\x00b"})
    assert middleware.process_view(request, csrf_exempt(lambda r: None), (), {}) is None
    assert not hasattr(request, "_post")
    request.upload_handlers = []  # still allowed
    protected = RequestFactory().post("/upload/", {"name": "a\x00b"})
    assert middleware.process_view(protected, lambda r: None, (), {}).status_code == 400
