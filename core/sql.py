"""SQL that the ORM does not write by itself, built from querysets (no hand-written WHERE)."""

from __future__ import annotations

from django.db import connections, models


def insert_from_select(
    model: type[models.Model], columns: dict[str, models.Expression], queryset, *, using: str = "default"
) -> int:
    """INSERT INTO model (columns) SELECT <expressions> FROM <queryset>: one statement for any
    number of rows (bulk_create would need the rows in Python, and batches on SQLite). Returns
    the number of rows inserted."""
    aliases = {f"_insert_{i}": expression for i, expression in enumerate(columns.values())}
    select = queryset.annotate(**aliases).values_list(*aliases).order_by()
    connection = connections[using]
    sql, params = select.query.get_compiler(using=using).as_sql()
    quote = connection.ops.quote_name
    target = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    with connection.cursor() as cursor:
        # Table and column names come from the model's metadata, values are parameters.
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({target}) {sql}", params)  # noqa: S608
        return cursor.rowcount
