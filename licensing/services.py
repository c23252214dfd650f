"""Writes: licence assignment and release, reactivation, the 40-day idle sweep and its warnings.

Every change is an audit event. The sweep (weekly) and the warnings (daily) are separate jobs,
each a constant number of SQL statements whatever the number of users: on PostgreSQL the sweep
is one data-modifying statement driven by the users it deactivates (UPDATE … RETURNING); the
portable path copies the idle users into deactivation events with one INSERT … SELECT and drives
every other statement from those rows (UPDATE … WHERE id IN (SELECT …)).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import DateTimeField, Exists, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import hooks
from accounts import services as account_services
from accounts.models import User
from accounts.services import sessions_end_for_users
from audit.constants import AuditActions
from audit.services import audit_log, audit_log_rows
from core import clock
from core.sql import insert_from_select
from licensing import selectors
from licensing.constants import (
    FULL_LICENCE_ROLES,
    ROLE_TOOL,
    LicenceTypes,
    ReleaseReasons,
    SweepSources,
)
from licensing.models import DeactivationEvent, IdleWarning, LicenceAssignment, LicencePool, SweepRun
from licensing.plan_services import PLAN_FIELDS, POOL_FIELDS, licence_plan_set, licence_pool_set  # noqa: F401 - one services API

SWEEP_ACTOR = "idle-sweep"
SWEEP_LOCK_KEY = 0x4C494345  # PostgreSQL advisory lock: one sweep at a time


WARN_LOCK_KEY = 0x4C494357  # the warning job's own lock (it touches other users than the sweep)


def _sweep_lock(key: int = SWEEP_LOCK_KEY) -> None:
    """Serialise overlapping runs of a job (two beats, a hand-run command during the scheduled
    run): the second waits for the first to commit and then finds nothing more to do. One
    statement, held until the transaction ends. SQLite serialises writers by itself (each job
    writes first)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


# --- Licences ----------------------------------------------------------------------------------




def _forget_licences(user) -> None:
    user._licence_tools = None


def licence_role_check(*, user: User, role: str) -> None:
    """A role that needs a full licence (subsidy management, coordinators, auditors, support,
    CRT central management) cannot be given to someone holding a limited licence for its tool."""
    if role not in FULL_LICENCE_ROLES:
        return
    tool = ROLE_TOOL[role]
    if selectors.active_assignments().filter(user=user, tool=tool, pool__licence_type=LicenceTypes.LIMITED).exists():
        raise ValidationError(
            _("De rol vereist een volledige licentie, maar %(user)s heeft een beperkte licentie voor %(tool)s.")
            % {"user": user.get_username(), "tool": tool.upper()},
            code="full_licence_required",
        )


def licence_pool_role_check(*, user: User, pool: LicencePool) -> None:
    """The pool must fit the user's roles: its tool is the tool of one of them (ROLE_TOOL), e.g. no
    "CRT · Dossierbeheerders" licence for a VLOT user; the general pool also takes a technical
    account. A user without any role yet may get one (onboarding: the licence first, the role next).
    (Within a tool the plan group is not checked yet: GROUP_ROLES says which roles each group is for.)"""
    from accounts.constants import Roles
    from licensing.constants import GROUP_ROLES, LicenceGroups

    if pool.group == LicenceGroups.GENERAL and user.is_technical_account:
        return
    held = hooks.roles_in_every_realm(user)  # fresh from the database, every realm
    if not held or pool.tool in {ROLE_TOOL[r] for r in held if r in ROLE_TOOL}:
        return
    raise ValidationError(
        _("%(user)s heeft geen rol voor %(tool)s: een licentie van de groep %(group)s is bedoeld voor %(roles)s.")
        % {
            "user": user.get_username(),
            "tool": pool.get_tool_display(),
            "group": pool.get_group_display(),
            "roles": ", ".join(sorted(str(Roles(r).label) for r in GROUP_ROLES.get(pool.group, ()))),
        },
        code="pool_not_for_role",
    )


