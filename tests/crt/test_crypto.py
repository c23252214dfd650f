import base64

import pytest
from django.db import connections

from crt import crypto
from crt.models import Person
from crt.numbers import generate_number
from crt.services import CTX_NUMBER, crt_keys_rotate

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

KEY1 = "1:" + base64.b64encode(b"k" * 32).decode()
KEY2 = "2:" + base64.b64encode(b"n" * 32).decode()


def test_round_trip_and_nonce_is_fresh():
    a = crypto.encrypt("85073003328", context="ctx")
    b = crypto.encrypt("85073003328", context="ctx")
    assert a != b and a.startswith("v1$")
    assert crypto.decrypt(a, context="ctx") == "85073003328"


def test_token_is_bound_to_its_field():
    token = crypto.encrypt("secret", context="crt.person.phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context="crt.person.email")


def test_tampered_token_is_refused():
    token = crypto.encrypt("secret", context="c")
    blob = bytearray(base64.b64decode(token.split("$")[1]))
    blob[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("v1$" + base64.b64encode(bytes(blob)).decode(), context="c")


def test_key_must_be_32_bytes(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.CRT_ENCRYPTION_KEYS = "1:" + base64.b64encode(b"short").decode()
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x", context="c")


def test_default_development_keys_are_valid():
    assert crypto.current_key_version() >= 1
    assert crypto.decrypt(crypto.encrypt("x", context="c"), context="c") == "x"


def test_rotation_reencrypts_under_newest_key(settings, register):
    settings.CRT_ENCRYPTION_KEYS = KEY1
    dossier = register()
    person = dossier.person
    old_token = person.national_number_enc
    assert old_token.startswith("v1$")

    settings.CRT_ENCRYPTION_KEYS = f"{KEY1},{KEY2}"
    counts = crt_keys_rotate()
    assert counts["crt.person.national_number_enc"] == 1
    assert counts["crt.person.phone_enc"] == 1
    person.refresh_from_db()
    assert person.national_number_enc.startswith("v2$")
    assert person.national_number_enc != old_token

    # The old key can go: everything opens with key 2 alone.
    settings.CRT_ENCRYPTION_KEYS = KEY2
    assert crypto.decrypt(person.national_number_enc, context=CTX_NUMBER) == generate_number(person.birth_date, 34)
    # Idempotent: a second run has nothing to do.
    assert sum(crt_keys_rotate().values()) == 0


def test_rotate_command(settings, register, capsys):
    from django.core.management import call_command

    settings.CRT_ENCRYPTION_KEYS = KEY1
    register()
    settings.CRT_ENCRYPTION_KEYS = f"{KEY1},{KEY2}"
    call_command("rotate_crt_keys")
    assert Person.objects.using("crt").filter(national_number_enc__startswith="v2$").count() == 1


def test_number_is_not_stored_in_plain_text(register):
    dossier = register()
    number = generate_number(dossier.person.birth_date, 34)
    formatted = f"{number[:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:]}"
    # Raw columns of the CRT person table.
    with connections["crt"].cursor() as cursor:
        cursor.execute("SELECT * FROM crt_person")
        rows = cursor.fetchall()
    raw = repr(rows)
    assert number not in raw and formatted not in raw
    assert "+32 470" not in raw and "olena@example.invalid" not in raw
    # Every table of every database: the number appears nowhere (default DB included).
    for alias in ("crt", "default"):
        conn = connections[alias]
        with conn.cursor() as cursor:
            for table in conn.introspection.table_names(cursor):
                cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from introspection
                assert number not in repr(cursor.fetchall()), f"{alias}.{table}"


def test_blind_index_is_keyed(settings):
    a = crypto.blind_index("85073003328")
    settings.CRT_BLIND_INDEX_KEY = "another-key"
    assert crypto.blind_index("85073003328") != a
    assert len(a) == 64


def test_blind_index_rebuild_after_a_new_index_key(settings, register, case_manager, capsys):
    from django.core.management import call_command

    from crt.selectors import dossier_search

    dossier = register()
    number = generate_number(dossier.person.birth_date, 34)
    assert list(dossier_search(case_manager, number=number)) == [dossier]

    settings.CRT_BLIND_INDEX_KEY = base64.b64encode(b"a-new-blind-index-key-32-bytes!!").decode()
    assert not dossier_search(case_manager, number=number).exists()  # the old index no longer matches
    call_command("rotate_crt_keys", "--reindex")
    assert "Blind index recomputed for 1 person(s)." in capsys.readouterr().out
    assert list(dossier_search(case_manager, number=number)) == [dossier]
    from crt.services import crt_blind_index_rebuild

    assert crt_blind_index_rebuild() == 0  # idempotent
