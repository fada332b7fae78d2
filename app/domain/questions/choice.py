"""Choice questions: ``single``, ``multiple`` and ``true_false``."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import BeforeValidator

from app.domain.marks import Message
from app.domain.questions.base import CORRECT, WRONG, N_, OptionsMixin, QuestionType, ResponseError
from app.domain.questions.feedback import MULTIPLE_PARTIAL, MULTIPLE_WRONG, say
from app.domain.questions.result import Issue
from app.domain.questions.spec import (
    OptionKey,
    Options,
    QuestionSpec,
    Scoring,
    as_list,
    describe,
    duplicate_text_issues,
    fail,
    one_of,
    option_key,
)

TRUE_OR_FALSE = N_("应为 true 或 false，实际是%(actual)s")
_TRUE_WORDS = {"true", "t", "对", "正确", "是", "√"}
_FALSE_WORDS = {"false", "f", "错", "错误", "否", "×"}


def _option_keys(value: object) -> list[str]:
    return [option_key(item) for item in as_list(value, "[A, C]")]


def _strict_bool(value: object) -> bool:
    if not isinstance(value, bool):
        fail(Message(TRUE_OR_FALSE, actual=describe(value)))
    return value


def unknown_option_issues(spec: QuestionSpec, keys: list[str]) -> list[Issue]:
    """Issues for answer keys that are not keys of ``spec.options``."""
    valid = "、".join(spec.options)  # type: ignore[attr-defined]
    return [
        Issue(("answer",), Message(N_("answer 中的 %(key)s 不在 options 中（可选：%(valid)s）"), key=repr(key), valid=valid))
        for key in dict.fromkeys(keys)
        if key not in spec.options  # type: ignore[attr-defined]
    ]


SAME_OPTION = N_("选项 %(key)s 与选项 %(other)s 的文本重复：%(text)s")


def repeated_keys(keys: list[str]) -> list[str]:
    """Keys that occur more than once, each named once, in order."""
    return [key for key in dict.fromkeys(keys) if keys.count(key) > 1]


def choose_option(spec: QuestionSpec, value: object) -> str:
    """The option key a student chose (case-insensitive), or ResponseError."""
    options: Mapping[str, str] = spec.options  # type: ignore[attr-defined]
    expected = "、".join(options)
    if not isinstance(value, str):
        raise ResponseError(Message(N_("应为一个选项字母（如 \"%(example)s\"），实际是%(actual)s"), example=next(iter(options)),
                                    actual=describe(value)))
    text = value.strip()
    if text in options:
        return text
    folded = [key for key in options if key.casefold() == text.casefold()]
    if len(folded) == 1:
        return folded[0]
    raise ResponseError(Message(N_("未知选项 %(option)s，应为 %(expected)s 之一"), option=repr(text), expected=expected))


class SingleQuestion(QuestionSpec):
    """A single-choice question: exactly one right option."""

    type: Literal["single"] = "single"
    options: Options
    answer: OptionKey

    def rule_issues(self) -> list[Issue]:
        """The answer must be an option; option texts must differ."""
        return unknown_option_issues(self, [self.answer]) + duplicate_text_issues(self.options, SAME_OPTION, "options")


class MultipleQuestion(QuestionSpec):
    """A multiple-choice question: one or more right options, partial credit by default."""

    type: Literal["multiple"] = "multiple"
    options: Options
    answer: Annotated[list[str], BeforeValidator(_option_keys)]
    scoring: Annotated[Scoring, one_of("partial", "all_or_nothing")] = "partial"

    def rule_issues(self) -> list[Issue]:
        """A non-empty answer of distinct options; option texts must differ."""
        issues = []
        if not self.answer:
            issues.append(Issue(("answer",), Message(N_("answer 不能为空列表：至少要有一个正确选项"))))
        issues += [Issue(("answer",), Message(N_("answer 中选项 %(key)s 重复"), key=key)) for key in repeated_keys(self.answer)]
        issues += unknown_option_issues(self, self.answer)
        return issues + duplicate_text_issues(self.options, SAME_OPTION, "options")


class TrueFalseQuestion(QuestionSpec):
    """A true/false judgement."""

    type: Literal["true_false"] = "true_false"
    answer: Annotated[bool, BeforeValidator(_strict_bool)]


class SingleType(OptionsMixin, QuestionType):
    """``single``: full points for the right option, else 0."""

    name = "single"
    label = N_("单选题")
    short_label = N_("单选")
    moodle_qtypes = ("multichoice",)
    gift_kind = "choice"
    choices = lettered = True
    response_example = 'single "B"'
    model = SingleQuestion

    def parse_response(self, spec: SingleQuestion, response: object) -> str | None:
        """One option key such as ``"B"``; ``""`` is unanswered."""
        if isinstance(response, str) and not response.strip():
            return None
        return choose_option(spec, response)

    def score(self, spec: SingleQuestion, parsed: str) -> tuple[Fraction, str]:
        """Exact match."""
        return (Fraction(1), CORRECT) if parsed == spec.answer else (Fraction(0), WRONG)

    def key_response(self, spec: SingleQuestion) -> str:
        """The right option key."""
        return spec.answer

    def answer_display(self, spec: SingleQuestion) -> str:
        """``B. text``."""
        return f"{spec.answer}. {spec.options[spec.answer]}"


class MultipleType(OptionsMixin, QuestionType):
    """``multiple``: partial (±1/k per chosen option, floor 0) or all-or-nothing."""

    name = "multiple"
    label = N_("多选题")
    short_label = N_("多选")
    moodle_qtypes = ("multichoice",)
    gift_kind = "choice"
    choices = lettered = True
    response_example = 'multiple ["A","D"]'
    model = MultipleQuestion

    def parse_response(self, spec: MultipleQuestion, response: object) -> list[str] | None:
        """A list of distinct option keys; ``[]`` is unanswered."""
        if not isinstance(response, list):
            raise ResponseError(Message(N_("应为选项字母的列表（如 [\"A\", \"C\"]），实际是%(actual)s"),
                                        actual=describe(response)))
        chosen = [choose_option(spec, item) for item in response]
        repeated = repeated_keys(chosen)
        if repeated:
            raise ResponseError(Message(N_("选项 %(keys)s 重复"), keys="、".join(repeated)))
        return chosen or None

    def score(self, spec: MultipleQuestion, parsed: list[str]) -> tuple[Fraction, str]:
        """Partial credit or exact set, by ``spec.scoring``."""
        right = set(spec.answer)
        hits = len(right.intersection(parsed))
        misses = len(parsed) - hits
        if hits == len(right) and misses == 0:
            return Fraction(1), CORRECT
        if spec.scoring == "all_or_nothing":
            return Fraction(0), WRONG
        fraction = max(Fraction(0), Fraction(hits - misses, len(right)))
        return fraction, say(MULTIPLE_PARTIAL if fraction > 0 else MULTIPLE_WRONG, hits=hits, misses=misses)

    def key_response(self, spec: MultipleQuestion) -> list[str]:
        """The right option keys."""
        return list(spec.answer)

    def answer_display(self, spec: MultipleQuestion) -> str:
        """``A、C``, each with its text."""
        return ";".join(f"{key}. {spec.options[key]}" for key in spec.answer)

    def answer_extras(self, spec: MultipleQuestion) -> dict[str, object]:
        """The scoring rule."""
        return {"scoring": spec.scoring}


class TrueFalseType(QuestionType):
    """``true_false``: full points for the right judgement."""

    name = "true_false"
    label = N_("判断题")
    short_label = N_("判断")
    moodle_qtypes = ("truefalse",)
    gift_kind = "true_false"
    choices = True
    response_example = "true_false false"
    model = TrueFalseQuestion

    def parse_response(self, spec: TrueFalseQuestion, response: object) -> bool | None:
        """``true``/``false``; form posts may send ``"true"``/``"false"`` (or 对/错)."""
        if isinstance(response, bool):
            return response
        if isinstance(response, str):
            word = response.strip().casefold()
            if not word:
                return None
            if word in _TRUE_WORDS:
                return True
            if word in _FALSE_WORDS:
                return False
        raise ResponseError(Message(TRUE_OR_FALSE, actual=describe(response)))

    def score(self, spec: TrueFalseQuestion, parsed: bool) -> tuple[Fraction, str]:
        """Exact match."""
        return (Fraction(1), CORRECT) if parsed is spec.answer else (Fraction(0), WRONG)

    def key_response(self, spec: TrueFalseQuestion) -> bool:
        """The right judgement."""
        return spec.answer

    def answer_display(self, spec: TrueFalseQuestion) -> str:
        """正确 or 错误."""
        return "正确" if spec.answer else "错误"

    def view_extras(self, spec: TrueFalseQuestion, order: Mapping[str, list[str]]) -> dict[str, object]:
        """Two fixed choices whose ids are the accepted string forms."""
        return {"options": [{"id": "true", "text": "正确"}, {"id": "false", "text": "错误"}]}
