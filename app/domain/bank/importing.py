"""Pure rules of importing questions into the bank: which chapter a source category goes to,
the tag that keeps a category path, and the ids given to questions that bring none.

Used by :mod:`app.services.interop` (``bank import`` and the browser import); no Flask, no
database: the caller passes the course's chapters and the ids already taken.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SOURCE_TAG_PREFIX = "来源："  # full-width colon: the tag is Chinese text (docs/interop.md)
# Ids the Moodle importers make up for questions whose name is not an id (``imp-1a2b3c4d``):
# not the teacher's, so an import gives such a question a bank id of its chapter instead.
GENERATED_BY_PARSER = re.compile(r"^imp-[0-9a-f]{8}$")
_CHAPTER_NUMBER = re.compile(r"^第\s*([0-9]+|[一二三四五六七八九十百零〇两]+)\s*章")
_SLUG_NUMBER = re.compile(r"^ch0*([0-9]+)(?:-|$)")
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass(frozen=True)
class CategoryMatch:
    """Where a source category goes: ``chapter`` (a slug or None) and ``how`` it was decided.

    ``how`` is ``"slug"`` or ``"title"`` (the category names a chapter: no tag is added),
    ``"mapped"`` (the teacher chose the chapter for it), ``"default"`` (the import's default
    chapter) or ``"none"`` (nowhere yet: the question cannot be imported).
    """

    chapter: str | None
    how: str

    @property
    def names_chapter(self) -> bool:
        """True when the category itself names the chapter (its path is not kept as a tag)."""
        return self.how in ("slug", "title")


def _fold(text: str) -> str:
    """Text compared loosely: NFKC, case-folded, without spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def _chinese_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if any(ch not in _DIGITS and ch not in "十百" for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _DIGITS[ch]
    return total + current


def chapter_number(slug: str) -> int | None:
    """The number of a chapter slug such as ``ch05-customer-value`` (5), else None."""
    found = _SLUG_NUMBER.match(slug)
    return int(found.group(1)) if found else None


def match_category(category: str | None, chapters: Iterable[tuple[str, str]]) -> str | None:
    """The chapter slug ``category`` names, or None.

    ``chapters`` are ``(slug, title)`` pairs. A category names a chapter when its whole path or its
    last component is the chapter's slug or title (compared without case, spaces or width), or
    starts with ``第5章`` / ``第五章`` for the chapter numbered 5 (``ch05-…``).
    """
    return _match(category, list(chapters))[0]


def _match(category: str | None, chapters: list[tuple[str, str]]) -> tuple[str | None, str]:
    """``(slug, "slug" | "title")`` of the chapter ``category`` names, or ``(None, "none")``."""
    if not category:
        return None, "none"
    candidates = [category.strip(), category.strip().split("/")[-1].strip()]
    by_slug = {_fold(slug): slug for slug, _title in chapters}
    by_title = {_fold(title): slug for slug, title in chapters if title}
    for candidate in candidates:
        folded = _fold(candidate)
        if folded in by_slug:
            return by_slug[folded], "slug"
        if folded in by_title:
            return by_title[folded], "title"
    for candidate in candidates:
        numbered = _CHAPTER_NUMBER.match(unicodedata.normalize("NFKC", candidate))
        number = _chinese_number(numbered.group(1)) if numbered else None
        if number is not None:
            found = [slug for slug, _title in chapters if chapter_number(slug) == number]
            if len(found) == 1:
                return found[0], "title"
    return None, "none"


def resolve_category(category: str | None, chapters: Iterable[tuple[str, str]],
                     mapping: Mapping[str, str] | None = None, default: str | None = None) -> CategoryMatch:
    """Where questions of source ``category`` go.

    In order: the teacher's ``mapping`` (source category → slug; the key ``""`` stands for
    questions without a category); the chapter the category names (:func:`match_category`); the
    import's ``default`` chapter. Mapped or default chapters must be among ``chapters``.
    """
    chapters = list(chapters)
    slugs = {slug for slug, _title in chapters}
    named, how = _match(category, chapters)
    chosen = (mapping or {}).get(category or "")
    if chosen in slugs and chosen != named:
        return CategoryMatch(chosen, "mapped")
    if named is not None:
        return CategoryMatch(named, how)
    if default in slugs:
        return CategoryMatch(default, "default")
    return CategoryMatch(None, "none")


def source_tag(category: str) -> str:
    """The tag that keeps a source category path on an imported question: ``来源：Iota/Kappa``."""
    return SOURCE_TAG_PREFIX + category.strip()


def id_prefix(chapter: str) -> str:
    """The id prefix of a chapter's questions: ``ch05`` for ``ch05-customer-value``, else the slug."""
    found = re.match(r"^(ch[0-9]+)(?:-|$)", chapter)
    return found.group(1) if found else chapter


class IdSequence:
    """Hands out the bank's ids (``ch05-q043``): per chapter, the next number above every id taken."""

    def __init__(self, taken: Iterable[str]):
        self.taken = set(taken)
        self._next: dict[str, int] = {}

    def _highest(self, prefix: str) -> int:
        pattern = re.compile(rf"^{re.escape(prefix)}-q([0-9]+)$")
        numbers = [int(m.group(1)) for qid in self.taken if (m := pattern.match(qid))]
        return max(numbers, default=0)

    def next(self, chapter: str) -> str:
        """A new id for a question of ``chapter``, never one already taken (retired ids included)."""
        prefix = id_prefix(chapter)
        number = self._next.get(prefix) or self._highest(prefix) + 1
        while f"{prefix}-q{number:03d}" in self.taken:
            number += 1
        qid = f"{prefix}-q{number:03d}"
        self.taken.add(qid)
        self._next[prefix] = number + 1
        return qid