@transaction.atomic
def licence_assign(*, user: User, pool: LicencePool, actor: User | None = None) -> LicenceAssignment:
    """Give a user a named licence from a pool.

    Rules: only named pools (portal licences count logins); one active licence per tool; never
    more active licences than seats, also when two people assign the last seat at once (the pool
    row is locked); a limited licence is refused to someone holding a role that needs a full one.
    """
    pool = LicencePool.objects.select_for_update().get(pk=pool.pk)
    if pool.licence_type == LicenceTypes.PORTAL:
        raise ValidationError(_("Portaallicenties worden per aanmelding geteld en niet op naam toegekend."), code="portal")
    if not user.is_active:
        raise ValidationError(_("Een gedeactiveerde gebruiker krijgt geen licentie: heractiveer eerst."), code="inactive")
    licence_pool_role_check(user=user, pool=pool)
    if selectors.active_assignments().filter(user=user, tool=pool.tool).exists():
        raise ValidationError(
            _("%(user)s heeft al een licentie voor %(tool)s.") % {"user": user.get_username(), "tool": pool.get_tool_display()},
            code="already_licensed",
        )
    if pool.licence_type == LicenceTypes.LIMITED:
        needs_full = sorted(r for r in hooks.roles_in_every_realm(user) if r in FULL_LICENCE_ROLES and ROLE_TOOL[r] == pool.tool)
        if needs_full:
            raise ValidationError(
                _("%(user)s heeft een rol die een volledige licentie vereist (%(roles)s).")
                % {"user": user.get_username(), "roles": ", ".join(needs_full)},
                code="full_licence_required",
            )
    used = selectors.active_assignments().filter(pool=pool).count()
    if used >= pool.seats:
        raise ValidationError(
            _("Geen vrije licentie meer in %(pool)s (%(seats)s van %(seats)s in gebruik).") % {"pool": pool, "seats": pool.seats},
            code="no_free_seat",
        )
    assignment = LicenceAssignment(pool=pool, user=user, tool=pool.tool, assigned_at=clock.now(), assigned_by=actor)
    assignment.full_clean(validate_constraints=False)  # the partial unique constraint is checked above, under the lock
    assignment.save()
    _forget_licences(user)
    audit_log(
        actor=actor,
        action=AuditActions.CREATE,
        obj=assignment,
        changes={"user": user.get_username(), "pool": pool.pk, "tool": pool.tool, "type": pool.licence_type},
    )
    return assignment


@transaction.atomic
def licence_release(*, assignment: LicenceAssignment, actor: User | None = None, reason: str = ReleaseReasons.MANUAL) -> bool:
    """Release an active licence (the seat becomes free)."""
    updated = LicenceAssignment.objects.filter(pk=assignment.pk, released_at__isnull=True).update(
        released_at=clock.now(), release_reason=reason
    )
    if updated:
        assignment.refresh_from_db()
        _forget_licences(assignment.user)
        audit_log(
            actor=actor,
            action=AuditActions.UPDATE,
            obj=assignment,
            changes={"released": True, "reason": reason, "user": assignment.user.get_username()},
        )
    return bool(updated)


def user_reactivate(*, user: User, actor: User | None = None) -> list[LicenceAssignment]:
    """Reactivate a deactivated user with the licences released at their deactivation (the
    account service ``accounts.services.user_reactivate``, which calls ``licences_restore``).

    Only if a seat is free in each of those pools (else nothing changes). The user's last
    activity becomes now: a new idle period starts, so the next sweep does not catch them again.
    """
    details = account_services.user_reactivate(user=user, actor=actor)
    return list(selectors.active_assignments().filter(user=user, pool_id__in=details.get("licences", [])))


def licences_release_on_deactivation(*, user: User, actor: User | None, reason: str, now: dt.datetime) -> dict:
    """A user switched off outside the sweep (admin, CRT realm): record the deactivation as the
    sweep does (who, when, last activity) and release their licences, linked to it, so that a
    reactivation gives the same licences back. Called by ``accounts.services.user_deactivate``."""
    event = DeactivationEvent(
        run=None, user=user, username=user.get_username(), organisation_id=user.organisation_id,
        last_activity=user.last_activity or user.date_joined, occurred_at=now,
    )
    event.full_clean()
    event.save()
    active = LicenceAssignment.objects.filter(user=user, released_at__isnull=True)
    pools = sorted(active.values_list("pool_id", flat=True))
    active.update(released_at=now, release_reason=ReleaseReasons.DEACTIVATED, deactivation=event)
    _forget_licences(user)
    return {"deactivation": event.pk, "licences_released": pools}


