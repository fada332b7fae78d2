"""``ordering``: put the items (the ``options``) in the right order."""

from __future__ import annotations

import random
from bisect import bisect_left
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import BeforeValidator

from app.domain.marks import Message, joined
from app.domain.questions.base import CORRECT, WRONG, N_, OptionsMixin, QuestionType, ResponseError
from app.domain.questions.choice import choose_option, repeated_keys
from app.domain.questions.feedback import ORDER_PARTIAL, say
from app.domain.questions.result import Issue
from app.domain.questions.spec import (
    Options,
    QuestionSpec,
    Scoring,
    as_list,
    describe,
    duplicate_text_issues,
    one_of,
    option_key,
)


def _keys(value: object) -> list[str]:
    return [option_key(item) for item in as_list(value, "[B, A, D, C]")]


def longest_ordered_run(sequence: list[int]) -> int:
    """Length of the longest strictly increasing subsequence (patience sorting, O(n log n))."""
    tails: list[int] = []
    for value in sequence:
        at = bisect_left(tails, value)
        if at == len(tails):
            tails.append(value)
        else:
            tails[at] = value
    return len(tails)


class OrderingQuestion(QuestionSpec):
    """Items to put in order; the answer lists every item key once, in the right order."""

    type: Literal["ordering"] = "ordering"
    options: Options
    answer: Annotated[list[str], BeforeValidator(_keys)]
    scoring: Annotated[Scoring, one_of("partial", "all_or_nothing")] = "all_or_nothing"

    def rule_issues(self) -> list[Issue]:
        """The answer must be a permutation of the option keys."""
        problems = []
        missing = [key for key in self.options if key not in self.answer]
        unknown = [key for key in dict.fromkeys(self.answer) if key not in self.options]
        repeated = repeated_keys(self.answer)
        if missing:
            problems.append(Message(N_("缺少 %(keys)s"), keys="、".join(missing)))
        if repeated:
            problems.append(Message(N_("%(keys)s 重复"), keys="、".join(repeated)))
        if unknown:
            problems.append(Message(N_("%(keys)s 不在 options 中"), keys="、".join(unknown)))
        issues = []
        if problems:
            issues.append(Issue(("answer",), Message(N_("answer 应为 options 全部键的一个排列（每项恰好一次）：%(detail)s"),
                                                     detail=joined(problems))))
        return issues + duplicate_text_issues(self.options, N_("排序项 %(key)s 与排序项 %(other)s 的文本重复：%(text)s"), "options")


class OrderingType(OptionsMixin, QuestionType):
    """``ordering``: exact order, or partial credit by the longest correctly ordered run."""

    name = "ordering"
    label = N_("排序题")
    short_label = N_("排序")
    moodle_qtypes = ("ordering",)  # Moodle's qtype_ordering plugin; GIFT cannot express it
    view_schema = {"items": {"type": "array", "description": "ordering: the items to put in order"}}
    response_example = 'ordering ["B","A"]'
    model = OrderingQuestion

    def parse_response(self, spec: OrderingQuestion, response: object) -> list[str] | None:
        """Every item key exactly once; ``[]`` is unanswered."""
        if not isinstance(response, list):
            raise ResponseError(Message(N_("应为全部排序项字母的列表（如 [\"B\", \"A\"]），实际是%(actual)s"),
                                        actual=describe(response)))
        if not response:
            return None
        keys = [choose_option(spec, item) for item in response]
        if sorted(keys) != sorted(spec.options):
            raise ResponseError(Message(N_("应包含全部 %(count)s 项（%(keys)s），每项恰好一次"), count=len(spec.options),
                                        keys="、".join(spec.options)))
        return keys

    def score(self, spec: OrderingQuestion, parsed: list[str]) -> tuple[Fraction, str]:
        """All or nothing, or longest in-order subsequence / number of items."""
        if parsed == spec.answer:
            return Fraction(1), CORRECT
        if spec.scoring == "all_or_nothing":
            return Fraction(0), WRONG
        rank = {key: position for position, key in enumerate(spec.answer)}
        run = longest_ordered_run([rank[key] for key in parsed])
        fraction = Fraction(run, len(spec.answer))
        return fraction, say(ORDER_PARTIAL, run=run, total=len(spec.answer))

    def key_response(self, spec: OrderingQuestion) -> list[str]:
        """The keys in the right order."""
        return list(spec.answer)

    def answer_display(self, spec: OrderingQuestion) -> str:
        """``B. … → A. …``."""
        return " → ".join(f"{key}. {spec.options[key]}" for key in spec.answer)

    def answer_extras(self, spec: OrderingQuestion) -> dict[str, object]:
        """The scoring rule."""
        return {"scoring": spec.scoring}

    def review_parts(self, spec: OrderingQuestion, parsed: list[str] | None) -> list[dict[str, object]]:
        """Each place: the item the student put there, the right item, whether they are the same."""
        given = parsed or [None] * len(spec.answer)
        return [{"item": None, "given": spec.options[key] if key else "", "right": spec.options[right],
                 "ok": key == right} for key, right in zip(given, spec.answer, strict=True)]

    def default_order(self, spec: OrderingQuestion) -> dict[str, list[str]]:
        """A fixed shuffle seeded by the id: authors often list the items already in order."""
        return self.shuffle(spec, random.Random(f"order:{spec.id}"))

    def shuffle(self, spec: OrderingQuestion, rng: random.Random) -> dict[str, list[str]]:
        """A random order that is never the answer itself."""
        ids = list(spec.options)
        rng.shuffle(ids)
        if ids == spec.answer:
            ids = ids[1:] + ids[:1]
        return {"options": ids}

    def view_extras(self, spec: OrderingQuestion, order: dict[str, list[str]]) -> dict[str, object]:
        """The items, as ``options`` and (same list) ``items``."""
        extras = super().view_extras(spec, order)
        extras["items"] = list(extras["options"])  # type: ignore[call-overload]
        return extras
