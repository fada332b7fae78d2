"""Exam and attempt endpoints of ``/api/v1`` (the exam page uses these for autosave)."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.session import instructor_required, login_required, session_identity
from ..database import reads_first
from ..domain.exams import AttemptStatus
from ..domain.questions import QUESTION_TYPES
from ..errors import abort_with
from ..extensions import db, login_manager
from ..i18n import translate_stored
from ..models import Exam
from ..models.base import utcnow
from ..services import autosave, exam_room
from ..services.attempts import is_overdue, refresh_if_overdue, save_response, start_or_resume, submit
from ..services.exam_access import (allowed_attempts, attempt_for, display_status, effective_minutes, hidden_from,
                                   is_closed, is_open, may_take, review_allowed, user_attempts, visible_exams)
from ..services.exam_payloads import attempt_payload, iso_time
from ..services.exam_errors import ExamError
from ..services import exams as exam_definitions
from . import bp
from .docs import ERROR_SCHEMA, documented
from .helpers import json_object

EXAM_SUMMARY = {"type": "object", "properties": {
    "id": {"type": "integer"}, "title": {"type": "string"},
    "opens_at": {"type": ["string", "null"]}, "closes_at": {"type": ["string", "null"]},
    "time_limit_minutes": {"type": ["integer", "null"]}}}
STATUS_SCHEMA = {"type": "string", "enum": ["draft", "published", "closed"],
                 "description": "draft: only instructors see it (students get 404); published: assigned students "
                                "see it and may start it in its window; closed: ended by a teacher or past closes_at, "
                                "still visible with results as the review policy allows, no new starts"}
EXAM_DETAIL = {"type": "object", "properties": {
    **EXAM_SUMMARY["properties"], "status": STATUS_SCHEMA, "description": {"type": "string"},
    "max_attempts": {"type": ["integer", "null"], "description": "with the user's extra attempts; null = unlimited"},
    "attempts_used": {"type": "integer"}, "can_start": {"type": "boolean"},
    "review_policy": {"type": "string", "enum": ["immediately", "after_close", "never"]}}}
CREATED_EXAM = {"type": "object", "properties": {**EXAM_SUMMARY["properties"], "status": STATUS_SCHEMA}}
# The type list and each type's additions come from the registry (app/domain/questions/): a new
# type documents itself. A case item (an exam's case exercise) is not a bank type but appears here.
QUESTION_SCHEMA = {"type": "object", "description": "A question as the student sees it; never a key.",
                   "properties": {
                       "id": {"type": "string"}, "position": {"type": "integer"},
                       "type": {"type": "string", "enum": [*QUESTION_TYPES, "case"],
                                "description": "; ".join(f"{name}: {t.label}" for name, t in QUESTION_TYPES.items())
                                + "; case: 案例"},
                       "points": {"type": "number"}, "stem_html": {"type": "string"},
                       "options": {"type": "array", "items": {"type": "object", "properties": {
                           "id": {"type": "string"}, "html": {"type": "string"}}}},
                       **{key: schema for question_type in QUESTION_TYPES.values()
                          for key, schema in question_type.view_schema.items()}}}
ATTEMPT_SCHEMA = {"type": "object", "properties": {
    "attempt_id": {"type": "integer"}, "status": {"type": "string", "enum": [s.value for s in AttemptStatus
                                                                        if s is not AttemptStatus.PREPARED]},
    "deadline": {"type": ["string", "null"]}, "responses": {"type": "object"},
    "questions": {"type": "array", "items": QUESTION_SCHEMA, "description": "in paper order (positions 1…n)"},
    "sections": {"type": "array", "description": "a paper in sections (paper_layout sections) only, with the "
                                                 "questions or the results: its sections in paper order",
                 "items": {"type": "object", "properties": {
                     "number": {"type": "integer"}, "type": {"type": "string", "description": "a question type, or case"},
                     "title": {"type": "string"}, "count": {"type": "integer"}, "points": {"type": "number"},
                     "each": {"type": ["number", "null"], "description": "points of every question; null when they differ"},
                     "questions": {"type": "array", "items": {"type": "string"}},
                     "score": {"type": ["number", "null"], "description": "with results: the subtotal (null when the "
                                                                          "section holds a withheld question)"},
                     "pending": {"type": "integer", "description": "with results: items waiting for manual grading"}}}},
    "score": {"type": ["number", "null"]}, "max_score": {"type": "number"}}}
RESPONSE_BODY = {"type": "object", "required": ["response"], "properties": {
    "response": {"description": "; ".join(t.response_example for t in QUESTION_TYPES.values())
                                + "; null clears the answer"},
    "seq": {"type": "integer", "minimum": 0, "description": "per-question sequence number from the client; "
                                                          "a save with a lower number than the stored one is ignored"},
    "flagged": {"type": "boolean"}}}


EXAM_DEFINITION = {"type": "object", "required": ["title"], "properties": {
    "title": {"type": "string", "maxLength": 200}, "description": {"type": "string"},
    "status": dict(STATUS_SCHEMA, default="published",
                   description="left out: published (students see it at once); draft: invisible to students "
                               "until published; any other value: 422"),
    "course": {"type": "string", "default": "crm"},
    "time_limit_minutes": {"type": ["integer", "null"], "minimum": 1, "maximum": 1440},
    "opens_at": {"type": ["string", "null"], "format": "date-time"},
    "closes_at": {"type": ["string", "null"], "format": "date-time"},
    "max_attempts": {"type": "integer", "minimum": 0, "description": "0 = unlimited"},
    "grading_method": {"type": "string", "enum": ["highest", "last", "first"]},
    "review_policy": {"type": "string", "enum": ["immediately", "after_close", "never"]},
    "shuffle_questions": {"type": "boolean"}, "shuffle_options": {"type": "boolean"},
    "paper_layout": {"type": "string", "enum": ["sections", "mixed"], "default": "sections",
                     "description": "sections: one section per question type (一、单选题 …) in a fixed type order, "
                                    "numbered through, shuffled within sections; mixed: one run in draw order"},
    "grace_seconds": {"type": "integer", "minimum": 0, "maximum": 3600},
    "classes": {"type": "array", "items": {"type": "string"}},
    "rules": {"type": "array", "items": {"type": "object"}}, "fixed": {"type": "array", "items": {"type": "object"}},
    "cases": {"type": "array", "items": {"type": "object"}},
    "access_code": {"type": "string", "maxLength": 64, "default": "",
                    "description": "students must type it to start (or to resume from another browser session); "
                                   "empty = no code"},
    "allowed_networks": {"type": "array", "items": {"type": "string"}, "default": [],
                         "description": "CIDR ranges (e.g. 192.168.10.0/24; a bare address is one host) the "
                                        "client address (request.remote_addr, after TRUSTED_PROXIES) must be in "
                                        "to start, open, save, submit or report events; empty = anywhere. "
                                        "A bad entry gives 422 naming it."},
    "single_device": {"type": "boolean", "default": False,
                      "description": "bind each attempt to the first browser session that opens it; another "
                                     "session gets 403 until an instructor releases it in the live monitor"},
    "closed_book": {"type": "boolean", "default": False,
                    "description": "lessons, search, practice and cases are closed to the student while writing"},
    "require_fullscreen": {"type": "boolean", "default": False,
                           "description": "the exam page asks for full screen; leaving it is reported"},
    "focus_warning_after": {"type": "integer", "minimum": 0, "default": 0,
                            "description": "show the student a warning after this many focus losses; 0 = off"}}}
START_BODY = {"type": "object", "properties": {"access_code": {
    "type": "string", "description": "required when the exam has an access code, unless this browser session "
                                     "already gave it for this exam"}}}


def _iso(value):
    return iso_time(value)


def _fail(exc: ExamError):
    body = {"error": str(exc)}
    if exc.details:
        # Details may be the domain's sentences (rule checks): shown in the caller's language.
        body["details"] = [translate_stored(d) if isinstance(d, str) else d for d in exc.details]
    return jsonify(body), exc.status


def _exam_or_404(exam_id: int) -> Exam:
    exam = db.session.get(Exam, exam_id)
    if exam is None or not may_take(exam, current_user):
        abort_with(404, _("找不到该考试"))
    return exam


@bp.route("/exams", methods=["GET"])
@login_required
@documented("Exams open to the current user", responses={200: {"type": "array", "items": EXAM_SUMMARY},
                                                         401: ERROR_SCHEMA})
def list_exams():
    """Exams assigned to the user's classes that have not closed (never a draft for a student)."""
    now = utcnow()
    exams = [e for e in visible_exams(current_user) if not is_closed(e, now)]
    return jsonify([{"id": e.id, "title": e.title, "opens_at": _iso(e.opens_at), "closes_at": _iso(e.closes_at),
                     "time_limit_minutes": effective_minutes(e, current_user)} for e in exams])


