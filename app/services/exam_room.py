"""Exam-room controls on the request paths: access code, allowed networks, one device, events.

The decision itself is :func:`app.domain.exams.room.room_decision` (shared with the autosave
fast path); this module feeds it the request (``request.remote_addr`` after ProxyFix, the Flask
session's device token), binds a single-device attempt to the session on first access, turns a
refusal into an :class:`~app.services.exam_errors.ExamError`, checks access codes with a failure limit,
and stores proctoring events.

The device token: a random value kept in the (signed) Flask session; the attempt stores only its
SHA-256, so the database never holds something that could be replayed as the token, and a
second login (another session, hence another token) is refused until an instructor releases
the attempt.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, request, session
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..database import immediate_transaction
from ..domain.exams import AttemptStatus, past_deadline, room
from ..extensions import db, limiter
from ..models import Attempt, AttemptEvent, Exam, User
from ..models.base import utcnow
from ..ratelimit import fail_open
from .accounts import audit
from .exam_access import is_visible
from .exam_errors import ExamError

SESSION_DEVICE = "exam_device"  # this browser session's device token
SESSION_CODES = "exam_codes"  # ids of exams whose access code this session typed correctly
MAX_EVENTS = 500  # stored per attempt; more answer 429 without storing
DEFAULT_CODE_LIMIT = "10 per 10 minutes"


@dataclass(frozen=True)
class RoomRequest:
    """What the room rules need to know about the current request."""

    remote_addr: str | None
    session_hash: str | None  # SHA-256 of the session's device token, None if it has none


def current_request() -> RoomRequest:
    """The current request's address and device (hash); never creates a token."""
    return room_request(request.remote_addr, session)


def room_request(remote_addr: str | None, session_data) -> RoomRequest:
    """A request's address and device (hash) from its address and session data."""
    return RoomRequest(remote_addr, room.device_hash(session_data.get(SESSION_DEVICE)))


def _session_token_hash() -> str:
    token = session.get(SESSION_DEVICE)
    if not token:
        token = session[SESSION_DEVICE] = secrets.token_urlsafe(32)
    return room.device_hash(token)


def refusal_message(reason: str) -> ExamError:
    """The error a refusal gives, the same on every path."""
    if reason == room.UNPUBLISHED:
        return ExamError(_("本场考试已暂停作答（教师已取消发布）。已保存的答案不会丢失，重新发布后可在截止时间前继续作答。"), 403)
    if reason == room.NETWORK:
        return ExamError(_("本场考试只允许在指定的考场网络中作答。"), 403)
    return ExamError(_("此考试只允许在一台设备上作答。如需更换设备，请联系监考老师。"), 403)


@dataclass(frozen=True)
class RoomRules:
    """An exam's room rules as plain values, read once.

    Taken before a start writes: the commit expires the loaded exam and user, and reading them
    again afterwards would cost queries (and the start's no-read-back response).
    """

    published: bool  # visible to students (exam_access.is_visible): a draft pauses attempts in flight
    networks: tuple[str, ...]
    single_device: bool
    is_instructor: bool

    @classmethod
    def of(cls, exam: Exam, user: User) -> "RoomRules":
        return cls(is_visible(exam), tuple(exam.allowed_networks or ()), bool(exam.single_device),
                   bool(user.is_instructor))


def decision(attempt: Attempt, rules: RoomRules, here: RoomRequest) -> str | None:
    """The room's word on ``here`` touching ``attempt``: None, a refusal, or :data:`room.BIND` (no side effects)."""
    return room.room_decision(
        published=rules.published, is_instructor=rules.is_instructor, networks=rules.networks,
        remote_addr=here.remote_addr, single_device=rules.single_device, bound_hash=attempt.device_token,
        session_hash=here.session_hash)


def guard(attempt: Attempt, rules: RoomRules) -> None:
    """Raise ExamError (403) unless this request may touch ``attempt``; bind its device if due."""
    reason = decision(attempt, rules, current_request())
    if reason is None:
        return
    if reason != room.BIND:
        raise refusal_message(reason)
    bind_device(attempt)


def bind_device(attempt: Attempt) -> None:
    """Bind a single-device attempt to this browser session; 403 when another device won the race."""
    token_hash = _session_token_hash()
    attempt_id = attempt.id
    with immediate_transaction():  # the first device wins a race; the other is then refused
        db.session.execute(update(Attempt).where(Attempt.id == attempt_id, Attempt.device_token.is_(None))
                           .values(device_token=token_hash).execution_options(synchronize_session=False))
        bound = db.session.scalar(select(Attempt.device_token).where(Attempt.id == attempt_id))
    if isinstance(attempt, Attempt):
        set_committed_value(attempt, "device_token", bound)
    else:  # exam_access's light stand-in
        attempt.device_token = bound
    if bound != token_hash:
        raise refusal_message(room.DEVICE)


def guard_attempt(attempt: Attempt, user: User) -> None:
    """:func:`guard` with the rules of the attempt's own exam."""
    guard(attempt, RoomRules.of(attempt.exam, user))


def check_network(exam: Exam) -> None:
    """Starting from outside the exam's networks: 403."""
    if not room.address_allowed(request.remote_addr, exam.allowed_networks):
        raise refusal_message(room.NETWORK)


# --- access codes ---------------------------------------------------------------------------

def _code_limit():
    from limits import parse

    return parse(current_app.config.get("EXAM_CODE_FAILURE_LIMIT", DEFAULT_CODE_LIMIT))


