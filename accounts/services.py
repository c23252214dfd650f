"""Writes on users, roles and sessions. Every change is an audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import get_token_model

from accounts import authority, hooks, links
from accounts.constants import DEFAULT_REALM_ROLES, MUNICIPAL_ROLES, PROVINCIAL_ROLES, AccountEvents
from accounts.models import Organisation, RoleAssignment, User, UserSession
from audit.constants import AuditActions
from audit.services import audit_log, model_changes
from core import clock
from geo.models import Municipality, MunicipalityUserObjectPermission, Province, ProvinceUserObjectPermission


class RoleError(ValueError):
    pass


def _scope_perm(model) -> Permission:
    codename = "scope_municipality" if model is Municipality else "scope_province"
    return Permission.objects.get(content_type__app_label="geo", codename=codename)


@transaction.atomic
def user_scope_sync(*, user: User) -> None:
    """Rebuild the user's guardian scope permissions and role groups from their role assignments."""
    assignments = list(user.role_assignments.prefetch_related("municipalities", "provinces"))
    municipality_ids = {m.pk for a in assignments if a.role in MUNICIPAL_ROLES for m in a.municipalities.all()}
    province_ids = {p.pk for a in assignments if a.role in PROVINCIAL_ROLES for p in a.provinces.all()}
    MunicipalityUserObjectPermission.objects.filter(user=user).delete()
    ProvinceUserObjectPermission.objects.filter(user=user).delete()
    m_perm, p_perm = _scope_perm(Municipality), _scope_perm(Province)
    MunicipalityUserObjectPermission.objects.bulk_create(
        [MunicipalityUserObjectPermission(user=user, permission=m_perm, content_object_id=pk) for pk in sorted(municipality_ids)]
    )
    ProvinceUserObjectPermission.objects.bulk_create(
        [ProvinceUserObjectPermission(user=user, permission=p_perm, content_object_id=pk) for pk in sorted(province_ids)]
    )
    user.groups.set(Group.objects.filter(name__in={a.role for a in assignments}))
    user._role_cache = None


@transaction.atomic
def role_assign(
    *,
    user: User,
    role: str,
    actor: User | None = None,
    organisation: Organisation | None = None,
    municipalities: Iterable[Municipality | str] = (),
    provinces: Iterable[Province | str] = (),
) -> RoleAssignment:
    """Give a user an HVT, general or portal role with its scope (CRT roles: the CRT realm).

    Rules: the role belongs to this realm; a municipal role needs municipalities, a VLOT role
    provinces; the licence rule (``licensing``); and an ``actor`` may only grant the roles of
    ``accounts.authority`` to accounts it may manage (``actor=None``: the system, demo, tests).
    """
    if role not in DEFAULT_REALM_ROLES:
        raise RoleError(_("De rol %(role)r kan niet in deze omgeving worden toegekend.") % {"role": role})
    authority.check_grant(actor, user, role)
    municipalities = [m if isinstance(m, Municipality) else Municipality.objects.get(pk=m) for m in municipalities]
    provinces = [p if isinstance(p, Province) else Province.objects.get(pk=p) for p in provinces]
    if role in MUNICIPAL_ROLES and not municipalities:
        raise RoleError(_("Een gemeentelijke rol heeft minstens één gemeente nodig."))
    if role in PROVINCIAL_ROLES and not provinces:
        raise RoleError(_("Een VLOT-rol heeft minstens één provincie nodig."))
    hooks.role_grant_check(user=user, role=role)  # licensing: a full-licence role needs no limited licence
    assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role, defaults={"organisation": organisation})
    if not created and organisation is not None:
        assignment.organisation = organisation
    assignment.full_clean()
    assignment.save()
    assignment.municipalities.set(municipalities)
    assignment.provinces.set(provinces)
    user_scope_sync(user=user)
    audit_log(
        actor=actor,
        action=AuditActions.ROLE_ASSIGNED,
        obj=assignment,
        changes={
            "user": user.username,
            "role": role,
            "municipalities": sorted(m.pk for m in municipalities),
            "provinces": sorted(p.pk for p in provinces),
        },
    )
    return assignment


