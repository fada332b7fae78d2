"""Exam pages: the list, an exam's start page, taking an attempt, and the review."""

from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, session,
                   url_for)
from flask_wtf.csrf import generate_csrf
from flask_login import current_user

from ..auth.session import login_required, session_accepts, session_identity
from ..database import reads_first
from ..domain.exams import AttemptStatus
from ..errors import abort_with
from ..extensions import db, login_manager
from ..models import Exam
from ..services import exam_room
from ..services.attempts import is_overdue, refresh_if_overdue, start_or_resume
from ..services.exam_access import (CLOSED, allowed_attempts, attempt_for, effective_minutes, hidden_from, is_open,
                                    may_take, review_allowed, user_attempts, visible_exams)
from ..services.exam_payloads import attempt_payload, item_rows, own_page_reads
from ..services.scoring import kept_score
from ..services.exam_errors import ExamError
from ..services.review import review_rows, review_sections
from . import page as exam_page

bp = Blueprint("exams", __name__)


@bp.route("/")
@login_required
def index():
    """Exams assigned to the student, with their attempts."""
    rows = []
    for exam in visible_exams(current_user):
        attempts = user_attempts(exam, current_user)
        rows.append({"exam": exam, "attempts": attempts, "open": is_open(exam), "ended": exam.status == CLOSED,
                     "minutes": effective_minutes(exam, current_user),
                     "kept": kept_score(exam, current_user) if attempts and any(
                         review_allowed(a, current_user) for a in attempts) else None})
    return render_template("exams/index.html", rows=rows)


def _exam_or_404(exam_id: int) -> Exam:
    exam = db.session.get(Exam, exam_id)
    if exam is None or not may_take(exam, current_user):
        abort(404)
    return exam


@bp.route("/<int:exam_id>")
@login_required
def detail(exam_id: int):
    """An exam's rules and the start button."""
    exam = _exam_or_404(exam_id)
    attempts = user_attempts(exam, current_user)
    allowed = allowed_attempts(exam, current_user)
    in_progress = next((a for a in attempts if a.status == AttemptStatus.IN_PROGRESS and not is_overdue(a)), None)
    return render_template("exams/detail.html", exam=exam, attempts=attempts, allowed=allowed,
                           in_progress=in_progress, minutes=effective_minutes(exam, current_user),
                           can_start=is_open(exam) and (allowed is None or len(attempts) < allowed),
                           review_allowed=lambda a: review_allowed(a, current_user),
                           needs_code=bool(exam.access_code) and not current_user.is_instructor
                           and exam.id not in session.get(exam_room.SESSION_CODES, []))


@bp.route("/<int:exam_id>/start", methods=["POST"])
@login_required
@reads_first
def start(exam_id: int):
    """Start or resume, then go to the attempt page."""
    exam = _exam_or_404(exam_id)
    try:
        exam_room.check_network(exam)
        exam_room.check_access_code(exam, current_user, request.form.get("access_code", ""))
        rules = exam_room.RoomRules.of(exam, current_user)
        attempt = start_or_resume(exam, current_user)
        exam_room.guard(attempt, rules)
    except ExamError as exc:
        flash(str(exc), "error")
        return redirect(url_for("exams.detail", exam_id=exam_id))
    return redirect(url_for("exams.take", attempt_id=attempt.id))


def _own_attempt(attempt_id: int, light: bool = False):
    try:
        attempt = attempt_for(attempt_id, current_user, light)
    except ExamError:
        abort(404)
    if attempt.user_id != current_user.id and not current_user.is_instructor:
        abort(404)
    return attempt


@bp.route("/attempts/<int:attempt_id>")
def take(attempt_id: int):
    """The exam page: questions, countdown, navigator and autosave (static/js/exam.js)."""
    # Not @login_required: a student's page on their own open attempt reads the attempt, its exam
    # and the session's user as one Core row and applies the user loader's rule itself; the
    # ORM user load cost about a fifth of the page. Everything else takes the full path.
    found = _student_page(attempt_id)
    if found is not None:
        return _page(*found)
    return _take(attempt_id)


