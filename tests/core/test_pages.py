"""Friendly Dutch error pages in the base layout, and English as a selectable language."""

import io

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import include, path

from accounts.constants import Roles
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


def _boom(request):
    raise RuntimeError("kapot")


def _forbidden(request):
    raise PermissionDenied


# A URLconf for the 403/500 handlers: the project's own handlers, two views that fail.
urlpatterns = [path("boom/", _boom), path("verboden/", _forbidden), path("", include("config.urls"))]
handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"


def test_debug_is_off_in_tests():
    assert settings.DEBUG is False


def test_404_is_a_friendly_dutch_page_in_the_base_layout(login):
    client = login(make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"]))
    response = client.get("/deze-pagina-bestaat-niet/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Niet gevonden" in body
    assert '<h1 class="h3">Niet gevonden</h1>' in body
    assert "Deze pagina bestaat niet, of u hebt er geen toegang toe." in body
    assert "HVT · CRT Vlaanderen" in body  # the base layout's header
    assert 'id="main"' in body and "Naar de startpagina" in body
    assert "Traceback" not in body and "urlpatterns" not in body


def test_404_for_an_anonymous_visitor_too(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Niet gevonden" in response.content.decode()


def test_403_is_a_friendly_dutch_page_in_the_base_layout(login):
    client = login(make_user(Roles.SUPPORT, is_staff=True))
    response = client.get("/beheer/audit/auditevent/")  # support does not read the audit trail
    assert response.status_code == 403
    body = response.content.decode()
    assert "Geen toegang" in body
    assert "U hebt geen toegang tot deze pagina" in body
    assert "HVT · CRT Vlaanderen" in body
    assert "Afmelden" in body  # the signed-in layout


def test_a_form_without_csrf_token_gets_a_friendly_dutch_403():
    user = make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"])
    client = Client(enforce_csrf_checks=True)
    response = client.post("/account/aanmelden/", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Formulier verlopen" in body
    assert "Er werd niets opgeslagen" in body
    assert "HVT · CRT Vlaanderen" in body
    assert "CSRF" not in body
    assert "_auth_user_id" not in client.session


@override_settings(ROOT_URLCONF=__name__)
def test_403_from_permission_denied_in_a_view(client):
    response = client.get("/verboden/")
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_500_says_nothing_was_saved_without_a_traceback():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Er ging iets mis" in body
    assert "Er werd niets opgeslagen" in body
    assert "kapot" not in body and "Traceback" not in body


@pytest.fixture(scope="module")
def english_catalogue():
    mo = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.mo"
    po = mo.with_suffix(".po")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        call_command("compile_translations", stdout=io.StringIO())
        from django.utils.translation import trans_real

        trans_real._translations = {}
        trans_real._default = None
    return mo


def test_english_is_selectable_and_the_login_page_is_then_english(client, english_catalogue):
    dutch = client.get("/account/aanmelden/").content.decode()
    assert "Aanmelden" in dutch and 'lang="nl"' in dutch
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/account/aanmelden/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/aanmelden/"
    english = client.get("/account/aanmelden/")
    body = english.content.decode()
    assert 'lang="en"' in body
    assert "Sign in" in body
    assert "Aanmelden" not in body
    assert "Skip to content" in body
    wrong = client.post("/account/aanmelden/", {"username": "niemand", "password": "fout"})
    assert "The username or password is incorrect" in wrong.content.decode()


def test_english_user_sees_english_navigation_and_home(client, english_catalogue):
    user = make_user(Roles.SUPPORT, is_staff=True)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.post("/i18n/setlang/", {"language": "en"})
    client.post("/account/aanmelden/", {"username": user.username, "password": TEST_PASSWORD})
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="t", defaults={"confirmed": True})
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    body = client.get("/").content.decode()
    assert "Welcome," in body
    assert "Administration" in body
    assert "Sign out" in body
