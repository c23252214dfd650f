"""Belgian national register and BIS numbers, validated with python-stdnum (never by hand)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.be import bis, nn
from stdnum.exceptions import ValidationError as StdnumError

from crt.constants import NumberKinds


@dataclass(frozen=True)
class PersonNumber:
    value: str  # 11 digits
    kind: str

    @property
    def birth_date(self) -> dt.date | None:
        module = nn if self.kind == NumberKinds.NATIONAL else bis
        try:
            return module.get_birth_date(self.value)
        except (StdnumError, ValueError):
            return None

    @property
    def masked(self) -> str:
        return mask(self.value)


def parse_person_number(raw: str) -> PersonNumber:
    """A valid national register number or BIS number, or a ValidationError with a Dutch message."""
    value = nn.compact(raw or "")
    if not value:
        raise ValidationError(_("Vul een rijksregisternummer of BIS-nummer in."), code="required")
    if len(value) != 11 or not value.isdigit():
        raise ValidationError(_("Een rijksregisternummer of BIS-nummer bestaat uit 11 cijfers."), code="invalid")
    if nn.is_valid(value):
        return PersonNumber(value, NumberKinds.NATIONAL)
    if bis.is_valid(value):
        return PersonNumber(value, NumberKinds.BIS)
    raise ValidationError(
        _("Dit is geen geldig rijksregisternummer of BIS-nummer (controlecijfers of geboortedatum kloppen niet)."),
        code="invalid",
    )


# Every digit hidden. Showing even the two check digits next to the birth date and sex left a
# handful of candidate numbers, and a number search then confirmed one of them.
MASKED_NUMBER = "••.••.••-•••.••"


def mask(value: str) -> str:
    """The whole number hidden (``••.••.••-•••.••``): only whether there is one."""
    return MASKED_NUMBER if value else ""


def format_number(value: str) -> str:
    return nn.format(value) if value else ""


def generate_number(birth_date: dt.date, sequence: int, *, bis_number: bool = False) -> str:
    """A synthetic number with valid check digits (demo data, simulator, tests).

    ``sequence`` (1–997) is odd for men, even for women. BIS numbers add 40 to the month.
    """
    month = birth_date.month + (40 if bis_number else 0)
    base = f"{birth_date:%y}{month:02d}{birth_date:%d}{sequence:03d}"
    seed = int(("2" + base) if birth_date.year >= 2000 else base)
    number = f"{base}{97 - seed % 97:02d}"
    checker = bis if bis_number else nn
    assert checker.is_valid(number), number  # noqa: S101 - a generator bug must never pass silently
    return number