def _student_page(attempt_id: int):
    """(attempt, user, items) for a student's own attempt in progress, read without the ORM; None:
    the full path decides (no session, a session the user loader refuses, an instructor,
    somebody else's or a missing attempt, a finished or overdue one, a pending flash message)."""
    identity = session_identity()
    if identity is None or "_flashes" in session:  # the flash goes through base.html, which reads current_user
        return None
    # What Flask-Login does before its user loader: "basic" marks a session from another address
    # or browser as not fresh; "strong" ends it (then the full path finds nobody logged in).
    if login_manager._session_protection_failed():
        return None

    def accept(attempt, user) -> bool:
        return (session_accepts(user, identity[1]) and not user.is_instructor and attempt.user_id == user.id
                and attempt.status == AttemptStatus.IN_PROGRESS and not is_overdue(attempt))

    return own_page_reads(attempt_id, identity[0], accept)


@login_required
def _take(attempt_id: int):
    # A student's page only reads: the attempt and exam as one Core row. An instructor's state
    # carries results, read through the ORM relationships.
    attempt = refresh_if_overdue(_own_attempt(attempt_id, light=not current_user.is_instructor))
    if attempt.status != AttemptStatus.IN_PROGRESS or attempt.user_id != current_user.id:
        return redirect(url_for("exams.review", attempt_id=attempt.id))
    return _page(attempt, current_user)


def _page(attempt, user, items=None):
    """The page for ``user``'s own attempt in progress (``user``: the ORM user or a PageUser;
    ``items``: the attempt's item rows, if read already)."""
    try:
        exam_room.guard_attempt(attempt, user)
    except ExamError as exc:
        abort_with(exc.status, str(exc))
    if items is None:
        items = item_rows(attempt.id)  # read once, without ORM objects, for the state and the paper
    minutes = effective_minutes(attempt.exam, user)
    exam = attempt.exam
    proctor = {"attempt_id": attempt.id, "require_fullscreen": exam.require_fullscreen,
               "warn_after": exam.focus_warning_after or 0,
               "focus_lost": exam_room.focus_losses(attempt) if exam.focus_warning_after else 0}
    etag = None
    if exam_page.conditional_enabled():
        generate_csrf()  # the session's CSRF secret is part of the ETag
        etag = exam_page.page_etag(attempt, items, user, minutes, proctor)
        # A reload of an unchanged page. Weak comparison (RFC 9110): nginx's gzip turns the tag into W/"…".
        if request.if_none_match.contains_weak(etag) and "_flashes" not in session:
            return _cacheable(current_app.response_class(status=304), etag)
    state = attempt_payload(attempt, user, items=items)
    # Assembled from cached per-question HTML: rendering every question per request dominated the cost.
    body = exam_page.render_body(attempt, state, minutes, items)
    response = make_response(exam_page.render_page(attempt, body, proctor, user))
    return _cacheable(response, etag) if etag else response


def _cacheable(response, etag: str):
    # The browser keeps its own copy (private: never a shared cache) and asks every time (no-cache).
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/attempts/<int:attempt_id>/review")
@login_required
def review(attempt_id: int):
    """The submitted attempt: score, answers and explanations as the review policy allows."""
    attempt = _own_attempt(attempt_id)
    refresh_if_overdue(attempt)
    if attempt.status == AttemptStatus.IN_PROGRESS and attempt.user_id == current_user.id:
        return redirect(url_for("exams.take", attempt_id=attempt.id))
    if hidden_from(attempt.exam, current_user):  # the exam went back to a draft: it does not exist for students
        abort(404)
    allowed = review_allowed(attempt, current_user)
    rows = review_rows(attempt, current_user) if allowed else []
    sections = review_sections(attempt, rows) if allowed else []
    return render_template("exams/review.html", attempt=attempt, allowed=allowed, rows=rows, sections=sections)
