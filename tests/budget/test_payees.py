"""Municipalities as payees: IBAN/BIC checks (python-stdnum) with Dutch messages, the service's audit,
the demo accounts, the stored import ("budget.payees") and the scope of the page and the admin."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from stdnum import iban as stdnum_iban

from accounts.constants import Roles
from audit.models import AuditEvent
from budget import demo
from budget.models import Payee
from budget.services import payee_set
from core import services as core_services
from core.constants import ImportStatuses
from tests.core.import_helpers import csv_bytes, upload, xlsx_bytes
from tests.factories import make_user

# pages: the navigation asks the CRT realm about the signed-in user
pytestmark = pytest.mark.django_db(databases=["default", "crt"])

GENT, HASSELT, ANTWERPEN = "44021", "71072", "11002"
COLUMNS = ["refnis", "iban", "bic", "account_holder"]


@pytest.fixture
def coordinator():
    return make_user(Roles.HVT_SUBSIDY_COORDINATOR, is_staff=True)


@pytest.fixture
def importer():
    return make_user(Roles.HVT_COORDINATOR, is_staff=True)


def test_demo_ibans_are_valid_stable_and_marked():
    iban = demo.demo_iban(GENT)
    assert stdnum_iban.is_valid(iban) and iban == demo.demo_iban(GENT)
    demo.seed(_Out())
    payee = Payee.objects.get(municipality_id=GENT)
    assert payee.is_demo and payee.account_holder == "DEMO – Gemeente Gent"
    assert payee.iban == iban and payee.bic == "GKCCBEBB"
    assert Payee.objects.count() == 285 and not Payee.objects.filter(is_demo=False).exists()
    demo.seed(_Out())  # idempotent
    assert Payee.objects.count() == 285


class _Out:
    def write(self, text):
        self.text = text


@pytest.mark.parametrize(("iban", "message"), [
    ("BE68 0910 0000 0001", "controlegetal klopt niet"),
    ("BE61 0911 2345", "geen geldig IBAN-rekeningnummer"),
    ("NL91 ABNA 0417 1643 00", "Belgische rekening"),
    ("", "Vul een IBAN-rekeningnummer in"),
])
def test_invalid_iban_is_refused_in_dutch_and_nothing_is_stored(coordinator, iban, message):
    with pytest.raises(ValidationError) as caught:
        payee_set(municipality=GENT, iban=iban, account_holder="Stad Gent", actor=coordinator)
    assert message in " ".join(caught.value.message_dict["iban"])
    assert not Payee.objects.exists()


def test_bic_is_filled_in_checked_and_must_match_the_bank(coordinator):
    iban = demo.demo_iban(GENT)
    payee = payee_set(municipality=GENT, iban=iban.lower(), account_holder="Stad Gent", actor=coordinator)
    assert (payee.iban, payee.bic) == (iban, "GKCCBEBB")
    with pytest.raises(ValidationError) as caught:
        payee_set(municipality=GENT, iban=iban, bic="GEBABEBB", account_holder="Stad Gent", actor=coordinator)
    assert "hoort niet bij de bank" in caught.value.message_dict["bic"][0]
    with pytest.raises(ValidationError) as caught:
        payee_set(municipality=GENT, iban=iban, bic="XX", account_holder="Stad Gent", actor=coordinator)
    assert "geen geldige BIC-code" in caught.value.message_dict["bic"][0]


def test_change_is_audited_with_old_and_new_values(coordinator):
    first, second = demo.demo_iban(GENT), demo.demo_iban(HASSELT)
    payee_set(municipality=GENT, iban=first, account_holder="Stad Gent", actor=coordinator)
    payee_set(municipality=GENT, iban=second, account_holder="Stad Gent", actor=coordinator)
    payee_set(municipality=GENT, iban=second, account_holder="Stad Gent", actor=coordinator)  # no change: no event
    events = AuditEvent.objects.filter(object_type="budget.payee").order_by("id")
    assert [e.action for e in events] == ["create", "update"]
    assert events[1].changes == {"iban": [first, second]}
    assert events[1].actor_id == coordinator.pk


def test_a_municipal_officer_may_not_change_an_account():
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=[GENT])
    with pytest.raises(PermissionDenied):
        payee_set(municipality=GENT, iban=demo.demo_iban(GENT), account_holder="Stad Gent", actor=officer)


def _file(rows):
    return csv_bytes(rows, headers=COLUMNS)


def test_import_of_a_file_creates_and_changes_accounts(importer):
    coordinator = importer
    payee_set(municipality=ANTWERPEN, iban=demo.demo_iban(ANTWERPEN), account_holder="Oud", actor=coordinator)
    rows = [[GENT, demo.demo_iban(GENT), "", "Stad Gent"], [ANTWERPEN, "BE48 0011 2345 6727", "GEBABEBB", "Stad Antwerpen"]]
    imp = core_services.import_create(actor=coordinator, kind="budget.payees", file_name="rekeningen.csv",
                                      content=_file(rows), options={})
    core_services.import_process(import_id=imp.pk)
    imp.refresh_from_db()
    assert imp.status == ImportStatuses.READY, imp.report
    assert Payee.objects.get(municipality_id=ANTWERPEN).account_holder == "Oud"  # the check wrote nothing
    core_services.import_confirm(actor=coordinator, import_=imp)
    assert core_services.import_process(import_id=imp.pk) == ImportStatuses.DONE
    accounts = dict(Payee.objects.values_list("municipality_id", "iban"))
    assert accounts == {GENT: demo.demo_iban(GENT), ANTWERPEN: "BE48001123456727"}
    assert Payee.objects.get(municipality_id=GENT).bic == "GKCCBEBB"


def test_import_with_a_bad_row_names_it_and_keeps_nothing(importer):
    coordinator = importer
    rows = [[GENT, demo.demo_iban(GENT), "", "Stad Gent"], [HASSELT, "BE00 0000 0000 0000", "", "Stad Hasselt"]]
    imp = core_services.import_create(actor=coordinator, kind="budget.payees", file_name="rekeningen.csv",
                                      content=_file(rows), options={})
    core_services.import_process(import_id=imp.pk)
    imp.refresh_from_db()
    assert imp.status == ImportStatuses.FAILED
    errors = imp.report["row_errors"]
    assert [e["row"] for e in errors] == [2]
    assert "IBAN" in " ".join(errors[0]["errors"]["iban"])
    assert not Payee.objects.exists()


def test_import_through_the_admin_upload_xlsx(client, login, importer, coordinator, django_capture_on_commit_callbacks):
    login(coordinator)  # the subsidy coordinator edits accounts one by one but does not bulk import
    assert client.get(reverse("admin:budget_payee_import")).status_code == 403
    login(importer)
    rows = [[float(GENT), demo.demo_iban(GENT), None, "Stad Gent"]]
    response = upload(client, django_capture_on_commit_callbacks, xlsx_bytes(rows, headers=COLUMNS),
                      name="rekeningen.xlsx", url="admin:budget_payee_import")
    assert response.status_code == 302
    from core.models import Import

    imp = Import.objects.get(kind="budget.payees")
    assert imp.status == ImportStatuses.READY, imp.report


def test_admin_change_goes_through_the_service_and_shows_the_dutch_refusal(client, login, coordinator):
    payee = payee_set(municipality=GENT, iban=demo.demo_iban(GENT), account_holder="Stad Gent", actor=coordinator)
    login(coordinator)
    url = reverse("admin:budget_payee_change", args=[payee.pk])
    response = client.post(url, {"iban": "BE68 0910 0000 0001", "bic": "", "account_holder": "Stad Gent"})
    assert response.status_code == 200
    assert "controlegetal klopt niet" in response.content.decode()
    new = demo.demo_iban(HASSELT)
    response = client.post(url, {"iban": new, "bic": "", "account_holder": "Stad Gent (nieuw)"})
    assert response.status_code == 302
    payee.refresh_from_db()
    assert (payee.iban, payee.account_holder, payee.updated_by_id) == (new, "Stad Gent (nieuw)", coordinator.pk)


def test_officer_sees_only_the_own_municipality_account(client, login, coordinator):
    payee_set(municipality=GENT, iban=demo.demo_iban(GENT), account_holder="Stad Gent", actor=coordinator)
    payee_set(municipality=HASSELT, iban=demo.demo_iban(HASSELT), account_holder="Stad Hasselt", actor=coordinator)
    login(make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=[GENT]))
    body = client.get(reverse("budget:payees")).content.decode()
    assert "Stad Gent" in body and "Stad Hasselt" not in body
    assert Payee.objects.get(municipality_id=HASSELT).iban_display not in body
    # not in the admin either (not staff), and a limited licence sees no account at all
    assert client.get(reverse("admin:budget_payee_changelist")).status_code == 302
    login(make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=[GENT]))
    assert client.get(reverse("budget:payees")).status_code == 403


def test_coordinator_sees_every_account(client, login, coordinator):
    payee_set(municipality=GENT, iban=demo.demo_iban(GENT), account_holder="Stad Gent", actor=coordinator)
    payee_set(municipality=HASSELT, iban=demo.demo_iban(HASSELT), account_holder="Stad Hasselt", actor=coordinator)
    body = login(coordinator).get(reverse("budget:payees")).content.decode()
    assert "Stad Gent" in body and "Stad Hasselt" in body


@override_settings(LANGUAGE_CODE="nl")
def test_dutch_message_on_model_clean():
    payee = Payee(municipality_id=GENT, iban="BE68091000000001", account_holder="x")
    with pytest.raises(ValidationError) as caught:
        payee.clean()
    assert "controlegetal" in caught.value.message_dict["iban"][0]
