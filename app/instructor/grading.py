"""Manual grading pages: the overview of essays waiting, a queue per exam, saving one grade.

Queue options travel in the query string: ``question`` (one question id), ``anonymous=1``
(hide names: each answer is labelled by a code derived from the queue hash), ``graded=1``
(review or change grades already given) and ``page``.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import AttemptItem, Exam
from ..domain.questions.essay import rubric_total
from ..cases.view import grading_view
from ..domain.cases import grade
from ..services import case_items, case_rubric
from ..services.cases import case_title
from ..services import grading as svc
from ..services.review import describe_response
from ..services.rendering import html
from .gradebook import paginate_list
from .routes import bp

ITEMS_PER_PAGE = 10
QUEUE_ARGS = ("question", "anonymous", "graded", "page")


def qid_label(qid: str) -> str:
    """How a queue names a question: its id, or a case item's title (a case's qid is internal)."""
    return case_title(qid[len(case_items.CASE_PREFIX):]) if qid.startswith(case_items.CASE_PREFIX) else qid


def _queue_args(source) -> dict[str, str]:
    """The queue's options from ``source`` (query string or form), without empty ones."""
    return {k: source.get(k) for k in QUEUE_ARGS if source.get(k)}


@bp.route("/grading")
def grading_index():
    """Exams and questions with essays to grade."""
    return render_template("instructor/grading_index.html", page=paginate_list(svc.overview(), 25),
                           case_queues=case_rubric.work_overview(), case_title=case_title, qid_label=qid_label)


def _case_entry(item: AttemptItem, student) -> dict:
    """A written case task: its answers and rubric (automatic criteria scored, the rest to score)."""
    variant = case_items.variant_for(item)
    result = grade(variant, item.response if isinstance(item.response, dict) else {},
                   case_rubric.item_manual(item)).to_dict()
    return {"item": item, "student": student, "code": svc.order_key(item.attempt_id, item.qid)[:6].upper(),
            "case": grading_view(variant, item.response if isinstance(item.response, dict) else {}, result,
                                 item.manual_comment, f"i{item.id}-")}


def _entry(item: AttemptItem, student) -> dict:
    data = item.version.data
    if case_items.is_case_data(data):
        return _case_entry(item, student)
    rubric = data.get("rubric") or []
    return {
        "item": item, "student": student, "code": svc.order_key(item.attempt_id, item.qid)[:6].upper(),
        "stem_html": html(data.get("stem", "")),
        "rubric": rubric if isinstance(rubric, list) else [rubric],
        "answer": describe_response(data, item.response),
        "bank_points": data.get("points", 1),
        # The rubric's own total when it names one that differs from this item's points.
        "rubric_total": total if (total := rubric_total(rubric)) is not None and abs(total - item.points) > 1e-9
        else None,
    }


def _render_queue(exam: Exam, args: dict, error_item: int | None = None, error: str | None = None,
                  values: dict | None = None, status: int = 200):
    graded = args.get("graded") == "1"
    items = svc.queue(exam, args.get("question") or None, graded=graded)
    page = paginate_list(items, ITEMS_PER_PAGE)
    users = svc.students_of(page.items)
    entries = [_entry(item, users.get(item.attempt.user_id)) for item in page.items]
    questions = sorted({s.qid for s in svc.overview() if s.exam.id == exam.id})
    return render_template("instructor/grading_queue.html", exam=exam, entries=entries, page=page, args=args,
                           anonymous=args.get("anonymous") == "1", graded=graded, questions=questions, qid_label=qid_label,
                           error_item=error_item, error=error, values=values or {}), status


@bp.route("/grading/exams/<int:exam_id>")
def grading_queue(exam_id: int):
    """Essays of one exam in a stable pseudo-random order, with rubric, answer and a grade form."""
    exam = db.session.get(Exam, exam_id) or abort(404)
    return _render_queue(exam, _queue_args(request.args))


@bp.route("/grading/items/<int:item_id>", methods=["POST"])
def grade_item(item_id: int):
    """Save one grade; on bad input show the queue again with the message and nothing saved."""
    item = svc.essay_item(item_id) or abort(404)
    exam = item.attempt.exam
    args = _queue_args(request.form)
    try:
        if case_items.is_case_item(item):
            case_rubric.grade_item(item, case_items.variant_for(item), request.form, current_user)
        else:
            svc.save_grade(item, request.form.get("score"), request.form.get("comment"), current_user)
    except (svc.GradingError, case_rubric.RubricError) as exc:
        db.session.rollback()
        return _render_queue(exam, args, item_id, str(exc), dict(request.form), status=getattr(exc, "status", 422))
    flash(_("已保存评分：%(score)s / %(points)s 分。", score=f"{item.score:g}", points=f"{item.points:g}"), "success")
    # A graded essay leaves the pending queue, so the same page now shows the next one.
    target = url_for("instructor.grading_queue", exam_id=exam.id, **args)
    if args.get("graded") == "1":
        target += f"#item-{item.id}"
    return redirect(target)
