"""The pydantic base model of a question and the field types shared by the question types.

Field validators raise ``PydanticCustomError`` with a Chinese message so that problems read
well in ``bank lint`` output; :mod:`app.domain.questions.validate` turns pydantic errors into
:class:`~app.domain.questions.result.Issue` objects. Every message is a
:class:`~app.domain.marks.Message` of an ``N_``-marked template, so that the web layer shows it in
the reader's language (``app.i18n.translate_message``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Annotated, Literal, NoReturn

from pydantic import (BaseModel, BeforeValidator, ConfigDict, SerializerFunctionWrapHandler, model_serializer,
                      model_validator)
from pydantic_core import PydanticCustomError

from app.domain.marks import N_, Message
from app.domain.questions.result import Issue
from app.domain.questions.text import normalise

# Every key a question may have; each type accepts a subset (docs/question-format.md).
ALLOWED_KEYS: tuple[str, ...] = (
    "id", "type", "difficulty", "tags", "points", "section", "stem", "options", "answer",
    "tolerance", "tolerance_pct", "unit", "scoring", "distractors", "rubric", "explanation", "use",
)  # fmt: skip
# ``use``: ``any`` (practice and exams, the default) or ``exam`` (exams only, never practised).
USES: tuple[str, ...] = ("any", "exam")

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\Z")
OPTION_KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,15}\Z")
# Larger integers are typos, and could not even be turned into floats.
MAX_INTEGER = 10**30
FIELD_ERROR = "crm_field"
RULES_ERROR = "crm_rules"


def field_error(message: str) -> PydanticCustomError:
    """A pydantic error carrying a ready Chinese message (passed through ctx: no brace issues)."""
    return PydanticCustomError(FIELD_ERROR, "{message}", {"message": message})


def fail(message: str) -> NoReturn:
    """Raise :func:`field_error`."""
    raise field_error(message)


def describe(value: object) -> str:
    """A short Chinese name for the kind of a YAML/JSON value, used in messages."""
    if value is None:
        return Message(N_("空值"))
    if isinstance(value, bool):
        return Message(N_("布尔值 %(value)s"), value=str(value).lower())
    if isinstance(value, int) and abs(value) > MAX_INTEGER:
        return Message(N_("过大的数字"))
    if isinstance(value, (int, float)):
        return Message(N_("数字 %(value)s"), value=repr(value))
    if isinstance(value, str):
        return Message(N_("文本"))
    if isinstance(value, Mapping):
        return Message(N_("映射"))
    if isinstance(value, (list, tuple)):
        return Message(N_("列表"))
    if isinstance(value, (dt.date, dt.datetime)):
        return Message(N_("日期（请加引号）"))
    return type(value).__name__


def about(what: str, with_what: str, alone: str, **params: object) -> Message:
    """``with_what`` filled in with ``what`` (``第 2 个标签``) when there is one, else ``alone``."""
    return Message(with_what, what=what, **params) if what else Message(alone, **params)


def as_text(value: object, what: str = "") -> str:
    """Accept a string, or a plain number written without quotes (``A: 26000``).

    ``what`` names the value in the message (a :class:`Message` such as ``第 2 个标签``).
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        fail(about(what, N_("%(what)s应为文本，实际是%(actual)s；yes/no/on/off/true/false 作为文本时请加引号"),
                   N_("应为文本，实际是%(actual)s；yes/no/on/off/true/false 作为文本时请加引号"), actual=describe(value)))
    if isinstance(value, int) and abs(value) <= MAX_INTEGER:
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(value)
    fail(about(what, N_("%(what)s应为文本，实际是%(actual)s"), N_("应为文本，实际是%(actual)s"), actual=describe(value)))


def as_nonempty_text(value: object, what: str = "") -> str:
    """:func:`as_text` that also rejects blank text."""
    text = as_text(value, what)
    if not text.strip():
        fail(about(what, N_("%(what)s不能为空"), N_("不能为空")))
    return text


def as_list(value: object, example: str) -> list[object]:
    """Require a YAML list."""
    if not isinstance(value, list):
        fail(Message(N_("应为列表，例如 %(example)s，实际是%(actual)s"), example=example, actual=describe(value)))
    return value


