"""factory_boy factories and a role-aware user maker used across the suite."""

from __future__ import annotations

import factory
from django.conf import settings

from accounts.constants import CRT_ROLES
from accounts.models import Organisation, User
from accounts.services import role_assign


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    code = factory.Sequence(lambda n: f"org-{n}")
    kind = "local_government"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@test.invalid")
    password = factory.django.Password("correct-horse-battery")


def make_user(role: str | None = None, *, username: str | None = None, municipalities=(), provinces=(),
              crt_organisation=None, **fields) -> User:
    """A user holding ``role`` with the given scope. CRT roles go to the CRT realm (crt database)."""
    kwargs = {"username": username} if username else {}
    user = UserFactory(**kwargs, **fields)
    if role is None:
        return user
    if role in CRT_ROLES:
        from crt.models import Organisation as CrtOrganisation
        from crt.realm import crt_role_assign

        org = crt_organisation
        if org is None and role == "crt_case_manager":
            org, _ = CrtOrganisation.objects.using("crt").get_or_create(code="atlas", defaults={"name": "Atlas"})
        crt_role_assign(user=user, role=role, organisation=org)
    else:
        role_assign(user=user, role=role, municipalities=municipalities, provinces=provinces)
    return user


def make_api_token(user: User) -> str:
    """A django-rest-knox API key for ``user`` (the key itself; only its hash is stored)."""
    from knox.models import AuthToken

    _instance, key = AuthToken.objects.create(user=user)
    return key


TEST_PASSWORD = "correct-horse-battery"
assert settings  # settings configured by pytest-django
