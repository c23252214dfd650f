"""The CRT realm manages the accounts of its users itself (see accounts/hooks.py): whoever holds
a CRT role is managed here, by CRT central management, and by nobody in the HVT admin."""

from crt.models import RoleAssignment


def user_managed_here(user) -> bool:
    # Also for an inactive account (crt.realm's grants ignore those): it still belongs to the CRT.
    return RoleAssignment.objects.using("crt").filter(user_id=user.pk).exists()


def user_ids_managed_here() -> list[int]:
    return list(RoleAssignment.objects.using("crt").values_list("user_id", flat=True).distinct())


def may_manage_user(actor, target) -> bool:
    from crt.users import crt_may_manage_user

    return crt_may_manage_user(actor, target)


def roles_of_user(user) -> frozenset[str]:
    from crt.realm import crt_roles_for_user

    user._crt_grants = None  # fresh from the database
    return crt_roles_for_user(user)


def requires_second_factor(user) -> bool:
    from crt.realm import user_has_any_crt_role_cached

    return user_has_any_crt_role_cached(user)
