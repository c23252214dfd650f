"""Licensing's part of account management: switching an account off and on, the role rule, the
admin's user picker (see accounts/hooks.py)."""

from licensing.services import licence_role_check, licences_release_on_deactivation, licences_restore


def user_deactivated(*, user, actor, reason, now) -> dict:
    return licences_release_on_deactivation(user=user, actor=actor, reason=reason, now=now)


def user_reactivated(*, user, actor, now) -> dict:
    return licences_restore(user=user, actor=actor, now=now)


def role_grant_check(*, user, role) -> None:
    licence_role_check(user=user, role=role)


def user_picker_lists_every_account(source) -> bool:
    """A licence goes to any account, CRT users included."""
    return source == "licensing.licenceassignment"
