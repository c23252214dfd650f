"""The two realms: the crt app lives only in the crt database, everything else only in default."""

import pytest
from django.apps import apps
from django.db import connections, router
from django.db.migrations.executor import MigrationExecutor

from accounts.models import RoleAssignment, User
from audit.models import AuditEvent
from config.db_routers import RealmRouter
from crt.models import AuditEvent as CrtAuditEvent
from crt.models import Organisation as CrtOrganisation
from crt.models import RoleAssignment as CrtRoleAssignment
from geo.models import Municipality

CRT_MODELS = list(apps.get_app_config("crt").get_models())
DEFAULT_MODELS = [m for m in apps.get_models() if m._meta.app_label != "crt"]


def test_every_crt_model_is_read_and_written_in_the_crt_database():
    assert {CrtOrganisation, CrtRoleAssignment, CrtAuditEvent} <= set(CRT_MODELS)
    for model in CRT_MODELS:
        assert router.db_for_read(model) == "crt", model
        assert router.db_for_write(model) == "crt", model


def test_every_other_model_is_read_and_written_in_default():
    assert {User, RoleAssignment, AuditEvent, Municipality} <= set(DEFAULT_MODELS)
    for model in DEFAULT_MODELS:
        assert router.db_for_read(model) == "default", model
        assert router.db_for_write(model) == "default", model


def test_a_relation_across_the_realms_is_refused():
    r = RealmRouter()
    user, municipality = User(pk=1), Municipality(refnis="44021")
    crt_org, crt_role = CrtOrganisation(pk=1), CrtRoleAssignment(pk=1)
    assert r.allow_relation(user, crt_role) is False
    assert r.allow_relation(crt_org, user) is False
    assert r.allow_relation(municipality, crt_org) is False
    assert router.allow_relation(user, crt_org) is False
    # inside one realm a relation is fine
    assert r.allow_relation(crt_org, crt_role) is True
    assert r.allow_relation(user, municipality) is True


@pytest.mark.parametrize("app_label", ["crt"])
def test_crt_migrates_only_on_crt(app_label):
    r = RealmRouter()
    assert r.allow_migrate("crt", app_label) is True
    assert r.allow_migrate("default", app_label) is False


@pytest.mark.parametrize(
    "app_label",
    ["accounts", "audit", "geo", "core", "licensing", "hvt", "budget", "auth", "contenttypes", "sessions",
     "admin", "axes", "otp_totp", "django_celery_beat", "guardian", "knox"],
)
def test_other_apps_migrate_only_on_default(app_label):
    r = RealmRouter()
    assert r.allow_migrate("default", app_label) is True
    assert r.allow_migrate("crt", app_label) is False
    assert r.allow_migrate("crt", app_label, model_name="anything") is False


@pytest.mark.django_db(databases=["default", "crt"])
def test_crt_tables_exist_only_in_the_crt_database():
    default_tables = set(connections["default"].introspection.table_names())
    crt_tables = set(connections["crt"].introspection.table_names())
    crt_model_tables = {m._meta.db_table for m in CRT_MODELS}
    default_model_tables = {
        m._meta.db_table for m in DEFAULT_MODELS if m._meta.managed and not m._meta.proxy
    }
    assert {"crt_roleassignment", "crt_auditevent", "crt_organisation"} <= crt_model_tables
    assert crt_model_tables <= crt_tables
    assert not crt_model_tables & default_tables
    assert {"accounts_user", "audit_auditevent", "geo_municipality", "django_session"} <= default_model_tables
    assert default_model_tables <= default_tables
    assert not default_model_tables & crt_tables


@pytest.mark.django_db(databases=["default", "crt"])
@pytest.mark.parametrize("alias", ["default", "crt"])
def test_both_databases_are_fully_migrated(alias):
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    assert plan == [], f"unapplied migrations on {alias}: {plan}"
    applied = executor.recorder.applied_migrations()
    assert ("crt", "0001_initial") in applied
    assert ("accounts", "0001_initial") in applied
