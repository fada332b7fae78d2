"""Printed papers: variant labels, and a paper answer as typed in by a teacher turned into a response.

A printed variant letters the options of a question by the place its seed gave them, exactly as
the exam page does (A, B, C … by presented place), so the letters on an answer sheet name
presented places, not bank ids. :func:`read_entry` turns what the teacher typed from the sheet
into the stored response format (bank ids), or says what is wrong with it. Everything here is
pure: the question arrives as its student view in the variant's order
(:func:`app.domain.questions.student_view`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import NamedTuple

from ..marks import N_
from ..questions.presented import option_letter

LABEL_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_VARIANTS = len(LABEL_LETTERS)
# Types the teacher scores from the paper in the manual grading queue (an optional transcription).
MANUAL_TYPES = frozenset({"essay", "case"})
# Types answered with letters on the answer sheet.
LETTER_TYPES = frozenset({"single", "multiple", "ordering", "matching"})
MAX_ENTRY_LENGTH = 5000

_TRUE = {"T", "TRUE", "对", "正确", "是", "√", "✓", "✔", "Y"}
_FALSE = {"F", "FALSE", "错", "错误", "否", "×", "✗", "✘", "N"}
# Separators a teacher may type between letters (A,C  A、C  A C) or between blanks (；;|).
_LETTER_SEPARATORS = re.compile(r"[\s,，、;；/]+")
_BLANK_SEPARATORS = re.compile(r"[;；|]")

UNKNOWN_LETTER = N_("第 %(n)d 题：没有选项“%(letter)s”（本卷该题的选项为 %(letters)s）")
TOO_MANY_LETTERS = N_("第 %(n)d 题是单选题，只能填一个字母（填了“%(text)s”）")
REPEATED_LETTER = N_("第 %(n)d 题：字母“%(letter)s”重复")
BAD_TRUE_FALSE = N_("第 %(n)d 题是判断题：请填 T 或 F（也可填 对/错、√/×），填了“%(text)s”")
ORDER_INCOMPLETE = N_("第 %(n)d 题是排序题：请按顺序填全部 %(count)d 个字母（%(letters)s），每个恰好一次")
MATCHING_COUNT = N_("第 %(n)d 题是匹配题：请为 %(count)d 个左项依次各填一个字母（可选 %(letters)s），填了 %(given)d 个")
BLANK_COUNT = N_("第 %(n)d 题有 %(count)d 个空：各空答案之间用“；”分隔，填了 %(given)d 个")
TOO_LONG = N_("第 %(n)d 题的答案过长（上限 %(max)d 字）")


class EntryProblem(NamedTuple):
    """Why a typed answer cannot be read: a message template (marked with N_) and its parameters."""

    template: str
    params: dict

    def text(self) -> str:
        """The message in Chinese (the web layer translates ``template`` instead)."""
        return self.template % self.params


def variant_label(index: int) -> str:
    """The label of the ``index``-th (0-based) printed variant: A卷, B卷 …"""
    return f"{LABEL_LETTERS[index]}卷"


def next_labels(existing: list[str], count: int) -> list[str]:
    """``count`` labels not in ``existing``, in alphabetical order (fewer when the alphabet runs out)."""
    taken = set(existing)
    return [label for label in (variant_label(i) for i in range(MAX_VARIANTS)) if label not in taken][:count]


def letters_text(count: int) -> str:
    """``A–D`` for four options (the letters a sheet may carry)."""
    if count <= 1:
        return option_letter(0)
    return f"{option_letter(0)}–{option_letter(count - 1)}"


def _normalised(text: str) -> str:
    # NFKC: full-width letters and punctuation typed with a Chinese input method (Ａ，；) become ASCII.
    return unicodedata.normalize("NFKC", text or "").strip()


def _letters(text: str) -> list[str]:
    """The letters typed, in order: ``A C``, ``A,C``, ``A、C`` and ``AC`` all give ``[A, C]``."""
    return [ch for ch in _LETTER_SEPARATORS.sub("", text.upper())]


def _pick(letters: list[str], ids: list[str], number: int) -> tuple[list[str] | None, EntryProblem | None]:
    """Letters → the ids at those presented places; a problem for a letter beyond the options."""
    by_letter = {option_letter(i): ident for i, ident in enumerate(ids)}
    for letter in letters:
        if letter not in by_letter:
            return None, EntryProblem(UNKNOWN_LETTER, {"n": number, "letter": letter, "letters": letters_text(len(ids))})
    return [by_letter[letter] for letter in letters], None


def _repeated(letters: list[str], number: int) -> EntryProblem | None:
    for letter in dict.fromkeys(letters):
        if letters.count(letter) > 1:
            return EntryProblem(REPEATED_LETTER, {"n": number, "letter": letter})
    return None


def read_entry(view: Mapping, number: int, typed: str | None) -> tuple[object, EntryProblem | None]:
    """The response for what was typed for question ``number`` of a printed variant.

    ``view`` is the question's student view in the variant's order. Returns ``(response, None)``
    (``None`` response: left blank, scored as unanswered or left for manual grading) or
    ``(None, problem)``. Numbers and blank texts are passed on as text: the question's own grader
    reads them (2.6万, 26,000元) and says what is wrong with them.
    """
    qtype = view.get("type")
    raw = typed or ""
    if len(raw) > MAX_ENTRY_LENGTH:
        return None, EntryProblem(TOO_LONG, {"n": number, "max": MAX_ENTRY_LENGTH})
    if qtype == "essay":
        return (raw if raw.strip() else None), None
    text = _normalised(raw)
    if not text or qtype == "case":
        return None, None
    if qtype in ("single", "multiple", "ordering"):
        ids = [str(o["id"]) for o in view.get("options") or ()]
        letters = _letters(text)
        if qtype == "single" and len(letters) > 1:
            return None, EntryProblem(TOO_MANY_LETTERS, {"n": number, "text": text})
        chosen, problem = _pick(letters, ids, number)
        if problem is None:
            problem = _repeated(letters, number)
        if problem is not None:
            return None, problem
        if qtype == "single":
            return chosen[0], None
        if qtype == "ordering" and len(chosen) != len(ids):
            return None, EntryProblem(ORDER_INCOMPLETE, {"n": number, "count": len(ids),
                                                          "letters": letters_text(len(ids))})
        return chosen, None
    if qtype == "true_false":
        word = text.upper()
        if word in _TRUE:
            return True, None
        if word in _FALSE:
            return False, None
        return None, EntryProblem(BAD_TRUE_FALSE, {"n": number, "text": text})
    if qtype == "matching":
        lefts, choices = list(view.get("left") or ()), [str(c) for c in view.get("choices") or ()]
        letters = _letters(text)
        if len(letters) != len(lefts):
            return None, EntryProblem(MATCHING_COUNT, {"n": number, "count": len(lefts), "given": len(letters),
                                                       "letters": letters_text(len(choices))})
        chosen, problem = _pick(letters, choices, number)
        if problem is not None:
            return None, problem
        return dict(zip(lefts, chosen, strict=True)), None
    if qtype == "fill_blank":
        count = int(view.get("blanks") or 1)
        parts = [part.strip() for part in _BLANK_SEPARATORS.split(text)] if count > 1 else [text]
        if len(parts) != count:
            return None, EntryProblem(BLANK_COUNT, {"n": number, "count": count, "given": len(parts)})
        return parts, None
    return text, None  # numeric: the grader parses the number
