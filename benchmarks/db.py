"""Create the bench databases when missing and migrate them."""

from __future__ import annotations

import io

import psycopg
from django.conf import settings


def _admin_dsn(alias: str) -> tuple[str, str]:
    db = settings.DATABASES[alias]
    dsn = f"host={db.get('HOST') or '127.0.0.1'} port={db.get('PORT') or 5432} user={db.get('USER') or 'postgres'} dbname=postgres"
    if db.get("PASSWORD"):
        dsn += f" password={db['PASSWORD']}"
    return dsn, db["NAME"]


def ensure_databases() -> list[str]:
    """CREATE DATABASE for each bench database that does not exist; returns those created."""
    created = []
    for alias in ("default", "crt"):
        dsn, name = _admin_dsn(alias)
        if not name.startswith("bench"):
            raise SystemExit(f"refusing to use database {name!r} for benchmarks (name must start with 'bench')")
        with psycopg.connect(dsn, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
                created.append(name)
    return created


def migrate() -> None:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("migrate", database="default", interactive=False, verbosity=0, stdout=out)
    call_command("migrate", database="crt", interactive=False, verbosity=0, stdout=out)


def meta_get(key: str) -> str | None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        cur.execute("SELECT value FROM bench_meta WHERE key = %s", [key])
        row = cur.fetchone()
    return row[0] if row else None


def meta_set(key: str, value: str) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        cur.execute(
            "INSERT INTO bench_meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [key, value],
        )
