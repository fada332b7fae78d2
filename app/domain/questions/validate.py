"""Turning pydantic validation errors into Chinese :class:`Issue` objects with key paths."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from app.domain.questions.result import Issue, Loc, Validation
from app.domain.questions.spec import ALLOWED_KEYS, FIELD_ERROR, RULES_ERROR, QuestionSpec, describe

_MISSING_HINTS = {
    "stem": "(题干)",
    "rubric": "(简答题必须写评分要点 rubric)",
    "answer": "(标准答案)",
    "options": "(选项,如 {A: …, B: …})",
    "difficulty": "(1 到 5 的整数)",
}


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
    """``",是否想写 answer?"`` when ``word`` is close to a candidate, else ``""``."""
    matches = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return f",是否想写 {matches[0]}?" if matches else ""


def unknown_key_message(key: object, type_name: str | None, type_keys: Iterable[str]) -> str:
    """The message for a key that the question's type does not accept."""
    if key in ALLOWED_KEYS and type_name:
        return f"题型 {type_name} 不使用字段 {key}"
    own = list(type_keys)
    hint = did_you_mean(key, own) or did_you_mean(key, ALLOWED_KEYS)
    return f"未知字段 {key}{hint}"


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
            issues.append(Issue(loc, f"{format_loc(loc)}:{ctx['message']}"))
        elif kind == "missing" and len(loc) == 1:
            issues.append(Issue((), f"缺少字段 {loc[0]}{_MISSING_HINTS.get(str(loc[0]), '')}"))
        elif kind == "extra_forbidden" and len(loc) == 1:
            issues.append(Issue(loc, unknown_key_message(loc[0], type_name, type_keys)))
        elif kind == "literal_error":
            issues.append(Issue(loc, f"{format_loc(loc)}:应为 {ctx.get('expected', '')}"))
        else:
            issues.append(Issue(loc, f"{format_loc(loc)}:{error['msg']}"))
    return issues


def not_a_mapping(data: object) -> Validation:
    """The validation outcome for question data that is not a mapping at all."""
    return Validation(None, (Issue((), f"题目应为映射(以 id: 开头的一组键值),实际是{describe(data)}"),))


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
