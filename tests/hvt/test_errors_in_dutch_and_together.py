"""Every rule has a Dutch sentence and a form learns every error at once (issue 12, items 3 and 4):
no constraint name reaches a user; a bad place or allocation reports all of its problems together."""

import datetime as dt

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import BaseConstraint, CheckConstraint, UniqueConstraint

from accounts.constants import Roles
from hvt import services
from hvt.models import Allocation
from tests.factories import make_user
from tests.hvt.helpers import GENT, HASSELT_POSTAL, register, validated

pytestmark = pytest.mark.django_db(databases=["default", "crt"])  # pages render the navigation, which asks the CRT realm

# Constraints still waiting for their sentence: none (keep it so).
PENDING: set[str] = set()


def _uses_violation_message(constraint) -> bool:
    if isinstance(constraint, CheckConstraint):
        return True
    return isinstance(constraint, UniqueConstraint) and (
        constraint.condition is not None or bool(constraint.expressions) or not constraint.fields)


def test_every_constraint_a_user_can_meet_has_a_dutch_sentence():
    """A constraint without its own message shows "Beperking 'naam' is geschonden." (Django's default);
    unique constraints on fields get Django's own Dutch sentence naming the fields."""
    missing = []
    for label in settings.LOCAL_APPS:
        for model in apps.get_app_config(label.split(".")[-1]).get_models():
            for constraint in model._meta.constraints:
                if (_uses_violation_message(constraint) and constraint.name not in PENDING
                        and constraint.violation_error_message == BaseConstraint.default_violation_error_message):
                    missing.append(constraint.name)
    assert missing == []


@pytest.fixture
def officer():
    return make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=[GENT])


def test_an_allocation_ending_before_it_starts_says_so_in_dutch_with_the_other_errors(officer):
    place = validated(officer, capacity=4)
    with pytest.raises(ValidationError) as caught:
        services.allocation_create(actor=officer, place=place, household_reference="", household_size=3, adults=1,
                                   minors=1, start_date=dt.date(2022, 6, 1), end_date=dt.date(2022, 5, 1))
    errors = caught.value.message_dict
    assert errors["end_date"] == ["De toewijzing kan niet eindigen voor ze begint."]
    assert "household_size" in errors and "household_reference" in errors
    assert "hvt_alloc" not in str(errors) and "Beperking" not in str(errors)
    assert not Allocation.objects.exists()


def test_the_model_constraint_itself_speaks_dutch(officer):
    place = validated(officer, capacity=4)
    allocation = Allocation(place=place, household_reference="HH-1", household_size=1, adults=1, minors=0,
                            start_date=dt.date(2022, 6, 1), end_date=dt.date(2022, 5, 1))
    with pytest.raises(ValidationError) as caught:
        allocation.full_clean()
    assert "De toewijzing kan niet eindigen voor ze begint." in caught.value.messages
    assert "hvt_alloc_period" not in str(caught.value)


def test_a_bad_place_reports_every_problem_in_one_go(officer):
    with pytest.raises(ValidationError) as caught:
        register(officer, capacity=0, postal_code=HASSELT_POSTAL, start_date=dt.date(2022, 6, 1),
                 end_date=dt.date(2022, 5, 1))
    assert {"capacity", "postal_code", "end_date"} <= set(caught.value.message_dict)


def test_the_place_form_shows_every_error_after_one_submit(login, officer):
    response = login(officer).post("/hvt/plaatsen/nieuw/", {
        "municipality": GENT, "street": "Kouter", "house_number": "1", "postal_code": HASSELT_POSTAL,
        "operator": "Stad", "capacity": "0", "category": "1_public", "start_date": "2022-06-01",
        "end_date": "2022-05-01",
    })
    errors = response.context["form"].errors
    assert {"capacity", "postal_code", "end_date"} <= set(errors)
    assert "hoort niet bij deze gemeente" in " ".join(errors["postal_code"])


def test_the_municipality_is_chosen_when_the_user_has_only_one(login, officer):
    body = login(officer).get("/hvt/plaatsen/nieuw/").content.decode()
    assert "---------" not in body
    assert f'<option value="{GENT}" selected>' in body


def test_a_user_with_several_municipalities_chooses(login):
    user = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=[GENT, "11002"])
    body = login(user).get("/hvt/plaatsen/nieuw/").content.decode()
    assert "---------" in body


def test_the_constraints_of_licensing_and_budget_speak_dutch_too():
    from licensing.models import PlanPeriod

    plan = PlanPeriod(code="x", name="x", starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError) as caught:
        plan.full_clean()
    assert "De einddatum van het licentieplan kan niet voor de begindatum liggen." in caught.value.messages
    assert "licensing_period_order" not in str(caught.value) and "Beperking" not in str(caught.value)