@transaction.atomic
def role_revoke(*, user: User, role: str, actor: User | None = None) -> bool:
    authority.check_grant(actor, user, role)
    deleted, _ = RoleAssignment.objects.filter(user=user, role=role).delete()
    if deleted:
        user_scope_sync(user=user)
        audit_log(actor=actor, action=AuditActions.ROLE_REVOKED, obj=user, changes={"role": role})
    return bool(deleted)


def session_register(*, user: User, session_key: str) -> None:
    if session_key:
        UserSession.objects.update_or_create(session_key=session_key, defaults={"user": user})


def sessions_end_for_users(*, user_ids: Iterable[int] | object) -> int:
    """End every session and API token of the given users (a constant number of statements).

    ``user_ids`` may be a list or a queryset of ids (then the deletes are subqueries).
    """
    sessions = UserSession.objects.filter(user_id__in=user_ids)
    ended, _ = Session.objects.filter(session_key__in=sessions.values("session_key")).delete()
    sessions.delete()
    get_token_model().objects.filter(user_id__in=user_ids).delete()
    return ended


def activity_touch(*, user: User, force: bool = False) -> bool:
    """Record that the user is active; written at most once per interval (no write per request)."""
    from django.conf import settings

    now = clock.now()
    if not force and user.last_activity and now - user.last_activity < settings.LAST_ACTIVITY_WRITE_INTERVAL:
        return False
    User.objects.filter(pk=user.pk).update(last_activity=now)
    user.last_activity = now
    return True


# --- Deactivation and reactivation: the one way to switch an account off and on -----------------


@transaction.atomic
def user_deactivate(*, user: User, actor: User | None = None, reason: str = "admin") -> bool:
    """Switch an account off: inactive, every session and API token ended, licences released
    (licensing's hook) and a deactivation recorded, one audit event. The admin, the CRT realm
    and any other interface deactivate through here; the idle sweep is its bulk form
    (``licensing.services.users_idle_sweep``: the same effects in a constant number of
    statements). False when the account was already inactive (nothing changes)."""
    authority.check_manage(actor, user)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.is_active:
        return False
    now = clock.now()
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = locked.is_active = False
    sessions_end_for_users(user_ids=[user.pk])
    details = hooks.user_deactivated(user=locked, actor=actor, reason=reason, now=now)
    audit_log(actor=actor, action=AuditActions.DEACTIVATE, obj=user, object_repr=user.get_username(),
              changes={"by": _by(actor), **details}, reason=reason)
    return True


@transaction.atomic
def user_reactivate(*, user: User, actor: User | None = None) -> dict:
    """Switch an account back on. Its last activity becomes now (a new idle period); licensing's
    hook gives back the licences released at the deactivation, or refuses (no free seat: nothing
    changes). Old sessions and API tokens stay ended: they were deleted, never revived."""
    authority.check_manage(actor, user)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active:
        raise ValidationError(_("%(user)s is al actief.") % {"user": user.get_username()}, code="active")
    now = clock.now()
    User.objects.filter(pk=user.pk).update(is_active=True, last_activity=now)
    user.is_active, user.last_activity = True, now
    details = hooks.user_reactivated(user=user, actor=actor, now=now)
    audit_log(actor=actor, action=AuditActions.REACTIVATE, obj=user, object_repr=user.get_username(),
              changes={"by": _by(actor), **details})
    return details


def _by(actor) -> str:
    return actor.get_username() if actor is not None else "system"


# --- Password reset and second-factor enrolment links --------------------------------------------

# At most one mail of a kind per account per interval: "forgot password" cannot flood a mailbox.
LINK_MAIL_INTERVAL = dt.timedelta(minutes=10)


def _recently_sent(user: User, event: str) -> bool:
    from audit.models import AuditEvent

    return AuditEvent.objects.filter(
        object_type=user._meta.label_lower, object_id=str(user.pk), reason=event,
        occurred_at__gte=clock.now() - LINK_MAIL_INTERVAL,
    ).exists()


