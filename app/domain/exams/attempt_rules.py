"""Rules about an attempt that need no database: its status values and its deadline."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum


class AttemptStatus(StrEnum):
    """``Attempt.status``: the values are the strings stored in the database (never change them).

    A ``StrEnum`` compares equal to the stored string and renders as it (``str()``, JSON, SQL
    parameters), so rows loaded as plain strings and the members mix freely.
    """

    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    # Drawn and stored before the student starts (app/services/prepared_papers.py): not started,
    # invisible to every query but the start's (app/models/exam.py hides it).
    PREPARED = "prepared"


def past_deadline(deadline: datetime | None, grace_seconds: int, now: datetime) -> bool:
    """Whether ``now`` is after ``deadline`` plus the grace period (no deadline: never)."""
    if deadline is None:
        return False
    return now > deadline + timedelta(seconds=grace_seconds)


class SaveVerdict(StrEnum):
    """What :func:`check_save` decides about one save, in the order the checks run."""

    OK = "ok"
    NOT_OWNER = "not_owner"  # someone else's attempt
    ROOM = "room"  # the exam room refuses this request (the room decision passed in says why)
    SUBMITTED = "submitted"  # the attempt is no longer in progress
    TIME_UP = "time_up"  # past the deadline plus the grace period
    NO_ITEM = "no_item"  # the question is not on this paper
    INVALID = "invalid"  # the response does not validate against the question
    STALE = "stale"  # an older sequence number than the stored one: the stored answer stays


def next_seq(seq: int | None, stored_seq: int) -> int:
    """The sequence number a save stores: the client's, or one past the stored one when it sends none."""
    return seq if seq is not None else stored_seq + 1


def check_save(*, user_id: int | None, owner_id: int, room: str | None, status: str,
               deadline: datetime | None, grace_seconds: int, now: datetime, item_found: bool,
               response_error: str | None, stored_seq: int, seq: int | None) -> SaveVerdict:
    """Whether a save of one answer may be stored: the one rule both save paths apply.

    Plain values only. ``user_id`` is who saves (None: a trusted internal caller, no ownership
    check); ``room`` is the exam room's refusal for this request (``room.room_decision``), or
    None; ``response_error`` is why the response does not validate, or None. The first failing
    check wins, so a client always hears the same reason for the same state, whichever path
    answered. ``STALE`` is no error: the reply says the stored answer is newer.
    """
    if user_id is not None and user_id != owner_id:
        return SaveVerdict.NOT_OWNER
    if room is not None:
        return SaveVerdict.ROOM
    if status != AttemptStatus.IN_PROGRESS:
        return SaveVerdict.SUBMITTED
    if past_deadline(deadline, grace_seconds, now):
        return SaveVerdict.TIME_UP
    if not item_found:
        return SaveVerdict.NO_ITEM
    if response_error is not None:
        return SaveVerdict.INVALID
    if next_seq(seq, stored_seq) <= stored_seq:
        return SaveVerdict.STALE
    return SaveVerdict.OK


def attempts_left(allowed: int | None, used: int) -> int | None:
    """How many more attempts a student may start: None when unlimited, never below 0.

    ``allowed`` is the exam's limit with the student's extra attempts (``exam_access.allowed_attempts``).
    """
    if allowed is None:
        return None
    return max(0, allowed - used)


def writing_now(status: str, deadline: datetime | None, grace_seconds: int, now: datetime) -> bool:
    """Whether an attempt is being written now: in progress and not past its deadline plus grace."""
    return status == AttemptStatus.IN_PROGRESS and not past_deadline(deadline, grace_seconds, now)
