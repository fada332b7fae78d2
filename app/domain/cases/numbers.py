"""Reading the numbers students type, and writing numbers in feedback.

Accepted: ``26000``, ``26,000``, ``26 000``, ``2.6万``, ``26000元``, full-width digits
(``２６０００``), a leading sign (``-``, ``−``, ``+``), a trailing ``%`` (``12.5%`` reads as
12.5, because percentage steps ask for the number of percent) and unit words such as
``人`` or ``个``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from . import feedback as fb
from .feedback import say

_MULTIPLIERS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
# Longest first, so that "个客户" is stripped before "个".
_UNITS = sorted(
    ["元", "人民币", "rmb", "人", "个", "位", "名", "户", "家", "个客户", "位客户", "名客户",
     "次", "天", "年", "分", "百分点", "个百分点", "pp"],
    key=len,
    reverse=True,
)
_SIGNS = {"−": "-", "–": "-", "—": "-", "﹣": "-", "－": "-", "＋": "+"}
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")

MAX_INPUT_LENGTH = 60
# Beyond this an answer is a typo; it also keeps float() away from OverflowError.
_LARGEST = 10**30


def parse_number(raw: object) -> tuple[float | None, str | None]:
    """Read a number typed by a student.

    Returns ``(value, None)``, or ``(None, message)`` with a Chinese message saying why the
    input is not a number. Never raises.
    """
    if isinstance(raw, bool):
        return None, say(fb.NOT_YES_NO)
    if isinstance(raw, int):
        if abs(raw) > _LARGEST:  # float() raised OverflowError on a 400-digit JSON integer
            return None, say(fb.NUMBER_TOO_LARGE)
        return float(raw), None
    if isinstance(raw, float):
        if math.isfinite(raw):
            return raw, None
        return None, say(fb.FINITE_NUMBER)
    if raw is None:
        return None, say(fb.UNANSWERED)
    if not isinstance(raw, str):
        return None, say(fb.ONE_NUMBER)
    text = raw.strip()
    if not text:
        return None, say(fb.UNANSWERED)
    if len(text) > MAX_INPUT_LENGTH:
        return None, say(fb.INPUT_TOO_LONG)
    value = _parse_text(text)
    if value is None:
        return None, say(fb.UNREADABLE_NUMBER_TEXT, text=text)
    return value, None


def _parse_text(text: str) -> float | None:
    s = unicodedata.normalize("NFKC", text)
    for old, new in _SIGNS.items():
        s = s.replace(old, new)
    s = s.replace("¥", "").replace("￥", "").strip().lower()
    for unit in _UNITS:
        if s.endswith(unit):
            s = s[: -len(unit)].strip()
            break
    if s.endswith("%"):
        s = s[:-1].strip()
    multiplier = Decimal(1)
    if s and s[-1] in _MULTIPLIERS:
        multiplier = _MULTIPLIERS[s[-1]]
        s = s[:-1].strip()
    # Spaces (including thin and no-break spaces) may group thousands.
    s = re.sub(r"[\s\u2009\u202f\u00a0_]", "", s)
    if "," in s:
        if not _GROUPED.match(s):
            return None
        s = s.replace(",", "")
    if not _PLAIN.match(s):
        return None
    try:
        value = Decimal(s) * multiplier
    except ArithmeticError:  # InvalidOperation, and Overflow on "1e999999999"
        return None
    result = float(value)
    if not math.isfinite(result):
        return None
    return result


def format_number(value: float, decimals: int = 2) -> str:
    """Write a number the way the feedback shows it: ``26,000``, ``-52,000``, ``12.5``."""
    rounded = round(float(value), decimals)
    if rounded == 0:
        rounded = 0.0
    text = f"{rounded:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def close(a: float, b: float, tolerance: float) -> bool:
    """Whether two numbers agree within an absolute tolerance (plus float noise)."""
    return abs(a - b) <= tolerance + 1e-9 * max(1.0, abs(a), abs(b))