def password_reset_send(*, user: User, actor: User | None = None, request=None) -> bool:
    """Send the account's own e-mail address a single-use link to choose a new password
    (nobody sets another person's password). ``actor`` is the administrator who asked (their
    authority is checked) or None for the user's own "wachtwoord vergeten". Audited with actor
    and target, never the link. False (nothing sent) without an address or when a link went out
    less than LINK_MAIL_INTERVAL ago."""
    if actor is not None and actor.pk != user.pk:
        authority.check_manage(actor, user)
    if not user.is_active or not user.email or _recently_sent(user, AccountEvents.PASSWORD_RESET_SENT):
        return False
    links.send_to_user(
        user,
        subject=gettext_lazy("Kies een nieuw wachtwoord"),
        template="accounts/email/password_reset.txt",
        context={"url": links.password_reset_url(user, request), "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
                 "by_admin": actor is not None and actor.pk != user.pk},
    )
    audit_log(actor=actor, action=AuditActions.OTHER, obj=user, object_repr=user.get_username(),
              changes={"by": _by(actor) if actor is not None else "self-service"},
              reason=AccountEvents.PASSWORD_RESET_SENT)
    return True


def password_reset_done(*, user: User) -> None:
    """The user chose a new password through a reset link: every other session and API token of
    the account ends (whoever had the old password is out)."""
    sessions_end_for_users(user_ids=[user.pk])
    audit_log(actor=user, action=AuditActions.UPDATE, obj=user, object_repr=user.get_username(),
              changes={"password": "reset"}, reason=AccountEvents.PASSWORD_RESET_DONE)


def password_changed(*, user: User) -> None:
    audit_log(actor=user, action=AuditActions.UPDATE, obj=user, object_repr=user.get_username(),
              changes={"password": "changed"}, reason=AccountEvents.PASSWORD_CHANGED)


