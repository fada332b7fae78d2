"""``bank lint``: every problem of the bank files under some paths, as ``path:line: message``."""

from __future__ import annotations

from collections.abc import Iterable

from app.domain.bank.loader import Chapters, PathArg, load_paths
from app.domain.bank.problem import Problem


def lint_paths(paths: PathArg | Iterable[PathArg], chapters: Chapters | None = None) -> list[Problem]:
    """All problems in the bank files under ``paths``, in file and line order.

    ``chapters`` maps chapter slug → section anchors (from the courseware); ``None`` skips
    the chapter and section checks. An empty list means the files are clean.
    """
    return list(load_paths(paths, chapters).problems)


def format_problems(problems: Iterable[Problem]) -> str:
    """One ``path:line: message`` per line (empty text when there are none)."""
    return "".join(f"{problem}\n" for problem in problems)
