"""The two paths of the idle sweep (PostgreSQL's one statement, the portable querysets) have the
same effects on the same data: users deactivated, deactivation events, the run, licences
released, sessions and API tokens removed, audit events. Both run here on PostgreSQL, one after
the other from the same state (a savepoint rolled back in between)."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from knox.models import AuthToken as Token

from accounts.models import User, UserSession
from audit.models import AuditEvent
from core import clock
from licensing import services
from licensing.constants import SweepSources
from licensing.models import DeactivationEvent, IdleWarning, LicenceAssignment, SweepRun
from tests.licensing.conftest import NOW

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement path is PostgreSQL's"),
]


def _population(pool) -> None:
    """Every case the rule separates: idle 40+ days (with licences, sessions, tokens), idle since
    creation (never logged in), the cutoff's both sides, a technical account, an inactive one,
    an active one, a licence already released."""
    day = dt.timedelta(days=1)
    cutoff = services.selectors.deactivation_cutoff(now=NOW)
    people = {
        "idle45": dict(last_activity=NOW - 45 * day, date_joined=NOW - 400 * day),
        "never": dict(last_activity=None, date_joined=NOW - 50 * day),
        "never_new": dict(last_activity=None, date_joined=NOW - 3 * day),
        "just_idle": dict(last_activity=cutoff - dt.timedelta(seconds=1), date_joined=NOW - 400 * day),
        "just_not": dict(last_activity=cutoff, date_joined=NOW - 400 * day),
        "technical": dict(last_activity=NOW - 90 * day, date_joined=NOW - 400 * day, is_technical_account=True),
        "inactive": dict(last_activity=NOW - 90 * day, date_joined=NOW - 400 * day, is_active=False),
        "fresh": dict(last_activity=NOW - day, date_joined=NOW - 400 * day),
    }
    users = User.objects.bulk_create(
        [User(username=name, email=f"{name}@test.invalid", **fields) for name, fields in people.items()]
    )
    hvt, crt = pool(seats=1000), pool("crt", "full", "crt_security_auditor", seats=1000)
    LicenceAssignment.objects.bulk_create(
        [LicenceAssignment(pool=hvt, user=u, tool=hvt.tool, assigned_at=NOW - 400 * day) for u in users]
        + [LicenceAssignment(pool=crt, user=users[0], tool=crt.tool, assigned_at=NOW - 400 * day)]
        + [
            LicenceAssignment(
                pool=crt, user=users[1], tool=crt.tool, assigned_at=NOW - 400 * day, released_at=NOW - 200 * day
            )
        ]
    )
    for i, u in enumerate(users):
        for j in range(2):
            key = f"s{i}{j}".ljust(40, "x")
            Session.objects.create(session_key=key, session_data="", expire_date=NOW + day)
            UserSession.objects.create(session_key=key, user=u)
    # knox keeps only a digest (and a lookup prefix) of each key: rows made directly will do here.
    Token.objects.bulk_create(
        [Token(digest=f"{u.pk:0128d}", token_key=f"{u.pk:015d}", user=u, expiry=NOW + 30 * day) for u in users]
    )


def _effects(run: SweepRun) -> dict:
    """Every effect of a run, with the run's id (which differs between the two runs) left out."""
    names = dict(User.objects.values_list("pk", "username"))

    def run_free(changes: dict) -> dict:
        return {key: ("<run>" if key == "run" and value == run.pk else value) for key, value in changes.items()}

    return {
        "users": sorted(User.objects.values_list("username", "is_active")),
        "run": SweepRun.objects.filter(pk=run.pk).values("now", "source", "deactivated", "warned").get(),
        "runs": SweepRun.objects.count(),
        "events": sorted(
            (names[e.user_id], e.username, e.organisation_id, e.last_activity, e.occurred_at, e.run_id == run.pk)
            for e in DeactivationEvent.objects.all()
        ),
        "licences": sorted(
            (
                names[a.user_id],
                a.tool,
                a.released_at,
                a.release_reason,
                names[a.deactivation.user_id] if a.deactivation else None,
            )
            for a in LicenceAssignment.objects.select_related("deactivation")
        ),
        "sessions": sorted(Session.objects.values_list("session_key", flat=True)),
        "user_sessions": sorted(UserSession.objects.values_list("session_key", "user__username")),
        "tokens": sorted(Token.objects.values_list("user__username", flat=True)),
        "warnings": IdleWarning.objects.count(),
        "audit": sorted(
            (
                e.occurred_at,
                e.actor_id,
                e.actor_username,
                e.action,
                e.object_type,
                names.get(int(e.object_id)) if e.object_type == "accounts.user" else e.object_id == str(run.pk),
                e.object_repr,
                sorted(run_free(e.changes).items()),
                e.reason,
                e.request_id,
                e.client_ip,
            )
            for e in AuditEvent.objects.all()
        ),
    }


def _run(path, monkeypatch) -> dict:
    monkeypatch.setattr(connection, "vendor", "postgresql" if path == "postgresql" else "portable", raising=False)
    sid = transaction.savepoint()
    try:
        with clock.frozen(NOW + dt.timedelta(minutes=5)):
            run = services.users_idle_sweep(now=NOW, source=SweepSources.SCHEDULE)
        effects = _effects(run)
    finally:
        transaction.savepoint_rollback(sid)
        monkeypatch.undo()
    return effects


def test_both_paths_have_the_same_effects(pool, monkeypatch):
    _population(pool)
    postgresql = _run("postgresql", monkeypatch)
    portable = _run("portable", monkeypatch)
    assert [u for u, active in postgresql["users"] if not active] == ["idle45", "inactive", "just_idle", "never"]
    assert postgresql["run"]["deactivated"] == 3 and len(postgresql["events"]) == 3
    assert len(postgresql["audit"]) == 4  # three users and the run
    assert len(postgresql["sessions"]) == 10 and len(postgresql["tokens"]) == 5
    for key in postgresql:
        assert postgresql[key] == portable[key], key


def test_the_postgresql_statement_embeds_the_selectors_rule(pool, monkeypatch):
    """The UPDATE's WHERE is the selector's: a rule changed there changes the statement too."""
    _population(pool)
    original = services.selectors.users_idle_for_deactivation
    monkeypatch.setattr(
        services.selectors,
        "users_idle_for_deactivation",
        lambda *, now: original(now=now).exclude(username="idle45"),
    )
    run = services.users_idle_sweep(now=NOW)
    assert run.deactivated == 2
    assert User.objects.get(username="idle45").is_active
