"""``courseware lint``: problems of chapter files as ``path:line: message``.

A chapter that cannot be loaded (front matter, slug, …; see docs/courseware-format.md) is one
problem; every half-width ``, : ; ? ! ( )`` in its Chinese text is another
(:mod:`app.domain.punctuation`: maths, code, URLs and Markdown syntax are excepted).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from app.domain.bank.problem import Problem
from app.domain.punctuation import describe, findings

from .courseware import CoursewareError, load_chapter


def chapter_files(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[Problem]]:
    """The chapter files under ``paths``: each ``.md`` given, every ``*.md`` below a directory
    (README files and hidden directories skipped)."""
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files += [Path(root) / n for n in sorted(names)
                          if n.endswith(".md") and not n.startswith(".") and not n.upper().startswith("README")]
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), 1, "路径不存在"))
    return list(dict.fromkeys(files)), problems


def lint_text(path: str, text: str) -> list[Problem]:
    """Half-width punctuation in the Chinese text of one chapter's source."""
    return [Problem(path, hit.line, describe(text, hit)) for hit in findings(text)]


def lint_courseware(paths: Iterable[str | os.PathLike]) -> list[Problem]:
    """Every problem of the chapter files under ``paths``, in file and line order."""
    files, problems = chapter_files(paths)
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            problems.append(Problem(str(path), 1, "无法以 UTF-8 文本读取"))
            continue
        try:
            load_chapter(path.parent.name, path)
        except CoursewareError as exc:
            problems.append(Problem(str(path), 1, str(exc).removeprefix(f"{path}: ")))
        problems.extend(lint_text(str(path), text))
    return problems
