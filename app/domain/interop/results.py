"""Result types of the Moodle import and export functions.

Every public function of :mod:`app.domain.interop` returns one of these instead of raising:
what could not be read is an *error*, what could be read but not represented is a *skip*,
and what was imported with a loss (partial credit dropped, a default filled in) is a *warning*.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Skip:
    """One located message: a skipped item, an error or a warning.

    ``where`` names the place for a human (``第 12 行 ::ch05-q001::``, a question name or id),
    ``reason`` says what happened, in Simplified Chinese. ``line`` is the 1-based line of the
    source text when it is known (GIFT import), so a CLI can print ``path:line: reason``.
    """

    where: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass(frozen=True)
class ImportResult:
    """What an import produced.

    ``questions`` are question-bank dicts (docs/question-format.md), each with a ``chapter`` key
    (``None`` when the file named no category and no default chapter was given).
    ``errors`` non-empty means some input could not be parsed at all.
    ``categories``, when the format has category paths (GIFT ``$CATEGORY``, Moodle XML category
    questions), holds each question's full source path (``Iota/Kappa``, without ``$course$/``),
    parallel to ``questions`` (``None`` where no category applied); empty otherwise.
    """

    questions: list[dict] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    errors: list[Skip] = field(default_factory=list)
    warnings: list[Skip] = field(default_factory=list)
    categories: list[str | None] = field(default_factory=list)
    # Optional, parallel to ``questions``: where each question starts, for people ("第 12 行",
    # "第 3 段", "第 5 行"); the import flow names questions by it. Empty when not known.
    places: list[str | None] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing was unparseable (skips and warnings may still exist)."""
        return not self.errors


@dataclass(frozen=True)
class ExportResult:
    """What an export produced: the file text and every question left out, with the reason."""

    text: str = ""
    skipped: list[Skip] = field(default_factory=list)
    errors: list[Skip] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the input could be read (individual questions may still be skipped)."""
        return not self.errors