def licences_restore(*, user: User, actor: User | None, now: dt.datetime) -> dict:
    """Give a reactivated user the licences of their last deactivation (ValidationError when a
    pool has no free seat: the reactivation is undone)."""
    last = DeactivationEvent.objects.filter(user=user).order_by("-occurred_at", "-pk").first()
    pools = list(LicencePool.objects.filter(assignments__deactivation=last).distinct()) if last else []
    assignments = [licence_assign(user=user, pool=pool, actor=actor) for pool in pools]
    return {"licences": [a.pool_id for a in assignments]}


# --- The idle sweep ------------------------------------------------------------------------------


def _audit_deactivations(events, *, run_id: int, now: dt.datetime) -> None:
    """One audit event per deactivated user (``events``: the run's deactivation events)."""
    audit_log_rows(
        events,
        actor=None,
        username=SWEEP_ACTOR,
        action=AuditActions.DEACTIVATE,
        object_type=User._meta.label_lower,
        object_id="user_id",
        object_repr="username",
        changes={"run": run_id, "by": SWEEP_ACTOR},
        reason="idle_40_days",
        occurred_at=now,
    )


def users_idle_sweep(*, now: dt.datetime, source: str = SweepSources.SCHEDULE) -> SweepRun:
    """Deactivate every user idle 40 days or more (the weekly job, DOMAIN §2).

    The bulk form of ``accounts.services.user_deactivate`` (the one deactivation of the admin,
    the CRT realm and any other interface): the same effects — inactive, sessions and API tokens
    ended through ``accounts.services.sessions_end_for_users``, licences released and linked to a
    deactivation event, an audit event per user — for any number of users at once.

    Idleness is computed from the data at each run (last activity, or the account's creation),
    so a missed run loses nothing and a second run finds nothing more to do. Technical accounts
    are exempt. Deactivation releases the user's licences and ends their sessions and API tokens;
    each one is a deactivation event and an audit event, the run itself one more audit event.

    The rule is 40 idle days, whether or not the warning e-mail went out: warnings are a courtesy,
    sent by their own daily job (``users_idle_warn``), and the sweep never depends on them.

    A constant number of SQL statements whatever the number of users, in one transaction. On
    PostgreSQL: the advisory lock, one statement (a data-modifying CTE: UPDATE … RETURNING of
    the users still idle, the run row with its counter, the events, the licences, sessions and
    tokens) and the audit rows (``audit.services``). SQLite (no data-modifying CTEs) takes the
    portable path, about a dozen. ``tests/licensing/test_sweep_paths.py`` runs both on the same
    data and compares every effect.
    """
    with transaction.atomic():
        _sweep_lock()
        if connection.vendor == "postgresql":
            return _deactivate_idle_postgresql(now=now, source=source)
        return _deactivate_idle_portable(now=now, source=source)


