"""The number parser reads what students type, and refuses what is not a number."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.cases.numbers import format_number, parse_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (26000, 26000),
        (26000.0, 26000),
        ("26000", 26000),
        ("26,000", 26000),
        ("26 000", 26000),
        ("2.6万", 26000),
        ("2.6万元", 26000),
        ("26000元", 26000),
        ("２６０００", 26000),
        ("２６，０００元", 26000),
        ("¥26,000", 26000),
        ("-52,000", -52000),
        ("−52,000元", -52000),
        ("－5.2万", -52000),
        ("+1", 1),
        ("2人", 2),
        ("2 位客户", 2),
        ("12.5%", 12.5),
        ("12.5％", 12.5),
        ("-7.5 个百分点", -7.5),
        (".5", 0.5),
        ("1亿", 100_000_000),
        ("909.09", 909.09),
    ],
)
def test_accepted_forms(raw, expected):
    value, error = parse_number(raw)
    assert error is None
    assert value == pytest.approx(expected)


@pytest.mark.parametrize("raw", ["", "   ", None, "abc", "26,00", "2,6", "1.2.3", "--5", "万", True, [], {}, "nan", "inf", "1e999"])
def test_rejected_forms_give_a_message(raw):
    value, error = parse_number(raw)
    assert value is None
    assert isinstance(error, str) and error


def test_non_finite_float_is_refused():
    assert parse_number(math.nan)[0] is None
    assert parse_number(math.inf)[0] is None


@given(st.one_of(st.text(max_size=80), st.integers(), st.floats(), st.none(), st.booleans()))
def test_parser_never_raises(raw):
    value, error = parse_number(raw)
    assert (value is None) != (error is None)
    if value is not None:
        assert math.isfinite(value)


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_formatted_integers_read_back(n):
    assert parse_number(format_number(n))[0] == n


def test_format_number():
    assert format_number(26000) == "26,000"
    assert format_number(-52000) == "-52,000"
    assert format_number(12.5) == "12.5"
    assert format_number(909.0909) == "909.09"
    assert format_number(-0.001) == "0"
