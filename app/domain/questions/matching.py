"""``matching``: pair each left item with a right item; distractors add wrong choices."""

from __future__ import annotations

import random
from collections.abc import Mapping
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict

from app.domain.marks import Message
from app.domain.questions.base import CORRECT, WRONG, N_, QuestionType, ResponseError
from app.domain.questions.feedback import PAIRS_PARTIAL, say
from app.domain.questions.result import Issue
from app.domain.questions.spec import QuestionSpec, as_list, as_nonempty_text, describe, fail
from app.domain.questions.text import normalise


def _pairs(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        fail(Message(N_("应为 {pairs: {左项: 右项, …}}，实际是%(actual)s"), actual=describe(value)))
    extra = [str(key) for key in value if key != "pairs"]
    if extra:
        fail(Message(N_("只能包含 pairs，不能有 %(keys)s"), keys="、".join(extra)))
    pairs = value.get("pairs")
    if not isinstance(pairs, Mapping):
        fail(Message(N_("pairs 应为映射 {左项: 右项, …}，实际是%(actual)s"), actual=describe(pairs)))
    checked = {
        as_nonempty_text(left, Message(N_("左项"))): as_nonempty_text(right, Message(N_("左项 %(left)s 对应的右项"), left=left))
        for left, right in pairs.items()
    }
    if len(checked) < 2:
        fail(Message(N_("pairs 至少需要 2 对")))
    return {"pairs": checked}


def _distractors(value: object) -> list[str]:
    items = as_list(value, "[干扰项一, 干扰项二]")
    return [as_nonempty_text(item, Message(N_("第 %(n)s 个干扰项"), n=i + 1)) for i, item in enumerate(items)]


class MatchingKey(BaseModel):
    """The key of a matching question: left item → right item."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pairs: dict[str, str]


class MatchingQuestion(QuestionSpec):
    """Left items to match with right items (plus optional distractors)."""

    type: Literal["matching"] = "matching"
    answer: Annotated[MatchingKey, BeforeValidator(_pairs)]
    distractors: Annotated[list[str], BeforeValidator(_distractors)] = []

    def rule_issues(self) -> list[Issue]:
        """Distinct left items; distractors that are not also right items."""
        issues = []
        seen: dict[str, str] = {}
        for left in self.answer.pairs:
            norm = normalise(left)
            if norm in seen:
                issues.append(Issue(("answer", "pairs", left), Message(N_("配对左项 %(left)s 与 %(other)s 重复"), left=repr(left),
                                                                       other=repr(seen[norm]))))
            seen.setdefault(norm, left)
        rights = {normalise(right) for right in self.answer.pairs.values()}
        used: set[str] = set()
        for index, item in enumerate(self.distractors):
            norm = normalise(item)
            if norm in rights:
                issues.append(Issue(("distractors", index), Message(N_("干扰项 %(item)s 同时是正确的右项"), item=repr(item))))
            elif norm in used:
                issues.append(Issue(("distractors", index), Message(N_("干扰项 %(item)s 重复"), item=repr(item))))
            used.add(norm)
        return issues

    def choices(self) -> list[str]:
        """Every right-hand choice once: the right items, then the distractors."""
        unique: dict[str, str] = {}
        for item in [*self.answer.pairs.values(), *self.distractors]:
            unique.setdefault(normalise(item), item)
        return list(unique.values())


def _find(text: str, candidates: list[str]) -> str | None:
    if text in candidates:
        return text
    norm = normalise(text)
    return next((item for item in candidates if normalise(item) == norm), None)


class MatchingType(QuestionType):
    """``matching``: each right pair earns points / number of pairs."""

    name = "matching"
    label = N_("匹配题")
    short_label = N_("匹配")
    moodle_qtypes = ("matching", "match")
    gift_kind = "matching"
    view_schema = {"left": {"type": "array", "items": {"type": "string"}, "description": "matching: left items"},
                   "choices": {"type": "array", "items": {"type": "string"}, "description": "matching: right choices"}}
    response_example = 'matching {"left": "right"}'
    model = MatchingQuestion

    def parse_response(self, spec: MatchingQuestion, response: object) -> dict[str, str] | None:
        """``{"left item": "right item"}``; missing or empty values are unanswered pairs."""
        if not isinstance(response, Mapping):
            raise ResponseError(Message(N_("应为 {\"左项\": \"右项\"} 形式的映射，实际是%(actual)s"), actual=describe(response)))
        lefts = list(spec.answer.pairs)
        choices = spec.choices()
        chosen: dict[str, str] = {}
        for key, value in response.items():
            left = _find(key, lefts) if isinstance(key, str) else None
            if left is None:
                raise ResponseError(Message(N_("未知的左项 %(left)s"), left=repr(key)))
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if not isinstance(value, str):
                raise ResponseError(Message(N_("左项 %(left)s 的答案应为文本，实际是%(actual)s"), left=repr(left),
                                            actual=describe(value)))
            right = _find(value, choices)
            if right is None:
                raise ResponseError(Message(N_("%(value)s 不是可选的右项"), value=repr(value)))
            chosen[left] = right
        return chosen or None

    def score(self, spec: MatchingQuestion, parsed: dict[str, str]) -> tuple[Fraction, str]:
        """Count right pairs."""
        pairs = spec.answer.pairs
        right = sum(normalise(parsed.get(left, "")) == normalise(item) for left, item in pairs.items())
        if right == len(pairs):
            return Fraction(1), CORRECT
        if right == 0:
            return Fraction(0), WRONG
        return Fraction(right, len(pairs)), say(PAIRS_PARTIAL, right=right, total=len(pairs))

    def key_response(self, spec: MatchingQuestion) -> dict[str, str]:
        """The right pairs."""
        return dict(spec.answer.pairs)

    def answer_display(self, spec: MatchingQuestion) -> str:
        """``左 → 右;…``."""
        return ";".join(f"{left} → {right}" for left, right in spec.answer.pairs.items())

    def review_parts(self, spec: MatchingQuestion, parsed: dict[str, str] | None) -> list[dict[str, object]]:
        """Each left item (in the key's order): the choice made, the right one, whether they agree."""
        chosen = parsed or {}
        return [{"item": left, "given": chosen.get(left, ""), "right": right,
                 "ok": normalise(chosen.get(left, "")) == normalise(right)}
                for left, right in spec.answer.pairs.items()]

    def default_order(self, spec: MatchingQuestion) -> dict[str, list[str]]:
        """Left items as written; choices sorted, so their order says nothing about the pairs."""
        return {"left": list(spec.answer.pairs), "choices": sorted(spec.choices())}

    def shuffle(self, spec: MatchingQuestion, rng: random.Random) -> dict[str, list[str]]:
        """Both columns shuffled."""
        left, choices = list(spec.answer.pairs), spec.choices()
        rng.shuffle(left)
        rng.shuffle(choices)
        return {"left": left, "choices": choices}

    def view_extras(self, spec: MatchingQuestion, order: dict[str, list[str]]) -> dict[str, object]:
        """The left items and the right-hand choices."""
        return {"options": [], "left": order["left"], "choices": order["choices"]}
