"""The scheme page of the subsidy coordination: the versions with their amounts, and adding a version
through budget.subsidy.scheme.scheme_version_add (audited; approved runs keep their lines; the
difference a back-dated version makes is paid by the next tranche)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.constants import Roles
from audit.models import AuditEvent
from budget.constants import RuleKinds as R
from budget.models import SchemeRate, SchemeVersion, SubsidyLine
from budget.subsidy.scheme import scheme_version_add
from hvt.constants import PlaceCategories as C
from tests.budget.subsidy_helpers import NOW, approve_through, calc, coordinator, place
from tests.factories import make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])
URL = reverse("budget:subsidy_scheme")


@pytest.fixture(autouse=True)
def _now(frozen_now):
    frozen_now(NOW)


def _form(**overrides):
    """The page's form as the browser sends it: every amount of version 1, Dutch decimal comma."""
    data = {"valid_from": "2022-04-08", "note": "BVR wijziging categorie 3",
            "cat1_public_once": "1000,00", "cat1_private_once": "400,00", "cat2_day__hotel": "35,00",
            "cat2_day__bnb": "35,00", "cat2_day__youth_hostel": "20,00", "cat2_day__holiday_park": "10,00",
            "cat2_day__service_flat": "20,00", "cat2_assignment_once": "400,00", "cat3_day": "0,00",
            "guidance": "400,00"}
    return {**data, **overrides}


def test_coordinator_sees_the_versions_and_adds_one_that_the_next_tranche_pays(client, login):
    """Emergency village (category 3) of 10 beds from 1 April 2022. 2022-06 is approved with the
    cat-3 rate € 0.00 (no line). Version 2 from 8 April 2022 sets € 5.00 a day: 2022-06's approved
    lines do not change; 2022-09 pays the whole entitlement to 30 September: 8 April – 30 September
    = 23 + 31 + 30 + 31 + 31 + 30 = 176 days × 10 beds × € 5.00 = € 8,800.00."""
    boss = coordinator()
    village = place(category=C.CAT3, capacity=10, start=dt.date(2022, 4, 1))
    approved = approve_through("2022-06", boss)
    before = list(approved.lines.values_list("pk", "amount"))
    login(boss)
    body = client.get(URL).content.decode()
    assert "Versie 1" in body and "14-03-2022" in body and "1.000,00" in body and "dagprijs" in body
    assert 'value="35,00"' in body  # the form starts from the latest version's amounts
    response = client.post(URL, _form(cat3_day="5,00"))
    assert response.status_code == 302 and response["Location"] == URL
    v2 = SchemeVersion.objects.get(number=2)
    assert v2.valid_from == dt.date(2022, 4, 8) and v2.note == "BVR wijziging categorie 3"
    assert SchemeRate.objects.get(version=v2, rule_kind=R.CAT3_DAY).amount == D("5.00")
    assert v2.rates.count() == 10
    event = AuditEvent.objects.get(action="create", object_type="budget.schemeversion")
    assert event.changes["rates"] == {"cat3_day": ["0.00", "5.00"]}
    body = client.get(URL).content.decode()
    assert "Versie 2" in body and "08-04-2022" in body and "5,00" in body
    assert list(approved.lines.values_list("pk", "amount")) == before
    run = calc("2022-09", boss)
    line = SubsidyLine.objects.get(run=run, place=village, rule_kind=R.CAT3_DAY)
    assert (line.days, line.amount, line.previously_paid) == (176, D("8800.00"), D("0.00"))


def test_refusals_are_shown_and_nothing_is_stored(client, login):
    login(coordinator())
    cases = [
        _form(valid_from="2022-03-14"),  # version 1's day
        _form(valid_from="2022-03-01"),  # before the scheme
        _form(valid_from="2025-04-01"),  # after the scheme
        _form(cat3_day="-1,00"),
        _form(cat3_day="1,005"),
        _form(cat3_day=""),
    ]
    for data in cases:
        response = client.post(URL, data)
        assert response.status_code == 200, data
        assert "is-invalid" in response.content.decode() or "alert" in response.content.decode()
    assert SchemeVersion.objects.count() == 1
    assert not AuditEvent.objects.filter(object_type="budget.schemeversion").exists()


def test_only_the_subsidy_coordination_with_a_second_factor(client, login):
    for user in (make_user(Roles.HVT_COORDINATOR), make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"]),
                 make_user(Roles.HVT_VLOT, provinces=["40000"])):
        login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, _form()).status_code == 403
    login(coordinator(), verified=False)
    assert client.get(URL).status_code == 302
    with pytest.raises(PermissionDenied):
        scheme_version_add(actor=make_user(Roles.HVT_COORDINATOR), valid_from=dt.date(2022, 5, 1), rates={})
    assert SchemeVersion.objects.count() == 1


def test_service_keeps_amounts_left_out_and_numbers_the_versions():
    boss = coordinator()
    v2 = scheme_version_add(actor=boss, valid_from=dt.date(2023, 1, 1), rates={"guidance": D("450.00")})
    v3 = scheme_version_add(actor=boss, valid_from=dt.date(2022, 9, 1), rates={"cat3_day": D("2.50")})
    assert (v2.number, v3.number) == (2, 3)
    rates = {(r.rule_kind, r.subtype): r.amount for r in v3.rates.all()}
    # v3 starts from the version in force on 1 September 2022 (version 1), not from the latest
    assert rates[(R.GUIDANCE, "")] == D("400.00") and rates[(R.CAT3_DAY, "")] == D("2.50")
    with pytest.raises(ValidationError) as exc:
        scheme_version_add(actor=boss, valid_from=dt.date(2023, 2, 1), rates={"nonsense": D("1.00")})
    assert "rates" in exc.value.message_dict


def test_admin_shows_versions_but_never_writes_them(client, login):
    """SchemeVersionAdmin is read-only: a version is added only through scheme_version_add (its
    window, every amount, numbering, audit) on /budget/subsidies/regeling/. Before, a staff subsidy
    coordinator could POST a version from 2021 without amounts straight into the table (unaudited)
    and move version 1's day, bypassing the service."""
    from django.contrib.auth import get_user_model

    boss = coordinator()
    get_user_model().objects.filter(pk=boss.pk).update(is_staff=True)
    login(get_user_model().objects.get(pk=boss.pk))
    v1 = SchemeVersion.objects.get(number=1)
    inline = {"rates-TOTAL_FORMS": "0", "rates-INITIAL_FORMS": "0", "rates-MIN_NUM_FORMS": "0",
              "rates-MAX_NUM_FORMS": "1000"}
    response = client.post(reverse("admin:budget_schemeversion_add"),
                           {"scheme": v1.scheme_id, "number": "7", "valid_from": "2021-01-01", "note": "", **inline})
    assert response.status_code == 403
    change = reverse("admin:budget_schemeversion_change", args=[v1.pk])
    response = client.post(change, {"scheme": v1.scheme_id, "number": "1", "valid_from": "2022-05-01", "note": "x",
                                    **inline})
    assert response.status_code == 403
    assert client.get(change).status_code == 200  # still readable, with its amounts
    assert client.get(reverse("admin:budget_schemeversion_changelist")).status_code == 200
    assert list(SchemeVersion.objects.values_list("number", "valid_from", "note")) == [(1, v1.valid_from, v1.note)]
    assert v1.rates.count() == 10
    assert not AuditEvent.objects.filter(object_type="budget.schemeversion").exists()
