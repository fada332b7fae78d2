"""Parsing the number forms students type: ``26,000``, ``2.6万``, ``２６０００``, ``12.5%``…"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from app.domain.marks import N_, Message

MAX_TEXT_LENGTH = 64
# Beyond this magnitude an answer is certainly a typo; the bound also keeps Decimal
# arithmetic far away from its overflow traps.
MAX_EXPONENT = 30

_MULTIPLIERS = {
    "万亿": Decimal(10) ** 12,
    "千万": Decimal(10) ** 7,
    "百万": Decimal(10) ** 6,
    "亿": Decimal(10) ** 8,
    "万": Decimal(10) ** 4,
    "千": Decimal(10) ** 3,
    "百": Decimal(10) ** 2,
}
_NUMBER = re.compile(
    r"""^
    (?P<cur1>[¥$€£])?\s*
    (?P<sign>[+-])?\s*
    (?P<cur2>[¥$€£])?\s*
    (?P<num>
        [0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?     # 26,000.5
      | [0-9]{1,3}(?:\x20[0-9]{3})+(?:\.[0-9]+)?  # 26 000
      | [0-9]+(?:\.[0-9]*)?                     # 26000 or 26000.
      | \.[0-9]+                                # .5
    )
    (?:[eE](?P<exp>[+-]?[0-9]{1,3}))?\s*
    (?P<mult>万亿|千万|百万|亿|万|千|百)?\s*
    (?P<pct>%)?\s*
    (?P<unit>[\u3400-\u4dbf\u4e00-\u9fff]+(?:/[\u3400-\u4dbf\u4e00-\u9fff]+)?)?
    $""",
    re.VERBOSE,
)
# A plain decimal number as an instructor types it in a form: no separators, units or words.
_PLAIN = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?$")
# Dashes that students type for a minus sign and NFKC leaves alone.
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\ufe63": "-"})


@dataclass(frozen=True)
class NumberResult:
    """A parsed number, or the reason the input is not one (in Chinese)."""

    value: Decimal | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when a number was parsed."""
        return self.value is not None


NOT_FINITE = N_("不是有限的数值")
OUT_OF_RANGE = N_("数值超出范围")
TOO_LONG = N_("输入过长，不是一个数字")
EMPTY = N_("没有填写数字")
UNREADABLE = N_("无法识别的数字：%(text)s")


def _fail(message: str) -> NumberResult:
    return NumberResult(None, message)


def _checked(value: Decimal) -> NumberResult:
    if not value.is_finite():
        return _fail(Message(NOT_FINITE))
    if value.adjusted() > MAX_EXPONENT:
        return _fail(Message(OUT_OF_RANGE))
    return NumberResult(value)


def to_decimal(value: int | float) -> Decimal:
    """Exact decimal form of a YAML/JSON number (floats via their shortest repr, so 0.1 is 0.1)."""
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


def parse_number(value: object, unit: str | None = None) -> NumberResult:
    """Parse a number given as a JSON number or as text.

    Accepted text: digits with optional ``,`` or space thousands separators, a sign, a
    decimal part, an exponent, a Chinese multiplier (万, 亿, 千, 百万 …), a trailing ``%``
    (``12.5%`` is 12.5), a currency sign, and a unit: ``unit`` itself when given (so ``万元``
    is not read as 万 × 元) or any run of Chinese characters (元, 人, 元/人). Full-width
    characters are read as their half-width forms. Never raises.
    """
    if isinstance(value, bool):
        return _fail(Message(N_("应为数字，而不是 true/false")))
    if isinstance(value, int):
        return _checked(Decimal(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            return _fail(Message(NOT_FINITE))
        return _checked(to_decimal(value))
    if not isinstance(value, str):
        return _fail(Message(N_("应为数字或数字文本，例如 26000 或 \"2.6万\"")))
    if len(value) > MAX_TEXT_LENGTH:
        return _fail(Message(TOO_LONG))
    text = unicodedata.normalize("NFKC", value).translate(_MINUS).strip()
    if unit:
        wanted = unicodedata.normalize("NFKC", unit).strip()
        if wanted and text.endswith(wanted) and len(text) > len(wanted):
            text = text[: -len(wanted)].rstrip()
    if not text:
        return _fail(Message(EMPTY))
    match = _NUMBER.match(text)
    if match is None:
        return _fail(Message(UNREADABLE, text=repr(value.strip())))
    digits = match["num"].replace(",", "").replace(" ", "")
    if match["exp"]:
        digits += "e" + match["exp"]
    try:
        number = Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the pattern only admits valid digits
        return _fail(Message(UNREADABLE, text=repr(value.strip())))
    if number.adjusted() > MAX_EXPONENT:
        return _fail(Message(OUT_OF_RANGE))
    if match["mult"]:
        number *= _MULTIPLIERS[match["mult"]]
    if match["sign"] == "-":
        number = -number
    return _checked(number)


def parse_plain_number(value: object) -> NumberResult:
    """A plain finite number from a form field, JSON or YAML: ``12``, ``-0.5``, ``1.5e2``, ``１２``.

    The one parser for numbers that instructors type (points, tolerance, time multiplier…):
    ``NaN``, ``sNaN``, ``inf``, ``1e999999``, 4,400-digit integers, booleans and text with
    units are refused with a reason (in Chinese) instead of reaching a comparison that raises.
    Never raises.
    """
    if isinstance(value, (bool, int, float)):
        return parse_number(value)
    if not isinstance(value, str):
        return _fail(Message(N_("应为数字")))
    if len(value) > MAX_TEXT_LENGTH:
        return _fail(Message(TOO_LONG))
    text = unicodedata.normalize("NFKC", value).translate(_MINUS).strip()
    if not text:
        return _fail(Message(EMPTY))
    if not _PLAIN.match(text):
        return _fail(Message(N_("不是有效的数字：%(text)s"), text=repr(value.strip()[:20])))
    return _checked(Decimal(text))
