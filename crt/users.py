"""The accounts of CRT users, managed inside the CRT realm by CRT central management: a password
reset link and a new second factor (both to the user's own address), deactivation and
reactivation. The account services in ``accounts`` do the work (sessions, tokens, licences);
this realm decides who may ask and keeps its own audit trail of it."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from accounts import services as account_services
from accounts.constants import DeactivationReasons
from audit.constants import AuditActions
from audit.services import audit_log
from crt.constants import CrtRoles
from crt.models import RoleAssignment
from crt.realm import user_has_crt_role


def crt_user_ids() -> list[int]:
    """Everyone holding a CRT role (a few hundred at most; another database, so a list)."""
    return list(RoleAssignment.objects.using("crt").values_list("user_id", flat=True).distinct())


def crt_users() -> QuerySet:
    return get_user_model().objects.filter(pk__in=crt_user_ids())


def crt_roles_by_user(user_ids) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for user_id, role in RoleAssignment.objects.using("crt").filter(user_id__in=list(user_ids)).values_list("user_id", "role"):
        out.setdefault(user_id, []).append(role)
    return out


def crt_may_manage_user(actor, target) -> bool:
    """CRT central management manages the accounts of CRT users, except its own (a colleague
    resets yours: the link still goes to your address)."""
    return (
        actor is not None
        and target is not None
        and actor.pk != target.pk
        and user_has_crt_role(actor, CrtRoles.CENTRAL_ADMIN)
        and RoleAssignment.objects.using("crt").filter(user_id=target.pk).exists()
    )


def _audit(actor, user, reason: str, action: str = AuditActions.OTHER, **changes) -> None:
    audit_log(actor=actor, action=action, object_type="accounts.user", object_id=user.pk,
              object_repr=user.get_username(), changes=changes, reason=reason, database="crt")


def crt_user_password_reset_send(*, user, actor, request=None) -> bool:
    sent = account_services.password_reset_send(user=user, actor=actor, request=request)
    if sent:
        _audit(actor, user, "password_reset_link_sent")
    return sent


def crt_user_otp_reset(*, user, actor, request=None) -> int:
    removed = account_services.otp_devices_reset(user=user, actor=actor, request=request)
    _audit(actor, user, "otp_reset", AuditActions.DELETE, devices=removed)
    return removed


def crt_user_deactivate(*, user, actor) -> bool:
    done = account_services.user_deactivate(user=user, actor=actor, reason=DeactivationReasons.CRT_REALM)
    if done:
        _audit(actor, user, DeactivationReasons.CRT_REALM, AuditActions.DEACTIVATE)
    return done


def crt_user_reactivate(*, user, actor) -> dict:
    details = account_services.user_reactivate(user=user, actor=actor)
    _audit(actor, user, "reactivated", AuditActions.REACTIVATE, **details)
    return details


def crt_user_update(*, user, actor, changed: list[str], old_email: str) -> None:
    if "email" in changed:
        account_services.email_change_notify(user=user, old_email=old_email, actor=actor)
    _audit(actor, user, "account_changed", AuditActions.UPDATE, fields=sorted(changed))
