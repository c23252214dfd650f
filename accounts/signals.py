"""Authentication events (from Django and axes) → audit trail and session bookkeeping.

These are interface events of the auth framework, not domain flows."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.middleware import SESSION_LOGIN_AT, SESSION_SEEN_AT
from accounts.services import activity_touch, session_register
from audit.constants import AuditActions
from audit.services import audit_log
from core import clock


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = clock.now().timestamp()
        request.session[SESSION_LOGIN_AT] = now
        request.session[SESSION_SEEN_AT] = now
        if not request.session.session_key:
            request.session.save()
        session_register(user=user, session_key=request.session.session_key)
    activity_touch(user=user, force=True)
    audit_log(actor=user, action=AuditActions.LOGIN, obj=user, object_repr=user.get_username())


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_log(actor=user, action=AuditActions.LOGOUT, obj=user, object_repr=user.get_username())


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    known = get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
    audit_log(
        actor=None, action=AuditActions.LOGIN_FAILED, object_type="accounts.user",
        object_id=known or "", object_repr=username, username=username,
    )


@receiver(user_locked_out)
def _on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    audit_log(actor=None, action=AuditActions.LOCKED_OUT, object_type="accounts.user", object_repr=username or "", username=username or "")