def otp_enrolment_link_send(*, user: User, actor: User | None = None, request=None) -> bool:
    """Mail the account's own address a single-use link to set up the second factor. Needed for
    a first enrolment: the password alone never shows an enrolment secret. ``actor`` is an
    administrator (checked) or the user asking for it on the second-factor page."""
    if actor is not None and actor.pk != user.pk:
        authority.check_manage(actor, user)
    if not user.is_active or not user.email or _recently_sent(user, AccountEvents.OTP_ENROLMENT_SENT):
        return False
    links.send_to_user(
        user,
        subject=gettext_lazy("Stel uw tweestapsverificatie in"),
        template="accounts/email/otp_enrolment.txt",
        context={"url": links.enrolment_url(user, request), "hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
    )
    audit_log(actor=actor, action=AuditActions.OTHER, obj=user, object_repr=user.get_username(),
              changes={"by": _by(actor)}, reason=AccountEvents.OTP_ENROLMENT_SENT)
    return True


@transaction.atomic
def otp_devices_reset(*, user: User, actor: User | None = None, request=None) -> int:
    """The user lost their authenticator: remove every second-factor device, end the sessions
    verified with it, and mail an enrolment link to the account's own address."""
    authority.check_manage(actor, user)
    removed, _detail = TOTPDevice.objects.filter(user=user).delete()
    removed_static, _detail = StaticDevice.objects.filter(user=user).delete()
    sessions_end_for_users(user_ids=[user.pk])
    audit_log(actor=actor, action=AuditActions.DELETE, obj=user, object_repr=user.get_username(),
              changes={"by": _by(actor), "devices": removed + removed_static}, reason=AccountEvents.OTP_RESET)
    otp_enrolment_link_send(user=user, actor=actor, request=request)
    return removed + removed_static


@transaction.atomic
def otp_enrolment_device(*, user: User, device_id: int | None = None) -> TOTPDevice:
    """The authenticator being set up under an enrolment grant (``device_id``: the one this grant
    set up already). The first time a fresh secret: any older unconfirmed device is removed (its
    secret may have been shown to someone with only the password)."""
    device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first() if device_id else None
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def otp_device_confirm(*, user: User, device: TOTPDevice) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    audit_log(actor=user, action=AuditActions.OTP_ENROLLED, obj=user, object_repr=user.get_username())


def email_change_notify(*, user: User, old_email: str, actor: User | None) -> None:
    """An administrator changed the account's e-mail address: the old address is told (a reset
    link goes to the new one, so the holder of the old one must know)."""
    if old_email and old_email != user.email:
        with_old = User(pk=user.pk, username=user.username, first_name=user.first_name, email=old_email)
        links.send_to_user(with_old, subject=gettext_lazy("Het e-mailadres van uw account is gewijzigd"),
                           template="accounts/email/email_changed.txt", context={"by": _by(actor)})


# --- API tokens (django-rest-knox) ------------------------------------------------------------------


@transaction.atomic
def api_token_create(*, user: User, actor: User | None = None) -> tuple:
    """A new API key for a technical account (an integration, not a person: nobody gets a key to
    act as a colleague). Stored as a hash; the key is returned once, to be shown once, and expires
    after API_TOKEN_TTL. Audited without any part of the key."""
    if actor is not None:
        authority.check_manage(actor, user)
    if not user.is_active or not user.is_technical_account:
        raise ValidationError(_("Alleen een actieve technische account krijgt een API-sleutel."), code="not_technical")
    instance, key = get_token_model().objects.create(user=user, expiry=None)
    instance.expiry = clock.now() + settings.API_TOKEN_TTL  # on the application clock, like the check
    instance.save(update_fields=["expiry"])
    audit_log(actor=actor, action=AuditActions.CREATE, object_type="knox.authtoken", object_id=user.pk,
              object_repr=user.get_username(), changes={"expiry": instance.expiry.isoformat()})
    return instance, key


def api_token_revoke(*, token, actor: User | None = None) -> None:
    if actor is not None:
        authority.check_manage(actor, token.user)
    token.delete()
    audit_log(actor=actor, action=AuditActions.DELETE, object_type="knox.authtoken", object_id=token.user_id,
              object_repr=token.user.get_username())


# --- organisations -------------------------------------------------------------------------------------
ORGANISATION_FIELDS = ["name", "kind", "code", "province"]


@transaction.atomic
def organisation_save(*, actor: User | None, organisation: Organisation | None = None, **fields) -> Organisation:
    """Create an organisation (``organisation=None``) or change one: ``fields`` are among
    ``ORGANISATION_FIELDS``. Audited with the values (create) or the changed values (change); a
    change that changes nothing writes no event."""
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"organisation_save does not set {sorted(unknown)}")
    if organisation is None or organisation.pk is None:
        organisation = Organisation(**fields)
        organisation.full_clean()
        organisation.save()
        audit_log(actor=actor, action=AuditActions.CREATE, obj=organisation,
                  changes=model_changes(organisation, ORGANISATION_FIELDS))
        return organisation
    current = Organisation.objects.select_for_update().get(pk=organisation.pk)  # as stored, not as edited
    before = model_changes(current, ORGANISATION_FIELDS)
    for name, value in fields.items():
        setattr(current, name, value)
    current.full_clean()
    changes = model_changes(current, ORGANISATION_FIELDS, before)
    if changes:
        current.save()
        audit_log(actor=actor, action=AuditActions.UPDATE, obj=current, changes=changes)
    return current


@transaction.atomic
def organisation_delete(*, actor: User | None, organisation: Organisation) -> None:
    """Delete an organisation nobody belongs to (an account keeps its organisation: PROTECT refuses).
    Audited with its last values."""
    values = model_changes(organisation, ORGANISATION_FIELDS)
    object_id, text = organisation.pk, str(organisation)
    organisation.delete()
    audit_log(actor=actor, action=AuditActions.DELETE, object_type="accounts.organisation", object_id=object_id,
              object_repr=text, changes=values)
