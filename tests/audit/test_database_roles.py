"""Finding 7: the audit tables refuse TRUNCATE, and the application's database role — made by the
documented script, deploy/postgres/roles.sql — can neither truncate them nor switch their triggers
off (it owns nothing). PostgreSQL only: SQLite has neither triggers of this kind nor roles; under
REQUIRE_SERVICES=1 both databases are PostgreSQL, so nothing here is skipped in CI."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError, connections, transaction

from accounts.constants import Roles
from audit.constants import AuditActions
from audit.db import audit_privileges_revoke_sql
from audit.services import audit_log
from tests.factories import make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

ROLES_SQL = Path(settings.BASE_DIR) / "deploy" / "postgres" / "roles.sql"
AUDIT_TABLES = [("default", "audit_auditevent"), ("crt", "crt_auditevent"), ("crt", "crt_auditeventperson")]
# What the application appends to each (it must still be able to).
APPEND = {
    "audit_auditevent": "INSERT INTO audit_auditevent (occurred_at, actor_username, action, object_type, object_id, "
                        "object_repr, changes, reason, request_id) "
                        "VALUES (now(), 'app', 'other', 't', '1', 'x', '{{}}', '', '') RETURNING id",
    "crt_auditevent": "INSERT INTO crt_auditevent (occurred_at, actor_username, action, object_type, object_id, "
                      "object_repr, changes, reason, request_id) "
                      "VALUES (now(), 'app', 'other', 't', '1', 'x', '{{}}', '', '') RETURNING id",
    "crt_auditeventperson": "INSERT INTO crt_auditeventperson (event_id, person_id) VALUES ({event}, 424242) RETURNING id",
}


def _postgresql(alias):
    if connections[alias].vendor != "postgresql":
        pytest.skip("PostgreSQL only (the SQLite default relies on the ORM guards)")
    return connections[alias]


def _event(alias, table):
    """A row in ``table`` (for the persons table: an event naming a person); returns the row's id."""
    event = audit_log(actor=make_user(Roles.SUPPORT), action=AuditActions.OTHER, object_type="test.thing",
                      object_id=1, object_repr="ding", database=alias)
    if table != "crt_auditeventperson":
        return event.pk
    from crt.models import AuditEventPerson

    return AuditEventPerson.objects.using(alias).create(event_id=event.pk, person_id=4242).pk