@bp.route("/exams", methods=["POST"])
@instructor_required
@documented("Create an exam from a blueprint (instructors)",
            description="Body: the exam definition (title, status (draft | published | closed; left out: "
                        "published), time_limit_minutes, opens_at, closes_at, max_attempts, "
                        "grading_method, review_policy, classes, rules[{chapters, types, tags, difficulty_min, "
                        "difficulty_max, count, points}], fixed[{id, points}], and the exam-room rules access_code, "
                        "allowed_networks, single_device, closed_book, require_fullscreen, focus_warning_after; see "
                        "docs/exam-definition.md). 422 names the rule that cannot be filled or the invalid field.",
            request=EXAM_DEFINITION,
            responses={201: CREATED_EXAM, 400: ERROR_SCHEMA, 403: ERROR_SCHEMA, 422: ERROR_SCHEMA}, csrf=True)
def create_exam():
    """Create an exam; 422 with the reason when a rule cannot be filled."""
    data = json_object()
    try:
        exam = exam_definitions.create_exam(data, current_user)
    except ExamError as exc:
        return _fail(exc)
    return jsonify({"id": exam.id, "title": exam.title, "opens_at": _iso(exam.opens_at),
                    "closes_at": _iso(exam.closes_at), "time_limit_minutes": exam.time_limit_minutes,
                    "status": exam.status}), 201


