"""``numeric`` (计算题): a number, with an optional unit and tolerance."""

from __future__ import annotations

from flask_babel import gettext as _

from ...domain.questions import resolve
from ...domain.questions.numeric import format_number
from .. import TypeWeb
from ..forms import AnswerFormError, line_of, parse_number, show_number


class Web(TypeWeb):
    """The web side of numeric questions."""

    def practice_response(self, data, form):
        """The typed number as text (the grader reads 26,000 and 2.6万)."""
        value = line_of(form, "answer")
        if not value:
            raise AnswerFormError(_("请输入数值。"))
        return value

    def practice_fields(self, data, response):
        """The number as typed."""
        return {"answer": str(response)}

    def describe_response(self, data, response):
        """The number as typed, with the question's unit."""
        unit = data.get("unit")
        text = show_number(response) if isinstance(response, (int, float)) else str(response)
        return f"{text} {unit}" if unit and not text.endswith(str(unit)) else text

    def answer_text(self, data, view):
        """The number with its unit and tolerance (``26000 元（允许误差 ±5%）``)."""
        resolved = resolve(data)
        if isinstance(resolved, str):
            return super().answer_text(data, view)
        spec = resolved[1]
        text = format_number(spec.answer) + (f" {spec.unit}" if spec.unit else "")
        if spec.tolerance_pct:
            text += _("（允许误差 ±%(t)s%%）", t=format_number(spec.tolerance_pct))
        elif spec.tolerance:
            text += _("（允许误差 ±%(t)s）", t=format_number(spec.tolerance))
        return text

    def read_form(self, form, parsed):
        """The answer, an absolute or percentage tolerance, the unit."""
        data = parsed.data
        answer = parse_number(line_of(form, "answer"))
        if answer is None:
            parsed.add("answer", _("标准答案应为数字，不带单位或千位分隔符，如 26000 或 0.15。"))
        else:
            data["answer"] = answer
        tolerance = line_of(form, "tolerance")
        if tolerance:
            value = parse_number(tolerance)
            if value is None or value < 0:
                parsed.add("tolerance", _("允许误差应为不小于 0 的数字。"))
            else:
                data["tolerance_pct" if line_of(form, "tolerance_kind") == "pct" else "tolerance"] = value
        unit = line_of(form, "unit")
        if unit:
            data["unit"] = unit

    def form_fields(self, data, fields):
        """Answer, tolerance (kind and value) and unit."""
        fields.put("answer", show_number(data.get("answer")))
        pct = data.get("tolerance_pct")
        fields.put("tolerance_kind", "pct" if pct is not None else "abs")
        fields.put("tolerance", show_number(pct if pct is not None else data.get("tolerance")))
        fields.put("unit", data.get("unit") or "")
