"""A question as the student saw it: option letters by place, and their response and the key in them.

The exam page letters the options of a single or multiple choice question A, B, C… by the place
the student's shuffle gave them, not by their bank ids. Review, the teacher's view of an attempt
and practice feedback must use the same letters, or every question becomes a dispute, so every
letter shown to a person comes from :func:`option_letter`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.domain.questions.api import resolve
from app.domain.questions.registry import QUESTION_TYPES

LETTERS = "ABCDEFGHIJ"
# The types whose options carry a letter on the page, and those whose review lists every option.
LETTERED_TYPES = frozenset(name for name, question_type in QUESTION_TYPES.items() if question_type.lettered)
CHOICE_TYPES = frozenset(name for name, question_type in QUESTION_TYPES.items() if question_type.choices)


def option_letter(index: int) -> str:
    """The letter of the option at 0-based ``index`` in presented order; "" past J, as the exam page shows."""
    return LETTERS[index] if 0 <= index < len(LETTERS) else ""


def _parsed(question_type: Any, spec: Any, response: object) -> object:
    """The response in the type's own terms, or None when unanswered or unreadable."""
    if response is None or response == "" or response == [] or response == {}:
        return None
    try:
        return question_type.parse_response(spec, response)
    except Exception:  # ResponseError or a stored shape the type no longer reads: shown as unanswered
        return None


def presented_options(question: Any, order: Mapping[str, object] | None, response: object,
                      bank_letters: bool = False) -> list[dict] | None:
    """Every option of a single, multiple or true/false question in the order the student saw them.

    Each option is ``{"id", "text", "letter", "chosen", "right"}``: ``letter`` is the presented
    letter ("" for true/false, which shows no letters), ``chosen`` whether the student picked it,
    ``right`` whether the key has it. ``order`` is the item's stored presentation (``None`` or
    ``{}``: the default order, as the exam page uses). ``bank_letters``: a page that never shuffles
    and labels options by their bank ids (practice) sees those ids as letters. None for any other
    type or invalid data.
    """
    resolved = resolve(question)
    if isinstance(resolved, str) or resolved[1].type not in CHOICE_TYPES:
        return None
    question_type, spec = resolved
    parsed = _parsed(question_type, spec, response)
    key = question_type.key_response(spec)
    if spec.type == "true_false":
        return [{"id": ident, "text": text, "letter": "", "chosen": parsed is value, "right": key is value}
                for ident, text, value in (("true", "正确", True), ("false", "错误", False))]
    chosen = set(parsed) if isinstance(parsed, list) else {parsed}
    right = set(key) if isinstance(key, list) else {key}
    ids = question_type.resolve_order(spec, order or None, None)["options"]
    return [{"id": ident, "text": spec.options[ident], "letter": ident if bank_letters else option_letter(place),
             "chosen": ident in chosen, "right": ident in right} for place, ident in enumerate(ids)]


def presented_summary(options: list[dict], which: str) -> str:
    """The ``chosen`` (or ``right``) options as the student saw them: ``B. text;D. text``, or "" if none."""
    return ";".join(f"{o['letter']}. {o['text']}" if o["letter"] else o["text"] for o in options if o[which])


def review_parts(question: Any, response: object) -> list[dict] | None:
    """The response part by part beside the key (blanks, pairs, places), or None for a type without parts."""
    resolved = resolve(question)
    if isinstance(resolved, str):
        return None
    question_type, spec = resolved
    return question_type.review_parts(spec, _parsed(question_type, spec, response))


def ordering_texts(question: Any, response: object) -> tuple[list[str], list[str]] | None:
    """An ordering question's response and key as item texts (the page shows no letters for them)."""
    resolved = resolve(question)
    if isinstance(resolved, str) or resolved[1].type != "ordering":
        return None
    question_type, spec = resolved
    parsed = _parsed(question_type, spec, response)
    given = [spec.options.get(k, "?") for k in parsed] if isinstance(parsed, list) else []
    return given, [spec.options[k] for k in question_type.key_response(spec)]
