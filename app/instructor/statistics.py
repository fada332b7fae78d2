"""Item statistics page of an exam (题目分析): summary, charts, per-question table, distractors."""

from __future__ import annotations

from flask import abort, render_template, request

from ..domain.questions import QUESTION_TYPES
from ..extensions import db
from ..models import Exam, Question
from ..question_types import type_label
from ..services.gradebook import settle_overdue
from ..services.item_statistics import exam_report, question_across_exams
from .gradebook import paginate_list
from .routes import bp

QUESTIONS_PER_PAGE = 30


@bp.route("/exams/<int:exam_id>/statistics")
def exam_statistics(exam_id: int):
    """Facility, discrimination, point-biserial, flags and distractors.

    ``which=all`` uses every submitted attempt; ``flagged=1`` lists only questions with a flag other
    than "few responses"; the question table is paginated (random draws can bring in the whole bank).
    """
    exam = db.session.get(Exam, exam_id) or abort(404)
    settle_overdue()
    report = exam_report(exam, request.args.get("which", "kept"))
    type_labels = {name: type_label(name) for name in QUESTION_TYPES}
    chart = {
        "histogram": [b.to_dict() for b in report.stats.exam.histogram],
        "scatter": [{"x": q.facility, "y": q.discrimination, "id": q.id} for q in report.stats.questions
                    if q.facility is not None and q.discrimination is not None],
    }
    flagged = request.args.get("flagged") == "1"
    questions = [q for q in report.stats.questions
                 if not flagged or any(f.code != "few_responses" for f in q.flags)]
    return render_template("instructor/statistics.html", exam=exam, report=report, stats=report.stats,
                           type_labels=type_labels, chart=chart, flagged=flagged,
                           page=paginate_list(questions, QUESTIONS_PER_PAGE))


@bp.route("/bank/<qid>/statistics")
def question_statistics(qid: str):
    """One question's facility, discrimination and flags in every exam that used it."""
    question = db.session.scalar(db.select(Question).where(Question.qid == qid)) or abort(404)
    settle_overdue()
    rows = question_across_exams(qid, request.args.get("which", "kept"))
    return render_template("instructor/statistics_question.html", question=question, rows=rows)
