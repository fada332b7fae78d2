"""Gradebook (成绩册): kept scores per student and exam, weighted totals, summaries, CSV and XLSX exports.

A cell is the score that counts under the exam's grading method (the same rule as
``exams.kept_score``), with a status (``app.domain.gradebook.STATUS_LABELS``): 未参加, 进行中,
已提交 or 待评分 (an essay of a submitted attempt still waits for grading, so the score may
still rise).

Weights are saved per class (``ExamClass.weight``, default 1) from the gradebook page's form and
audited as ``gradebook.weights``. The weighted total is ``Σ wᵢ · scoreᵢ / maxᵢ ÷ Σ wᵢ`` in
percent, where an exam without a score counts as 0; a weight of 0 leaves the exam out.

Exports speak the reader's language: headers and status words go through the catalogue
(Chinese, or English when the interface is English); see docs/gradebook.md.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..database import immediate_transaction
from ..domain.exams import AttemptStatus
from ..domain.exams.sections import section_rank
from ..domain.gradebook import IN_PROGRESS, NEEDS_GRADING, NOT_STARTED, STATUS_LABELS, SUBMITTED
from ..domain.statistics import histogram
from ..domain.statistics.summary import ScoreSummary, score_summary
from ..domain.tabular import safe_row
from ..extensions import db
from ..models import Attempt, AttemptItem, ClassGroup, ClassMembership, Exam, ExamClass, Role, User
from . import paper_sections
from .accounts import audit
from .attempts import close_overdue
from .exams import exam_definition

MAX_WEIGHT = 1000.0


def status_word(status: str) -> str:
    """A result status (``not_started`` …) as the reader's word (未参加, 进行中, 已提交, 待评分)."""
    return _(STATUS_LABELS[status])


@dataclass(frozen=True)
class Cell:
    """One student's result in one exam."""

    status: str
    score: float | None = None
    max_score: float | None = None
    attempt_id: int | None = None
    attempts: int = 0

    @property
    def status_label(self) -> str:
        """The status in the reader's language."""
        return status_word(self.status)


@dataclass
class Row:
    """One student and a cell per exam."""

    user: User
    cells: dict[int, Cell] = field(default_factory=dict)
    weighted: float | None = None


@dataclass
class Gradebook:
    """A class's students against the exams assigned to it."""

    group: ClassGroup
    exams: list[Exam]
    max_scores: dict[int, float]
    weights: dict[int, float]
    rows: list[Row]


def settle_overdue() -> None:
    """Submit attempts whose time ran out, so results pages show them graded."""
    with immediate_transaction():
        close_overdue()


def exam_max_score(exam: Exam) -> float:
    """Full marks of ``exam`` from its blueprint (every paper drawn from it has the same total):
    drawing rules, fixed questions and case exercises."""
    definition = exam_definition(exam)
    total = sum(rule.count * rule.points for rule in definition.rules)
    total += sum(item.points for item in definition.fixed)
    total += sum(case.points for case in definition.cases)
    return round(total, 4)


def kept_attempt(exam: Exam, attempts: Sequence[Attempt]) -> Attempt | None:
    """The attempt whose score counts under ``exam.grading_method`` (mirrors ``exams.kept_score``)."""
    done = sorted((a for a in attempts if a.status == AttemptStatus.SUBMITTED and a.score is not None), key=lambda a: a.number)
    if not done:
        return None
    if exam.grading_method == "first":
        return done[0]
    if exam.grading_method == "last":
        return done[-1]
    best = max(a.score for a in done)
    return next(a for a in done if a.score == best)


def make_cell(exam: Exam, attempts: Sequence[Attempt]) -> Cell:
    """A student's cell from all their attempts at ``exam``."""
    if not attempts:
        return Cell(NOT_STARTED)
    kept = kept_attempt(exam, attempts)
    submitted = [a for a in attempts if a.status == AttemptStatus.SUBMITTED]
    if not submitted:
        open_attempt = max(attempts, key=lambda a: a.number)
        return Cell(IN_PROGRESS, attempt_id=open_attempt.id, attempts=len(attempts))
    status = NEEDS_GRADING if any(a.needs_manual for a in submitted) else SUBMITTED
    return Cell(status, kept.score if kept else None, kept.max_score if kept else None,
                kept.id if kept else None, len(attempts))


def students_of_classes(class_ids: Sequence[int]) -> list[User]:
    """Students in any of the classes, by student number then username."""
    if not class_ids:
        return []
    users = db.session.scalars(
        select(User).join(ClassMembership, ClassMembership.user_id == User.id)
        .where(ClassMembership.class_id.in_(class_ids), User.role == Role.STUDENT).distinct())
    return sorted(users, key=lambda u: (u.student_number, u.username))


