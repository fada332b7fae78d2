"""Item statistics page of an exam (题目分析): summary, charts, per-question table, distractors."""

from __future__ import annotations

from flask import abort, render_template, request

from ..domain.questions import QUESTION_TYPES
from ..extensions import db
from ..models import Exam
from ..services.gradebook import settle_overdue
from ..services.item_statistics import exam_report
from .routes import bp


@bp.route("/exams/<int:exam_id>/statistics")
def exam_statistics(exam_id: int):
    """Facility, discrimination, point-biserial, flags and distractors; ``?which=all`` uses every attempt."""
    exam = db.session.get(Exam, exam_id) or abort(404)
    settle_overdue()
    report = exam_report(exam, request.args.get("which", "kept"))
    type_labels = {name: t.label for name, t in QUESTION_TYPES.items()}
    chart = {
        "histogram": [b.to_dict() for b in report.stats.exam.histogram],
        "scatter": [{"x": q.facility, "y": q.discrimination, "id": q.id} for q in report.stats.questions
                    if q.facility is not None and q.discrimination is not None],
    }
    return render_template("instructor/statistics.html", exam=exam, report=report, stats=report.stats,
                           type_labels=type_labels, chart=chart)
