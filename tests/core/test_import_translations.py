"""core's English catalogue (the stored import) is complete, and the import pages speak English to an
English user: the page's own text, and the report, which the task writes in the uploader's language."""

import re

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from accounts.constants import Roles
from core.models import Import
from tests.core.import_helpers import csv_bytes, place_row, upload

PO = settings.BASE_DIR / "core" / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdr]")


def test_every_entry_is_translated_with_the_same_placeholders():
    po = polib.pofile(str(PO))
    assert len(po) > 90
    assert [e.msgid for e in po.untranslated_entries()] == [] and [e.msgid for e in po.fuzzy_entries()] == []
    for entry in po:
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert set(PLACEHOLDER.findall(text)) <= set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural)), entry.msgid


@pytest.fixture
def english_catalogues():
    import io

    from django.utils.translation import trans_real

    call_command("compile_translations", stdout=io.StringIO())
    trans_real._translations = {}
    trans_real._default = None


@pytest.mark.usefixtures("english_catalogues")
@pytest.mark.django_db(databases=["default", "crt"])
def test_an_english_coordinator_gets_the_import_in_english(client, login, make_user, django_capture_on_commit_callbacks):
    login(make_user(Roles.HVT_COORDINATOR, is_staff=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    form = client.get(reverse("admin:hvt_receptionplace_import")).content.decode()
    assert "Import Reception places" in form and "Upload and check" in form
    rows = [place_row(0), place_row(1, start_date="2022-03-01")]
    upload(client, django_capture_on_commit_callbacks, csv_bytes(rows))
    imp = Import.objects.get()
    assert imp.language == "en" and imp.error == "1 row contains errors; nothing was saved."
    body = client.get(reverse("admin:core_import_change", args=[imp.pk])).content.decode()
    assert "Failed: nothing saved" in body and "Row 1 is the first row below the column names." in body
    assert "The start date cannot be before 14 March 2022." in body  # the rule's message, in the task, in English
