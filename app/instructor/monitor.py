"""Live monitoring of an exam: progress per student, extend an attempt's time, close an attempt.

The page refreshes its table every 20 seconds from ``?fragment=1`` (just the table).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import Attempt, Exam
from ..models.base import utcnow
from ..services import exam_room
from ..services import monitor as svc
from ..services.exams import ExamError
from ..services.gradebook import settle_overdue
from .gradebook import paginate_list
from .routes import bp

ROWS_PER_PAGE = 50


@bp.route("/exams/<int:exam_id>/monitor")
def exam_monitor(exam_id: int):
    """Who has started, answered count, last save, time left and status."""
    exam = db.session.get(Exam, exam_id) or abort(404)
    settle_overdue()
    rows = svc.monitor_rows(exam)
    page = paginate_list(rows, ROWS_PER_PAGE)
    template = "instructor/monitor_table.html" if request.args.get("fragment") == "1" else "instructor/monitor.html"
    return render_template(template, exam=exam, page=page, counts=svc.summary(rows),
                           status_labels=svc.STATUS_LABELS, now=utcnow())


def _attempt_or_404(exam_id: int, attempt_id: int) -> tuple[Exam, Attempt]:
    exam = db.session.get(Exam, exam_id) or abort(404)
    attempt = svc.exam_attempt(exam, attempt_id) or abort(404)
    return exam, attempt


def _back(exam: Exam):
    return redirect(url_for("instructor.exam_monitor", exam_id=exam.id, page=request.form.get("page") or None))


@bp.route("/exams/<int:exam_id>/monitor/attempts/<int:attempt_id>/extend", methods=["POST"])
def extend_attempt(exam_id: int, attempt_id: int):
    """Add minutes to one attempt's deadline."""
    exam, attempt = _attempt_or_404(exam_id, attempt_id)
    try:
        minutes = svc.parse_minutes(request.form.get("minutes"))
        svc.extend_time(attempt, minutes, current_user)
    except ExamError as exc:
        flash(str(exc), "error")
    else:
        flash(_("已为该答卷延长 %(m)d 分钟。", m=minutes), "success")
    return _back(exam)


@bp.route("/exams/<int:exam_id>/monitor/attempts/<int:attempt_id>/close", methods=["POST"])
def close_attempt(exam_id: int, attempt_id: int):
    """Submit an open attempt on the student's behalf."""
    exam, attempt = _attempt_or_404(exam_id, attempt_id)
    try:
        svc.close_attempt(attempt, current_user)
    except ExamError as exc:
        flash(str(exc), "error")
    else:
        flash(_("答卷已收卷并评分。"), "success")
    return _back(exam)


@bp.route("/exams/<int:exam_id>/monitor/attempts/<int:attempt_id>/release-device", methods=["POST"])
def release_device(exam_id: int, attempt_id: int):
    """Let a single-device attempt move to another device (the next one to open it binds)."""
    exam, attempt = _attempt_or_404(exam_id, attempt_id)
    try:
        exam_room.release_device(attempt, current_user)
    except ExamError as exc:
        flash(str(exc), "error")
    else:
        flash(_("已允许该学生更换设备：下一台打开答卷的设备将被绑定。"), "success")
    return _back(exam)
