import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from crt.numbers import generate_number, mask, parse_person_number


@pytest.mark.parametrize(
    "raw, kind, birth",
    [
        ("85.07.30-033.28", "nn", dt.date(1985, 7, 30)),  # pre-2000
        ("85073003328", "nn", dt.date(1985, 7, 30)),
        (generate_number(dt.date(2003, 1, 5), 33), "nn", dt.date(2003, 1, 5)),  # post-2000: leading 2
        (generate_number(dt.date(2000, 2, 29), 12), "nn", dt.date(2000, 2, 29)),
        (generate_number(dt.date(1990, 6, 15), 101, bis_number=True), "bis", dt.date(1990, 6, 15)),
        (generate_number(dt.date(2010, 3, 1), 44, bis_number=True), "bis", dt.date(2010, 3, 1)),
    ],
)
def test_valid_numbers(raw, kind, birth):
    parsed = parse_person_number(raw)
    assert parsed.kind == kind
    assert parsed.birth_date == birth
    assert len(parsed.value) == 11


@pytest.mark.parametrize(
    "raw",
    [
        "85073003329",  # wrong check digits
        "8507300332",  # too short
        "850730033280",  # too long
        "85133003328",  # month 13
        "ABCDEFGHIJK",
        "",
        "85473003318",  # BIS number with wrong check digits
    ],
)
def test_invalid_numbers_get_a_dutch_error(raw):
    with pytest.raises(ValidationError) as exc:
        parse_person_number(raw)
    assert any("nummer" in m for m in exc.value.messages)


@pytest.mark.parametrize("number", ["85073003328", generate_number(dt.date(2003, 1, 5), 33),
                                    generate_number(dt.date(1990, 6, 15), 101, bis_number=True)])
def test_mask_shows_no_digit_of_the_number(number):
    """Finding 4: the two check digits next to the birth date and sex left about five candidate
    numbers (check digits = 97 - first nine mod 97). No digit at all now, the same for everyone."""
    masked = mask(number)
    assert masked == "••.••.••-•••.••"
    assert not any(ch.isdigit() for ch in masked)
    assert parse_person_number(number).masked == masked
    assert mask("") == ""
