"""The English catalogue of the foundation is complete and its placeholders match the Dutch source."""

import re

import polib
from django.conf import settings

PO = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdr]")


def test_every_entry_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(PO))
    assert len(po) > 100
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_placeholders_match_between_dutch_and_english():
    po = polib.pofile(str(PO))
    for entry in po.translated_entries():
        assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(entry.msgstr)), entry.msgid


def test_key_strings_of_the_login_flow_are_in_english():
    catalogue = {e.msgid: e.msgstr for e in polib.pofile(str(PO))}
    assert catalogue["Aanmelden"] == "Sign in"
    assert catalogue["Tweestapsverificatie"] == "Two-step verification"
    assert catalogue["Account tijdelijk geblokkeerd"] == "Account temporarily locked"
