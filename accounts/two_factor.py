from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import hooks
from accounts.constants import TWO_FACTOR_ROLES
from accounts.selectors import roles_for_user


def requires_two_factor(user) -> bool:
    """Admin, coordinators, auditors and every CRT role must pass a TOTP second factor."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser or roles_for_user(user) & TWO_FACTOR_ROLES:
        return True
    return hooks.requires_second_factor(user)  # the CRT realm: every CRT role


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()
