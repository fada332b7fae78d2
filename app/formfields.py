"""Form fields shared by the instructor forms: numbers are parsed as finite decimals, never NaN."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField

from .domain.questions.numbers import parse_plain_number


class FiniteDecimalField(DecimalField):
    """A ``DecimalField`` that refuses ``NaN``, ``sNaN``, ``inf`` and absurd magnitudes with a message.

    WTForms' own field took ``Decimal("NaN")``, and the range check's comparison then raised
    InvalidOperation (a 500). Parsing is ``parse_plain_number``, the app's one parser for
    numbers instructors type.
    """

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        result = parse_plain_number(valuelist[0])
        if not result.ok:
            self.data = None
            raise ValueError(_l("请输入一个有限的数字，例如 1 或 0.5。"))
        self.data = result.value


def finite_decimal(text: object) -> Decimal | None:
    """``parse_plain_number`` for form code that needs just the value (None when not a number)."""
    return parse_plain_number(text).value
