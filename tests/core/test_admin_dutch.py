"""The back-office (/beheer/) speaks Dutch throughout: Django's own catalogue, completed where Django
5.2's nl catalogue has gaps (locale/nl), the admin widgets' JavaScript catalogue, and a clear Dutch
message for an unreadable upload."""

from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.constants import Roles
from core.models import Import
from tests.core.import_helpers import status_page

pytestmark = pytest.mark.django_db

DJANGO = Path(django.__file__).parent


def _translated(po_path: Path) -> set:
    return {(e.msgctxt, e.msgid) for e in polib.pofile(str(po_path)).translated_entries()} if po_path.exists() else set()


@pytest.mark.parametrize(("package", "domain"), [
    ("contrib/admin", "django"), ("contrib/admin", "djangojs"), ("contrib/auth", "django"),
    ("contrib/contenttypes", "django"), ("conf", "django"),
])
def test_every_admin_string_of_django_has_a_dutch_translation(package, domain):
    """Django's English catalogue lists every string; each one is translated by Django's nl catalogue
    or by the project's (locale/nl, <app>/locale/nl): a Django upgrade that adds strings makes this fail."""
    source = polib.pofile(str(DJANGO / package / "locale/en/LC_MESSAGES" / f"{domain}.po"))
    dutch = _translated(DJANGO / package / "locale/nl/LC_MESSAGES" / f"{domain}.po")
    dutch |= _translated(Path(settings.BASE_DIR) / "locale/nl/LC_MESSAGES" / f"{domain}.po")
    for app in settings.LOCAL_APPS:  # an app may complete Django's catalogue too (accounts: passwords)
        dutch |= _translated(Path(settings.BASE_DIR) / app / "locale/nl/LC_MESSAGES" / f"{domain}.po")
    missing = [e.msgid for e in source if not e.obsolete and (e.msgctxt, e.msgid) not in dutch]
    assert missing == []


@pytest.fixture
def superuser(login, make_user):
    return login(make_user(Roles.SUPPORT, is_staff=True, is_superuser=True))


def test_user_add_page_is_dutch(superuser):
    body = superuser.get("/beheer/accounts/user/add/").content.decode()
    assert "Nadat u de gebruiker hebt aangemaakt, kunt u meer gebruikersopties bewerken." in body
    assert "After you" not in body
    assert "Add link" not in body


def test_admin_widget_catalogue_is_dutch(superuser):
    response = superuser.get(reverse("admin:jsi18n"))
    body = response.content.decode()
    assert '"Choose all %s": "Alle %s kiezen"' in body
    assert "Kies %s door ze te selecteren" in body


def test_a_junk_upload_gets_a_dutch_reason_and_no_exception_name(superuser, django_capture_on_commit_callbacks):
    junk = bytes(range(256)) * 8  # no text, no zip
    with django_capture_on_commit_callbacks(execute=True):
        superuser.post(reverse("admin:hvt_receptionplace_import"),
                       {"import_file": SimpleUploadedFile("plaatsen.csv", junk)})
    body = status_page(superuser, Import.objects.get()).content.decode() if Import.objects.exists() else ""
    if not body:  # refused on the upload form itself
        body = superuser.post(reverse("admin:hvt_receptionplace_import"),
                              {"import_file": SimpleUploadedFile("plaatsen.csv", junk)}).content.decode()
    assert "geen UTF-8-tekst" in body
    assert "UnicodeDecodeError" not in body and "encountered" not in body
