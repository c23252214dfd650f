"""The payment file: SEPA pain.001.001.03 validated by sepaxml, control sum = the run's positive
total, one transfer per municipality with a positive total; recoveries only in CSV."""

import datetime as dt
import io
import pathlib
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from budget.models import Payee
from core import clock
from hvt.constants import PlaceCategories as C
from hvt.services import place_change
from tests.budget.subsidy_helpers import NOW, approve_through, calc, coordinator, place
from tests.hvt.helpers import HASSELT, HASSELT_POSTAL

# the subsidy reads the CRT guidance counts (crt database)
pytestmark = pytest.mark.django_db(databases=["default", "crt"])
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


@pytest.fixture(autouse=True)
def _now(frozen_now):
    frozen_now(NOW)


def _payees():
    for refnis, iban, bic in (("44021", "BE71096123456769", "GKCCBEBB"), (HASSELT, "BE48001123456727", "GEBABEBB")):
        Payee.objects.create(municipality_id=refnis, iban=iban, bic=bic, account_holder=f"DEMO {refnis}",
                             is_demo=True, updated_at=clock.now())


def test_sepa_file_has_one_transfer_per_positive_municipality_and_the_positive_total(tmp_path):
    """2022-06: Gent hotel 1 bed 1–30 June = € 1,050.00; Hasselt public 4 beds from 2 April (90 days)
    = € 4,000.00. Then Hasselt's capacity is corrected to 3 from 2 April, and Gent gets a second
    hotel: 2022-09: Gent 2 hotels (122 + 92 days) × € 35 − 1,050 = € 6,440.00; Hasselt −€ 1,000.00.
    The SEPA file pays Gent only: control sum € 6,440.00; the CSV lists both."""
    _payees()
    boss = coordinator()
    place(category=C.CAT2, subtype="hotel", capacity=1, start=dt.date(2022, 6, 1))
    hasselt = place(capacity=4, start=dt.date(2022, 4, 2), municipality=HASSELT, postal_code=HASSELT_POSTAL)
    approve_through("2022-06", boss)
    place_change(place=hasselt, effective_from=dt.date(2022, 4, 2), actor=None, capacity=3)
    place(category=C.CAT2, subtype="hotel", capacity=1, start=dt.date(2022, 7, 1))
    run = approve_through("2022-09", boss)
    assert run.totals["municipalities"] == {"44021": "6440.00", HASSELT: "-1000.00"}
    out = tmp_path / "pay.xml"
    call_command("subsidy_payment_file", "2022-09", "--format", "sepa", "--output", str(out), stdout=io.StringIO())
    root = ET.fromstring(out.read_bytes())
    assert root.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", NS).text == "6440.00"
    assert Decimal(root.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", NS).text) == Decimal(run.totals["positive_total"])
    ids = [e.text for e in root.iter(f"{{{NS['p']}}}EndToEndId")]
    assert ids == ["20220944021"]
    assert "2022-09" in root.find(".//p:RmtInf/p:Ustrd", NS).text
    csv_out = tmp_path / "pay.csv"
    call_command("subsidy_payment_file", "2022-09", "--format", "csv", "--output", str(csv_out), stdout=io.StringIO())
    text = csv_out.read_text(encoding="utf-8-sig")
    assert "6440,00" in text and "-1000,00" in text and "BE48001123456727" in text
    xlsx_out = tmp_path / "pay.xlsx"
    call_command("subsidy_payment_file", "2022-09", "--format", "xlsx", "--output", str(xlsx_out), stdout=io.StringIO())
    assert xlsx_out.read_bytes()[:2] == b"PK"


def test_payment_file_refused_for_a_draft_and_without_payee(tmp_path):
    place(category=C.CAT2, subtype="hotel", capacity=1, start=dt.date(2022, 6, 1))
    calc("2022-06")
    with pytest.raises(CommandError, match="not approved"):
        call_command("subsidy_payment_file", "2022-06", "--format", "sepa", "--output", str(tmp_path / "x"))
    approve_through("2022-06", coordinator())
    with pytest.raises(CommandError, match="44021"):
        call_command("subsidy_payment_file", "2022-06", "--format", "sepa", "--output", str(tmp_path / "x"))


def test_payee_iban_and_bic_are_validated():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        Payee(municipality_id="44021", iban="BE00096123456769", bic="GKCCBEBB", account_holder="x",
              updated_at=clock.now()).full_clean()
    Payee(municipality_id="44021", iban="BE71096123456769", bic="GKCCBEBB", account_holder="x",
          updated_at=clock.now()).full_clean()


def test_a_payee_without_bic_is_paid_on_its_iban_alone(tmp_path):
    """Hotel of 1 bed in Gent, 1–30 June 2022: € 1,050.00 to the account holder, no BIC element."""
    Payee.objects.create(municipality_id="44021", iban="BE71096123456769", bic="", account_holder="Stad Gent",
                         is_demo=True, updated_at=NOW)
    place(category=C.CAT2, subtype="hotel", capacity=1, start=dt.date(2022, 6, 1))
    approve_through("2022-06", coordinator())
    out = tmp_path / "pay.xml"
    call_command("subsidy_payment_file", "2022-06", "--format", "sepa", "--output", str(out), stdout=io.StringIO())
    root = ET.fromstring(out.read_bytes())
    assert root.find(".//p:CdtTrfTxInf/p:Cdtr/p:Nm", NS).text == "Stad Gent"
    assert root.find(".//p:CdtTrfTxInf/p:CdtrAgt", NS) is None or root.find(".//p:CdtTrfTxInf/p:CdtrAgt//p:BIC", NS) is None
    assert root.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", NS).text == "1050.00"


def test_sepa_file_refuses_demo_payees_unless_the_setting_allows_them(tmp_path, settings):
    """``SUBSIDY_ALLOW_DEMO_PAYEES`` (False in production): a demo account is never paid for real;
    the error names the municipality. The CSV list (no transfer) is still made."""
    _payees()
    place(category=C.CAT2, subtype="hotel", capacity=1, start=dt.date(2022, 6, 1))
    approve_through("2022-06", coordinator())
    settings.SUBSIDY_ALLOW_DEMO_PAYEES = False
    out = tmp_path / "pay.xml"
    with pytest.raises(CommandError, match=r"Demo-rekeningnummer .*Gent \(44021\)"):
        call_command("subsidy_payment_file", "2022-06", "--format", "sepa", "--output", str(out))
    assert not out.exists()
    call_command("subsidy_payment_file", "2022-06", "--format", "csv", "--output", str(tmp_path / "pay.csv"),
                 stdout=io.StringIO())
    Payee.objects.filter(municipality_id="44021").update(is_demo=False)
    call_command("subsidy_payment_file", "2022-06", "--format", "sepa", "--output", str(out), stdout=io.StringIO())
    assert out.read_bytes().startswith(b"<?xml")


def test_production_settings_never_allow_demo_payees():
    text = (pathlib.Path(__file__).resolve().parents[2] / "config/settings/production.py").read_text()
    assert "SUBSIDY_ALLOW_DEMO_PAYEES = False" in text
