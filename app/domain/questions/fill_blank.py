"""``fill_blank``: blanks (runs of 4+ underscores) in the stem, accepted forms per blank."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import BeforeValidator

from app.domain.marks import Message
from app.domain.questions.base import CORRECT, WRONG, N_, QuestionType, ResponseError
from app.domain.questions.feedback import BLANKS_PARTIAL, say
from app.domain.questions.result import Issue
from app.domain.questions.spec import MAX_INTEGER, QuestionSpec, as_list, as_nonempty_text, describe, fail
from app.domain.questions.text import normalise

BLANK = re.compile(r"_{4,}")
MAX_BLANK_LENGTH = 500


def count_blanks(stem: str) -> int:
    """Number of blanks (runs of four or more underscores) in a stem."""
    return len(BLANK.findall(stem))


def _accepted_forms(value: object) -> list[list[str]]:
    blanks = as_list(value, "[[运营型, 操作型], [分析型]]")
    forms: list[list[str]] = []
    for number, blank in enumerate(blanks, start=1):
        if not isinstance(blank, list):
            fail(Message(N_("第 %(n)s 空应为可接受答案的列表，例如 [运营型, 操作型]，实际是%(actual)s"), n=number,
                         actual=describe(blank)))
        if not blank:
            fail(Message(N_("第 %(n)s 空至少要有一个可接受的答案"), n=number))
        forms.append([as_nonempty_text(form, Message(N_("第 %(n)s 空的答案"), n=number)) for form in blank])
    return forms


class FillBlankQuestion(QuestionSpec):
    """Blanks in the stem; ``answer`` holds one list of accepted forms per blank."""

    type: Literal["fill_blank"] = "fill_blank"
    answer: Annotated[list[list[str]], BeforeValidator(_accepted_forms)]

    @property
    def blanks(self) -> int:
        """Number of blanks in the stem."""
        return count_blanks(self.stem)

    def rule_issues(self) -> list[Issue]:
        """One list of forms per blank, and at least one blank."""
        if self.blanks == 0:
            return [Issue(("stem",), Message(N_("stem 中没有空：用连续 4 个或更多下划线 ____ 表示一个空")))]
        if len(self.answer) != self.blanks:
            return [Issue(("answer",), Message(N_("answer 有 %(answers)s 组答案，但 stem 中有 %(blanks)s 个空（连续 4 个或更多下划线）"),
                                               answers=len(self.answer), blanks=self.blanks))]
        return []


class FillBlankType(QuestionType):
    """``fill_blank``: each matching blank earns points / number of blanks."""

    name = "fill_blank"
    label = N_("填空题")
    short_label = N_("填空")
    moodle_qtypes = ("shortanswer", "cloze", "multianswer")  # one blank: shortanswer; more: cloze
    gift_kind = "short"
    view_schema = {"blanks": {"type": "integer", "description": "fill_blank: number of blanks"}}
    response_example = 'fill_blank ["…"]'
    model = FillBlankQuestion

    def parse_response(self, spec: FillBlankQuestion, response: object) -> list[str] | None:
        """One text per blank (numbers allowed, ``null`` for an empty blank)."""
        if not isinstance(response, list):
            raise ResponseError(Message(N_("应为每空一个答案的列表（共 %(blanks)s 空），实际是%(actual)s"), blanks=spec.blanks,
                                        actual=describe(response)))
        if len(response) != spec.blanks:
            raise ResponseError(Message(N_("应有 %(blanks)s 个答案（每空一个），实际有 %(given)s 个"), blanks=spec.blanks,
                                        given=len(response)))
        texts = []
        for number, item in enumerate(response, start=1):
            if item is None:
                item = ""
            elif isinstance(item, bool) or not isinstance(item, (str, int, float)):
                raise ResponseError(Message(N_("第 %(n)s 空应为文本，实际是%(actual)s"), n=number, actual=describe(item)))
            elif isinstance(item, int) and abs(item) > MAX_INTEGER:
                raise ResponseError(Message(N_("第 %(n)s 空的数字过大"), n=number))
            text = str(item)
            if len(text) > MAX_BLANK_LENGTH:
                raise ResponseError(Message(N_("第 %(n)s 空的答案过长"), n=number))
            texts.append(text)
        return texts if any(text.strip() for text in texts) else None

    def score(self, spec: FillBlankQuestion, parsed: list[str]) -> tuple[Fraction, str]:
        """Count blanks matching an accepted form (NFKC, trimmed, case-folded)."""
        right = sum(
            normalise(given) in {normalise(form) for form in forms}
            for given, forms in zip(parsed, spec.answer, strict=True)
        )
        total = len(spec.answer)
        if right == total:
            return Fraction(1), CORRECT
        if right == 0:
            return Fraction(0), WRONG
        return Fraction(right, total), say(BLANKS_PARTIAL, right=right, total=total)

    def key_response(self, spec: FillBlankQuestion) -> list[str]:
        """The first accepted form of every blank."""
        return [forms[0] for forms in spec.answer]

    def answer_display(self, spec: FillBlankQuestion) -> str:
        """``第 1 空：运营型 / 操作型；第 2 空：分析型``."""
        return "；".join(
            f"第 {number} 空：{' / '.join(forms)}" for number, forms in enumerate(spec.answer, start=1)
        )

    def review_parts(self, spec: FillBlankQuestion, parsed: list[str] | None) -> list[dict[str, object]]:
        """Each blank: what was written, the accepted forms, and whether it matched (as scored)."""
        given = parsed or [""] * len(spec.answer)
        return [{"item": None, "given": text, "right": " / ".join(forms),
                 "ok": bool(text.strip()) and normalise(text) in {normalise(form) for form in forms}}
                for text, forms in zip(given, spec.answer, strict=True)]

    def answer_extras(self, spec: FillBlankQuestion) -> dict[str, object]:
        """Every accepted form per blank."""
        return {"accepted": [list(forms) for forms in spec.answer]}

    def view_extras(self, spec: FillBlankQuestion, order: dict[str, list[str]]) -> dict[str, object]:
        """How many answer boxes to show."""
        return {"options": [], "blanks": spec.blanks}
