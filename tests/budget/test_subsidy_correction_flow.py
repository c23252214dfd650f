"""An accepted correction request leads the coordination to the place in the HVT; the data is fixed
there (effective-dated) and the next recalculation of the draft processes the request; the officer
sees the answer, the state and the new amount."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.constants import Roles
from budget.models import CorrectionRequest, SubsidyRun, Tranche
from hvt.constants import PlaceCategories as C
from hvt.services import place_change
from tests.budget.subsidy_helpers import place
from tests.factories import make_user
from tests.hvt.helpers import GENT

pytestmark = pytest.mark.django_db(databases=["default", "crt"])
BEFORE_DEADLINE = dt.datetime(2022, 7, 5, 10, 0, tzinfo=dt.UTC)


def test_accepted_request_is_fixed_in_the_hvt_and_processed_by_the_recalculation(
        client, login, frozen_now, django_capture_on_commit_callbacks):
    """Hotel of 2 beds from 1 June 2022: 2022-06 = 30 × 2 × € 35 = € 2,100.00. The officer says it
    has 3 beds from 16 June; accepted; the place is changed from 16 June (capacity 3); the
    recalculation gives 15 × 2 × 35 + 15 × 3 × 35 = 1,050 + 1,575 = € 2,625.00."""
    frozen_now(BEFORE_DEADLINE)
    hotel = place(category=C.CAT2, subtype="hotel", capacity=2, start=dt.date(2022, 6, 1))
    tranche = Tranche.objects.get(code="2022-06")
    boss = make_user(Roles.HVT_SUBSIDY_COORDINATOR)
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=[GENT])
    start = reverse("budget:subsidy_run_start", args=[tranche.pk])
    page = reverse("budget:subsidy_tranche", args=[tranche.pk])
    statement = reverse("budget:subsidy_statement", args=[tranche.pk])
    login(boss)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(start)
    line = SubsidyRun.objects.get(tranche=tranche).lines.get(place=hotel, rule_kind="cat2_day")
    assert line.amount == Decimal("2100.00")
    login(officer)
    client.post(statement, {"line": line.pk, "description": "Vanaf 16 juni 3 bedden.", "proposed_value": "3"})
    request = CorrectionRequest.objects.get()
    assert request.place_id == hotel.pk
    login(boss)
    response = client.post(reverse("budget:subsidy_correction_answer", args=[request.pk]),
                           {"status": "accepted", "answer": "Klopt, het derde bed telt vanaf 16 juni."}, follow=True)
    body = response.content.decode()
    assert "bereken de schijf daarna opnieuw" in body
    assert 'data-testid="awaiting-recalculation"' in body
    assert reverse("hvt:place_detail", args=[hotel.pk]) in body
    login(officer)
    body = client.get(statement).content.decode()
    assert "Klopt, het derde bed telt vanaf 16 juni." in body and "daarna wordt de schijf herberekend" in body
    assert reverse("hvt:place_edit", args=[hotel.pk]) in body
    # the data is fixed in the HVT (effective-dated), then the coordination recalculates
    place_change(place=hotel, effective_from=dt.date(2022, 6, 16), actor=officer, capacity=3)
    login(boss)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(start)
    request.refresh_from_db()
    assert request.recalculated_at is not None
    body = client.get(page).content.decode()
    assert 'data-testid="awaiting-recalculation"' not in body and "Verwerkt in de herberekening" in body
    login(officer)
    body = client.get(statement).content.decode()
    assert "Verwerkt in de herberekening" in body and "2.625,00" in body
    # the line the request was filed on was replaced; the request keeps its label and place
    assert request.line_id is None and request.line_label and request.place_id == hotel.pk


def test_a_rejected_or_open_request_is_not_processed(client, login, frozen_now):
    from budget.corrections import correction_answer, correction_file
    from tests.budget.subsidy_helpers import calc

    frozen_now(BEFORE_DEADLINE)
    place(category=C.CAT2, subtype="hotel", capacity=2, start=dt.date(2022, 6, 1))
    boss = make_user(Roles.HVT_SUBSIDY_COORDINATOR)
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=[GENT])
    run = calc("2022-06", boss)
    from geo.models import Municipality

    gent = Municipality.objects.get(pk=GENT)
    rejected = correction_file(actor=officer, tranche=run.tranche, municipality=gent, description="a")
    still_open = correction_file(actor=officer, tranche=run.tranche, municipality=gent, description="b")
    correction_answer(actor=boss, request=rejected, status="rejected", answer="Nee.")
    calc("2022-06", boss)
    assert not CorrectionRequest.objects.filter(pk__in=[rejected.pk, still_open.pk], recalculated_at__isnull=False).exists()
