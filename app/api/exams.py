"""Exam and attempt endpoints of ``/api/v1`` (the exam page uses these for autosave)."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from ..auth.session import instructor_required, login_required, session_identity
from ..database import reads_first
from ..errors import abort_with
from ..extensions import db, login_manager
from ..models import Exam
from ..services import autosave
from ..services import exams as svc
from . import bp
from .docs import ERROR_SCHEMA, documented
from .helpers import json_object

EXAM_SUMMARY = {"type": "object", "properties": {
    "id": {"type": "integer"}, "title": {"type": "string"},
    "opens_at": {"type": ["string", "null"]}, "closes_at": {"type": ["string", "null"]},
    "time_limit_minutes": {"type": ["integer", "null"]}}}
QUESTION_SCHEMA = {"type": "object", "description": "A question as the student sees it; never a key.",
                   "properties": {
                       "id": {"type": "string"}, "position": {"type": "integer"},
                       "type": {"type": "string", "enum": ["single", "multiple", "true_false", "ordering", "numeric",
                                                           "fill_blank", "matching", "essay"]},
                       "points": {"type": "number"}, "stem_html": {"type": "string"},
                       "options": {"type": "array", "items": {"type": "object", "properties": {
                           "id": {"type": "string"}, "html": {"type": "string"}}}},
                       "items": {"type": "array", "description": "ordering: the items to put in order"},
                       "left": {"type": "array", "items": {"type": "string"}, "description": "matching: left items"},
                       "choices": {"type": "array", "items": {"type": "string"}, "description": "matching: right choices"},
                       "blanks": {"type": "integer", "description": "fill_blank: number of blanks"},
                       "unit": {"type": "string", "description": "numeric: unit"}}}
ATTEMPT_SCHEMA = {"type": "object", "properties": {
    "attempt_id": {"type": "integer"}, "status": {"type": "string", "enum": ["in_progress", "submitted"]},
    "deadline": {"type": ["string", "null"]}, "responses": {"type": "object"},
    "questions": {"type": "array", "items": QUESTION_SCHEMA},
    "score": {"type": ["number", "null"]}, "max_score": {"type": "number"}}}
RESPONSE_BODY = {"type": "object", "required": ["response"], "properties": {
    "response": {"description": "single \"B\"; multiple [\"A\",\"D\"]; true_false false; ordering [\"B\",\"A\"]; "
                                "numeric 26000 or \"2.6万\"; fill_blank [\"…\"]; matching {\"left\": \"right\"}; essay \"text\"; "
                                "null clears the answer"},
    "seq": {"type": "integer", "minimum": 0, "description": "per-question sequence number from the client; "
                                                          "a save with a lower number than the stored one is ignored"},
    "flagged": {"type": "boolean"}}}


def _iso(value):
    return svc._iso(value)


def _fail(exc: svc.ExamError):
    body = {"error": str(exc)}
    if exc.details:
        body["details"] = exc.details
    return jsonify(body), exc.status


def _exam_or_404(exam_id: int) -> Exam:
    exam = db.session.get(Exam, exam_id)
    if exam is None or not svc.may_take(exam, current_user):
        abort_with(404, "找不到该考试")
    return exam


@bp.route("/exams", methods=["GET"])
@login_required
@documented("Exams open to the current user", responses={200: {"type": "array", "items": EXAM_SUMMARY},
                                                         401: ERROR_SCHEMA})
def list_exams():
    """Exams assigned to the user's classes that have not closed."""
    now = svc.utcnow()
    exams = [e for e in svc.visible_exams(current_user) if e.closes_at is None or e.closes_at > now]
    return jsonify([{"id": e.id, "title": e.title, "opens_at": _iso(e.opens_at), "closes_at": _iso(e.closes_at),
                     "time_limit_minutes": svc.effective_minutes(e, current_user)} for e in exams])


@bp.route("/exams", methods=["POST"])
@instructor_required
@documented("Create an exam from a blueprint (instructors)",
            description="Body: the exam definition (title, time_limit_minutes, opens_at, closes_at, max_attempts, "
                        "grading_method, review_policy, classes, rules[{chapters, types, tags, difficulty_min, "
                        "difficulty_max, count, points}], fixed[{id, points}]). 422 names the rule that cannot be filled.",
            request={"type": "object", "required": ["title"]},
            responses={201: EXAM_SUMMARY, 400: ERROR_SCHEMA, 403: ERROR_SCHEMA, 422: ERROR_SCHEMA}, csrf=True)
def create_exam():
    """Create an exam; 422 with the reason when a rule cannot be filled."""
    data = json_object()
    try:
        exam = svc.create_exam(data, current_user)
    except svc.ExamError as exc:
        return _fail(exc)
    return jsonify({"id": exam.id, "title": exam.title, "opens_at": _iso(exam.opens_at),
                    "closes_at": _iso(exam.closes_at), "time_limit_minutes": exam.time_limit_minutes}), 201


