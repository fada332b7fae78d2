"""``matching``: a right-hand choice for every left item, by selects."""

from __future__ import annotations

from flask_babel import gettext as _

from .. import TypeWeb
from ..forms import AnswerFormError, line_of, text_of

MAX_PAIRS = 12


class Web(TypeWeb):
    """The web side of matching."""

    def practice_response(self, data, form):
        """``{left: right}`` from the ``match-N`` selects (N: the left item's place in the key)."""
        lefts = list(((data.get("answer") or {}).get("pairs")) or {})
        chosen = {left: line_of(form, f"match-{i}") for i, left in enumerate(lefts)}
        if not any(chosen.values()):
            raise AnswerFormError(_("请为左侧各项选择对应的右项。"))
        return {left: right for left, right in chosen.items() if right}

    def practice_extras(self, data, view):
        """Left items with their field names (``match-N``, N: place in the key) and the choices."""
        index = {left: i for i, left in enumerate(data["answer"]["pairs"])}
        return {"left": [{"field": f"match-{index[left]}", "text": left} for left in view["left"]],
                "choices": view["choices"]}

    def practice_fields(self, data, response):
        """Each left item's select (``match-N``, N: its place in the key)."""
        lefts = list(data["answer"]["pairs"])
        return {f"match-{lefts.index(left)}": right for left, right in response.items()}

    def describe_response(self, data, response):
        """``left → right;…``."""
        if not isinstance(response, dict):
            return str(response)
        return ";".join(f"{k} → {v}" for k, v in response.items())

    def read_form(self, form, parsed):
        """Pairs from the ``left-N``/``right-N`` rows, and the distractors."""
        pairs: dict[str, str] = {}
        for index in range(MAX_PAIRS):
            left, right = line_of(form, f"left-{index}"), line_of(form, f"right-{index}")
            if not left and not right:
                continue
            if not left or not right:
                parsed.add("answer", _("第 %(n)d 行的左项和右项都要填写。", n=index + 1))
            elif left in pairs:
                parsed.add("answer", _("左项“%(l)s”重复。", l=left))
            else:
                pairs[left] = right
        parsed.data["answer"] = {"pairs": pairs}
        distractors = [line.strip() for line in text_of(form, "distractors").split("\n") if line.strip()]
        if distractors:
            parsed.data["distractors"] = distractors

    def form_fields(self, data, fields):
        """The pair rows and the distractors."""
        for index, (left, right) in enumerate(((data.get("answer") or {}).get("pairs") or {}).items()):
            fields.put(f"left-{index}", left)
            fields.put(f"right-{index}", right)
        fields.put("distractors", "\n".join(data.get("distractors") or []))

    @staticmethod
    def pair_rows(form, minimum: int = 4) -> list[int]:
        """Indexes of the editor's pair rows to show: every filled one, one spare, at least ``minimum``."""
        filled = [i for i in range(MAX_PAIRS) if line_of(form, f"left-{i}") or line_of(form, f"right-{i}")]
        return list(range(min(max(minimum, (filled[-1] + 2) if filled else 0), MAX_PAIRS)))
