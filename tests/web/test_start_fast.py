"""Starting an attempt cheaply: the start response is the stored paper, papers stay reproducible from
the seed, a start runs a bounded number of queries, and memoised question payloads are shared per
version and presentation order but never across orders or students' case variants."""

import random
import threading

import pytest

from app.domain.exams import in_sections
from app.domain.questions import shuffle, student_view
from app.extensions import db
from app.models import Attempt, AttemptItem, Exam, Question, User
from app.services import exam_cache
from app.services import attempts as svc
from app.services import exam_payloads
from tests.conftest import recorded_statements
from tests.domain.test_draw_plan import reference_assemble
from tests.web.test_exams_api import login, start

# Measured: BEGIN, the session's user, the exam, whether it is assigned, the user's attempts, the
# pool fingerprint, BEGIN IMMEDIATE, INSERT attempt, INSERT items (one executemany). It was 18.
MAX_START_QUERIES = 9


def stored(client, attempt_id):
    response = client.get(f"/api/v1/attempts/{attempt_id}?questions=1")
    assert response.status_code == 200
    return response.get_json()


def without_clock(body):
    return {k: v for k, v in body.items() if k != "server_time"}


def stored_paper(app, attempt_id):
    with app.app_context():
        return [(i.position, i.qid, i.points, i.presentation) for i in db.session.scalars(
            db.select(AttemptItem).filter_by(attempt_id=attempt_id).order_by(AttemptItem.position))]


@pytest.mark.parametrize("cases", [[], [{"id": "customer-value", "points": 20}]])
def test_start_response_is_the_stored_attempt(app, client, exam_factory, cases):
    exam_id = exam_factory(cases=cases)
    headers = login(client)
    body = start(client, headers, exam_id)
    again = stored(client, body["attempt_id"])
    assert without_clock(body) == without_clock(again)
    assert [q["id"] for q in body["questions"]] == [item[1] for item in stored_paper(app, body["attempt_id"])]
    # Resuming answers from the database, and gives the same paper.
    assert without_clock(start(client, headers, exam_id)) == without_clock(again)


def test_missing_and_unassigned_exams_are_the_same_404(app, client, exam_factory):
    from tests.conftest import make_user

    exam_id = exam_factory()
    make_user(app, "outsider")
    headers = login(client, "outsider")
    unassigned = client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers)
    missing = client.post("/api/v1/exams/999999/attempts", headers=headers)
    assert unassigned.status_code == missing.status_code == 404
    assert unassigned.get_json() == missing.get_json() == {"error": "找不到该考试"}
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 0


def test_instructor_preview_start_matches_the_stored_attempt(client, exam_factory):
    exam_id = exam_factory()
    headers = login(client, "teacher")
    body = start(client, headers, exam_id)
    assert "results" in body  # instructors see results even while in progress
    assert without_clock(body) == without_clock(stored(client, body["attempt_id"]))


def expected_paper(app, exam_id, seed):
    """The paper as start_or_resume drew it before plans and memoised payloads existed (then put in
    sections by type, for a sectioned exam)."""
    with app.app_context():
        exam = db.session.get(Exam, exam_id)
        definition = svc.exam_definition(exam)
        pool, versions = exam_cache.pool(exam.course)
        drawn = reference_assemble(definition, pool, seed)
        if exam.paper_layout == "sections":
            drawn = in_sections(drawn, lambda item: versions[item.qid][1]["type"])
        rng = random.Random(seed ^ 0x5EED)
        paper = [(position, item.qid, item.points, shuffle(versions[item.qid][1], rng))
                 for position, item in enumerate(drawn, start=1)]
        for position, case in enumerate(definition.cases, start=len(drawn) + 1):
            paper.append((position, f"case:{case.id}", case.points, {"case_seed": rng.randrange(1, 2**31)}))
        return paper