@bp.route("/exams/<int:exam_id>/attempts", methods=["POST"])
@login_required
@documented("Start or resume the user's attempt",
            responses={200: ATTEMPT_SCHEMA, 201: ATTEMPT_SCHEMA, 404: ERROR_SCHEMA, 409: ERROR_SCHEMA}, csrf=True)
@reads_first
def start_attempt(exam_id: int):
    """Start a new attempt or return the open one, with the questions (never a key)."""
    exam = db.session.get(Exam, exam_id)
    if exam is None:
        abort_with(404, "找不到该考试")
    try:
        attempt = svc.start_or_resume(exam, current_user)
    except svc.ExamError as exc:
        if exc.status == 404:  # not assigned: start_or_resume checks it, so it is not queried twice
            abort_with(404, "找不到该考试")
        return _fail(exc)
    return jsonify(svc.attempt_payload(attempt, current_user, with_questions=True))


@bp.route("/attempts/<int:attempt_id>", methods=["GET"])
@login_required
@documented("An attempt's state, saved responses and (where the review policy allows) results",
            responses={200: ATTEMPT_SCHEMA, 404: ERROR_SCHEMA})
def get_attempt(attempt_id: int):
    """The attempt; auto-submitted first if its time ran out."""
    try:
        attempt = svc.attempt_for(attempt_id, current_user)
    except svc.ExamError as exc:
        return _fail(exc)
    svc.refresh_if_overdue(attempt)
    return jsonify(svc.attempt_payload(attempt, current_user, with_questions=request.args.get("questions") == "1"))


@bp.route("/attempts/<int:attempt_id>/answers/<question_id>", methods=["PUT"])
@documented("Save one answer (autosave)",
            description="Saved durably before the reply. 409 after submission or after the deadline plus grace.",
            request=RESPONSE_BODY,
            responses={200: {"type": "object", "properties": {"saved_at": {"type": "string"}, "seq": {"type": "integer"},
                                                              "stale": {"type": "boolean"}}},
                       400: ERROR_SCHEMA, 404: ERROR_SCHEMA, 409: ERROR_SCHEMA, 422: ERROR_SCHEMA}, csrf=True)
@reads_first
def save_answer(attempt_id: int, question_id: str):
    """Store a response; stale sequence numbers never overwrite newer answers."""
    # Not @login_required: the fast path checks the session's user (and that the account is
    # active) in the same query that finds the item, instead of loading the user first.
    user_id, session_version = session_identity() or (None, 0)
    if user_id is None and not current_user.is_authenticated:
        return login_manager.unauthorized()
    data = json_object()
    if "response" not in data:
        abort_with(400, "缺少字段 response")
    seq = data.get("seq")
    if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int) or seq < 0 or seq > 2**31):
        abort_with(400, "字段 seq 必须是非负整数")
    flagged = data.get("flagged")
    if flagged is not None and not isinstance(flagged, bool):
        abort_with(400, "字段 flagged 必须是 true 或 false")
    if user_id is not None:
        fast = autosave.save_fast(attempt_id, question_id, user_id, data["response"], seq, flagged,
                                  session_version=session_version)
        if fast is not None:
            return jsonify(saved_at=_iso(fast.saved_at), seq=fast.seq, stale=False)
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    try:
        attempt = svc.attempt_for(attempt_id, current_user)
        if attempt.user_id != current_user.id:
            raise svc.ExamError("只能修改自己的答卷", 404)
        result = svc.save_response(attempt, question_id, data["response"], seq, flagged)
    except svc.ExamError as exc:
        return _fail(exc)
    return jsonify(saved_at=_iso(result.saved_at), seq=result.seq, stale=result.stale)


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@login_required
@documented("Submit (idempotent)",
            responses={200: {"type": "object", "properties": {"score": {"type": "number"}, "max_score": {"type": "number"},
                                                              "submitted": {"type": "boolean"}}},
                       404: ERROR_SCHEMA}, csrf=True)
@reads_first
def submit_attempt(attempt_id: int):
    """Submit and grade once; the score only where the review policy allows."""
    try:
        attempt = svc.attempt_for(attempt_id, current_user)
        if attempt.user_id != current_user.id:
            raise svc.ExamError("只能提交自己的答卷", 404)
    except svc.ExamError as exc:
        return _fail(exc)
    attempt = svc.submit(attempt, auto=svc.is_overdue(attempt))
    if svc.review_allowed(attempt, current_user):
        return jsonify(score=attempt.score, max_score=attempt.max_score, submitted=True,
                       partially_graded=attempt.needs_manual)
    return jsonify(submitted=True)
