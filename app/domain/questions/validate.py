"""Turning pydantic validation errors into Chinese :class:`Issue` objects with key paths.

Messages are :class:`~app.domain.marks.Message` objects of ``N_``-marked templates: Chinese text
for ``bank lint``, translated by the web layer (``app.i18n.translate_message``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from app.domain.marks import N_, Message
from app.domain.questions.result import Issue, Loc, Validation
from app.domain.questions.spec import ALLOWED_KEYS, FIELD_ERROR, RULES_ERROR, QuestionSpec, describe

# A missing key's message says what the key holds (every message starts 缺少字段 <key>: authoring files it under the key).
_MISSING = {
    "stem": N_("缺少字段 stem（题干）"),
    "rubric": N_("缺少字段 rubric（简答题必须写评分要点）"),
    "answer": N_("缺少字段 answer（标准答案）"),
    "options": N_("缺少字段 options（选项，如 {A: …, B: …}）"),
    "difficulty": N_("缺少字段 difficulty（1 到 5 的整数）"),
}
MISSING_KEY = N_("缺少字段 %(key)s")


#: A field's message after its key path: ``options.B：不能为空``.
AT_KEY = N_("%(loc)s：%(message)s")


def format_loc(loc: Loc) -> str:
    """``("answer", "pairs", "x")`` → ``answer.pairs.x``; ``("tags", 2)`` → ``tags[2]``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def did_you_mean(word: object, candidates: Iterable[str]) -> str:
    """``"，是否想写 answer？"`` when ``word`` is close to a candidate, else ``""`` (appended to a message)."""
    matches = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return Message(N_("，是否想写 %(word)s？"), word=matches[0]) if matches else ""


def unknown_key_message(key: object, type_name: str | None, type_keys: Iterable[str]) -> str:
    """The message for a key that the question's type does not accept."""
    if key in ALLOWED_KEYS and type_name:
        return Message(N_("题型 %(type)s 不使用字段 %(key)s"), type=type_name, key=key)
    own = list(type_keys)
    hint = did_you_mean(key, own) or did_you_mean(key, ALLOWED_KEYS)
    return Message(N_("未知字段 %(key)s%(hint)s"), key=key, hint=hint)


def missing_key_message(key: object) -> str:
    """The message for a required key that is missing."""
    template = _MISSING.get(str(key))
    return Message(template) if template else Message(MISSING_KEY, key=key)


def translate(exc: ValidationError, type_name: str | None, type_keys: Iterable[str]) -> list[Issue]:
    """Chinese issues for every error in ``exc``."""
    issues: list[Issue] = []
    for error in exc.errors(include_url=False):
        loc: Loc = tuple(error["loc"])
        kind = error["type"]
        ctx = error.get("ctx") or {}
        if kind == RULES_ERROR:
            issues.extend(ctx["issues"])
        elif kind == FIELD_ERROR:
            issues.append(Issue(loc, Message(AT_KEY, loc=format_loc(loc), message=ctx["message"])))
        elif kind == "missing" and len(loc) == 1:
            issues.append(Issue((), missing_key_message(loc[0])))
        elif kind == "extra_forbidden" and len(loc) == 1:
            issues.append(Issue(loc, unknown_key_message(loc[0], type_name, type_keys)))
        elif kind == "literal_error":
            issues.append(Issue(loc, Message(N_("%(loc)s：应为 %(expected)s"), loc=format_loc(loc),
                                             expected=ctx.get("expected", ""))))
        else:  # pydantic's own (English) message: rare, as the fields validate themselves
            issues.append(Issue(loc, Message(AT_KEY, loc=format_loc(loc), message=error["msg"])))
    return issues


def not_a_mapping(data: object) -> Validation:
    """The validation outcome for question data that is not a mapping at all."""
    return Validation(None, (Issue((), Message(N_("题目应为映射（以 id: 开头的一组键值），实际是%(actual)s"),
                                               actual=describe(data))),))


def validate_with(model: type[QuestionSpec], data: Mapping[str, Any] | object) -> Validation:
    """Validate ``data`` against one question model; never raises."""
    if not isinstance(data, Mapping):
        return not_a_mapping(data)
    type_name = data.get("type")
    name = type_name if isinstance(type_name, str) else None
    keys = list(model.model_fields)
    try:
        spec = model.model_validate(dict(data))
    except ValidationError as exc:
        issues = translate(exc, name, keys)
        # Unknown keys stop pydantic before the cross-field rules; check those rules without
        # the unknown keys too, so that one lint run reports every problem.
        extra = {
            err["loc"][0] for err in exc.errors() if err["type"] == "extra_forbidden" and len(err["loc"]) == 1
        }
        if extra:
            try:
                model.model_validate({key: value for key, value in data.items() if key not in extra})
            except ValidationError as again:
                issues += [i for i in translate(again, name, keys) if i not in issues]
        return Validation(None, tuple(issues))
    return Validation(spec)