def as_number(value: object) -> int | float:
    """Require a finite YAML number (not a bool, not text)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, str):
            fail(Message(N_("应为数字，实际是%(actual)s；请直接写数字，不加引号、单位或千位分隔符"), actual=describe(value)))
        fail(Message(N_("应为数字，实际是%(actual)s"), actual=describe(value)))
    if isinstance(value, int) and abs(value) > MAX_INTEGER:
        fail(Message(N_("数值过大")))
    if isinstance(value, float) and not math.isfinite(value):
        fail(Message(N_("应为有限的数字")))
    return value


def _question_id(value: object) -> str:
    if not isinstance(value, str):
        fail(Message(N_("应为文本（如 ch05-q001），实际是%(actual)s"), actual=describe(value)))
    if not ID_PATTERN.match(value):
        fail(Message(N_("%(value)s 无效：只能用字母、数字和 - _ .，以字母或数字开头"), value=repr(value)))
    return value


def _difficulty(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        fail(Message(N_("应为 1 到 5 的整数，实际是%(actual)s"), actual=describe(value)))
    return value


def _points(value: object) -> float:
    number = as_number(value)
    if number <= 0:
        fail(Message(N_("应为正数，实际是 %(value)s"), value=repr(number)))
    return number


def _tags(value: object) -> list[str]:
    items = as_list(value, "[客户价值, 计算]")
    return [as_nonempty_text(item, Message(N_("第 %(n)s 个标签"), n=i + 1)) for i, item in enumerate(items)]


def _anchor(value: object) -> str | None:
    return None if value is None else as_nonempty_text(value)


def option_key(value: object) -> str:
    """Validate one option key such as ``B``."""
    if not isinstance(value, str) or not OPTION_KEY_PATTERN.match(value):
        fail(Message(N_("选项键 %(key)s 无效：应为字母，如 A、B、C"), key=repr(value)))
    return value


def _options(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        fail(Message(N_("应为映射，例如 {A: 文本, B: 文本}，实际是%(actual)s"), actual=describe(value)))
    options = {option_key(key): as_nonempty_text(text, Message(N_("选项 %(key)s "), key=key)) for key, text in value.items()}
    if len(options) < 2:
        fail(Message(N_("至少需要 2 个选项")))
    return options


def one_of(*choices: str) -> BeforeValidator:
    """A validator accepting exactly one of ``choices`` (with a Chinese message)."""

    def check(value: object) -> str:
        if value not in choices:
            if len(choices) == 2:
                fail(Message(N_("应为 %(a)s 或 %(b)s，实际是 %(value)s"), a=choices[0], b=choices[1], value=repr(value)))
            fail(Message(N_("应为 %(choices)s 之一，实际是 %(value)s"), choices=" / ".join(choices), value=repr(value)))
        return value  # type: ignore[return-value]

    return BeforeValidator(check)


QuestionId = Annotated[str, BeforeValidator(_question_id)]
Difficulty = Annotated[int, BeforeValidator(_difficulty)]
Points = Annotated[float, BeforeValidator(_points)]
Text = Annotated[str, BeforeValidator(as_text)]
NonEmptyText = Annotated[str, BeforeValidator(as_nonempty_text)]
Anchor = Annotated[str | None, BeforeValidator(_anchor)]
Tags = Annotated[list[str], BeforeValidator(_tags)]
Options = Annotated[dict[str, str], BeforeValidator(_options)]
OptionKey = Annotated[str, BeforeValidator(option_key)]
Scoring = Literal["partial", "all_or_nothing"]
Use = Annotated[Literal["any", "exam"], one_of(*USES)]


class QuestionSpec(BaseModel):
    """Fields every question has. Subclasses add their type's fields and rules.

    Validation is strict: unknown keys are forbidden and values are not coerced (except a
    bare number where text is expected). Cross-field rules (the answer is among the options…)
    live in :meth:`rule_issues`; they run after the fields are valid, and every broken rule is
    reported at once.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: QuestionId
    type: str
    difficulty: Difficulty
    tags: Tags = []
    points: Points = 1
    section: Anchor = None
    stem: NonEmptyText
    explanation: Text = ""
    use: Use = "any"

    def rule_issues(self) -> list[Issue]:
        """Cross-field problems of this question (none by default)."""
        return []

    @model_serializer(mode="wrap")
    def _leave_out_default_use(self, handler: SerializerFunctionWrapHandler) -> dict:
        # Stored data and exports of ordinary questions stay as they were before ``use`` existed.
        data = handler(self)
        if isinstance(data, dict) and data.get("use") == "any":
            del data["use"]
        return data

    @model_validator(mode="after")
    def _check_rules(self) -> QuestionSpec:
        issues = self.rule_issues()
        if issues:
            raise PydanticCustomError(
                RULES_ERROR,
                "{summary}",
                {"summary": "；".join(i.message for i in issues), "issues": tuple(issues)},
            )
        return self


def duplicate_text_issues(texts: Mapping[str, str], template: str, loc: str) -> list[Issue]:
    """Issues for entries of ``texts`` whose text repeats an earlier one (after normalising).

    ``template`` says it with ``%(key)s``, ``%(other)s`` (the earlier key) and ``%(text)s``.
    """
    issues: list[Issue] = []
    seen: dict[str, str] = {}
    for key, text in texts.items():
        norm = normalise(text)
        if norm in seen:
            issues.append(Issue((loc, key), Message(template, key=key, other=seen[norm], text=repr(text))))
        else:
            seen[norm] = key
    return issues
