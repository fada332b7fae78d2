"""Two app processes on one PostgreSQL database and one Redis: an attempt started on one is saved and submitted
through the other; login failures through both count against one limit."""

from __future__ import annotations

import os

import pytest

from tests.recovery.live import (BENCH_PASSWORD, Gunicorn, LiveStudent, check_database, prepare, server_env,
                                 simple_response)

PG_URL = os.environ.get("TEST_DATABASE_URL")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not PG_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")]


def reset_schema(url: str) -> None:
    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def two_servers(tmp_path, redis_server):
    reset_schema(PG_URL)
    prepared = prepare(PG_URL, 3, time_limit_minutes=60)
    # As deployed (docs/deployment.md): the limiter's counters in one Redis shared by both.
    env = server_env(prepared, dict(os.environ, RATELIMIT_STORAGE_URI=redis_server.url,
                                    LOGIN_FAILURE_LIMIT="10 per minute"))
    servers = [Gunicorn("app:create_app()", env, workers=1, threads=4, log_path=tmp_path / f"server{i}.log")
               for i in range(2)]
    try:
        for server in servers:
            server.start("/api/v1/openapi.json")
        yield prepared, servers
    finally:
        for server in servers:
            server.stop()
        reset_schema(PG_URL)


def test_an_attempt_moves_between_app_processes(two_servers):
    prepared, (one, other) = two_servers
    assert one.proc.pid != other.proc.pid and one.port != other.port
    student = LiveStudent(0, prepared.usernames[0])
    student.login(one.url)
    student.start(one.url, prepared.exam_id)
    # Every save alternates servers: the session cookie and CSRF token are good on both.
    for seq, question in enumerate(student.questions, start=1):
        base = (one, other)[seq % 2].url
        assert student.save(base, question, seq, simple_response(question, seq)) == 200
    status, state = student.call(one.url, "GET", f"/api/v1/attempts/{student.attempt_id}")
    assert status == 200 and state["status"] == "in_progress"
    assert {qid: v["seq"] for qid, v in state["responses"].items()} == {q: s for q, (s, _r) in student.acked.items()}
    # Starting again on the other server resumes the same attempt rather than drawing a new paper.
    status, again = student.call(other.url, "POST", f"/api/v1/exams/{prepared.exam_id}/attempts")
    assert status == 200 and again["attempt_id"] == student.attempt_id
    assert student.submit(other.url) == 200
    status, done = student.call(one.url, "GET", f"/api/v1/attempts/{student.attempt_id}")
    assert status == 200 and done["status"] == "submitted" and done["score"] is not None
    # Saving after submission is refused on both.
    for server in (one, other):
        question = student.questions[0]
        assert student.save(server.url, question, 10**6, simple_response(question, 2)) == 409
    check = check_database(PG_URL, [student])
    assert check.acked == len(student.questions) and check.ok, check


def test_concurrent_submits_through_both_servers_grade_once(two_servers):
    import threading

    prepared, (one, other) = two_servers
    student = LiveStudent(1, prepared.usernames[1])
    student.login(one.url)
    student.start(other.url, prepared.exam_id)
    question = student.questions[0]
    assert student.save(one.url, question, 1, simple_response(question, 1)) == 200
    statuses = []
    threads = [threading.Thread(target=lambda b=b: statuses.append(student.call(b, "POST",
               f"/api/v1/attempts/{student.attempt_id}/submit")[0])) for b in (one.url, other.url) * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [200] * 6
    scores = {student.call(b, "GET", f"/api/v1/attempts/{student.attempt_id}")[1]["score"]
              for b in (one.url, other.url)}
    assert len(scores) == 1 and None not in scores


def test_login_failures_through_both_servers_count_against_one_limit(two_servers):
    prepared, (one, other) = two_servers
    student = LiveStudent(2, prepared.usernames[2])
    wrong = {"username": student.username, "password": "not-the-password"}
    assert [student.call(one.url, "POST", "/api/v1/session", wrong)[0] for _ in range(9)] == [401] * 9
    assert student.call(other.url, "POST", "/api/v1/session", wrong)[0] == 401
    for server in (one, other):
        status, body = student.call(server.url, "POST", "/api/v1/session",
                                    {"username": student.username, "password": BENCH_PASSWORD})
        assert status == 429 and "登录失败次数过多" in body["error"], (status, body)
    LiveStudent(0, prepared.usernames[0]).login(other.url)  # another student is not affected