def exam_students(exam: Exam) -> list[User]:
    """Students of the exam's classes, then other students who attempted it (e.g. moved class)."""
    students = students_of_classes([c.class_id for c in exam.classes])
    known = {u.id for u in students}
    others = db.session.scalars(
        select(User).join(Attempt, Attempt.user_id == User.id)
        .where(Attempt.exam_id == exam.id, User.role == Role.STUDENT).distinct())
    extra = sorted((u for u in others if u.id not in known), key=lambda u: (u.student_number, u.username))
    return students + extra


def exam_cells(exam: Exam, users: Sequence[User]) -> dict[int, Cell]:
    """Cells of ``users`` in ``exam`` (one query for all attempts)."""
    by_user: dict[int, list[Attempt]] = {u.id: [] for u in users}
    if by_user:
        for attempt in db.session.scalars(select(Attempt).where(Attempt.exam_id == exam.id,
                                                                Attempt.user_id.in_(by_user))):
            by_user[attempt.user_id].append(attempt)
    return {user_id: make_cell(exam, attempts) for user_id, attempts in by_user.items()}


def class_exams(group: ClassGroup) -> list[tuple[Exam, float]]:
    """Exams assigned to the class with their saved weights, oldest first (the order they were given)."""
    rows = db.session.execute(select(Exam, ExamClass.weight).join(ExamClass, ExamClass.exam_id == Exam.id)
                              .where(ExamClass.class_id == group.id).order_by(Exam.created_at, Exam.id))
    return [(exam, 1.0 if weight is None else float(weight)) for exam, weight in rows]


# --- weights ------------------------------------------------------------------------------

def weight_field(exam_id: int) -> str:
    """The form field of an exam's weight."""
    return f"w{exam_id}"


def parse_weight(raw: str, title: str) -> tuple[float | None, str | None]:
    """``raw`` as a weight (0 … MAX_WEIGHT), or None and a message saying what is wrong."""
    text = raw.strip()
    if not text:
        return None, _("请填写“%(t)s”的权重（0 表示不计入总评）。", t=title)
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        return None, _("“%(t)s”的权重“%(w)s”不是数字。", t=title, w=text)
    if value < 0:
        return None, _("“%(t)s”的权重不能为负数（填了 %(w)s）。", t=title, w=text)
    if value > MAX_WEIGHT:
        return None, _("“%(t)s”的权重不能大于 %(max)s（填了 %(w)s）。", t=title, w=text, max=f"{MAX_WEIGHT:g}")
    return value, None


@dataclass
class WeightsInput:
    """A posted weights form: the values as typed (kept for the page when one is wrong) and
    the problems by exam id; ``weights`` holds the valid values."""

    raw: dict[int, str]
    weights: dict[int, float]
    errors: dict[int, str]


def read_weights(form: Mapping[str, str], exams: Sequence[Exam]) -> WeightsInput:
    """Check every exam's posted weight; an exam missing from the form keeps its saved weight."""
    found = WeightsInput({}, {}, {})
    for exam in exams:
        name = weight_field(exam.id)
        if name not in form:
            continue
        raw = form.get(name) or ""
        found.raw[exam.id] = raw
        value, problem = parse_weight(raw, exam.title)
        if problem:
            found.errors[exam.id] = problem
        else:
            found.weights[exam.id] = value
    return found


def save_weights(group: ClassGroup, weights: Mapping[int, float], actor: User) -> list[dict]:
    """Store the class's weights; the changes (exam id, title, old and new weight) are audited
    as ``gradebook.weights`` and returned. Exams no longer assigned to the class are skipped."""
    links = db.session.execute(select(ExamClass, Exam.title).join(Exam, Exam.id == ExamClass.exam_id)
                               .where(ExamClass.class_id == group.id)).all()
    changes = []
    for link, title in sorted(links, key=lambda pair: pair[0].exam_id):
        if link.exam_id not in weights:
            continue
        old, new = (1.0 if link.weight is None else float(link.weight)), float(weights[link.exam_id])
        if old != new:
            changes.append({"exam_id": link.exam_id, "title": title, "old": old, "new": new})
            link.weight = new
    if changes:
        audit(actor, "gradebook.weights", f"class:{group.id}", class_name=group.name, changes=changes)
    db.session.commit()
    return changes


def weighted_percent(cells: Mapping[int, Cell], weights: Mapping[int, float],
                     max_scores: Mapping[int, float]) -> float | None:
    """Weighted percentage over the exams; a missing score counts as 0."""
    total_weight = sum(w for exam_id, w in weights.items() if max_scores.get(exam_id))
    if total_weight <= 0:
        return None
    earned = 0.0
    for exam_id, weight in weights.items():
        cell, top = cells.get(exam_id), max_scores.get(exam_id)
        if not top or cell is None or cell.score is None:
            continue
        earned += weight * cell.score / (cell.max_score or top)
    return round(100 * earned / total_weight, 2)


