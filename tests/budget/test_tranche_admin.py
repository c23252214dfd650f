"""The tranches are kept in the admin through ``budget.corrections.tranche_set`` (issue 13: admin
writes go through services): the dates in order, an approved tranche keeps its reference date and
factor, a paid one changes no more, every change audited; the refusal shows on the form."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.constants import Roles
from audit.models import AuditEvent
from budget.corrections import tranche_mark_paid, tranche_set
from budget.models import Tranche
from tests.budget.subsidy_helpers import NOW, approve_through, coordinator
from tests.factories import make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


def _form(tranche, **changes):
    data = {"code": tranche.code, "reference_date": tranche.reference_date.isoformat(),
            "correction_deadline": tranche.correction_deadline.isoformat(),
            "payment_date": tranche.payment_date.isoformat(), "guidance_factor": str(tranche.guidance_factor)}
    return {**data, **changes}


@pytest.fixture
def staff_coordinator(login):
    boss = coordinator()
    get_user_model().objects.filter(pk=boss.pk).update(is_staff=True)
    boss = get_user_model().objects.get(pk=boss.pk)
    login(boss)
    return boss


def test_admin_refuses_dates_out_of_order_and_stores_nothing(client, staff_coordinator):
    tranche = Tranche.objects.get(code="2022-09")
    before = Tranche.objects.values().get(pk=tranche.pk)
    response = client.post(reverse("admin:budget_tranche_change", args=[tranche.pk]),
                           _form(tranche, correction_deadline="2022-08-01", payment_date="2022-07-01"))
    assert response.status_code == 200  # the form again, with the service's sentences
    body = response.content.decode()
    assert "De uiterste datum voor correcties ligt niet voor de referentiedatum." in body
    assert "De betaaldatum ligt niet voor de uiterste datum voor correcties." in body
    assert Tranche.objects.values().get(pk=tranche.pk) == before
    assert not AuditEvent.objects.filter(object_type="budget.tranche").exists()


def test_admin_change_is_saved_by_the_service_and_audited(client, staff_coordinator):
    tranche = Tranche.objects.get(code="2022-09")
    response = client.post(reverse("admin:budget_tranche_change", args=[tranche.pk]),
                           _form(tranche, guidance_factor="0.40"))
    assert response.status_code == 302
    assert Tranche.objects.get(pk=tranche.pk).guidance_factor == D("0.40")
    event = AuditEvent.objects.get(object_type="budget.tranche", object_id=str(tranche.pk))
    assert event.actor_id == staff_coordinator.pk and event.changes == {"guidance_factor": [str(tranche.guidance_factor), "0.40"]}


def test_an_approved_tranche_moves_only_its_payment_date_and_a_paid_one_nothing(frozen_now):
    frozen_now(NOW)
    boss = coordinator()
    tranche = approve_through("2022-06", boss).tranche
    values = {f: getattr(tranche, f) for f in ("code", "reference_date", "correction_deadline", "payment_date",
                                               "guidance_factor")}
    with pytest.raises(ValidationError, match="enkel de betaaldatum"):
        tranche_set(actor=boss, tranche=tranche, **{**values, "guidance_factor": D("0.10")})
    later = values["payment_date"] + dt.timedelta(days=7)
    assert tranche_set(actor=boss, tranche=tranche, **{**values, "payment_date": later}).payment_date == later
    tranche_mark_paid(actor=boss, tranche=tranche)
    with pytest.raises(ValidationError, match="betaald"):
        tranche_set(actor=boss, tranche=tranche, **{**values, "payment_date": later + dt.timedelta(days=1)})
    assert Tranche.objects.get(pk=tranche.pk).guidance_factor == values["guidance_factor"]


def test_only_the_subsidy_coordination_keeps_tranches():
    tranche = Tranche.objects.get(code="2022-09")
    values = {f: getattr(tranche, f) for f in ("code", "reference_date", "correction_deadline", "payment_date",
                                               "guidance_factor")}
    with pytest.raises(PermissionDenied):
        tranche_set(actor=make_user(Roles.HVT_COORDINATOR), tranche=tranche, **{**values, "guidance_factor": D("0")})
    assert Tranche.objects.get(pk=tranche.pk).guidance_factor == values["guidance_factor"]


def test_a_new_tranche_needs_its_own_code_and_reference_date(staff_coordinator):
    existing = Tranche.objects.get(code="2022-09")
    with pytest.raises(ValidationError) as refused:
        tranche_set(actor=staff_coordinator, code=existing.code, reference_date=existing.reference_date,
                    correction_deadline=existing.correction_deadline, payment_date=existing.payment_date,
                    guidance_factor=D("0.30"))
    assert {"code", "reference_date"} <= set(refused.value.message_dict)
    added = tranche_set(actor=staff_coordinator, code="2027-03", reference_date=dt.date(2027, 3, 31),
                        correction_deadline=dt.date(2027, 4, 30), payment_date=dt.date(2027, 5, 31),
                        guidance_factor=D("0.30"))
    assert AuditEvent.objects.filter(object_type="budget.tranche", object_id=str(added.pk)).exists()