def _deactivate_idle_postgresql(*, now: dt.datetime, source: str) -> SweepRun:
    """The changes in one statement, the audit rows after it. The UPDATE re-checks each user row
    it changes (PostgreSQL re-evaluates the WHERE on a row updated concurrently), so a login
    committed meanwhile keeps the user active: only users still idle are deactivated, and the
    other statements are driven by its RETURNING rows. Its WHERE and ``idle_since`` are compiled
    from ``selectors.users_idle_for_deactivation`` (the one idle rule); its session and token
    deletes are those of ``accounts.services.sessions_end_for_users`` (the portable path calls
    that function; this one inlines them to stay one statement; the paths test holds them equal)."""
    from django.contrib.sessions.models import Session
    from knox.models import get_token_model

    from accounts.models import UserSession

    Token = get_token_model()
    quote = connection.ops.quote_name

    def table(model) -> str:
        return quote(model._meta.db_table)

    def col(model, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    u, r, e, a = User, SweepRun, DeactivationEvent, LicenceAssignment
    started = clock.now()
    SweepRun(started_at=started, now=now, source=source).full_clean()  # no query: no unique fields
    params = {
        "now": now,
        "started": started,
        "source": source,
        "reason": ReleaseReasons.IDLE,
    }
    idle = selectors.users_idle_for_deactivation(now=now)
    where, where_params = _compiled(idle, idle.query.where, "where")
    idle_since, since_params = _compiled(idle, idle.query.annotations["idle_since"], "since")
    # Table and column names come from the models' metadata, every value is a parameter.
    sql = f"""
        WITH deactivated AS (
            UPDATE {table(u)} SET {col(u, 'is_active')} = false
            WHERE {where}
            RETURNING {col(u, 'id')} AS id, {col(u, 'username')} AS username,
                      {col(u, 'organisation')} AS organisation_id, {idle_since} AS idle_since
        ), run AS (
            INSERT INTO {table(r)} ({col(r, 'started_at')}, {col(r, 'now')}, {col(r, 'source')},
                                    {col(r, 'deactivated')}, {col(r, 'warned')})
            SELECT %(started)s, %(now)s, %(source)s, count(*), 0 FROM deactivated
            RETURNING {col(r, 'id')} AS id, {col(r, 'deactivated')} AS deactivated
        ), events AS (
            INSERT INTO {table(e)} ({col(e, 'run')}, {col(e, 'user')}, {col(e, 'username')}, {col(e, 'organisation')},
                                    {col(e, 'last_activity')}, {col(e, 'occurred_at')})
            SELECT run.id, d.id, d.username, d.organisation_id, d.idle_since, %(now)s FROM deactivated d CROSS JOIN run
            RETURNING {col(e, 'id')} AS id, {col(e, 'user')} AS user_id
        ), licences AS (
            UPDATE {table(a)} SET {col(a, 'released_at')} = %(now)s, {col(a, 'release_reason')} = %(reason)s,
                                  {col(a, 'deactivation')} = events.id
            FROM events
            WHERE {table(a)}.{col(a, 'user')} = events.user_id AND {table(a)}.{col(a, 'released_at')} IS NULL
            RETURNING 1
        ), sessions AS (
            DELETE FROM {table(Session)} WHERE {col(Session, 'session_key')} IN (
                SELECT {col(UserSession, 'session_key')} FROM {table(UserSession)}
                WHERE {col(UserSession, 'user')} IN (SELECT id FROM deactivated))
            RETURNING 1
        ), user_sessions AS (
            DELETE FROM {table(UserSession)} WHERE {col(UserSession, 'user')} IN (SELECT id FROM deactivated)
            RETURNING 1
        ), tokens AS (
            DELETE FROM {table(Token)} WHERE {col(Token, 'user')} IN (SELECT id FROM deactivated)
            RETURNING 1
        )
        SELECT run.id, run.deactivated, (SELECT count(*) FROM licences), (SELECT count(*) FROM sessions),
               (SELECT count(*) FROM tokens)
        FROM run
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, **where_params, **since_params})
        run_id, deactivated, _licences, _sessions, _tokens = cursor.fetchone()
    run = SweepRun(pk=run_id, started_at=started, now=now, source=source, deactivated=deactivated, warned=0)
    run._state.adding, run._state.db = False, connection.alias
    if deactivated:
        _audit_deactivations(DeactivationEvent.objects.filter(run_id=run_id), run_id=run_id, now=now)
    _run_audit(run, job="deactivation", reason="idle_sweep")
    return run


def _compiled(queryset, node, prefix: str) -> tuple[str, dict]:
    """The SQL of a part of ``queryset`` (its WHERE, an annotation) with named parameters
    ``%(<prefix>_<i>)s``, to be embedded in a hand-written statement on the same table."""
    sql, params = queryset.query.get_compiler(connection=connection).compile(node)
    names = [f"{prefix}_{i}" for i in range(len(params))]
    pieces = sql.split("%s")
    if len(pieces) != len(params) + 1:
        raise ValueError(f"cannot embed {sql!r}")
    named = pieces[0] + "".join(f"%({name})s{piece}" for name, piece in zip(names, pieces[1:], strict=True))
    return named, dict(zip(names, params, strict=True))


def _deactivate_idle_portable(*, now: dt.datetime, source: str) -> SweepRun:
    """The same work for databases without data-modifying CTEs (SQLite: about a dozen statements,
    still constant). SQLite serialises writers from the run's INSERT on; the "still idle" check
    and the clean-up of events of users who logged in meanwhile are kept all the same."""
    run = SweepRun(started_at=clock.now(), now=now, source=source)
    run.full_clean()
    run.save()
    insert_from_select(
        DeactivationEvent,
        {
            "run": Value(run.pk),
            "user": F("pk"),
            "username": F("username"),
            "organisation": F("organisation_id"),
            "last_activity": F("idle_since"),
            "occurred_at": Value(now, output_field=DateTimeField()),
        },
        selectors.users_idle_for_deactivation(now=now),
    )
    events = DeactivationEvent.objects.filter(run=run)
    # Deactivate only if the user is still idle as recorded (a login between the two statements wins).
    deactivated = User.objects.filter(
        Exists(events.filter(user_id=OuterRef("pk"), last_activity=Coalesce(OuterRef("last_activity"), OuterRef("date_joined")))),
        is_active=True,
    ).update(is_active=False)
    # A plain DELETE … WHERE (no SELECT of the rows first): nothing refers to these fresh events yet.
    events.filter(user__is_active=True)._raw_delete(events.db)
    if deactivated:
        LicenceAssignment.objects.filter(released_at__isnull=True, user_id__in=events.values("user_id")).update(
            released_at=now,
            release_reason=ReleaseReasons.IDLE,
            deactivation=Subquery(events.filter(user_id=OuterRef("user_id")).values("pk")[:1]),
        )
        sessions_end_for_users(user_ids=events.values("user_id"))
        _audit_deactivations(events, run_id=run.pk, now=now)
        SweepRun.objects.filter(pk=run.pk).update(deactivated=deactivated)
    run.deactivated = deactivated
    _run_audit(run, job="deactivation", reason="idle_sweep")
    return run


def _run_audit(run: SweepRun, *, job: str, reason: str) -> None:
    audit_log(
        actor=None,
        username=SWEEP_ACTOR,
        action=AuditActions.OTHER,
        obj=run,
        changes={"now": run.now.isoformat(), "deactivated": run.deactivated, "warned": run.warned,
                 "source": run.source, "job": job},
        reason=reason,
    )


def users_idle_warn(*, now: dt.datetime, source: str = SweepSources.SCHEDULE) -> SweepRun:
    """Send the warning e-mail to users idle 33 to 39 days, once per idle period (the daily job).

    Its own job and transaction, daily, so that missed weekly sweeps do not skip the warning of
    users who pass 33 days in between; a mail failure undoes nothing of the sweep. A user already
    deactivated is not warned (only active users are). The run is a ``SweepRun`` with only
    ``warned`` set (and an audit event with reason ``idle_warnings``).
    """
    with transaction.atomic():
        _sweep_lock(WARN_LOCK_KEY)
        run = SweepRun(started_at=clock.now(), now=now, source=source)
        run.full_clean()
        run.save()
        warned = _warn_idle(run=run, now=now)
        if warned:
            SweepRun.objects.filter(pk=run.pk).update(warned=warned)
        run.warned = warned
        _run_audit(run, job="warnings", reason="idle_warnings")
    return run


def _warn_idle(*, run: SweepRun, now: dt.datetime) -> int:
    inserted = insert_from_select(
        IdleWarning,
        {
            "run": Value(run.pk),
            "user": F("pk"),
            "last_activity": F("idle_since"),
            "sent_at": Value(now, output_field=DateTimeField()),
        },
        selectors.users_due_for_warning(now=now),
    )
    if not inserted:
        return 0
    warnings = IdleWarning.objects.filter(run=run)
    recipients = list(warnings.values_list("user__email", "user__first_name", "user__username", "last_activity"))
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for email, first_name, username, last_activity in recipients:
            context = {
                "name": first_name or username,
                "username": username,
                "last_activity": clock.brussels_date(last_activity),
                "deactivation_date": selectors.deactivation_date(last_activity),
            }
            messages.append(
                EmailMessage(
                    subject=_("Uw account wordt binnenkort gedeactiveerd"),
                    body=render_to_string("licensing/email/idle_warning.txt", context),
                    to=[email],
                )
            )
    get_connection().send_messages(messages)
    audit_log_rows(
        warnings.annotate(username=F("user__username")),
        actor=None,
        username=SWEEP_ACTOR,
        action=AuditActions.OTHER,
        object_type=User._meta.label_lower,
        object_id="user_id",
        object_repr="username",
        changes={"run": run.pk, "by": SWEEP_ACTOR},
        reason="idle_warning",
        occurred_at=now,
    )
    return len(recipients)
