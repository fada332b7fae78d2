"""``numeric``: a number within an absolute or percentage tolerance."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import BeforeValidator

from app.domain.marks import Message
from app.domain.questions.base import CORRECT, WRONG, N_, QuestionType, ResponseError
from app.domain.questions.numbers import parse_number, to_decimal
from app.domain.questions.result import Issue
from app.domain.questions.spec import NonEmptyText, QuestionSpec, as_number, fail

# Absorbs binary floating-point noise in responses computed by a client (0.1 + 0.2).
_NOISE = Decimal("1e-9")


def _tolerance(value: object) -> float:
    number = as_number(value)
    if number < 0:
        fail(Message(N_("不能为负数，实际是 %(value)s"), value=repr(number)))
    return number


Number = Annotated[int | float, BeforeValidator(as_number)]
Tolerance = Annotated[float, BeforeValidator(_tolerance)]


def format_number(value: float | Decimal) -> str:
    """``26000.0`` → ``26000``; other values as written."""
    number = value if isinstance(value, Decimal) else to_decimal(value)
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


class NumericQuestion(QuestionSpec):
    """A numeric answer; ``tolerance`` (absolute) or ``tolerance_pct`` (percent of |answer|)."""

    type: Literal["numeric"] = "numeric"
    answer: Number
    tolerance: Tolerance | None = None
    tolerance_pct: Tolerance | None = None
    unit: NonEmptyText | None = None

    def rule_issues(self) -> list[Issue]:
        """At most one kind of tolerance; an answer students can type."""
        issues = []
        if self.tolerance is not None and self.tolerance_pct is not None:
            issues.append(Issue(("tolerance_pct",), Message(N_("tolerance 与 tolerance_pct 只能写一个"))))
        if not parse_number(self.answer).ok:
            issues.append(Issue(("answer",), Message(N_("answer 超出范围：%(value)s"), value=repr(self.answer))))
        return issues

    def allowed_error(self) -> Decimal:
        """The largest accepted |response − answer|."""
        if self.tolerance_pct is not None:
            return abs(to_decimal(self.answer)) * to_decimal(self.tolerance_pct) / 100
        return to_decimal(self.tolerance) if self.tolerance is not None else Decimal(0)


class NumericType(QuestionType):
    """``numeric``: full points within the tolerance, else 0."""

    name = "numeric"
    label = N_("计算题")
    short_label = N_("计算")
    moodle_qtypes = ("numerical",)
    gift_kind = "numeric"
    view_schema = {"unit": {"type": "string", "description": "numeric: unit"}}
    response_example = 'numeric 26000 or "2.6万"'
    model = NumericQuestion

    def parse_response(self, spec: NumericQuestion, response: object) -> Decimal | None:
        """A JSON number or number text (``"2.6万"``, ``"26,000元"``); ``""`` is unanswered."""
        if isinstance(response, str) and not response.strip():
            return None
        parsed = parse_number(response, spec.unit)
        if parsed.value is None:
            raise ResponseError(Message(N_("%(error)s（应为一个数字，如 26000 或 \"2.6万\"）"), error=parsed.error))
        return parsed.value

    def score(self, spec: NumericQuestion, parsed: Decimal) -> tuple[Fraction, str]:
        """Within tolerance or not."""
        answer = to_decimal(spec.answer)
        slack = spec.allowed_error() + _NOISE * max(Decimal(1), abs(answer))
        return (Fraction(1), CORRECT) if abs(parsed - answer) <= slack else (Fraction(0), WRONG)

    def key_response(self, spec: NumericQuestion) -> int | float:
        """The answer itself."""
        return spec.answer

    def answer_display(self, spec: NumericQuestion) -> str:
        """``26000 元（允许误差 ±100）``."""
        text = format_number(spec.answer) + (f" {spec.unit}" if spec.unit else "")
        if spec.tolerance_pct:
            text += f"（允许误差 ±{format_number(spec.tolerance_pct)}%）"
        elif spec.tolerance:
            text += f"（允许误差 ±{format_number(spec.tolerance)}）"
        return text

    def answer_extras(self, spec: NumericQuestion) -> dict[str, object]:
        """Unit and the accepted absolute error."""
        return {"unit": spec.unit, "tolerance": float(spec.allowed_error())}

    def view_extras(self, spec: NumericQuestion, order: dict[str, list[str]]) -> dict[str, object]:
        """The unit to show beside the input box."""
        return {"options": [], "unit": spec.unit}
