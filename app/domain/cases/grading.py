"""Grading helpers shared by the cases: numbers, table cells, labels, choices, rankings.

Each helper reads a raw student answer (any JSON value), never raises, and returns a
:class:`StepResult` with Chinese feedback plus the student's parsed value, so that a later
step can be graded against it (error carried forward).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import feedback as fb
from .feedback import say
from .model import Step, StepResult
from .numbers import close, format_number, parse_number

MAX_LISTED = 8
#: What a format slip (a share written as a decimal instead of a percentage) costs: half of
#: one item, once per step however many cells it affects, so it always costs less than one
#: wrong answer (a wrong item costs the whole item).
FORMAT_SLIP_ITEMS = 0.5


@dataclass(frozen=True)
class Trap:
    """A known wrong value (a misconception): the credit it keeps and the feedback naming it."""

    value: float
    message: str
    fraction: float = 0.0
    #: A format slip (the right number in the wrong form): the item counts as right and the
    #: step loses :data:`FORMAT_SLIP_ITEMS` once, whatever ``fraction`` says.
    format: bool = False


@dataclass(frozen=True)
class Ecf:
    """A value computed from the student's own earlier answer (error carried forward)."""

    value: float
    message: str


@dataclass(frozen=True)
class CellSpec:
    """How one number (a step or a table cell) is graded."""

    expected: float
    tolerance: float
    ecf: tuple[Ecf, ...] = ()
    traps: tuple[Trap, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """The verdict on one number: the share of credit, a kind and a message."""

    fraction: float
    kind: str  # correct | ecf | trap | format | wrong | missing | malformed
    message: str = ""
    value: float | None = None


def judge_number(raw: object, spec: CellSpec) -> Outcome:
    """Judge one raw number against a spec: right, carried forward, a trap, or wrong."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Outcome(0.0, "missing", say(fb.UNANSWERED))
    value, error = parse_number(raw)
    if value is None:
        return Outcome(0.0, "malformed", error or say(fb.UNREADABLE_NUMBER))
    if close(value, spec.expected, spec.tolerance):
        return Outcome(1.0, "correct", say(fb.CORRECT), value)
    for ecf in spec.ecf:
        if close(value, ecf.value, spec.tolerance):
            return Outcome(1.0, "ecf", ecf.message, value)
    for trap in spec.traps:
        if not close(trap.value, spec.expected, spec.tolerance) and close(value, trap.value, spec.tolerance):
            if trap.format:
                return Outcome(1.0, "format", trap.message, value)
            return Outcome(trap.fraction, "trap", trap.message, value)
    return Outcome(0.0, "wrong", "", value)


def grade_number(step: Step, raw: object, spec: CellSpec, hint: str = "") -> tuple[StepResult, float | None]:
    """Grade a ``number`` step; returns the result and the student's parsed value."""
    outcome = judge_number(raw, spec)
    message = outcome.message
    fraction = outcome.fraction
    if outcome.kind == "format":
        fraction = 1.0 - FORMAT_SLIP_ITEMS
        message = message.rstrip("。") + "。" + say(fb.FORMAT_SLIP_STEP)
    elif outcome.kind == "wrong":
        message = say(fb.RESULT_WRONG, value=format_number(outcome.value or 0)) + (say(fb.HINT) + hint if hint else "")
    elif outcome.kind == "trap" and 0 < outcome.fraction < 1:
        message += say(fb.PARTIAL_CREDIT, percent=format_number(outcome.fraction * 100, 0))
    return (
        StepResult(step.id, round(step.points * fraction, 4), step.points, message),
        outcome.value,
    )


def norm_key(text: object) -> str:
    """Normalise an id or a label for comparison: NFKC, no spaces, upper case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).upper()


def read_rows(raw: object, step: Step) -> tuple[dict[str, Any], list[str]]:
    """Read a mapping ``row id -> value`` for a table or classification step.

    Accepts a mapping, or a list of objects that carry an ``id``. Row ids match without
    regard to case, width or spaces. Returns the values by canonical row id and a list of
    problems (unknown or repeated ids, wrong shape).
    """
    problems: list[str] = []
    items: list[tuple[object, object]] = []
    if isinstance(raw, Mapping):
        items = list(raw.items())
    elif isinstance(raw, list) and all(isinstance(r, Mapping) and "id" in r for r in raw):
        for row in raw:
            rest = {k: v for k, v in row.items() if k != "id"}
            items.append((row["id"], rest if len(rest) != 1 or step.kind == "table" else next(iter(rest.values()))))
    else:
        return {}, [say(fb.ROWS_EXPECTED)]
    lookup = {norm_key(row_id): row_id for row_id in step.row_ids}
    values: dict[str, Any] = {}
    unknown: list[str] = []
    for key, value in items:
        row_id = lookup.get(norm_key(key))
        if row_id is None:
            unknown.append(str(key)[:20])
        elif row_id in values:
            problems.append(say(fb.REPEATED_ROW, item=row_id))
        else:
            values[row_id] = value
    if unknown:
        problems.append(say(fb.UNKNOWN_ROWS, items="、".join(unknown[:MAX_LISTED]) + ("……" if len(unknown) > MAX_LISTED else "")))
    return values, problems


def read_cells(raw: object, step: Step) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Read a table answer into ``{row id: {column key: raw value}}`` plus problems.

    A single-column table also accepts ``{row id: value}``. Column keys match the key or
    the label, without regard to case or width.
    """
    rows, problems = read_rows(raw, step)
    col_lookup: dict[str, str] = {}
    for key, label in step.columns:
        col_lookup[norm_key(key)] = key
        col_lookup[norm_key(label)] = key
    cells: dict[str, dict[str, Any]] = {}
    bad_columns: set[str] = set()
    for row_id, value in rows.items():
        if isinstance(value, Mapping):
            row: dict[str, Any] = {}
            for col, cell in value.items():
                key = col_lookup.get(norm_key(col))
                if key is None:
                    bad_columns.add(str(col)[:20])
                else:
                    row[key] = cell
            cells[row_id] = row
        elif len(step.columns) == 1:
            cells[row_id] = {step.columns[0][0]: value}
        else:
            problems.append(say(fb.ROW_NOT_OBJECT, item=row_id))
    if bad_columns:
        expected = "、".join(label for _, label in step.columns)
        problems.append(say(fb.UNKNOWN_COLUMNS, columns="、".join(sorted(bad_columns)), expected=expected))
    return cells, problems


def cell_label(step: Step, row_id: str, col: str) -> str:
    """A short Chinese name for a table cell in feedback."""
    row_label = dict(step.rows).get(row_id, row_id)
    # Customer names are long; their ids (C01, …) are what the data table shows. Other rows
    # (satisfied, net, …) are internal ids, so they keep their Chinese label.
    if len(row_label) > 10 and re.fullmatch(r"[A-Za-z]{1,3}\d{1,4}", row_id):
        row_label = row_id
    if len(step.columns) == 1:
        return row_label
    return f"{row_label}·{dict(step.columns).get(col, col)}"


@dataclass
class Tally:
    """Collects per-item outcomes of a multi-part step and writes the summary feedback."""

    total_items: int
    earned: float = 0.0
    correct: int = 0
    ecf: dict[str, list[str]] = field(default_factory=dict)
    traps: dict[str, list[str]] = field(default_factory=dict)
    formats: dict[str, list[str]] = field(default_factory=dict)
    wrong: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: The sentence for unreadable items: a template of :mod:`.feedback` with ``%(items)s``.
    unreadable: str = fb.UNREADABLE_NUMBERS

    def add(self, label: str, outcome: Outcome) -> None:
        """Record the outcome for one item (a cell or a row)."""
        self.earned += outcome.fraction
        if outcome.kind == "correct":
            self.correct += 1
        elif outcome.kind == "ecf":
            self.ecf.setdefault(outcome.message, []).append(label)
        elif outcome.kind == "trap":
            self.traps.setdefault(outcome.message, []).append(label)
        elif outcome.kind == "format":
            self.formats.setdefault(outcome.message, []).append(label)
        elif outcome.kind == "missing":
            self.missing.append(label)
        elif outcome.kind == "malformed":
            self.malformed.append(label)
        else:
            self.wrong.append(label)

    def result(self, step: Step, hint: str = "") -> StepResult:
        """The step result: points in proportion to the credit earned, with feedback."""
        earned = self.earned - (FORMAT_SLIP_ITEMS if self.formats else 0.0)
        fraction = max(0.0, earned) / self.total_items if self.total_items else 0.0
        parts = list(self.notes)
        ok = self.correct + sum(len(v) for v in self.ecf.values()) + sum(len(v) for v in self.formats.values())
        if ok == self.total_items and not self.traps and not self.formats:
            parts.append(say(fb.ALL_CORRECT))
        else:
            parts.append(say(fb.COUNT_CORRECT, total=self.total_items, ok=ok))
        for message, labels in [*self.ecf.items(), *self.traps.items(), *self.formats.items()]:
            parts.append(say(fb.WITH_ITEMS, message=message.rstrip("。"), items=_listing(labels)))
        if self.formats:
            parts.append(say(fb.FORMAT_SLIP_ONCE))
        if self.wrong:
            parts.append(say(fb.WRONG_ITEMS, items=_listing(self.wrong)) + (say(fb.HINT) + hint if hint else ""))
        if self.malformed:
            parts.append(say(self.unreadable, items=_listing(self.malformed)))
        if self.missing:
            parts.append(say(fb.NOT_FILLED, items=_listing(self.missing)))
        return StepResult(step.id, round(step.points * fraction, 4), step.points, "".join(parts))


def _listing(labels: Sequence[str]) -> str:
    shown = "、".join(labels[:MAX_LISTED])
    return say(fb.LISTING_MORE, shown=shown, count=len(labels)) if len(labels) > MAX_LISTED else shown


def grade_cells(
    step: Step,
    raw: object,
    specs: Mapping[tuple[str, str], CellSpec],
    hint: str = "",
) -> tuple[StepResult, dict[tuple[str, str], float]]:
    """Grade a ``table`` step cell by cell; returns the result and the parsed cell values."""
    cells, problems = read_cells(raw, step)
    tally = Tally(total_items=len(specs), notes=problems)
    parsed: dict[tuple[str, str], float] = {}
    for (row_id, col), spec in specs.items():
        outcome = judge_number(cells.get(row_id, {}).get(col), spec)
        if outcome.value is not None:
            parsed[(row_id, col)] = outcome.value
        tally.add(cell_label(step, row_id, col), outcome)
    return tally.result(step, hint), parsed


def read_labels(
    step: Step, raw: object, normalise: Callable[[object], str | None]
) -> tuple[dict[str, str], list[str], list[str]]:
    """Read a classification answer: ``{row id: label}`` (or ``{row id: {column: label}}``,
    as an upload gives it); returns the labels, the rows whose label is not recognised,
    and problems with the answer's shape."""
    cells, problems = read_cells(raw, step)
    column = step.columns[0][0] if step.columns else None
    labels: dict[str, str] = {}
    invalid: list[str] = []
    for row_id, row in cells.items():
        value = row.get(column) if column is not None else None
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        label = normalise(value)
        if label is None:
            invalid.append(row_id)
        else:
            labels[row_id] = label
    return labels, invalid, problems


def label_outcome(row_id: str, labels: Mapping[str, str], invalid: Sequence[str]) -> Outcome | None:
    """The outcome for a row without a usable label (missing or unrecognised), else None."""
    if row_id in labels:
        return None
    if row_id in invalid:
        return Outcome(0.0, "malformed")
    return Outcome(0.0, "missing")


def normalise_choice(raw: object, keys: Sequence[str]) -> str | None:
    """Read an option key such as ``"B"``, ``"b"``, ``"Ｂ"`` or ``"B."``; None if not one of keys."""
    if not isinstance(raw, str):
        return None
    text = norm_key(raw).rstrip(".、:)")
    text = text.removeprefix("(")
    return text if text in keys else None


def grade_choice(step: Step, raw: object, correct: str, explanations: Mapping[str, str]) -> StepResult:
    """Grade a ``choice`` step: full points for the right option key, else 0 with the reason."""
    keys = [key for key, _ in step.options]
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return StepResult(step.id, 0, step.points, say(fb.UNANSWERED))
    key = normalise_choice(raw, keys)
    if key is None:
        return StepResult(step.id, 0, step.points, say(fb.CHOOSE_OPTION, keys="、".join(keys)))
    if key == correct:
        return StepResult(step.id, step.points, step.points, say(fb.CORRECT))
    return StepResult(step.id, 0, step.points, explanations.get(key, say(fb.CHOICE_WRONG)))


def read_ranking(raw: object, ids: Sequence[str]) -> tuple[list[str] | None, str | None]:
    """Read a ranking: a list of ids, or text such as ``"H03 > H01 > H02"`` or ``"H03,H01"``."""
    if isinstance(raw, str):
        items: list[object] = [p for p in re.split(r"[\s,，、>＞;；/|]+", raw.strip()) if p]
    elif isinstance(raw, list):
        items = raw
    elif raw is None:
        return None, say(fb.UNANSWERED)
    else:
        return None, say(fb.RANKING_EXPECTED)
    if not items:
        return None, say(fb.UNANSWERED)
    lookup = {norm_key(i): i for i in ids}
    ranking: list[str] = []
    for item in items:
        if not isinstance(item, (str, int)) or isinstance(item, bool):
            return None, say(fb.RANKING_ITEM_NOT_ID)
        row_id = lookup.get(norm_key(item))
        if row_id is None:
            return None, say(fb.UNKNOWN_ID, item=str(item)[:20])
        if row_id in ranking:
            return None, say(fb.REPEATED_ID, item=row_id)
        ranking.append(row_id)
    return ranking, None


def ordered_fraction(given: Sequence[str], expected: Sequence[str]) -> float:
    """Length of the longest subsequence of ``given`` in ``expected``'s order, over len(expected)."""
    position = {item: i for i, item in enumerate(expected)}
    seq = [position[g] for g in given if g in position]
    tails: list[int] = []
    for value in seq:
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if tails[mid] < value:
                lo = mid + 1
            else:
                hi = mid
        if lo == len(tails):
            tails.append(value)
        else:
            tails[lo] = value
    return len(tails) / len(expected) if expected else 0.0


def missing_step(step: Step) -> StepResult:
    """The result of a step with no answer at all."""
    return StepResult(step.id, 0, step.points, say(fb.UNANSWERED))


def answers_problem(answers: object) -> str | None:
    """A message when the answers are not a JSON object keyed by step id, else None."""
    if isinstance(answers, Mapping):
        return None
    return say(fb.ANSWERS_EXPECTED)


def detect_pattern(
    given: Mapping[Any, Any],
    truth: Mapping[Any, Any],
    alternatives: Sequence[tuple[Mapping[Any, Any], str]],
    same: Callable[[Any, Any], bool] = lambda a, b: a == b,
) -> str | None:
    """Name the mistake a set of answers follows, or None.

    An alternative (the answers a known mistake produces) is named when, on the items where
    it differs from the truth, at least 90 % of the student's answers agree with it.
    """
    for alternative, message in alternatives:
        keys = [k for k in given if k in alternative and k in truth and not same(alternative[k], truth[k])]
        if not keys:
            continue
        agree = sum(1 for k in keys if same(given[k], alternative[k]))
        if agree and agree >= 0.9 * len(keys):
            return message
    return None
