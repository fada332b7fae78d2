"""Helpers for the bank tests: write a YAML file, find the marked line, lint it."""

import textwrap
from pathlib import Path

from app.domain.bank import lint_paths

MARK = "# <-"
CHAPTERS = {
    "ch05-customer-value": {"customer-value-theory", "ltv-formula", "key-terms", "summary"},
    "ch06-segmentation": {"rfm", "summary"},
}


def write(folder: Path, text: str, name: str = "ch05.yaml") -> Path:
    """Write dedented ``text`` as UTF-8 and return the path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def marked_line(path: Path) -> int:
    """The 1-based number of the single line carrying ``# <-``."""
    lines = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if MARK in line]
    assert len(lines) == 1, lines
    return lines[0]


def lint(*paths: Path, chapters=CHAPTERS) -> list[str]:
    """Problems as ``path:line: message`` strings."""
    return [str(problem) for problem in lint_paths(list(paths), chapters)]
