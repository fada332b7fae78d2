"""``essay``: free text, graded by an instructor against the ``rubric``."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import BeforeValidator

from app.domain.marks import Message
from app.domain.questions.base import N_, QuestionType, ResponseError
from app.domain.questions.feedback import AWAITING_GRADING
from app.domain.questions.spec import QuestionSpec, as_nonempty_text, describe, fail

MAX_ESSAY_LENGTH = 50_000


# "满分 10 分" / "共 10 分" / "总分 10 分" / "满分10分": the total a rubric was written for.
_RUBRIC_TOTAL = re.compile(r"(?:满分|总分|共计|总计)\s*[:：]?\s*(\d+(?:\.\d+)?)\s*分")


def rubric_total(rubric: object) -> float | None:
    """The total a rubric names (``满分 10 分``), or None when it names none.

    A rubric written for 10 points on an item worth 5 must be shown beside the item's own
    points; the rubric text itself stays as the author wrote it.
    """
    text = "\n".join(str(p) for p in rubric) if isinstance(rubric, list) else str(rubric or "")
    found = _RUBRIC_TOTAL.search(text)
    return float(found.group(1)) if found else None


def _rubric(value: object) -> str | list[str]:
    if isinstance(value, list):
        if not value:
            fail(Message(N_("不能为空列表")))
        return [as_nonempty_text(item, Message(N_("第 %(n)s 条评分要点"), n=i + 1)) for i, item in enumerate(value)]
    return as_nonempty_text(value)


class EssayQuestion(QuestionSpec):
    """An open question; ``rubric`` (text or a list of points) says what a full answer has."""

    type: Literal["essay"] = "essay"
    rubric: Annotated[str | list[str], BeforeValidator(_rubric)]

    def rubric_points(self) -> list[str]:
        """The rubric as a list of points."""
        return list(self.rubric) if isinstance(self.rubric, list) else [self.rubric]


class EssayType(QuestionType):
    """``essay``: never auto-scored; a non-empty answer waits for manual grading."""

    name = "essay"
    label = N_("简答题")
    short_label = N_("简答")
    moodle_qtypes = ("essay",)
    gift_kind = "essay"
    practised = False
    response_example = 'essay "text"'
    model = EssayQuestion
    needs_manual = True

    def parse_response(self, spec: EssayQuestion, response: object) -> str | None:
        """Text; blank text is unanswered."""
        if not isinstance(response, str):
            raise ResponseError(Message(N_("应为文本，实际是%(actual)s"), actual=describe(response)))
        if len(response) > MAX_ESSAY_LENGTH:
            raise ResponseError(Message(N_("答案过长（上限 %(limit)s 字）"), limit=MAX_ESSAY_LENGTH))
        return response if response.strip() else None

    def score(self, spec: EssayQuestion, parsed: str) -> tuple[Fraction, str]:
        """Nothing automatic: 0 until an instructor grades it."""
        return Fraction(0), AWAITING_GRADING

    def key_response(self, spec: EssayQuestion) -> str:
        """The rubric as text (it goes to manual grading like any answer)."""
        return "\n".join(spec.rubric_points())

    def answer_display(self, spec: EssayQuestion) -> str:
        """The rubric points."""
        return "评分要点：" + "；".join(spec.rubric_points())

    def answer_extras(self, spec: EssayQuestion) -> dict[str, object]:
        """The rubric as a list."""
        return {"rubric": spec.rubric_points()}