def _limiter_call(method: str, limit, keys) -> bool:
    """``test`` or ``hit`` on the limiter's storage; with RATELIMIT_SWALLOW_ERRORS a storage that
    is down (Redis) lets students through, as the login limit does, instead of failing the start."""
    try:
        return getattr(limiter.limiter, method)(limit, *keys)
    except Exception as exc:
        if fail_open(exc):
            return True
        raise


def check_access_code(exam: Exam, user: User, typed: object) -> None:
    """Raise ExamError unless ``exam`` has no code, this session already gave it, or ``typed`` is it
    (instructors, who can read the code in the editor, are not asked).

    Only wrong codes count against the limit (per user and exam, in the limiter's shared
    storage, so every worker sees the same count): 429 once it is used up.
    """
    if not exam.access_code or user.is_instructor or exam.id in session.get(SESSION_CODES, []):
        return
    limit, keys = _code_limit(), ("exam-code", str(user.id), str(exam.id))
    enabled = limiter.enabled and current_app.config.get("RATELIMIT_ENABLED", True)
    if enabled and not _limiter_call("test", limit, keys):
        raise ExamError(_("访问码错误次数过多，请稍后再试，或请监考老师帮助。"), 429)
    if not room.codes_match(exam.access_code, typed):
        if enabled:
            _limiter_call("hit", limit, keys)
        if typed is None or (isinstance(typed, str) and not typed.strip()):
            raise ExamError(_("请输入监考老师公布的考试访问码。"), 403)
        raise ExamError(_("考试访问码不正确，请核对后重新输入。"), 403)
    session[SESSION_CODES] = [*session.get(SESSION_CODES, [])[-49:], exam.id]


# --- proctoring events --------------------------------------------------------------------

def record_event(attempt: Attempt, kind: str) -> tuple[datetime, int]:
    """Store one event of the user's open attempt; returns its time and how many of its kind there are.

    ExamError: 400 unknown kind, 409 submitted or overdue, 429 over :data:`MAX_EVENTS`.
    """
    if kind not in room.EVENT_KINDS:
        raise ExamError(_("未知的事件类型：%(k)s", k=str(kind)[:40]), 400)
    # The domain's deadline rule, not attempts.is_overdue: app.services.attempts builds on this module.
    deadline, grace = attempt.deadline, attempt.exam.grace_seconds
    if attempt.status != AttemptStatus.IN_PROGRESS or past_deadline(deadline, grace, utcnow()):
        raise ExamError(_("答卷已提交或考试时间已到，不再记录。"), 409)
    attempt_id, now = attempt.id, utcnow()
    with immediate_transaction():  # count and insert under the write lock: the cap holds exactly
        stored = db.session.scalar(select(func.count(AttemptEvent.id)).where(AttemptEvent.attempt_id == attempt_id))
        if stored >= MAX_EVENTS:
            raise ExamError(_("本答卷记录的事件已达上限。"), 429)
        db.session.add(AttemptEvent(attempt_id=attempt_id, kind=kind, at=now))
    count = db.session.scalar(select(func.count(AttemptEvent.id)).where(AttemptEvent.attempt_id == attempt_id,
                                                                         AttemptEvent.kind == kind))
    return now, count


def event_counts(attempt_ids) -> dict[int, dict]:
    """Per attempt: ``{"events": {kind: n}, "last": datetime | None}`` (every kind present)."""
    result = {i: {"events": dict.fromkeys(room.EVENT_KINDS, 0), "last": None} for i in attempt_ids}
    if not result:
        return result
    for attempt_id, kind, count, last in db.session.execute(
            select(AttemptEvent.attempt_id, AttemptEvent.kind, func.count(AttemptEvent.id), func.max(AttemptEvent.at))
            .where(AttemptEvent.attempt_id.in_(list(result))).group_by(AttemptEvent.attempt_id, AttemptEvent.kind)):
        entry = result[attempt_id]
        entry["events"][kind] = count
        if entry["last"] is None or last > entry["last"]:
            entry["last"] = last
    return result


def recent_events(attempt_ids, per_attempt: int = 20) -> dict[int, list[tuple[str, datetime]]]:
    """The last ``per_attempt`` events of each attempt, newest first (one windowed query)."""
    result: dict[int, list] = {i: [] for i in attempt_ids}
    if not result:
        return result
    ranked = (select(AttemptEvent.attempt_id, AttemptEvent.kind, AttemptEvent.at,
                     func.row_number().over(partition_by=AttemptEvent.attempt_id,
                                            order_by=AttemptEvent.id.desc()).label("n"))
              .where(AttemptEvent.attempt_id.in_(list(result))).subquery())
    for attempt_id, kind, at in db.session.execute(
            select(ranked.c.attempt_id, ranked.c.kind, ranked.c.at).where(ranked.c.n <= per_attempt)
            .order_by(ranked.c.attempt_id, ranked.c.n)):
        result[attempt_id].append((kind, at))
    return result


def focus_losses(attempt: Attempt) -> int:
    """How many times the student left the exam page so far (for the warning after a reload)."""
    return db.session.scalar(select(func.count(AttemptEvent.id)).where(AttemptEvent.attempt_id == attempt.id,
                                                                      AttemptEvent.kind == "focus_lost")) or 0


# --- releasing a device -------------------------------------------------------------------

def release_device(attempt: Attempt, actor: User) -> None:
    """Unbind a single-device attempt (audited); the next device to open it binds."""
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise ExamError(_("答卷已经提交。"), 409)
    had = attempt.device_token is not None
    attempt.device_token = None
    audit(actor, "attempt.release_device", f"attempt:{attempt.id}", user_id=attempt.user_id, was_bound=had)
    db.session.commit()
