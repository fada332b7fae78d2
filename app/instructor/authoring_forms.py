"""The question editor's form: plain form fields ↔ a question dict, with messages per field.

Free of request and app state on purpose (tested on its own; messages go through Flask-Babel's
``gettext``, which needs no app context): :func:`parse_form` takes any mapping with
``get``/``getlist`` (``request.form``) and returns the question dict plus the problems it
found reading the fields; :func:`form_fields` turns stored question data back into the same
fields, so that opening and saving a question unchanged gives back the same data.

Field names: ``id chapter section difficulty tags points stem explanation use note`` for every
type; ``option-A`` … ``option-J`` (options, ordering items), ``answer`` (single key, multiple
keys, ``true``/``false``, numeric value), ``rank-A`` … (ordering: the right position of each
item), ``scoring``, ``tolerance_kind`` (``abs``/``pct``) + ``tolerance`` + ``unit`` (numeric),
``blanks`` (fill_blank: one line per blank, alternatives separated by ``|`` or ``；``),
``left-N``/``right-N`` + ``distractors`` (matching), ``rubric`` (essay; lines starting with
``- `` make a list of points). Each type reads and writes its own fields
(``app/question_types/<type>/``: ``read_form``/``form_fields`` and its ``form.html``); this module
keeps the fields every type shares.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from ..domain.questions import QUESTION_TYPES
from ..question_types import web_type
from ..question_types.forms import (FORM_ERROR, LETTERS, Fields, FormData, ParsedForm, line_of, parse_number,
                                    show_number, text_of)
from ..question_types.matching import Web as MatchingWeb

__all__ = ["FIELD_NAMES", "FORM_ERROR", "LETTERS", "TYPES", "Fields", "FormData", "ParsedForm", "form_fields",
           "line_of", "option_rows", "pair_rows", "parse_form", "parse_number", "show_number", "text_of"]

TYPES = tuple(QUESTION_TYPES)  # the registry's order
# Fields the editor shows messages next to; problems with any other key are shown at the top.
FIELD_NAMES = frozenset({"id", "chapter", "section", "difficulty", "tags", "points", "stem", "explanation", "use",
                         "options", "answer", "scoring", "tolerance", "unit", "distractors", "rubric"})
_TAG_SPLIT = re.compile(r"[,，、;；\n]")


def parse_form(form: FormData, qtype: str, qid: str | None = None) -> ParsedForm:
    """Build the question dict of type ``qtype`` from ``form``; ``qid`` fixes the id when editing."""
    parsed = ParsedForm({}, line_of(form, "chapter"), line_of(form, "note")[:200])
    data = parsed.data
    data["id"] = qid if qid is not None else line_of(form, "id")
    if not data["id"]:
        parsed.add("id", _("请填写题目编号，如 ch05-q101。"))
    data["type"] = qtype
    _common(form, parsed)
    web = web_type(qtype)
    if web is None:
        parsed.add(FORM_ERROR, _("未知题型 %(t)r", t=qtype))
    else:
        web.read_form(form, parsed)  # the type's own fields (app/question_types/<type>/)
    return parsed


def _common(form: FormData, parsed: ParsedForm) -> None:
    data = parsed.data
    difficulty = line_of(form, "difficulty")
    if difficulty in ("1", "2", "3", "4", "5"):
        data["difficulty"] = int(difficulty)
    else:
        parsed.add("difficulty", _("难度应为 1 到 5 的整数。"))
    points = line_of(form, "points")
    number = parse_number(points) if points else 1
    if number is None or number <= 0:
        parsed.add("points", _("分值应为大于 0 的数字，如 1 或 2.5。"))
    else:
        data["points"] = number
    data["tags"] = [tag.strip() for tag in _TAG_SPLIT.split(text_of(form, "tags")) if tag.strip()]
    section = line_of(form, "section")
    if section:
        data["section"] = section
    data["stem"] = text_of(form, "stem")
    data["explanation"] = text_of(form, "explanation")
    use = line_of(form, "use") or "any"
    if use == "exam":
        data["use"] = "exam"  # "any" is the default and is left out, as in the files
    elif use != "any":
        parsed.add("use", _("用途应为“练习和考试”或“仅用于考试”。"))


def form_fields(data: Mapping[str, Any], chapter: str) -> Fields:
    """The form fields that :func:`parse_form` reads back into ``data`` (for the edit page)."""
    fields = Fields()
    put = fields.put
    put("id", data.get("id", ""))
    put("chapter", chapter)
    put("section", data.get("section") or "")
    put("difficulty", data.get("difficulty", 3))
    put("points", show_number(data.get("points", 1)))
    put("tags", "、".join(data.get("tags") or []))
    put("stem", data.get("stem", ""))
    put("explanation", data.get("explanation", ""))
    put("use", data.get("use") or "any")
    web = web_type(data.get("type"))
    if web is not None:
        web.form_fields(data, fields)
    return fields


def option_rows(form: FormData, minimum: int = 4) -> list[str]:
    """Letters of the option rows to show: every filled one, one spare, at least ``minimum``."""
    filled = [index for index, letter in enumerate(LETTERS) if line_of(form, f"option-{letter}")]
    count = max(minimum, (filled[-1] + 2) if filled else 0)
    return list(LETTERS[: min(count, len(LETTERS))])


pair_rows = MatchingWeb.pair_rows
