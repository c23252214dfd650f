"""Shared fixtures. Tests run on SQLite by default and on PostgreSQL + Redis when
DATABASE_URL/REDIS_URL are set (CI, with REQUIRE_SERVICES=1: a missing service fails the run)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connections

from core import clock

# A test opens only the databases it declares: `db` / `@pytest.mark.django_db` give `default`; a test
# that reads or writes the CRT realm (a CRT role, a CRT page, a page render that asks the realm about
# a signed-in user) says so: `@pytest.mark.django_db(databases=BOTH_DATABASES)` (or the module's
# `pytestmark`). Opening `crt` costs a transaction per test on a second connection.
BOTH_DATABASES = ["default", "crt"]


def _flush_past_the_audit_triggers():
    """A transactional test (live server, concurrency) ends with Django's flush: one TRUNCATE of
    every table, which the audit tables' trigger refuses. For that one transaction the test
    database's superuser switches triggers off (session_replication_role: superusers only; the
    application role cannot, see tests/audit/test_database_roles.py)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        sql = original(self, style, tables, **kwargs)
        return ["SET LOCAL session_replication_role = replica", *sql] if sql else sql

    DatabaseOperations.sql_flush = sql_flush


_flush_past_the_audit_triggers()


def _compile_stale_translations():
    """The .mo files are built (make, Dockerfile), not kept in git: compile a missing or stale one,
    so that the tests see the catalogues of the working tree (written aside, then moved in place)."""
    import os
    from pathlib import Path

    import polib

    roots = [Path(p) for p in settings.LOCALE_PATHS]
    roots += [Path(settings.BASE_DIR) / app / "locale" for app in settings.LOCAL_APPS]
    for root in roots:
        for po_path in root.glob("*/LC_MESSAGES/*.po") if root.exists() else []:
            mo_path = po_path.with_suffix(".mo")
            if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
                tmp = mo_path.with_suffix(f".mo.{os.getpid()}")
                polib.pofile(str(po_path)).save_as_mofile(str(tmp))
                os.replace(tmp, mo_path)


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):  # once, in the controller, before xdist workers start
        _compile_stale_translations()
    if not settings.REQUIRE_SERVICES:
        return
    problems = []
    for alias in BOTH_DATABASES:
        if connections[alias].vendor != "postgresql":
            problems.append(f"database {alias!r} is {connections[alias].vendor}, not PostgreSQL")
    if not settings.REDIS_URL:
        problems.append("REDIS_URL is not set")
    else:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
        except Exception as exc:
            problems.append(f"Redis unreachable: {exc}")
    if problems:
        raise pytest.UsageError("REQUIRE_SERVICES=1 but: " + "; ".join(problems))


@pytest.fixture(autouse=True)
def _clear_cache():
    """The cache (locmem, or Redis in CI) outlives a test's rolled-back rows; user ids are reused,
    so a cached "has a CRT role" of one test's user must not leak into the next test."""
    from django.core.cache import cache

    def _clear():
        try:
            prefix = settings.CACHES["default"].get("KEY_PREFIX")
            if prefix and "redis" in settings.CACHES["default"]["BACKEND"].lower():
                # an xdist worker on a shared Redis clears only its own keys
                client = cache._cache.get_client(write=True)
                keys = list(client.scan_iter(f"{prefix}:*"))
                if keys:
                    client.delete(*keys)
            else:
                cache.clear()
        except Exception:  # a test that points the cache at a dead Redis must not fail here
            pass

    _clear()
    yield


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """A transactional test (live server, concurrency) ends by flushing every table, reference data
    and role groups included; the next transactional test gets them back here (idempotent)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or {
        "transactional_db", "live_server"
    } & set(request.fixturenames)
    if transactional:
        request.getfixturevalue("transactional_db")
        from accounts.roles import roles_sync
        from core.beat import schedule_install
        from geo.models import Municipality
        from geo.services import reference_data_load

        if Municipality.objects.count() != 285:
            reference_data_load()
        roles_sync()
        schedule_install()
    yield


@pytest.fixture
def frozen_now():
    """Freeze the application clock: ``frozen_now(datetime)`` inside a test; undone afterwards."""
    stack = []

    def freeze(moment: dt.datetime):
        cm = clock.frozen(moment)
        stack.append(cm)
        return cm.__enter__()

    yield freeze
    while stack:
        stack.pop().__exit__(None, None, None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data (provinces, 285 municipalities, mergers) in every test database, once."""
    from accounts.roles import roles_sync
    from core.beat import schedule_install
    from geo.services import reference_data_load

    with django_db_blocker.unblock():
        reference_data_load()
        roles_sync()
        schedule_install()


@pytest.fixture
def make_user(db):
    from tests.factories import make_user as _make_user

    return _make_user


@pytest.fixture
def login(client):
    """Log a user in on the test client, passing the second factor when the role needs it."""

    def _login(user, *, verified: bool = True):
        client.force_login(user)
        if verified:
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        return client

    return _login