def class_gradebook(group: ClassGroup) -> Gradebook:
    """The class's gradebook with its saved weights."""
    assigned = class_exams(group)
    exams = [exam for exam, _weight in assigned]
    weights = {exam.id: weight for exam, weight in assigned}
    students = students_of_classes([group.id])
    max_scores = {exam.id: exam_max_score(exam) for exam in exams}
    rows = [Row(user) for user in students]
    for exam in exams:
        cells = exam_cells(exam, students)
        for row in rows:
            row.cells[exam.id] = cells[row.user.id]
    for row in rows:
        row.weighted = weighted_percent(row.cells, weights, max_scores)
    return Gradebook(group, exams, max_scores, weights, rows)


def score_histogram(values: Sequence[float | None], max_score: float | None) -> list[dict]:
    """Bins for a bar chart of the given scores (missing ones left out)."""
    return [b.to_dict() for b in histogram([v for v in values if v is not None], max_score)]


@dataclass(frozen=True)
class ExamSummary:
    """An exam's scores in the class: the statistics, the students still waiting for a grade
    (their score counts as it stands) and the histogram's bins."""

    stats: ScoreSummary
    pending: int
    histogram: list[dict]


def exam_summaries(book: Gradebook) -> dict[int, ExamSummary]:
    """Per exam of the class: mean, median, pass rate and histogram of the kept scores."""
    out = {}
    for exam in book.exams:
        cells = [row.cells[exam.id] for row in book.rows]
        scores = [cell.score for cell in cells]
        top = book.max_scores[exam.id]
        out[exam.id] = ExamSummary(score_summary(scores, top),
                                   sum(1 for c in cells if c.status == NEEDS_GRADING and c.score is not None),
                                   score_histogram(scores, top))
    return out


# --- tables and exports -------------------------------------------------------------------

def _number(value: float | None) -> float | int | str:
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else round(value, 4)


def _percent_header() -> str:
    # The msgid keeps ``%%`` because templates (always formatted) share it; format it here too.
    return _("加权总评（%%）") % {}


def class_table(book: Gradebook) -> tuple[list[str], list[list]]:
    """The gradebook as a header and rows of plain values (for CSV and XLSX), in the reader's language."""
    header = [_("用户名"), _("姓名"), _("学号")]
    for exam in book.exams:
        header += [_("%(title)s（满分 %(max)s，权重 %(weight)s）", title=exam.title,
                     max=_number(book.max_scores[exam.id]), weight=f"{book.weights[exam.id]:g}"),
                   _("%(title)s 状态", title=exam.title)]
    header.append(_percent_header())
    rows = []
    for row in book.rows:
        values = [row.user.username, row.user.full_name, row.user.student_number]
        for exam in book.exams:
            cell = row.cells[exam.id]
            values += [_number(cell.score), cell.status_label]
        values.append(_number(row.weighted))
        rows.append(values)
    return header, rows


EXAM_COLUMNS = ["username", "full_name", "student_number", "score", "max_score", "status", "status_label"]


@dataclass(frozen=True)
class ItemResult:
    """One item of a kept attempt, in paper order: its points and score; ``pending`` while it
    waits for a teacher (its score is then None and counts 0 in the attempt's total)."""

    points: float
    score: float | None
    pending: bool

    def to_dict(self, number: int) -> dict:
        """The API's ``items`` entry."""
        return {"number": number, "score": self.score, "max_score": self.points, "pending": self.pending}


def attempts_items(attempt_ids: Sequence[int]) -> dict[int, list[ItemResult]]:
    """attempt id → its items in paper order (one query for all the attempts)."""
    if not attempt_ids:
        return {}
    rows = db.session.execute(
        select(AttemptItem.attempt_id, AttemptItem.points, AttemptItem.score, AttemptItem.needs_manual)
        .where(AttemptItem.attempt_id.in_(list(attempt_ids)))
        .order_by(AttemptItem.attempt_id, AttemptItem.position))
    out: dict[int, list[ItemResult]] = {}
    for attempt_id, points, score, needs_manual in rows:
        out.setdefault(attempt_id, []).append(ItemResult(float(points), score, bool(needs_manual and score is None)))
    return out


