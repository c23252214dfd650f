"""Database-level append-only guard (PostgreSQL), shared by both audit tables.

Three layers, each enough on its own against the application's database role:

* a row trigger refuses UPDATE and DELETE, a statement trigger refuses TRUNCATE;
* the application role holds no UPDATE, DELETE, TRUNCATE or TRIGGER privilege on the table
  (``audit_privileges_revoke_sql``; the roles themselves: ``deploy/postgres/roles.sql``);
* the application role owns nothing, so it cannot disable or drop a trigger either (only the
  owner — the migration role — or a superuser can, see docs/OPERATIONS.md "Database roles").
"""

import re

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def append_only_trigger_sql(table: str) -> tuple[str, str]:
    forward = FUNCTION_SQL + f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
"""
    reverse = f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"
    return forward, reverse


def no_truncate_trigger_sql(table: str) -> tuple[str, str]:
    """TRUNCATE fires no row trigger: a statement trigger refuses it."""
    forward = FUNCTION_SQL + f"""
DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""
    reverse = f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};"
    return forward, reverse


_REVOKE_TEMPLATE = """
DO $$
DECLARE
  holder text;
BEGIN
  REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER ON __TABLE__ FROM PUBLIC;
  FOR holder IN
    SELECT DISTINCT a.grantee::regrole::text
    FROM pg_class c, aclexplode(c.relacl) a
    WHERE c.oid = '__TABLE__'::regclass AND a.grantee <> 0 AND a.grantee <> c.relowner
      AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER')
  LOOP
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER ON __TABLE__ FROM %s', holder);
  END LOOP;
END
$$;
"""


def audit_privileges_revoke_sql(table: str) -> str:
    """Take UPDATE, DELETE, TRUNCATE and TRIGGER on the table from every role but its owner
    (whatever default privileges granted the application role when the migration created it)."""
    if not _IDENTIFIER.fullmatch(table):  # a table name from a migration, never user input
        raise ValueError(f"not a table name: {table!r}")
    return _REVOKE_TEMPLATE.replace("__TABLE__", table)


def _postgresql_only(forward_sql: str, reverse_sql: str | None):
    from django.db import migrations

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # params=None: the SQL goes to the server as is (plpgsql's RAISE uses % placeholders).
            schema_editor.execute(forward_sql, params=None)

    def reverse(apps, schema_editor):
        if reverse_sql and schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(reverse_sql, params=None)

    return migrations.RunPython(forward, reverse)


def append_only_operation(table: str):
    """A migration operation that installs the UPDATE/DELETE trigger on PostgreSQL only (SQLite: ORM guards)."""
    return _postgresql_only(*append_only_trigger_sql(table))


def no_truncate_operations(table: str) -> list:
    """Migration operations (PostgreSQL only): the TRUNCATE trigger, and no changing privileges
    for anyone but the table's owner."""
    return [
        _postgresql_only(*no_truncate_trigger_sql(table)),
        _postgresql_only(audit_privileges_revoke_sql(table), None),
    ]