@bp.route("/exams/<int:exam_id>", methods=["GET"])
@login_required
@documented("One exam assigned to the current user",
            description="404 when the exam does not exist, is not assigned to the user's classes, or is a draft "
                        "(a student is never told that a draft exists). Instructors see every exam.",
            responses={200: EXAM_DETAIL, 401: ERROR_SCHEMA, 404: ERROR_SCHEMA})
def get_exam(exam_id: int):
    """The exam's window, limits, status and whether the user may start an attempt now."""
    exam = _exam_or_404(exam_id)
    attempts = user_attempts(exam, current_user)
    allowed = allowed_attempts(exam, current_user)
    return jsonify({"id": exam.id, "title": exam.title, "description": exam.description or "",
                    "status": display_status(exam), "opens_at": _iso(exam.opens_at), "closes_at": _iso(exam.closes_at),
                    "time_limit_minutes": effective_minutes(exam, current_user), "max_attempts": allowed,
                    "attempts_used": len(attempts), "review_policy": exam.review_policy,
                    "can_start": is_open(exam) and (allowed is None or len(attempts) < allowed)})


@bp.route("/exams/<int:exam_id>/attempts", methods=["POST"])
@login_required
@documented("Start or resume the user's attempt",
            description="The body is optional unless the exam has an access code. 403 when the code is missing or "
                        "wrong (repeated wrong codes: 429), when the client is outside the exam's allowed_networks, "
                        "or when a single_device attempt is bound to another browser session.",
            request=START_BODY,
            responses={200: ATTEMPT_SCHEMA, 201: ATTEMPT_SCHEMA, 400: ERROR_SCHEMA, 403: ERROR_SCHEMA,
                       404: ERROR_SCHEMA, 409: ERROR_SCHEMA, 429: ERROR_SCHEMA}, csrf=True)
@reads_first
def start_attempt(exam_id: int):
    """Start a new attempt or return the open one, with the questions (never a key)."""
    exam = db.session.get(Exam, exam_id)
    if exam is None:
        abort_with(404, _("找不到该考试"))
    data = json_object() if request.data else {}
    try:
        # Not assigned: 404 before any room rule answers (a 403 would tell the exam exists).
        # Without room rules start_or_resume checks it, so it is not queried twice.
        if (exam.access_code or exam.allowed_networks) and not may_take(exam, current_user):
            abort_with(404, _("找不到该考试"))
        exam_room.check_network(exam)
        exam_room.check_access_code(exam, current_user, data.get("access_code"))
        rules = exam_room.RoomRules.of(exam, current_user)
        attempt = start_or_resume(exam, current_user)
        exam_room.guard(attempt, rules)
    except ExamError as exc:
        if exc.status == 404:
            abort_with(404, _("找不到该考试"))
        return _fail(exc)
    return jsonify(attempt_payload(attempt, current_user, with_questions=True))


@bp.route("/attempts/<int:attempt_id>", methods=["GET"])
@login_required
@documented("An attempt's state, saved responses and (where the review policy allows) results",
            description="403 for the owner of an attempt in progress under the exam-room rules (unpublished "
                        "exam, outside allowed_networks, another browser session of a single_device attempt).",
            responses={200: ATTEMPT_SCHEMA, 403: ERROR_SCHEMA, 404: ERROR_SCHEMA})
