"""Exam-room endpoints of ``/api/v1``: proctoring events from the exam page, the live monitor as JSON."""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.session import instructor_required, login_required
from ..database import reads_first
from ..domain.exams import AttemptStatus
from ..domain.exams.room import EVENT_KINDS
from ..errors import abort_with
from ..extensions import db
from ..models import Exam
from ..services import exam_room, monitor
from ..services.attempts import is_overdue
from ..services.exam_access import attempt_for
from ..services.exam_payloads import iso_time
from ..services.exam_errors import ExamError
from ..services.gradebook import settle_overdue
from . import bp
from .docs import ERROR_SCHEMA, documented
from .helpers import json_object

EVENT_BODY = {"type": "object", "required": ["kind"], "properties": {
    "kind": {"type": "string", "enum": list(EVENT_KINDS)}}}
EVENT_COUNTS = {"type": "object", "properties": {k: {"type": "integer"} for k in EVENT_KINDS}}
MONITOR_ROW = {"type": "object", "properties": {
    "attempt_id": {"type": "integer"}, "number": {"type": "integer"},
    "status": {"type": "string", "enum": [s.value for s in AttemptStatus]},
    "state": {"type": "string", "enum": list(monitor.STATUS_LABELS),
              "description": "in_progress, time_up (deadline passed, not yet settled), submitted or needs_grading"},
    "student": {"type": "object", "properties": {
        "id": {"type": "integer"}, "username": {"type": "string"}, "full_name": {"type": "string"},
        "student_number": {"type": "string"}}},
    "user_id": {"type": "integer"}, "username": {"type": "string"}, "full_name": {"type": "string"},
    "student_number": {"type": "string"},
    "started_at": {"type": "string"}, "deadline": {"type": ["string", "null"]},
    "submitted_at": {"type": ["string", "null"]}, "answered": {"type": "integer"}, "questions": {"type": "integer"},
    "device_bound": {"type": "boolean", "description": "a single_device attempt is bound to a browser session"},
    "events": EVENT_COUNTS,
    **{k: {"type": "integer", "description": "the same count as events." + k} for k in EVENT_KINDS},
    "last_event_at": {"type": ["string", "null"]},
    "event_times": {"type": "array", "description": "the last 20 events, newest first",
                    "items": {"type": "object", "properties": {"kind": {"type": "string"}, "at": {"type": "string"}}}}}}


@bp.route("/attempts/<int:attempt_id>/events", methods=["POST"])
@login_required
@documented("Report a proctoring signal from the exam page",
            description="Kinds: focus_lost (the page was left or lost focus), focus_back, fullscreen_exit, paste. "
                        "Signals for the proctor (live monitor), never penalties. 404 not the owner's attempt; 400 "
                        "unknown kind; 409 submitted or past the deadline; 403 under the exam-room rules; 429 "
                        "once 500 events are stored for the attempt (not stored).",
            request=EVENT_BODY,
            responses={201: {"type": "object", "properties": {"kind": {"type": "string"}, "at": {"type": "string"},
                                                              "count": {"type": "integer",
                                                                        "description": "events of this kind so far"}}},
                       400: ERROR_SCHEMA, 403: ERROR_SCHEMA, 404: ERROR_SCHEMA, 409: ERROR_SCHEMA, 429: ERROR_SCHEMA},
            csrf=True)
@reads_first
def attempt_event(attempt_id: int):
    """Store one event of the user's own open attempt."""
    try:
        attempt = attempt_for(attempt_id, current_user)
        if attempt.user_id != current_user.id:  # not even a 400 tells another user's attempt exists
            raise ExamError(_("找不到该答卷"), 404)
    except ExamError as exc:
        return jsonify(error=str(exc)), exc.status
    kind = json_object().get("kind")
    if not isinstance(kind, str) or kind not in EVENT_KINDS:
        abort_with(400, _("字段 kind 必须是以下之一：%(k)s", k=", ".join(EVENT_KINDS)))
    try:
        if attempt.status == AttemptStatus.IN_PROGRESS and not is_overdue(attempt):
            exam_room.guard_attempt(attempt, current_user)
        at, count = exam_room.record_event(attempt, kind)
    except ExamError as exc:
        return jsonify(error=str(exc)), exc.status
    return jsonify(kind=kind, at=iso_time(at), count=count), 201


@bp.route("/exams/<int:exam_id>/monitor", methods=["GET"])
@instructor_required
@documented("The live monitor of an exam (instructors)",
            description="Every attempt of the exam, in progress and done: the student, status, times, answered "
                        "count, whether a single_device attempt is bound, and the proctoring signals, counted "
                        "both under `events` and flat on the row (`focus_lost`, `focus_back`, `fullscreen_exit`, "
                        "`paste`), with the last events' times. Attempts past their deadline are submitted first.",
            responses={200: {"type": "object", "properties": {
                "exam_id": {"type": "integer"}, "title": {"type": "string"},
                "attempts": {"type": "array", "items": MONITOR_ROW}}},
                401: ERROR_SCHEMA, 403: ERROR_SCHEMA, 404: ERROR_SCHEMA})
def exam_monitor(exam_id: int):
    """The monitor's attempts as JSON."""
    exam = db.session.get(Exam, exam_id)
    if exam is None:
        abort_with(404, _("找不到该考试"))
    settle_overdue()
    return jsonify(exam_id=exam.id, title=exam.title, single_device=exam.single_device,
                   attempts=monitor.monitor_attempts(exam))
