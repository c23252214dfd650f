"""Licensing's part of switching an account off and on (see accounts/hooks.py)."""

from licensing.services import licence_role_check, licences_release_on_deactivation, licences_restore


def user_deactivated(*, user, actor, reason, now) -> dict:
    return licences_release_on_deactivation(user=user, actor=actor, reason=reason, now=now)


def user_reactivated(*, user, actor, now) -> dict:
    return licences_restore(user=user, actor=actor, now=now)


def role_grant_check(*, user, role) -> None:
    licence_role_check(user=user, role=role)
