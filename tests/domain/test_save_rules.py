"""The one save rule (app/domain/exams/attempt_rules.py: check_save), shared by the autosave fast
path and the full path: plain values in, a verdict out, the first failing check winning."""

import ast
import inspect
from datetime import datetime, timedelta

import pytest

from app.domain.exams import AttemptStatus, SaveVerdict, check_save, next_seq, past_deadline
from app.domain.exams import attempt_rules

NOW = datetime(2026, 6, 1, 9, 0, 0)


def facts(**changes):
    """An in-progress save by the owner, inside the time, of a question on the paper, newer than the stored one."""
    base = dict(user_id=7, owner_id=7, room=None, status=AttemptStatus.IN_PROGRESS, deadline=NOW + timedelta(minutes=5),
                grace_seconds=30, now=NOW, item_found=True, response_error=None, stored_seq=3, seq=4)
    base.update(changes)
    return base


def test_a_plain_save_is_ok():
    assert check_save(**facts()) is SaveVerdict.OK


@pytest.mark.parametrize("changes, verdict", [
    ({"user_id": 8}, SaveVerdict.NOT_OWNER),
    ({"room": "network"}, SaveVerdict.ROOM),
    ({"room": "bind"}, SaveVerdict.ROOM),  # the fast path never binds: a device to bind is not its save
    ({"status": "submitted"}, SaveVerdict.SUBMITTED),  # the stored string, as a row gives it
    ({"status": AttemptStatus.SUBMITTED}, SaveVerdict.SUBMITTED),
    ({"deadline": NOW - timedelta(seconds=31)}, SaveVerdict.TIME_UP),
    ({"item_found": False}, SaveVerdict.NO_ITEM),
    ({"response_error": "应为 A–D 中的一个"}, SaveVerdict.INVALID),
    ({"seq": 3}, SaveVerdict.STALE),
    ({"seq": 0}, SaveVerdict.STALE),
])
def test_each_check_refuses_on_its_own(changes, verdict):
    assert check_save(**facts(**changes)) is verdict


def test_the_grace_period_counts_and_no_deadline_never_ends():
    assert check_save(**facts(deadline=NOW - timedelta(seconds=30))) is SaveVerdict.OK  # exactly at deadline + grace
    assert check_save(**facts(deadline=NOW - timedelta(seconds=1), grace_seconds=0)) is SaveVerdict.TIME_UP
    assert check_save(**facts(deadline=None, now=NOW + timedelta(days=400))) is SaveVerdict.OK
    assert past_deadline(NOW, 0, NOW) is False and past_deadline(NOW, 0, NOW + timedelta(microseconds=1)) is True


def test_without_a_user_no_ownership_is_checked():
    # A trusted caller (a service, a test) saves into any attempt.
    assert check_save(**facts(user_id=None, owner_id=99)) is SaveVerdict.OK


def test_without_a_sequence_number_the_save_is_one_past_the_stored_one():
    assert check_save(**facts(seq=None)) is SaveVerdict.OK
    assert next_seq(None, 3) == 4 and next_seq(9, 3) == 9


def test_the_first_failing_check_wins_in_a_fixed_order():
    everything_wrong = facts(user_id=8, room="device", status="submitted", deadline=NOW - timedelta(hours=1),
                             item_found=False, response_error="坏", seq=1)
    order = [("user_id", 7, SaveVerdict.NOT_OWNER), ("room", None, SaveVerdict.ROOM),
             ("status", AttemptStatus.IN_PROGRESS, SaveVerdict.SUBMITTED),
             ("deadline", None, SaveVerdict.TIME_UP), ("item_found", True, SaveVerdict.NO_ITEM),
             ("response_error", None, SaveVerdict.INVALID), ("seq", 4, SaveVerdict.STALE)]
    for field, fixed, verdict in order:
        assert check_save(**everything_wrong) is verdict
        everything_wrong[field] = fixed
    assert check_save(**everything_wrong) is SaveVerdict.OK


def test_status_values_are_the_stored_strings():
    assert [s.value for s in AttemptStatus] == ["in_progress", "submitted", "prepared"]
    assert AttemptStatus.IN_PROGRESS == "in_progress" and str(AttemptStatus.SUBMITTED) == "submitted"
    assert f"{AttemptStatus.SUBMITTED}" == "submitted"


def test_the_rule_is_pure():
    tree = ast.parse(inspect.getsource(attempt_rules))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    assert imported <= {"__future__", "datetime", "enum"}
