"""Database-level append-only guard (PostgreSQL trigger), shared by both audit tables."""


def append_only_trigger_sql(table: str) -> tuple[str, str]:
    forward = f"""
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
"""
    reverse = f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"
    return forward, reverse


def append_only_operation(table: str):
    """A migration operation that installs the trigger on PostgreSQL only (SQLite: ORM guards)."""
    from django.db import migrations

    forward_sql, reverse_sql = append_only_trigger_sql(table)

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # params=None: the SQL goes to the server as is (plpgsql's RAISE uses % placeholders).
            schema_editor.execute(forward_sql, params=None)

    def reverse(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(reverse_sql, params=None)

    return migrations.RunPython(forward, reverse)