@pytest.mark.parametrize("layout", ["mixed", "sections"])
@pytest.mark.parametrize("seed", [0, 123456789, 2**31 - 1])
def test_same_seed_gives_the_same_paper_as_before(app, client, exam_factory, monkeypatch, seed, layout):
    exam_id = exam_factory(cases=[{"id": "customer-value", "points": 20}], paper_layout=layout)
    monkeypatch.setattr(svc.secrets, "randbelow", lambda _n: seed)
    body = start(client, login(client), exam_id)
    paper = stored_paper(app, body["attempt_id"])
    assert paper == expected_paper(app, exam_id, seed)
    # The same seed for another student: the same paper, in the same order.
    other = app.test_client()
    assert stored_paper(app, start(other, login(other, "student2"), exam_id)["attempt_id"]) == paper


def test_start_runs_a_bounded_number_of_queries(app, client, exam_factory):
    exam_id = exam_factory()
    headers = login(client)
    other = app.test_client()
    start(other, login(other, "student2"), exam_id)  # warm the pool and plan
    with recorded_statements(app) as statements:
        body = start(client, headers, exam_id)
    assert len(statements) <= MAX_START_QUERIES, statements
    assert not any(s.lstrip().upper().startswith("SELECT") and "attempt_item" in s for s in statements), \
        "the start response must not read back the items it inserted"
    assert len(body["questions"]) == 9


def test_payloads_are_shared_per_version_and_order_never_across_orders(app, mini_bank):
    with app.app_context():
        qid = mini_bank["single"][0]
        version_id = db.session.scalar(db.select(Question.current_version_id).filter_by(qid=qid))
        ids = list(exam_cache.version_spec(version_id).options)
        forward, backward = {"options": ids}, {"options": list(reversed(ids))}
        first = exam_payloads.question_payload(AttemptItem(qid=qid, version_id=version_id, position=1, points=1.0,
                                                 presentation=forward))
        same_order = exam_payloads.question_payload(AttemptItem(qid=qid, version_id=version_id, position=7, points=3.0,
                                                      presentation={"options": list(ids)}))
        other_order = exam_payloads.question_payload(AttemptItem(qid=qid, version_id=version_id, position=2, points=1.0,
                                                       presentation=backward))
        assert [o["id"] for o in first["options"]] == ids
        assert [o["id"] for o in other_order["options"]] == list(reversed(ids))
        assert same_order["options"] is first["options"]  # built once, shared
        assert other_order["options"] is not first["options"]
        assert (first["position"], first["points"], same_order["position"], same_order["points"]) == (1, 1.0, 7, 3.0)
        # Exactly what building it afresh gives.
        view = student_view(exam_cache.version_spec(version_id), forward)
        assert first == exam_payloads.payload_from_view(view, qid, 1, 1.0)


def test_every_students_questions_follow_their_own_presentation(app, exam_factory):
    exam_id = exam_factory()
    for username in ("student", "student2", "teacher"):
        client = app.test_client()
        body = start(client, login(client, username), exam_id)
        paper = {qid: presentation for _pos, qid, _pts, presentation in stored_paper(app, body["attempt_id"])}
        for question in body["questions"]:
            order = paper[question["id"]]
            if "options" in order:
                key = "items" if question["type"] == "ordering" else "options"
                assert [o["id"] for o in question[key]] == order["options"], question["id"]
            if "left" in order:
                assert question["left"] == order["left"] and question["choices"] == order["choices"]


def test_case_items_are_never_memoised(app, client, exam_factory):
    exam_id = exam_factory(rules=[{"types": ["single"], "count": 1}], cases=[{"id": "customer-value", "points": 20}])
    bodies = [start(c, login(c, name), exam_id) for c, name in ((client, "student"), (app.test_client(), "student2"))]
    cases = [next(q for q in body["questions"] if q["type"] == "case") for body in bodies]
    assert cases[0]["case"]["params"] != cases[1]["case"]["params"] or cases[0]["stem_html"] != cases[1]["stem_html"]
    with app.app_context():
        item = db.session.scalar(db.select(AttemptItem).filter_by(attempt_id=bodies[0]["attempt_id"],
                                                                   qid="case:customer-value"))
        assert exam_cache.payloads().get((item.version_id, exam_cache.order_key(item.presentation))) is None
        assert exam_cache.payloads().get((item.version_id, ())) is None


