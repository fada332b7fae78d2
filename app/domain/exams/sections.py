"""A paper laid out in sections by question type, as Chinese exam papers are.

一、单选题（共 8 题，每题 1 分，共 8 分）, 二、多选题 …: questions of one type stand together, the
sections follow one fixed type order (the registry's order of the question types, then case
exercises), and the numbering runs through the whole paper. Within a section the draw's own order
is kept, so a shuffled draw stays shuffled per student. Everything here is pure: the start
orders a drawn paper with :func:`in_sections`; the exam page, the review, the results and the
gradebook describe a paper with :func:`paper_sections`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple, TypeVar

from ..questions.registry import QUESTION_TYPES

LAYOUTS = ("sections", "mixed")
CASE_TYPE = "case"
# The one section order: the question types as the registry lists them, then case exercises.
SECTION_ORDER: tuple[str, ...] = tuple(QUESTION_TYPES) + (CASE_TYPE,)
_RANK = {name: rank for rank, name in enumerate(SECTION_ORDER)}
_UNKNOWN_RANK = _RANK[CASE_TYPE] - 0.5  # a type the registry does not know goes just before the cases

T = TypeVar("T")


def section_rank(question_type: str) -> float:
    """The place of ``question_type``'s section in every sectioned paper."""
    return _RANK.get(question_type, _UNKNOWN_RANK)


def in_sections(items: Iterable[T], type_of: Callable[[T], str]) -> list[T]:
    """``items`` grouped into sections by type, in the section order.

    Stable: within a section the items keep their order in ``items`` (the draw's shuffle, or
    the blueprint's order when the exam does not shuffle).
    """
    return sorted(items, key=lambda item: section_rank(type_of(item)))


class PaperItem(NamedTuple):
    """What sections need to know about one item of a paper: its type, points and (graded) score.

    A named tuple, not a dataclass: the exam page builds one per question on every request.
    """

    type: str
    points: float
    score: float | None = None
    pending: bool = False  # waits for a teacher's grading


class Section(NamedTuple):
    """One section of a paper: its type, where its items stand and what they are worth."""

    number: int  # 1-based: 一、二、三 …
    type: str
    indexes: tuple[int, ...]  # 0-based places of its items in the paper
    points: float  # total
    each: float | None  # points of every item, when they all carry the same
    score: float  # sum of the scores given so far (a pending item counts 0)
    pending: int  # items waiting for a teacher

    @property
    def count(self) -> int:
        return len(self.indexes)

    @property
    def start(self) -> int:
        """The paper index of the first item: where the section's heading goes."""
        return self.indexes[0]


def paper_sections(items: Sequence[PaperItem]) -> list[Section]:
    """The sections of a paper, in section order: each holds every item of its type.

    On a paper drawn with :func:`in_sections` every section's items stand together; on a mixed
    paper they are still the per-type subtotals.
    """
    by_type: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        found = by_type.get(item.type)
        if found is None:
            by_type[item.type] = [index]
        else:
            found.append(index)
    sections = []
    for number, question_type in enumerate(sorted(by_type, key=section_rank), start=1):
        indexes = by_type[question_type]
        first = items[indexes[0]].points
        points = score = 0.0
        pending = 0
        same = True
        for i in indexes:
            item = items[i]
            points += item.points
            same = same and abs(item.points - first) < 1e-9
            if item.score:
                score += item.score
            if item.pending:
                pending += 1
        sections.append(Section(number, question_type, tuple(indexes), round(points, 4), first if same else None,
                                round(score, 4), pending))
    return sections


def is_contiguous(sections: Sequence[Section]) -> bool:
    """Whether every section's items stand together, sections one after another (a sectioned paper)."""
    expected = 0
    for section in sections:
        if section.indexes != tuple(range(expected, expected + section.count)):
            return False
        expected += section.count
    return True


_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """``n`` (1–99) in Chinese numerals as a paper numbers its sections: 一, 十, 十一, 二十一."""
    if not 1 <= n <= 99:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman_numeral(n: int) -> str:
    """``n`` (1–3999) in Roman numerals, as an English paper numbers its parts."""
    if not 1 <= n <= 3999:
        return str(n)
    out = []
    for value, symbol in _ROMAN:
        count, n = divmod(n, value)
        out.append(symbol * count)
    return "".join(out)
