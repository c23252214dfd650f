"""Bank details of payees: IBAN and BIC checked with python-stdnum (a maintained library that knows
every country's IBAN layout and the Belgian bank codes), with Dutch messages for the user."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.be import iban as be_iban
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError

# Municipalities are paid by SEPA credit transfer on their Belgian account.
PAYEE_COUNTRY = "BE"


def compact_iban(value: str) -> str:
    return stdnum_iban.compact(value or "")


def compact_bic(value: str) -> str:
    return stdnum_bic.compact(value or "")


def validate_iban(value: str) -> str:
    """The compact IBAN, or a ValidationError with a Dutch message."""
    number = compact_iban(value)
    if not number:
        raise ValidationError(_("Vul een IBAN-rekeningnummer in."), code="required")
    if not number.startswith(PAYEE_COUNTRY):
        raise ValidationError(
            _("Een gemeente wordt betaald op een Belgische rekening: het IBAN begint met BE."), code="country"
        )
    try:
        stdnum_iban.validate(number)
    except InvalidChecksum:
        raise ValidationError(
            _("Het IBAN-rekeningnummer %(iban)s is ongeldig: het controlegetal klopt niet."),
            code="checksum", params={"iban": value},
        ) from None
    except StdnumError:
        raise ValidationError(
            _("%(iban)s is geen geldig IBAN-rekeningnummer."), code="invalid", params={"iban": value}
        ) from None
    return number


def validate_bic(value: str) -> str:
    number = compact_bic(value)
    try:
        stdnum_bic.validate(number)
    except StdnumError:
        raise ValidationError(_("%(bic)s is geen geldige BIC-code."), code="invalid", params={"bic": value}) from None
    return number


def bic_for_iban(iban: str) -> str:
    """The BIC of a Belgian IBAN's bank (from python-stdnum's bank register), or ''."""
    try:
        return be_iban.to_bic(iban) or ""
    except StdnumError:
        return ""


def check_bic_matches(iban: str, bic: str) -> None:
    """The BIC must name the bank of the IBAN (first eight characters: bank, country, location)."""
    expected = bic_for_iban(iban)
    if expected and bic and bic[:8] != expected[:8]:
        raise ValidationError(
            {"bic": _("De BIC %(bic)s hoort niet bij de bank van dit IBAN (verwacht: %(expected)s).")
             % {"bic": bic, "expected": expected}}
        )
