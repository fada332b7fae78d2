"""Gradebook (成绩册): kept scores per student and exam, weighted totals, CSV and XLSX exports.

A cell is the score that counts under the exam's grading method (the same rule as
``exams.kept_score``), with a status: 未开始, 进行中, 已提交 or 待人工评分 (an essay of a
submitted attempt still waits for grading, so the score may still rise).

Weights are not stored: they travel in the query string as ``w<exam_id>=<weight>`` (default 1
for every exam). The weighted total is ``Σ wᵢ · scoreᵢ / maxᵢ ÷ Σ wᵢ`` in percent, where an
exam without a score counts as 0; a weight of 0 leaves the exam out.
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
from ..domain.statistics import histogram
from ..domain.tabular import safe_row
from ..extensions import db
from ..i18n import N_
from ..models import Attempt, ClassGroup, ClassMembership, Exam, ExamClass, Role, User
from . import paper_sections
from .attempts import close_overdue
from .exams import exam_definition

STATUS_LABELS = {"not_started": N_("未开始"), "in_progress": N_("进行中"), "submitted": N_("已提交"),
                 "needs_grading": N_("待人工评分")}
MAX_WEIGHT = 1000.0


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
        return STATUS_LABELS[self.status]


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
    """Full marks of ``exam`` from its blueprint (every paper drawn from it has the same total)."""
    definition = exam_definition(exam)
    total = sum(rule.count * rule.points for rule in definition.rules)
    total += sum(item.points for item in definition.fixed)
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
        return Cell("not_started")
    kept = kept_attempt(exam, attempts)
    submitted = [a for a in attempts if a.status == AttemptStatus.SUBMITTED]
    if not submitted:
        open_attempt = max(attempts, key=lambda a: a.number)
        return Cell("in_progress", attempt_id=open_attempt.id, attempts=len(attempts))
    status = "needs_grading" if any(a.needs_manual for a in submitted) else "submitted"
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


def class_exams(group: ClassGroup) -> list[Exam]:
    """Exams assigned to the class, oldest first (the order they were given)."""
    return list(db.session.scalars(select(Exam).join(ExamClass, ExamClass.exam_id == Exam.id)
                                   .where(ExamClass.class_id == group.id).order_by(Exam.created_at, Exam.id)))


def parse_weights(args: Mapping[str, str], exams: Sequence[Exam]) -> tuple[dict[int, float], list[str]]:
    """Weights from ``w<exam_id>`` query parameters; a bad value keeps weight 1 and is reported."""
    weights: dict[int, float] = {}
    problems: list[str] = []
    for exam in exams:
        raw = (args.get(f"w{exam.id}") or "").strip()
        weights[exam.id] = 1.0
        if not raw:
            continue
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0 or value > MAX_WEIGHT:
            problems.append(_("“%(t)s”的权重“%(w)s”无效：应为 0 到 %(max)s 之间的数字，已按 1 计算。",
                              t=exam.title, w=raw, max=f"{MAX_WEIGHT:g}"))
            continue
        weights[exam.id] = value
    return weights, problems


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


def class_gradebook(group: ClassGroup, weights_args: Mapping[str, str]) -> tuple[Gradebook, list[str]]:
    """The class's gradebook and any problems with the weights given."""
    exams = class_exams(group)
    students = students_of_classes([group.id])
    weights, problems = parse_weights(weights_args, exams)
    max_scores = {exam.id: exam_max_score(exam) for exam in exams}
    rows = [Row(user) for user in students]
    for exam in exams:
        cells = exam_cells(exam, students)
        for row in rows:
            row.cells[exam.id] = cells[row.user.id]
    for row in rows:
        row.weighted = weighted_percent(row.cells, weights, max_scores)
    return Gradebook(group, exams, max_scores, weights, rows), problems


def score_histogram(values: Sequence[float | None], max_score: float | None) -> list[dict]:
    """Bins for a bar chart of the given scores (missing ones left out)."""
    return [b.to_dict() for b in histogram([v for v in values if v is not None], max_score)]


# --- tables and exports -------------------------------------------------------------------

def _number(value: float | None) -> float | int | str:
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else round(value, 4)


def class_table(book: Gradebook) -> tuple[list[str], list[list]]:
    """The gradebook as a header and rows of plain values (for CSV and XLSX)."""
    header = ["用户名", "姓名", "学号"]
    for exam in book.exams:
        header += [f"{exam.title}(满分 {_number(book.max_scores[exam.id])},权重 {book.weights[exam.id]:g})",
                   f"{exam.title} 状态"]
    header.append("加权总评(%)")
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


def exam_gradebook(exam: Exam) -> list[dict]:
    """One row per student of the exam's classes: the API's JSON rows.

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
    rows = []
    for user in students:
        cell = cells[user.id]
        row = {"user_id": user.id, "username": user.username, "full_name": user.full_name,
               "student_number": user.student_number, "score": cell.score,
               "max_score": cell.max_score if cell.max_score is not None else top,
               "status": cell.status, "status_label": cell.status_label, "attempt_id": cell.attempt_id,
               "attempts": cell.attempts}
        if sectioned:
            kept = subtotals.get(cell.attempt_id, []) if cell.score is not None else []
            row["sections"] = [{"type": s.type, "score": s.score, "max_score": s.points, "pending": s.pending}
                               for s in kept]
        rows.append(row)
    return rows


def exam_table(rows: Sequence[dict]) -> tuple[list[str], list[list]]:
    """API rows as a header (the JSON keys) and plain values.

    With sections, two columns per section type follow, in section order: ``section_<type>``
    (the kept attempt's subtotal) and ``section_<type>_max``; blank where the student's paper
    has no such section.
    """
    types = sorted({s["type"] for r in rows for s in r.get("sections") or ()}, key=section_rank)
    header = EXAM_COLUMNS + [name for t in types for name in (f"section_{t}", f"section_{t}_max")]
    table = []
    for r in rows:
        values = [_number(r[k]) if k in ("score", "max_score") else r[k] for k in EXAM_COLUMNS]
        by_type = {s["type"]: s for s in r.get("sections") or ()}
        for t in types:
            found = by_type.get(t)
            values += [_number(found["score"]), _number(found["max_score"])] if found else ["", ""]
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
