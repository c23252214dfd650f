import datetime as dt

import pytest

from crt.constants import CrtRoles
from crt.models import Organisation
from crt.numbers import generate_number
from crt.services import PersonInput, person_register

GENT = "44021"
ANTWERPEN = "11002"


@pytest.fixture
def org(db):
    return Organisation.objects.using("crt").get_or_create(code="atlas", defaults={"name": "Atlas"})[0]


@pytest.fixture
def other_org(db):
    return Organisation.objects.using("crt").get_or_create(code="amal", defaults={"name": "Amal"})[0]


@pytest.fixture
def case_manager(make_user, org):
    return make_user(CrtRoles.CASE_MANAGER, username="cm-atlas", crt_organisation=org)


@pytest.fixture
def other_case_manager(make_user, other_org):
    return make_user(CrtRoles.CASE_MANAGER, username="cm-amal", crt_organisation=other_org)


def person_input(**overrides) -> PersonInput:
    birth = overrides.pop("birth_date", dt.date(1985, 7, 30))
    values = {
        "first_name": "Olena",
        "last_name": "Kovalenko",
        "birth_date": birth,
        "sex": "F",
        "municipality_refnis": GENT,
        "phone": "+32 470 12 34 56",
        "email": "olena@example.invalid",
        "street": "Veldstraat 1",
        "postal_code": "9000",
        "certificate_number": "TB-2022-0001",
        "certificate_valid_from": dt.date(2022, 4, 1),
        "certificate_valid_until": dt.date(2026, 3, 4),
        "languages": "uk, ru",
    }
    values.update(overrides)
    values.setdefault("national_number", generate_number(birth, 34) if birth <= dt.date.today() else "")
    return PersonInput(**values)


@pytest.fixture
def register(case_manager, org):
    """Register a person at ``org`` (the case manager's organisation) unless told otherwise."""

    def _register(*, actor=None, organisation=None, confirm_duplicate=True, household_of=None, **overrides):
        return person_register(
            actor=actor or case_manager, organisation=organisation or org, data=person_input(**overrides),
            confirm_duplicate=confirm_duplicate, household_of=household_of,
        )

    return _register