def test_a_save_after_the_start_is_in_the_next_payload(app, exam_factory, mini_bank):
    fixed = mini_bank["true_false"][0]
    exam_id = exam_factory(rules=[{"types": ["single"], "count": 1}], fixed=[{"id": fixed}])
    with app.app_context():
        student = db.session.scalar(db.select(User).filter_by(username="student"))
        attempt = svc.start_or_resume(db.session.get(Exam, exam_id), student)
        svc.save_response(attempt, fixed, True, 1, flagged=True)
        state = exam_payloads.attempt_payload(attempt, student, with_questions=True)
        assert state["responses"][fixed]["response"] is True
        assert state["responses"][fixed]["seq"] == 1 and state["responses"][fixed]["flagged"] is True


def test_the_start_snapshot_serves_one_payload_then_the_database_does(app, exam_factory):
    exam_id = exam_factory()
    with app.app_context():
        student = db.session.scalar(db.select(User).filter_by(username="student"))
        attempt = svc.start_or_resume(db.session.get(Exam, exam_id), student)
        fast = exam_payloads.attempt_payload(attempt, student, with_questions=True)
        loaded = exam_payloads.attempt_payload(attempt, student, with_questions=True)
        assert without_clock(fast) == without_clock(loaded)
        assert [q["id"] for q in fast["questions"]] == [i.qid for i in attempt.items]


def test_accommodations_apply_to_the_fast_start(app, client, exam_factory):
    exam_id = exam_factory(max_attempts=1, time_limit_minutes=60)
    with app.app_context():
        student = db.session.scalar(db.select(User).filter_by(username="student"))
        student.time_multiplier, student.extra_minutes, student.extra_attempts = 1.5, 10, 1
        db.session.commit()
    headers = login(client)
    first = start(client, headers, exam_id)
    with app.app_context():
        attempt = db.session.get(Attempt, first["attempt_id"])
        assert round((attempt.deadline - attempt.started_at).total_seconds()) == 100 * 60
        assert attempt.number == 1
    assert first["deadline"] == stored(client, first["attempt_id"])["deadline"]
    client.post(f"/api/v1/attempts/{first['attempt_id']}/submit", headers=headers)
    second = start(client, headers, exam_id)  # the extra attempt
    assert second["attempt_id"] != first["attempt_id"] and second["number"] == 2
    client.post(f"/api/v1/attempts/{second['attempt_id']}/submit", headers=headers)
    refused = client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers)
    assert refused.status_code == 409 and refused.get_json() == {"error": "已用完全部 2 次作答机会"}


def test_two_concurrent_starts_by_one_student_give_one_attempt(app, exam_factory, monkeypatch):
    exam_id = exam_factory()
    clients = [app.test_client(), app.test_client()]
    headers = [login(c) for c in clients]
    # Both requests get past the "no open attempt yet" check before either inserts.
    barrier = threading.Barrier(2)
    definition = svc.exam_definition

    def in_step(exam):
        try:
            barrier.wait(timeout=5)
        except threading.BrokenBarrierError:
            pass
        return definition(exam)

    monkeypatch.setattr(svc, "exam_definition", in_step)
    results = [None, None]

    def run(index):
        results[index] = clients[index].post(f"/api/v1/exams/{exam_id}/attempts", headers=headers[index])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [r.status_code for r in results] == [200, 200]
    bodies = [r.get_json() for r in results]
    assert bodies[0]["attempt_id"] == bodies[1]["attempt_id"]
    assert bodies[0]["questions"] == bodies[1]["questions"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Attempt.id)).filter_by(exam_id=exam_id)) == 1
