"""The subsidy pages: the coordination runs a tranche (task + progress), sees totals and the
difference with the previous draft, approves, downloads the payment file and marks it paid; a
municipal officer with a full licence sees their statement and files a correction request until
the deadline, which the coordination answers; scope and refusals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.constants import Roles
from audit.models import AuditEvent
from budget import demo
from budget.models import CorrectionRequest, SubsidyRun, Tranche
from budget.services import payee_set
from hvt.constants import PlaceCategories as C
from tests.budget.subsidy_helpers import place
from tests.factories import make_user
from tests.hvt.helpers import GENT

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

HASSELT = "71072"
BEFORE_DEADLINE = dt.datetime(2022, 7, 5, 10, 0, tzinfo=dt.UTC)  # 2022-06: corrections until 23-07-2022
AFTER_DEADLINE = dt.datetime(2022, 7, 24, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def tranche():
    return Tranche.objects.get(code="2022-06")


@pytest.fixture
def boss():
    return make_user(Roles.HVT_SUBSIDY_COORDINATOR)


@pytest.fixture
def hotel(frozen_now):
    frozen_now(BEFORE_DEADLINE)
    return place(category=C.CAT2, subtype="hotel", capacity=2, start=dt.date(2022, 6, 1))


def start(client, tranche, capture):
    with capture(execute=True):
        return client.post(reverse("budget:subsidy_run_start", args=[tranche.pk]))


def test_coordinator_runs_approves_downloads_and_marks_paid(client, login, boss, tranche, hotel,
                                                             django_capture_on_commit_callbacks):
    payee_set(municipality=GENT, iban=demo.demo_iban(GENT), account_holder="Stad Gent", actor=None)
    login(boss)
    page = reverse("budget:subsidy_tranche", args=[tranche.pk])
    assert start(client, tranche, django_capture_on_commit_callbacks)["Location"] == page
    run = SubsidyRun.objects.get(tranche=tranche)
    assert run.total > 0 and run.status == "draft"
    progress = client.get(reverse("budget:subsidy_run_progress", args=[tranche.pk])).json()
    assert progress == {"working": False, "percent": 100, "status": "draft"}
    body = client.get(page).content.decode()
    total = _nl(run.total)
    assert "Ontwerp" in body and total in body and "Gent" in body and "Oost-Vlaanderen" in body
    assert "Geen vorige berekening" in body
    # recalculating shows the difference with the previous draft (none here: same data)
    start(client, tranche, django_capture_on_commit_callbacks)
    assert "Geen verschil" in client.get(page).content.decode()
    client.post(reverse("budget:subsidy_run_approve", args=[tranche.pk]))
    run.refresh_from_db()
    assert run.status == "approved" and run.approved_by_id == boss.pk
    response = client.get(reverse("budget:subsidy_payment", args=[tranche.pk, "csv"]))
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and GENT in text and demo.demo_iban(GENT) in text
    assert AuditEvent.objects.filter(action="export", object_type="budget.subsidyrun").count() == 1
    xml = client.get(reverse("budget:subsidy_payment", args=[tranche.pk, "sepa"])).content
    assert b"pain.001.001.03" in xml
    assert client.get(reverse("budget:subsidy_payment", args=[tranche.pk, "pdf"])).status_code == 404
    client.post(reverse("budget:subsidy_tranche_paid", args=[tranche.pk]))
    tranche.refresh_from_db()
    assert tranche.paid_on == dt.date(2022, 7, 5)
    # an approved run is not recalculated
    start(client, tranche, django_capture_on_commit_callbacks)
    assert SubsidyRun.objects.get(tranche=tranche).finished_at == run.finished_at


def test_pages_need_the_role_and_the_second_factor(client, login, tranche):
    page = reverse("budget:subsidy_tranche", args=[tranche.pk])
    login(make_user(Roles.HVT_COORDINATOR))
    assert client.get(page).status_code == 403
    login(make_user(Roles.HVT_SUBSIDY_COORDINATOR), verified=False)
    assert client.get(page).status_code == 302 and "next=" in client.get(page)["Location"]


def test_officer_sees_the_own_statement_and_files_a_correction(client, login, boss, tranche, hotel, frozen_now,
                                                              django_capture_on_commit_callbacks):
    login(boss)
    start(client, tranche, django_capture_on_commit_callbacks)
    run = SubsidyRun.objects.get(tranche=tranche)
    gent = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=[GENT])
    login(gent)
    url = reverse("budget:subsidy_statement", args=[tranche.pk])
    body = client.get(url).content.decode()
    assert "Kouter 1" in body and "Ontwerp" in body
    assert "01-06-2022 – 30-06-2022: 30 dagen, 2 bedden" in body  # the explanation in words
    assert client.get(reverse("budget:subsidy_statements")).status_code == 200
    assert client.get(url + f"?gemeente={HASSELT}").status_code == 404
    line = run.lines.get(municipality_id=GENT, place=hotel, rule_kind="cat2_day")
    response = client.post(url, {"line": line.pk, "description": "De plaats was pas vanaf 10 juni open.",
                                 "proposed_value": "21 dagen"})
    assert response.status_code == 302
    request = CorrectionRequest.objects.get()
    assert (request.municipality_id, request.line_id, request.status) == (GENT, line.pk, "open")
    # the coordination answers: a rejection needs a reason
    login(boss)
    answer = reverse("budget:subsidy_correction_answer", args=[request.pk])
    client.post(answer, {"status": "rejected", "answer": ""})
    assert CorrectionRequest.objects.get().status == "open"
    client.post(answer, {"status": "rejected", "answer": "Het attest vermeldt 1 juni."})
    assert CorrectionRequest.objects.get().status == "rejected"
    login(gent)
    assert "Het attest vermeldt 1 juni." in client.get(url).content.decode()
    # after the deadline: refused with a Dutch message, nothing stored
    frozen_now(AFTER_DEADLINE)
    login(gent)  # a new session (the old one expired while the clock moved on)
    response = client.post(url, {"line": "", "description": "Nog iets"})
    assert response.status_code == 200 and "liep af" in response.content.decode()
    assert CorrectionRequest.objects.count() == 1


def test_an_officer_of_another_municipality_and_a_limited_licence_see_nothing_of_gent(
        client, login, boss, tranche, hotel, django_capture_on_commit_callbacks):
    login(boss)
    start(client, tranche, django_capture_on_commit_callbacks)
    login(make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=[HASSELT]))
    url = reverse("budget:subsidy_statement", args=[tranche.pk])
    body = client.get(url).content.decode()
    assert "Kouter" not in body and "Hasselt" in body
    assert client.get(url + f"?gemeente={GENT}").status_code == 404
    line = SubsidyRun.objects.get(tranche=tranche).lines.filter(municipality_id=GENT).first()
    response = client.post(url, {"line": line.pk, "description": "x"})  # a Gent line from Hasselt
    assert response.status_code == 200 and not CorrectionRequest.objects.exists()
    login(make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=[GENT]))
    assert client.get(url).status_code == 403
    assert client.get(reverse("budget:subsidy_statements")).status_code == 403


def test_statement_total_is_the_sum_of_the_lines(client, login, boss, tranche, hotel, django_capture_on_commit_callbacks):
    login(boss)
    start(client, tranche, django_capture_on_commit_callbacks)
    run = SubsidyRun.objects.get(tranche=tranche)
    expected = sum((line.amount for line in run.lines.filter(municipality_id=GENT)), Decimal("0.00"))
    login(make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=[GENT]))
    body = client.get(reverse("budget:subsidy_statements")).content.decode()
    assert _nl(expected) in body


def _nl(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def test_the_tranche_page_has_english_for_every_string(client, login, boss, tranche, hotel,
                                                       django_capture_on_commit_callbacks):
    """Every {% translate %} of the tranche page has its English in budget's own catalogue (issue 12),
    and the page reads English when English is chosen: "total", "Previous" — not "totaal", "Vorige"."""
    import re

    import polib
    from django.conf import settings

    source = (settings.BASE_DIR / "budget/templates/budget/subsidy/tranche.html").read_text()
    catalogue = {e.msgid: e.msgstr for e in polib.pofile(str(settings.BASE_DIR / "budget/locale/en/LC_MESSAGES/django.po"))}
    strings = set(re.findall(r'{% translate "([^"]+)" %}', source))
    assert {"totaal", "Vorige"} <= strings
    assert sorted(s for s in strings if not catalogue.get(s)) == []
    login(boss)
    start(client, tranche, django_capture_on_commit_callbacks)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(reverse("budget:subsidy_tranche", args=[tranche.pk])).content.decode()
    assert "Previous" in body and "total <strong>" in body
    assert "Vorige" not in body and "totaal" not in body