def _count(connection, table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


def _refused(alias, sql, match):
    """Run one statement in a savepoint; it must fail with a message matching ``match``."""
    with pytest.raises(DatabaseError, match=match), transaction.atomic(using=alias):
        with connections[alias].cursor() as cursor:
            cursor.execute(sql)


TRIGGER_REFUSAL = r"append-only \(TRUNCATE on (audit_auditevent|crt_auditevent|crt_auditeventperson)\)"


@pytest.mark.parametrize(("alias", "table"), AUDIT_TABLES)
@pytest.mark.parametrize("statement", [
    "TRUNCATE {table} CASCADE",
    "TRUNCATE ONLY {table} RESTART IDENTITY CASCADE",
    "TRUNCATE django_migrations, {table} CASCADE",
    "TRUNCATE {table}",
])
def test_truncate_of_an_audit_table_is_refused_even_for_its_owner(alias, table, statement):
    connection = _postgresql(alias)
    _event(alias, table)
    before = _count(connection, table)
    assert before >= 1
    sql = statement.format(table=table)
    # The row written above leaves deferred foreign-key checks pending, which would refuse the
    # TRUNCATE before the trigger is asked: settle them first, as a separate transaction would be.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    if "CASCADE" in sql or table != "crt_auditevent":
        _refused(alias, sql, TRIGGER_REFUSAL)
    else:  # the persons of the CRT events refer to them: without CASCADE their foreign key refuses first
        _refused(alias, sql, "referenced in a foreign key constraint")
    assert _count(connection, table) == before


def _run_roles_sql(connection, **variables):
    """Run the documented script as psql would: its only psql feature is :'variable'."""
    from psycopg import sql

    text = re.sub(r"--[^\n]*", "", ROLES_SQL.read_text(encoding="utf-8"))  # comments off
    assert "\\" not in text, "roles.sql must not use psql meta-commands"
    used = set(re.findall(r":'(\w+)'", text))
    assert used == set(variables), used
    raw = connections[connection.alias].connection  # the psycopg connection, inside the test's transaction
    for name, value in variables.items():
        text = text.replace(f":'{name}'", sql.Literal(value).as_string(raw))
    with connection.cursor() as cursor:
        cursor.execute(text)  # no parameters: the % of format() stay as they are


def _event_of(connection, person_row):
    with connection.cursor() as cursor:
        cursor.execute("SELECT event_id FROM crt_auditeventperson WHERE id = %s", [person_row])
        return cursor.fetchone()[0]


@pytest.fixture
def role_names():
    """Unique role names for this run; roles are cluster-wide, so they are dropped afterwards
    (the test's rollback undoes CREATE ROLE; the finaliser catches a run that committed)."""
    suffix = uuid.uuid4().hex[:10]
    names = {"owner": f"hvt_test_owner_{suffix}", "app": f"hvt_test_app_{suffix}"}
    yield names
    for alias in ("default", "crt"):
        if connections[alias].vendor != "postgresql":
            continue
        import psycopg

        params = connections[alias].get_connection_params()
        with psycopg.connect(**params, autocommit=True) as conn:
            for role in (names["app"], names["owner"]):
                exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
                if exists:
                    conn.execute(f'DROP OWNED BY "{role}"')
                    conn.execute(f'DROP ROLE "{role}"')


@pytest.mark.parametrize(("alias", "table"), AUDIT_TABLES)
def test_the_application_role_cannot_get_past_the_audit_trail(alias, table, role_names):
    connection = _postgresql(alias)
    row = _event(alias, table)
    _run_roles_sql(connection, owner=role_names["owner"], owner_password="owner-" + uuid.uuid4().hex,
                   app=role_names["app"], app_password="app-" + uuid.uuid4().hex)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = %s", [role_names["app"]])
        assert cursor.fetchone() == (False, False, False)
        cursor.execute("SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = %s",
                       [role_names["app"]])
        assert cursor.fetchone() == (0,)  # owns nothing
        cursor.execute(f'SET ROLE "{role_names["app"]}"')
    try:
        # what the application does: read and append
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")
            event = row if table != "crt_auditeventperson" else _event_of(connection, row)
            cursor.execute(APPEND[table].format(event=event))
            assert cursor.fetchone()[0] > row
        # what an attacker with the application's credentials would try
        denied = r"permission denied|must be owner|must be superuser"
        attempts = [
            f"TRUNCATE {table}",
            f"UPDATE {table} SET id = id WHERE id = {row}",
            f"DELETE FROM {table} WHERE id = {row}",
            f"ALTER TABLE {table} DISABLE TRIGGER ALL",
            f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_truncate",
            f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only",
            f"DROP TRIGGER {table}_no_truncate ON {table}",
            f"ALTER TABLE {table} OWNER TO CURRENT_USER",
            "SET session_replication_role = replica",
            "CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$ BEGIN RETURN NULL; END $$ "
            "LANGUAGE plpgsql",
            "CREATE TABLE hvt_attacker (id int)",
            f"GRANT UPDATE ON {table} TO CURRENT_USER",
        ]
        for sql in attempts:
            if sql.startswith("GRANT"):
                # not an error in PostgreSQL (a warning): it must simply grant nothing
                with transaction.atomic(using=alias), connection.cursor() as cursor:
                    cursor.execute(sql)
                    cursor.execute("SELECT has_table_privilege(%s, 'UPDATE')", [table])
                    assert cursor.fetchone() == (False,), sql
                continue
            _refused(alias, sql, denied)
        # the ordinary tables stay writable for the application
        other = "hvt_receptionplace" if alias == "default" else "crt_organisation"
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {other} SET id = id WHERE false")
            cursor.execute(f"DELETE FROM {other} WHERE false")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE id = %s", [row])
        assert cursor.fetchone() == (1,)
        for privilege, expected in [("SELECT", True), ("INSERT", True), ("UPDATE", False), ("DELETE", False),
                                    ("TRUNCATE", False), ("TRIGGER", False)]:
            cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [role_names["app"], table, privilege])
            assert cursor.fetchone() == (expected,), privilege


@pytest.mark.parametrize(("alias", "table"), AUDIT_TABLES)
def test_the_migration_takes_changing_privileges_from_every_role_but_the_owner(alias, table, role_names):
    """Default privileges hand the application role UPDATE/DELETE on each table the owner creates;
    the audit migrations take them back (audit.db.audit_privileges_revoke_sql)."""
    connection = _postgresql(alias)
    holder = role_names["app"]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{holder}" NOLOGIN')
        cursor.execute(f'GRANT ALL ON {table} TO "{holder}", PUBLIC')
        cursor.execute(audit_privileges_revoke_sql(table))
        for grantee in (holder, "public"):
            for privilege, expected in [("SELECT", True), ("INSERT", True), ("UPDATE", False), ("DELETE", False),
                                        ("TRUNCATE", False), ("TRIGGER", False)]:
                cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [grantee, table, privilege])
                assert cursor.fetchone() == (expected,), (grantee, privilege)


def test_the_revoke_refuses_anything_but_a_table_name():
    with pytest.raises(ValueError):
        audit_privileges_revoke_sql("audit_auditevent; DROP TABLE x")
