"""Option references in explanations: ``{{opt:C}}`` names bank option C by the letter the reader saw.

A single or multiple choice question is shuffled per student, so an explanation that says
"所以选 D" names a letter the student may never have seen. Authors write about the option's text,
or, where a letter is really wanted, ``{{opt:D}}``: review, practice feedback and the teacher's
view of an attempt render it as the letter the student saw for bank option D
(:func:`render_option_refs` with the presented letters); places without a presentation order (an
export, the API, whose option ids are the bank ids) render the bank letter itself. ``bank lint``
reports references to options the question does not have (:func:`unknown_option_refs`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# ``{{opt:C}}``; spaces inside the braces are tolerated, anything else between them is the id.
OPTION_REF = re.compile(r"\{\{\s*opt\s*:\s*([^{}\s]*)\s*\}\}")


def render_option_refs(text: str, letters: Mapping[str, str] | None = None) -> str:
    """``text`` with every ``{{opt:X}}`` replaced by the letter shown for bank option ``X``.

    ``letters`` maps bank option id → presented letter. ``None`` (no presentation order), an id it
    lacks or an empty letter render the bank id itself, so the text never shows the raw syntax.
    """
    if not text or "{{" not in text:
        return text
    return OPTION_REF.sub(lambda m: (letters or {}).get(m.group(1)) or m.group(1), text)


def option_refs(text: str) -> list[str]:
    """The bank option ids that ``text`` references with ``{{opt:X}}``, in order of appearance."""
    return OPTION_REF.findall(text or "")


def unknown_option_refs(text: str, option_ids: Iterable[str]) -> list[str]:
    """The ids referenced in ``text`` that are not among ``option_ids`` (each once, in order)."""
    known = set(option_ids)
    return list(dict.fromkeys(ref for ref in option_refs(text) if ref not in known))


def strip_option_refs(text: str, replacement: str = "") -> str:
    """``text`` with every ``{{opt:X}}`` replaced by ``replacement``, for checks that must not read the letter inside."""
    return OPTION_REF.sub(replacement, text or "")


def letters_of(options: Iterable[Mapping[str, object]] | None) -> dict[str, str] | None:
    """Bank id → presented letter from presented options (``{"id", "letter", …}``), or None if none."""
    found = {str(o["id"]): str(o["letter"]) for o in options or () if o.get("letter")}
    return found or None