def get_attempt(attempt_id: int):
    """The attempt; auto-submitted first if its time ran out."""
    try:
        attempt = attempt_for(attempt_id, current_user)
        if attempt.status == AttemptStatus.IN_PROGRESS and attempt.user_id == current_user.id:
            exam_room.guard_attempt(attempt, current_user)  # it carries the questions (a draft: paused, 403)
        elif hidden_from(attempt.exam, current_user):  # a finished attempt of an exam back to draft
            abort_with(404, _("找不到该答卷"))
    except ExamError as exc:
        return _fail(exc)
    refresh_if_overdue(attempt)
    payload = attempt_payload(attempt, current_user, with_questions=request.args.get("questions") == "1")
    for result in payload.get("results", []):  # graders store Chinese feedback: in the caller's language
        if result.get("feedback"):
            result["feedback"] = translate_stored(result["feedback"])
    return jsonify(payload)


@bp.route("/attempts/<int:attempt_id>/answers/<question_id>", methods=["PUT"])
@documented("Save one answer (autosave)",
            description="Saved durably before the reply. 409 after submission or after the deadline plus grace; "
                        "403 (answer not saved, nothing lost) while the exam is unpublished, from outside its "
                        "allowed_networks, or from another browser session of a single_device attempt.",
            request=RESPONSE_BODY,
            responses={200: {"type": "object", "properties": {"saved_at": {"type": "string"}, "seq": {"type": "integer"},
                                                              "stale": {"type": "boolean"}}},
                       400: ERROR_SCHEMA, 403: ERROR_SCHEMA, 404: ERROR_SCHEMA, 409: ERROR_SCHEMA,
                       422: ERROR_SCHEMA}, csrf=True)
@reads_first
def save_answer(attempt_id: int, question_id: str):
    """Store a response; stale sequence numbers never overwrite newer answers."""
    # Not @login_required: the fast path checks the session's user (and that the account is
    # active) in the same query that finds the item, instead of loading the user first.
    user_id, session_version = session_identity() or (None, 0)
    if user_id is None and not current_user.is_authenticated:
        return login_manager.unauthorized()
    try:
        response, seq, flagged = save_fields(json_object())
    except BadSaveBody as exc:
        abort_with(400, str(exc.message))
    if user_id is not None:
        fast = autosave.save_fast(attempt_id, question_id, user_id, response, seq, flagged,
                                  exam_room.current_request(), session_version=session_version)
        if fast is not None:
            return jsonify(saved_response(fast))
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    try:
        attempt = attempt_for(attempt_id, current_user)
        # Ownership, the exam room and the save rules: the same checks as the fast path's.
        result = save_response(attempt, question_id, response, seq, flagged, user=current_user)
    except ExamError as exc:
        return _fail(exc)
    return jsonify(saved_response(result))


class BadSaveBody(ValueError):
    """A save's JSON body lacks a field or has one of the wrong type (400)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message  # lazy: translated when shown


def save_fields(data: dict) -> tuple:
    """(response, seq, flagged) of a save's JSON object, or :class:`BadSaveBody`.

    Shared by the view and the autosave door (:mod:`app.api.save_door`), which runs outside a request.
    """
    if "response" not in data:
        raise BadSaveBody(_l("缺少字段 response"))
    seq = data.get("seq")
    if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int) or seq < 0 or seq > 2**31):
        raise BadSaveBody(_l("字段 seq 必须是非负整数"))
    flagged = data.get("flagged")
    if flagged is not None and not isinstance(flagged, bool):
        raise BadSaveBody(_l("字段 flagged 必须是 true 或 false"))
    return data["response"], seq, flagged


def saved_response(result) -> dict:
    """The reply to a save (a :class:`~app.services.attempts.SaveResult`)."""
    return {"saved_at": _iso(result.saved_at), "seq": result.seq, "stale": result.stale}


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@login_required
@documented("Submit (idempotent)",
            responses={200: {"type": "object", "properties": {"score": {"type": "number"}, "max_score": {"type": "number"},
                                                              "submitted": {"type": "boolean"}}},
                       403: ERROR_SCHEMA, 404: ERROR_SCHEMA}, csrf=True)
@reads_first
def submit_attempt(attempt_id: int):
    """Submit and grade once; the score only where the review policy allows."""
    try:
        attempt = attempt_for(attempt_id, current_user)
        if attempt.user_id != current_user.id:
            raise ExamError(_("只能提交自己的答卷"), 404)
        if attempt.status == AttemptStatus.IN_PROGRESS:  # a repeated submit of a finished attempt stays idempotent
            exam_room.guard_attempt(attempt, current_user)
    except ExamError as exc:
        return _fail(exc)
    attempt = submit(attempt, auto=is_overdue(attempt))
    if review_allowed(attempt, current_user):
        return jsonify(score=attempt.score, max_score=attempt.max_score, submitted=True,
                       partially_graded=attempt.needs_manual)
    return jsonify(submitted=True)
