"""The account screens' own English catalogue is complete, and Dutch users get Dutch validator messages."""

import re

import polib
import pytest
from django.conf import settings
from django.utils import translation

CATALOGUE = settings.BASE_DIR / "accounts" / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdr]")


def test_every_entry_is_translated_with_the_same_placeholders():
    po = polib.pofile(str(CATALOGUE))
    assert len(po) > 50
    assert [e.msgid for e in po.untranslated_entries()] == []
    for entry in po:
        assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(entry.msgstr)), entry.msgid


@pytest.mark.parametrize(("language", "expected"), [("en", "Forgot your password?"), ("nl", "Wachtwoord vergeten?")])
def test_the_login_page_links_to_the_reset_in_the_users_language(client, language, expected, db):
    client.post("/i18n/setlang/", {"language": language})
    assert expected in client.get("/account/aanmelden/").content.decode()


def test_the_password_length_message_is_dutch():
    from django.contrib.auth.password_validation import MinimumLengthValidator
    from django.core.exceptions import ValidationError

    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        MinimumLengthValidator(min_length=12).validate("kort")
    assert exc.value.messages == ["Dit wachtwoord is te kort. Het moet minstens 12 tekens lang zijn."]
