"""Writes: licence assignment and release, reactivation, and the 40-day idle sweep.

Every change is an audit event. The sweep runs a constant number of SQL statements whatever the
number of users: it copies the idle users into deactivation events with one INSERT … SELECT and
drives every other statement from those rows (UPDATE … WHERE id IN (SELECT …)).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import connection, models, transaction
from django.db.models import CharField, DateTimeField, Exists, F, JSONField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import roles_for_user
from accounts.services import sessions_end_for_users
from audit.constants import AuditActions
from audit.models import AuditEvent
from audit.services import audit_log
from core import clock
from licensing import selectors
from licensing.constants import (
    FULL_LICENCE_ROLES,
    ROLE_TOOL,
    LicenceTypes,
    ReleaseReasons,
    SweepSources,
)
from licensing.models import DeactivationEvent, IdleWarning, LicenceAssignment, LicencePool, SweepRun

SWEEP_ACTOR = "idle-sweep"
SWEEP_LOCK_KEY = 0x4C494345  # PostgreSQL advisory lock: one sweep at a time


def _sweep_lock() -> None:
    """Serialise overlapping sweeps (two beats, a hand-run command during the scheduled run): the
    second waits for the first to commit and then finds nothing more to do. SQLite serialises
    writers by itself (the run row is written first)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SWEEP_LOCK_KEY])


# --- Licences ----------------------------------------------------------------------------------


def _roles_of(user) -> frozenset[str]:
    from crt.realm import crt_roles_for_user  # the CRT realm, read-only

    user._role_cache = None
    user._crt_grants = None
    return roles_for_user(user) | crt_roles_for_user(user)


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
    if selectors.active_assignments().filter(user=user, tool=pool.tool).exists():
        raise ValidationError(
            _("%(user)s heeft al een licentie voor %(tool)s.") % {"user": user.get_username(), "tool": pool.get_tool_display()},
            code="already_licensed",
        )
    if pool.licence_type == LicenceTypes.LIMITED:
        needs_full = sorted(r for r in _roles_of(user) if r in FULL_LICENCE_ROLES and ROLE_TOOL[r] == pool.tool)
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


@transaction.atomic
def user_reactivate(*, user: User, actor: User | None = None) -> list[LicenceAssignment]:
    """Reactivate a deactivated user with the licences released at their deactivation.

    Only if a seat is free in each of those pools (else nothing changes). The user's last
    activity becomes now: a new idle period starts, so the next sweep does not catch them again.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        raise ValidationError(_("%(user)s is al actief.") % {"user": user.get_username()}, code="active")
    last = DeactivationEvent.objects.filter(user=user).order_by("-occurred_at", "-pk").first()
    pools = list(LicencePool.objects.filter(assignments__deactivation=last).distinct()) if last else []
    now = clock.now()
    User.objects.filter(pk=user.pk).update(is_active=True, last_activity=now)
    user.is_active, user.last_activity = True, now
    assignments = [licence_assign(user=user, pool=pool, actor=actor) for pool in pools]
    audit_log(
        actor=actor,
        action=AuditActions.REACTIVATE,
        obj=user,
        object_repr=user.get_username(),
        changes={"licences": [a.pool_id for a in assignments]},
    )
    return assignments


# --- The idle sweep ------------------------------------------------------------------------------


def _insert_from_select(model: type[models.Model], columns: dict[str, models.Expression], queryset) -> int:
    """INSERT INTO model (columns) SELECT <expressions> FROM <queryset>: one statement for any
    number of rows (bulk_create would need the rows in Python, and batches on SQLite)."""
    aliases = {f"_insert_{i}": expression for i, expression in enumerate(columns.values())}
    select = queryset.annotate(**aliases).values_list(*aliases).order_by()
    sql, params = select.query.sql_with_params()
    quote = connection.ops.quote_name
    target = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    with connection.cursor() as cursor:
        # Table and column names come from the model's metadata, values are parameters.
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({target}) {sql}", params)  # noqa: S608
        return cursor.rowcount


def _audit_rows(queryset, *, action: str, object_repr: str, now: dt.datetime, reason: str, changes: dict) -> None:
    """One audit event per user of ``queryset`` (rows with ``user_id`` and ``username``), one statement."""
    _insert_from_select(
        AuditEvent,
        {
            "occurred_at": Value(now, output_field=DateTimeField()),
            "actor_id": Value(None, output_field=models.BigIntegerField()),
            "actor_username": Value(SWEEP_ACTOR),
            "action": Value(action),
            "object_type": Value("accounts.user"),
            "object_id": Cast("user_id", CharField(max_length=64)),
            "object_repr": F(object_repr),
            "changes": Value(changes, output_field=JSONField()),
            "reason": Value(reason),
            "request_id": Value(""),
            "client_ip": Value(None, output_field=models.GenericIPAddressField()),
        },
        queryset,
    )


def users_idle_sweep(*, now: dt.datetime, source: str = SweepSources.SCHEDULE) -> SweepRun:
    """Deactivate every user idle 40 days or more and warn those idle 33 to 39 days (once).

    Idleness is computed from the data at each run (last activity, or the account's creation),
    so a missed run loses nothing and a second run finds nothing more to do. Technical accounts
    are exempt. Deactivation releases the user's licences and ends their sessions and API tokens.
    A constant number of SQL statements, whatever the number of users.
    """
    with transaction.atomic():
        _sweep_lock()
        run = SweepRun(started_at=clock.now(), now=now, source=source)
        run.full_clean()
        run.save()
        deactivated = _deactivate_idle(run=run, now=now)
    # Warnings in their own transaction: a mail failure does not undo the deactivations.
    with transaction.atomic():
        _sweep_lock()
        warned = _warn_idle(run=run, now=now)
        SweepRun.objects.filter(pk=run.pk).update(deactivated=deactivated, warned=warned)
        run.deactivated, run.warned = deactivated, warned
        audit_log(
            actor=None,
            username=SWEEP_ACTOR,
            action=AuditActions.OTHER,
            obj=run,
            changes={"now": now.isoformat(), "deactivated": deactivated, "warned": warned, "source": source},
            reason="idle_sweep",
        )
    return run


def _deactivate_idle(*, run: SweepRun, now: dt.datetime) -> int:
    _insert_from_select(
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
    User.objects.filter(
        Exists(events.filter(user_id=OuterRef("pk"), last_activity=Coalesce(OuterRef("last_activity"), OuterRef("date_joined")))),
        is_active=True,
    ).update(is_active=False)
    events.filter(user__is_active=True).delete()
    count = events.count()
    if not count:
        return 0
    LicenceAssignment.objects.filter(released_at__isnull=True, user_id__in=events.values("user_id")).update(
        released_at=now,
        release_reason=ReleaseReasons.IDLE,
        deactivation=Subquery(events.filter(user_id=OuterRef("user_id")).values("pk")[:1]),
    )
    sessions_end_for_users(user_ids=events.values("user_id"))
    _audit_rows(
        events,
        action=AuditActions.DEACTIVATE,
        object_repr="username",
        now=now,
        reason="idle_40_days",
        changes={"run": run.pk, "by": SWEEP_ACTOR},
    )
    return count


def _warn_idle(*, run: SweepRun, now: dt.datetime) -> int:
    inserted = _insert_from_select(
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
    _audit_rows(
        warnings.annotate(username=F("user__username")),
        action=AuditActions.OTHER,
        object_repr="username",
        now=now,
        reason="idle_warning",
        changes={"run": run.pk, "by": SWEEP_ACTOR},
    )
    return len(recipients)
