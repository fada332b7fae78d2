"""Submitting (app/services/submissions.py): the same grades as before, one statement for the items,
submits arriving together committed together, and never a stale or half-written result."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

from app.database import immediate_transaction
from app.domain.cases import grade as grade_case_answers
from app.domain.cases import make_variant, solution
from app.domain.questions import grade, key_response
from app.extensions import db
from app.models import Attempt, AttemptItem, User
from app.models.base import utcnow
from app.services import submissions
from app.services.attempts import close_overdue
from tests.conftest import make_user, recorded_statements
from tests.web.test_autosave_fast import queue_behind_held_turn
from tests.web.test_exams_api import login, start

ALL_TYPES = [{"types": ["single"], "count": 2, "points": 1}, {"types": ["multiple"], "count": 2, "points": 2},
             {"types": ["true_false"], "count": 1}, {"types": ["ordering"], "count": 1, "points": 2},
             {"types": ["numeric"], "count": 1, "points": 3}, {"types": ["fill_blank"], "count": 1, "points": 2},
             {"types": ["matching"], "count": 1, "points": 2}, {"types": ["essay"], "count": 1, "points": 5}]
CASES = [{"id": "customer-value", "points": 12}, {"id": "platform-strengths", "points": 8}]


# --- the grading as it was before submissions.py (the oracle) ------------------------------------

def old_grade_item(item: AttemptItem) -> tuple:
    """scoring.grade_item and case_items.grade_case_item as they were, on ORM-loaded versions (no cache)."""
    data = item.version.data
    if data.get("type") == "case":
        variant, _error = make_variant(data["case_id"], (item.presentation or {}).get("case_seed", 1))
        stored = (item.presentation or {}).get("manual")
        manual_scores = dict(stored) if isinstance(stored, dict) else {}
        result = grade_case_answers(variant, item.response if isinstance(item.response, dict) else {}, manual_scores)
        feedback = "\n".join(f"{s.id}:{s.score:g}/{s.max:g} {s.feedback}" for s in result.steps)
        manual = bool(variant.manual_criteria) and (result.needs_manual or bool(manual_scores))
        if result.needs_manual:
            return None, feedback, True
        scale = item.points / result.max_score if result.max_score else 0.0
        return round(result.score * scale, 4), feedback, manual
    result = grade(data, item.response)
    if result.needs_manual:
        return None, result.feedback, True
    scale = item.points / result.max_score if result.max_score else 0.0
    return round(result.score * scale, 4), result.feedback, False


def expected_results(app, attempt_id: int) -> tuple[dict, tuple]:
    """qid → (score, feedback, needs_manual) and (score, max_score, needs_manual) by the old rules."""
    with app.app_context():
        items = db.session.scalars(db.select(AttemptItem).filter_by(attempt_id=attempt_id)
                                   .order_by(AttemptItem.position)).all()
        graded = {i.qid: old_grade_item(i) for i in items}
        ordered = [graded[i.qid] for i in items]
        total = (round(sum(g[0] or 0.0 for g in ordered), 4), round(sum(i.points for i in items), 4),
                 any(g[2] and g[0] is None for g in ordered))
        db.session.rollback()
        return graded, total


def stored_results(app, attempt_id: int) -> tuple[dict, tuple, Attempt]:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        items = {i.qid: (i.score, i.feedback, i.needs_manual) for i in attempt.items}
        db.session.expunge(attempt)
        return items, (attempt.score, attempt.max_score, attempt.needs_manual), attempt


def _case_answer(app, attempt_id: int, qid: str, variant_kind: int):
    with app.app_context():
        item = db.session.scalar(db.select(AttemptItem).filter_by(attempt_id=attempt_id, qid=qid))
        variant, _ = make_variant(item.version.data["case_id"], item.presentation["case_seed"])
    answers = solution(variant) if not variant.manual_criteria else {
        s.id: "客户关系管理平台的优势在于整合客户数据。" for s in variant.steps}
    if variant_kind == 1:  # one step wrong
        first = variant.steps[0].id
        answers = dict(answers, **{first: 1 if isinstance(answers.get(first), (int, float)) else answers[first]})
    return answers


def _wrong(question_type: str, key, data: dict):
    """A response of the right shape that is wrong or partly right."""
    if question_type == "single":
        return next(k for k in data["options"] if k != key)
    if question_type == "multiple":
        return key[:1]
    if question_type == "true_false":
        return not key
    if question_type == "ordering":
        return list(reversed(key))
    if question_type == "numeric":
        return key * 2 + 7
    if question_type == "fill_blank":
        return [key[0]] + ["不对"] * (len(key) - 1) if len(key) > 1 else ["不对"]
    if question_type == "matching":
        lefts = list(key)
        return {left: key[lefts[(n + 1) % len(lefts)]] for n, left in enumerate(lefts)}
    return "客户关系管理的核心是以客户为中心。"


def answer_everything(app, client, headers, body, style: int) -> None:
    """style 0: the key everywhere; 1: wrong or partial answers; 2: alternate right, wrong, blank."""
    attempt_id = body["attempt_id"]
    with app.app_context():
        items = db.session.scalars(db.select(AttemptItem).filter_by(attempt_id=attempt_id)
                                   .order_by(AttemptItem.position)).all()
        plan = [(i.qid, i.version.data) for i in items]
    for n, (qid, data) in enumerate(plan):
        kind = style if style < 2 else n % 3
        if data.get("type") == "case":
            response = None if kind == 2 else _case_answer(app, attempt_id, qid, kind)
        else:
            key = key_response(data)
            response = key if kind == 0 else (_wrong(data["type"], key, data) if kind == 1 else None)
        if response is None:
            continue
        saved = client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}", json={"response": response, "seq": 1},
                           headers=headers)
        assert saved.status_code == 200, (qid, response, saved.get_json())


def _student(app, name: str):
    from app.services.classes import add_member, get_or_create_class

    make_user(app, name)
    with app.app_context():
        add_member(get_or_create_class("一班", None), db.session.scalar(db.select(User).filter_by(username=name)))
        db.session.commit()
    c = app.test_client()
    return c, login(c, name)


# --- tests ----------------------------------------------------------------------------------------

def test_submit_stores_exactly_the_old_grades_for_every_type_and_case_items(app, client, exam_factory):
    exam_id = exam_factory(rules=ALL_TYPES, cases=CASES)
    seen_types = set()
    for style in range(3):
        c, headers = _student(app, f"grade{style}")
        body = start(c, headers, exam_id)
        seen_types |= {q["type"] for q in body["questions"]}
        answer_everything(app, c, headers, body, style)
        expected_items, expected_total = expected_results(app, body["attempt_id"])
        reply = c.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=headers)
        assert reply.status_code == 200
        items, total, attempt = stored_results(app, body["attempt_id"])
        assert items == expected_items
        assert total == expected_total
        assert reply.get_json() == {"score": expected_total[0], "max_score": expected_total[1], "submitted": True,
                                    "partially_graded": expected_total[2]}
        assert attempt.status == "submitted" and attempt.auto_submitted is False and attempt.submitted_at is not None
        # What the student is shown is built from these rows: the API's results carry them.
        state = c.get(f"/api/v1/attempts/{body['attempt_id']}").get_json()
        assert {r["id"]: r["score"] for r in state["results"]} == {q: v[0] for q, v in expected_items.items()}
        assert c.get(f"/exams/attempts/{body['attempt_id']}/review").status_code == 200
    assert seen_types == {"single", "multiple", "true_false", "ordering", "numeric", "fill_blank", "matching",
                          "essay", "case"}
    # The styles reached full, partial and zero scores, and manual grading (essay, written case).
    with app.app_context():
        items = db.session.scalars(db.select(AttemptItem)).all()
        assert any(i.score == i.points for i in items) and any(i.score == 0 for i in items)
        assert any(i.score and i.score < i.points for i in items)  # partial credit
        assert any(i.needs_manual and i.score is None for i in items)


def test_a_submit_reads_no_question_version_and_writes_the_items_in_one_statement(app, client, exam_factory):
    exam_id = exam_factory(rules=ALL_TYPES, cases=CASES)
    headers = login(client)
    body = start(client, headers, exam_id)
    answer_everything(app, client, headers, body, 2)
    client.get(f"/exams/attempts/{body['attempt_id']}")  # versions cached, as in an exam hall
    with recorded_statements(app) as recorded:
        assert client.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=headers).status_code == 200
    assert not [s for s in recorded if "question_version" in s]
    item_writes = [s for s in recorded if s.lstrip().upper().startswith("UPDATE ATTEMPT_ITEM")]
    assert len(item_writes) == 1  # one executemany for all 12 items
    with app.app_context():
        assert all(i.feedback for i in db.session.scalars(db.select(AttemptItem).filter_by(attempt_id=body["attempt_id"])))


def test_a_late_submit_is_recorded_as_automatic_and_graded(app, client, exam_factory):
    exam_id = exam_factory(rules=ALL_TYPES, grace_seconds=30)
    headers = login(client)
    body = start(client, headers, exam_id)
    answer_everything(app, client, headers, body, 0)
    expected_items, expected_total = expected_results(app, body["attempt_id"])
    with app.app_context():
        attempt = db.session.get(Attempt, body["attempt_id"])
        attempt.deadline = utcnow() - timedelta(seconds=31)
        db.session.commit()
    qid = body["questions"][0]["id"]
    late = client.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}", json={"response": None, "seq": 9},
                      headers=headers)
    assert late.status_code == 409
    assert client.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=headers).status_code == 200
    items, total, attempt = stored_results(app, body["attempt_id"])
    assert attempt.auto_submitted is True and (items, total) == (expected_items, expected_total)


def _pending(app, attempt_id, auto=False):
    with app.app_context():
        graded = submissions.grade_attempt(db.session.execute, attempt_id)
        db.session.rollback()
    return submissions.PendingSubmit(attempt_id, auto, utcnow(), graded)


def test_submits_queued_during_a_commit_share_one_and_grade_once(app, exam_factory):
    exam_id = exam_factory(rules=ALL_TYPES, cases=CASES)
    attempts = []
    for n in range(3):
        c, headers = _student(app, f"hall{n}")
        body = start(c, headers, exam_id)
        answer_everything(app, c, headers, body, n)
        attempts.append(body["attempt_id"])
    expected = {a: expected_results(app, a) for a in attempts}
    committer = submissions.SubmitCommitter()
    # The first attempt submitted twice in the same batch (a double click): claimed once.
    pendings = [_pending(app, a) for a in attempts] + [_pending(app, attempts[0])]
    results, errors = queue_behind_held_turn(app, committer, pendings)
    assert errors == {} and results == {0: True, 1: True, 2: True, 3: False}
    assert (committer.commits, committer.writes) == (1, 4)  # four submits, one durable commit
    for attempt_id in attempts:
        items, total, attempt = stored_results(app, attempt_id)
        assert (items, total) == expected[attempt_id] and attempt.status == "submitted"


def test_an_answer_saved_after_grading_but_before_the_claim_is_graded(app, client, exam_factory):
    exam_id = exam_factory(rules=ALL_TYPES)
    headers = login(client)
    body = start(client, headers, exam_id)
    answer_everything(app, client, headers, body, 1)  # all wrong
    pending = _pending(app, body["attempt_id"])  # graded now, committed below
    with app.app_context():
        item = db.session.scalar(db.select(AttemptItem).filter_by(attempt_id=body["attempt_id"], position=1))
        qid, key = item.qid, key_response(item.version.data)
    saved = client.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}", json={"response": key, "seq": 2},
                       headers=headers)
    assert saved.status_code == 200
    expected_items, expected_total = expected_results(app, body["attempt_id"])
    assert expected_items[qid][0] > 0  # the new answer is right
    results, errors = queue_behind_held_turn(app, submissions.SubmitCommitter(), [pending])
    assert errors == {} and results == {0: True}
    items, total, _attempt = stored_results(app, body["attempt_id"])
    assert items == expected_items and total == expected_total


def test_a_save_queued_behind_a_submit_is_refused_and_not_graded(app, client, exam_factory):
    exam_id = exam_factory(rules=ALL_TYPES)
    headers = login(client)
    body = start(client, headers, exam_id)
    answer_everything(app, client, headers, body, 1)
    expected = expected_results(app, body["attempt_id"])
    assert client.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=headers).status_code == 200
    qid = body["questions"][0]["id"]
    late = client.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}", json={"response": None, "seq": 5},
                      headers=headers)
    assert late.status_code == 409
    items, total, _attempt = stored_results(app, body["attempt_id"])
    assert (items, total) == expected


def test_closing_overdue_attempts_inside_a_write_does_not_wait_for_a_leader(app, client, exam_factory):
    # The gradebook closes overdue attempts inside immediate_transaction(): holding the writer
    # queue, a submit must write in its own turn, never wait for a leader (who would wait for it).
    exam_id = exam_factory(rules=ALL_TYPES)
    headers = login(client)
    body = start(client, headers, exam_id)
    answer_everything(app, client, headers, body, 0)
    expected = expected_results(app, body["attempt_id"])
    with app.app_context():
        db.session.get(Attempt, body["attempt_id"]).deadline = utcnow() - timedelta(hours=1)
        db.session.commit()
        busy = submissions.committer()
        with busy._lock:  # a commit "in progress" that never ends: queueing behind it would hang
            busy._busy = True
    closed = []

    def close():
        with app.app_context():
            with immediate_transaction():
                closed.append(close_overdue())

    thread = threading.Thread(target=close)
    thread.start()
    thread.join(20)
    assert not thread.is_alive() and closed == [1]
    items, total, attempt = stored_results(app, body["attempt_id"])
    assert attempt.auto_submitted is True and (items, total) == expected


def test_concurrent_submits_of_many_students_are_each_graded_once(app, exam_factory):
    exam_id = exam_factory(rules=ALL_TYPES)
    students = []
    for n in range(6):
        c, headers = _student(app, f"rush{n}")
        body = start(c, headers, exam_id)
        answer_everything(app, c, headers, body, n % 3)
        students.append((c, headers, body["attempt_id"]))
    expected = {a: expected_results(app, a) for _c, _h, a in students}
    replies, errors = {}, []

    def press(c, headers, attempt_id):
        try:
            for _ in range(2):  # a double click
                r = c.post(f"/api/v1/attempts/{attempt_id}/submit", headers=headers)
                replies.setdefault(attempt_id, []).append((r.status_code, json.dumps(r.get_json(), sort_keys=True)))
        except Exception as exc:  # pragma: no cover - the failure being tested for
            errors.append(exc)

    threads = [threading.Thread(target=press, args=s) for s in students]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    for _c, _h, attempt_id in students:
        assert len(set(replies[attempt_id])) == 1 and replies[attempt_id][0][0] == 200
        items, total, attempt = stored_results(app, attempt_id)
        assert (items, total) == expected[attempt_id] and attempt.status == "submitted"


def test_a_save_racing_an_uncommitted_claim_waits_for_it_and_is_refused(app, client, exam_factory):
    # A submit's claim not yet committed: on PostgreSQL the save's statement would read the old
    # status from its snapshot and be acknowledged after the grading; it must wait and refuse.
    exam_id = exam_factory(rules=ALL_TYPES[:1])
    headers = login(client)
    body = start(client, headers, exam_id)
    attempt_id, qid = body["attempt_id"], body["questions"][0]["id"]
    outcome = {}

    def save():
        outcome["response"] = client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}",
                                         json={"response": "A", "seq": 1}, headers=headers)

    with app.app_context():
        connection = db.engine.connect()
        claim = connection.begin()
        connection.execute(db.text("UPDATE attempt SET status = 'submitted' WHERE id = :id"), {"id": attempt_id})
        saver = threading.Thread(target=save)
        saver.start()
        saver.join(1.5)
        waited = saver.is_alive()
        claim.commit()
        connection.close()
    saver.join(60)
    assert waited  # the save could not be acknowledged while the claim was open
    assert outcome["response"].status_code == 409
    with app.app_context():
        item = db.session.scalar(db.select(AttemptItem).filter_by(attempt_id=attempt_id, qid=qid))
        assert item.seq == 0 and item.response is None
