"""parse_number: the number forms students type, and clean errors for everything else."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.questions.numbers import parse_number

FULL_WIDTH = str.maketrans("0123456789,.-", "０１２３４５６７８９，．－")


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        (26000, None, "26000"),
        (26000.0, None, "26000"),
        ("26000", None, "26000"),
        ("26,000", None, "26000"),
        ("26 000", None, "26000"),
        ("26\u3000000", None, "26000"),  # ideographic space
        ("2.6万", None, "26000"),
        ("26000元", None, "26000"),
        ("26000 元", "元", "26000"),
        ("２６０００", None, "26000"),
        ("２６，０００元", None, "26000"),
        ("1.2亿", None, "120000000"),
        ("3千万", None, "30000000"),
        ("-5", None, "-5"),
        ("−5", None, "-5"),  # U+2212 minus sign
        ("－5", None, "-5"),  # full-width hyphen
        ("12.5%", None, "12.5"),
        ("12.5 %", "%", "12.5"),
        ("2.6万元", "元", "26000"),
        ("2.6万元", "万元", "2.6"),  # the unit 万元 is not read as 万 × 元
        ("¥1,299.50", None, "1299.5"),
        ("3.5元/人", None, "3.5"),
        ("  42  ", None, "42"),
        (".5", None, "0.5"),
        ("1e3", None, "1000"),
        (0.1, None, "0.1"),  # floats by their shortest repr, not 0.1000000000000000055…
    ],
)
def test_accepted_forms(text, unit, expected):
    result = parse_number(text, unit)
    assert result.error is None
    assert result.value == Decimal(expected)


@pytest.mark.parametrize(
    "value",
    [
        "", "   ", "abc", "26k", "2,6", "26,00", "1..2", "--5", "5-", "万", "12%%", "1e999",
        "9" * 80, True, False, None, [26000], {"v": 1}, float("nan"), float("inf"), 10**40,
    ],
)  # fmt: skip
def test_rejected_forms_give_a_message(value):
    result = parse_number(value)
    assert result.value is None
    assert result.error


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_thousands_separators_and_full_width(number):
    for text in (f"{number:,}", f"{number:,}".replace(",", " "), str(number).translate(FULL_WIDTH)):
        assert parse_number(text).value == number, text


@given(st.integers(min_value=0, max_value=10**8))
def test_wan_multiplier_is_exact(number):
    text = format(Decimal(number) / 10000, "f") + "万"
    assert parse_number(text).value == number