def exam_gradebook(exam: Exam) -> list[dict]:
    """One row per student of the exam's classes: the API's JSON rows.

    A row with a kept attempt carries ``items``: each item of that attempt's paper in paper
    order (``[{"number", "score", "max_score", "pending"}]``; empty without a kept attempt).
    A sectioned exam's rows also carry ``sections``: the kept attempt's subtotal per section
    (``[{"type", "score", "max_score", "pending"}]`` in section order; empty without a kept
    attempt), as Moodle's per-section grades do.
    """
    students = exam_students(exam)
    cells = exam_cells(exam, students)
    top = exam_max_score(exam)
    kept_ids = [cell.attempt_id for cell in cells.values() if cell.score is not None and cell.attempt_id]
    sectioned = exam.paper_layout == "sections" or bool(kept_ids and db.session.scalar(
        select(Attempt.id).where(Attempt.id.in_(kept_ids), Attempt.sectioned.is_(True)).limit(1)))
    subtotals = paper_sections.attempts_subtotals(kept_ids) if sectioned else {}
    items = attempts_items(kept_ids)
    rows = []
    for user in students:
        cell = cells[user.id]
        kept = cell.attempt_id if cell.score is not None else None
        row = {"user_id": user.id, "username": user.username, "full_name": user.full_name,
               "student_number": user.student_number, "score": cell.score,
               "max_score": cell.max_score if cell.max_score is not None else top,
               "status": cell.status, "status_label": cell.status_label, "attempt_id": cell.attempt_id,
               "attempts": cell.attempts,
               "items": [item.to_dict(number) for number, item in enumerate(items.get(kept, []), start=1)]}
        if sectioned:
            row["sections"] = [{"type": s.type, "score": s.score, "max_score": s.points, "pending": s.pending}
                               for s in subtotals.get(kept, [])]
        rows.append(row)
    return rows


def _question_header(number: int, points: set[float], keys: bool) -> str:
    if keys:
        return f"q{number}"
    if len(points) == 1:  # the same full marks on every paper at this position
        return _("第%(n)d题（满分 %(points)s）", n=number, points=_number(next(iter(points))))
    return _("第%(n)d题", n=number)


def exam_table(rows: Sequence[dict], keys: bool = False) -> tuple[list[str], list[list]]:
    """API rows as a header and plain values, for CSV and XLSX.

    Columns: username, full name, student number, score, max score and status (the word:
    已提交, 待评分 …), then two per section type in section order (the kept attempt's subtotal
    and its full marks; blank where the paper has no such section), then one per question in
    paper order (第1题（满分 2）: the points of that item; 待评分 while it waits for a teacher;
    blank without a kept attempt), so the question columns add up to the score.

    Headers are in the reader's language; ``keys`` gives the JSON keys instead (``username`` …
    ``status`` (the code), ``status_label``, ``section_<type>``, ``section_<type>_max``,
    ``q<n>``) for programs.
    """
    types = sorted({s["type"] for r in rows for s in r.get("sections") or ()}, key=section_rank)
    count = max((len(r.get("items") or ()) for r in rows), default=0)
    points: list[set[float]] = [set() for _n in range(count)]
    for r in rows:
        for index, item in enumerate(r.get("items") or ()):
            points[index].add(item["max_score"])
    if keys:
        columns = EXAM_COLUMNS
        header = list(columns) + [name for t in types for name in (f"section_{t}", f"section_{t}_max")]
    else:
        columns = ["username", "full_name", "student_number", "score", "max_score", "status_label"]
        header = [_("用户名"), _("姓名"), _("学号"), _("得分"), _("满分"), _("状态")]
        for t in types:
            title = paper_sections.section_title(t)
            header += [_("%(section)s得分", section=title), _("%(section)s满分", section=title)]
    header += [_question_header(number, points[number - 1], keys) for number in range(1, count + 1)]
    pending = status_word(NEEDS_GRADING)
    table = []
    for r in rows:
        values = [_number(r[k]) if k in ("score", "max_score") else r[k] for k in columns]
        by_type = {s["type"]: s for s in r.get("sections") or ()}
        for t in types:
            found = by_type.get(t)
            values += [_number(found["score"]), _number(found["max_score"])] if found else ["", ""]
        items = r.get("items") or ()
        for index in range(count):
            if index >= len(items):
                values.append("")
            else:
                item = items[index]
                values.append(pending if item["pending"] else _number(item["score"]))
        table.append(values)
    return header, table


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence]) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel shows Chinese correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(header))  # headers hold exam titles
    for row in rows:
        writer.writerow(safe_row(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(header: Sequence[str], rows: Sequence[Sequence], title: str,
               text_columns: Sequence[int] = (0, 1, 2)) -> bytes:
    """An XLSX workbook; ``text_columns`` are stored as text so student numbers keep leading zeros."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    # Sheet titles are at most 31 characters and may not contain []:*?/\ .
    sheet.title = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "成绩"
    sheet.append(safe_row(header))  # headers hold exam titles
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(safe_row(row))
    for column in text_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            cell.number_format = "@"
            if cell.value is not None:
                cell.value = str(cell.value)
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(40, 4 + 2 * len(str(name)))
    sheet.freeze_panes = "D2" if len(header) > 3 else "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
