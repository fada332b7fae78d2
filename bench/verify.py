"""After a run: is every acknowledged answer, deadline and submission in the database?"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import create_engine, text


@dataclass
class Check:
    """What the database holds compared with what the server acknowledged."""

    acked: int = 0
    lost: list[str] = field(default_factory=list)
    attempts: int = 0
    not_submitted: list[int] = field(default_factory=list)
    missing_deadline: list[int] = field(default_factory=list)
    changed_deadline: list[int] = field(default_factory=list)
    # Attempt rows nobody was answered with (a second attempt of one student, a paper left prepared).
    unclaimed: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.not_submitted or self.missing_deadline or self.changed_deadline)


def _normalise(value):
    """JSON as stored (SQLite returns text, PostgreSQL parsed JSON)."""
    import json

    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def check_database(database_url: str, students, expect_submitted: bool = True) -> Check:
    """Compare each student's acknowledged saves (seq, response) with the stored items.

    An answer is lost when the stored sequence number is lower than the acknowledged one, or equal
    with a different response. ``deadline`` strings are compared with what the start call returned.
    """
    result = Check()
    by_attempt = {s.attempt_id: s for s in students if s.attempt_id is not None}
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("select attempt_id, qid, seq, response from attempt_item")).all()
            attempts = conn.execute(text("select id, status, deadline from attempt")).all()
    finally:
        engine.dispose()
    stored = {(r[0], r[1]): (r[2], _normalise(r[3])) for r in rows}
    for attempt_id, student in by_attempt.items():
        for qid, (seq, response) in student.acked.items():
            result.acked += 1
            got = stored.get((attempt_id, qid))
            if got is None or got[0] < seq or (got[0] == seq and got[1] != response):
                result.lost.append(f"attempt {attempt_id} {qid}: acked seq {seq}, stored {got and got[0]}")
    for attempt_id, status, deadline in attempts:
        student = by_attempt.get(attempt_id)
        if student is None:
            result.unclaimed[status] = result.unclaimed.get(status, 0) + 1
            continue
        result.attempts += 1
        if expect_submitted and student.submitted and status != "submitted":
            result.not_submitted.append(attempt_id)
        if deadline is None:
            result.missing_deadline.append(attempt_id)
        elif student.deadline and not _same_time(deadline, student.deadline):
            result.changed_deadline.append(attempt_id)
    return result


def _same_time(stored, iso: str) -> bool:
    from datetime import datetime

    if isinstance(stored, str):
        stored = datetime.fromisoformat(stored)
    expected = datetime.fromisoformat(iso.rstrip("Z"))
    return abs((stored.replace(tzinfo=None) - expected).total_seconds()) < 1.0
