"""SIGKILL the server in the middle of an exam: every acknowledged answer, deadline and submission survives."""

from __future__ import annotations

import os
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from tests.recovery.live import Gunicorn, LiveStudent, check_database, prepare, server_env, simple_response

pytestmark = pytest.mark.slow


def hammer(student: LiveStudent, base: str, stop: threading.Event) -> None:
    """Save answers back to back until told to stop or the server stops answering."""
    for seq in range(1, 100000):
        if stop.is_set():
            return
        question = student.questions[seq % len(student.questions)]
        if student.save(base, question, seq, simple_response(question, seq)) == 0:
            return


def serve(env: dict, log_path) -> Gunicorn:
    """The app under gunicorn (2 workers × 4 threads), started and answering."""
    server = Gunicorn("app:create_app()", env, workers=2, threads=4, log_path=log_path)
    server.start("/api/v1/openapi.json")
    return server


def test_sigkill_during_an_exam_loses_nothing_acknowledged(tmp_path):
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    prepared = prepare(url, 8, time_limit_minutes=90)
    env = server_env(prepared, os.environ)
    server = serve(env, tmp_path / "before.log")
    restarted = None
    try:
        students = [LiveStudent(i, name) for i, name in enumerate(prepared.usernames)]
        for student in students:
            student.login(server.url)
            student.start(server.url, prepared.exam_id)
        finished, writing = students[:2], students[2:]
        for student in finished:
            for seq, question in enumerate(student.questions[:5], start=1):
                assert student.save(server.url, question, seq, simple_response(question, seq)) == 200, \
                    student.last_error
            assert student.submit(server.url) == 200

        stop = threading.Event()
        threads = [threading.Thread(target=hammer, args=(s, server.url, stop)) for s in writing]
        for thread in threads:
            thread.start()
        time.sleep(1.5)  # saves are in flight on every worker
        server.kill()
        stop.set()
        for thread in threads:
            thread.join(timeout=20)
        assert not any(thread.is_alive() for thread in threads)
        assert sum(len(s.acked) for s in writing) >= 20  # the crash hit a busy server

        restarted = serve(env, tmp_path / "after.log")
        check = check_database(url, students)
        assert check.acked >= 20
        assert check.lost == []
        assert check.not_submitted == [] and check.missing_deadline == [] and check.changed_deadline == []
        engine = create_engine(url)
        ids = ",".join(str(s.attempt_id) for s in finished)
        with engine.connect() as conn:
            graded = conn.execute(text(f"select status, score from attempt where id in ({ids})")).all()
        engine.dispose()
        assert graded and all(status == "submitted" and score is not None for status, score in graded)

        # The restarted server carries on: the same sessions resume, save and submit.
        for student in writing:
            status, body = student.call(restarted.url, "GET", f"/api/v1/attempts/{student.attempt_id}")
            assert status == 200 and body["status"] == "in_progress" and body["deadline"] == student.deadline
            for qid, (seq, response) in student.acked.items():
                assert body["responses"][qid]["seq"] >= seq
            question = student.questions[0]
            assert student.save(restarted.url, question, 10**6, simple_response(question, 1)) == 200
            assert student.submit(restarted.url) == 200
        status, body = finished[0].call(restarted.url, "GET", f"/api/v1/attempts/{finished[0].attempt_id}")
        assert status == 200 and body["status"] == "submitted"
    finally:
        server.stop()
        if restarted is not None:
            restarted.stop()


def test_sigkill_during_the_submit_burst_leaves_every_attempt_whole(tmp_path):
    """Kill the server while a hall submits: every acknowledged submit is submitted and graded after
    the restart; any other attempt is either submitted and graded in full or still in progress with
    nothing graded (claim and grades commit together)."""
    url = f"sqlite:///{tmp_path / 'burst.db'}"
    prepared = prepare(url, 40, time_limit_minutes=90)
    env = server_env(prepared, os.environ)
    server = serve(env, tmp_path / "before.log")
    restarted = None
    try:
        students = [LiveStudent(i, name) for i, name in enumerate(prepared.usernames)]
        for student in students:
            student.login(server.url)
            student.start(server.url, prepared.exam_id)
            for seq, question in enumerate(student.questions[:6], start=1):
                assert student.save(server.url, question, seq, simple_response(question, seq)) == 200, \
                    student.last_error

        acked: list[LiveStudent] = []
        release = threading.Event()

        def press(student: LiveStudent) -> None:
            release.wait(10)
            if student.submit(server.url) == 200 and student.submitted:
                acked.append(student)

        threads = [threading.Thread(target=press, args=(s,)) for s in students]
        for thread in threads:
            thread.start()
        release.set()
        deadline = time.monotonic() + 20
        while len(acked) < 4 and time.monotonic() < deadline:
            time.sleep(0.001)
        server.kill()  # mid-burst: some submits answered, others queued or being committed
        for thread in threads:
            thread.join(timeout=20)
        assert not any(thread.is_alive() for thread in threads)
        assert 4 <= len(acked)

        restarted = serve(env, tmp_path / "after.log")
        check = check_database(url, students)
        assert check.lost == [] and check.not_submitted == [] and check.changed_deadline == []
        engine = create_engine(url)
        with engine.connect() as conn:
            attempts = {row.id: row for row in conn.execute(text(
                "select id, status, score, max_score, submitted_at from attempt"))}
            items: dict[int, list] = {}
            for row in conn.execute(text("select attempt_id, score, feedback, needs_manual from attempt_item")):
                items.setdefault(row.attempt_id, []).append(row)
        engine.dispose()
        acked_ids = {s.attempt_id for s in acked}
        in_progress = 0
        for student in students:
            attempt, rows = attempts[student.attempt_id], items[student.attempt_id]
            if attempt.status == "submitted":  # whole: every item graded, the total stored
                assert attempt.submitted_at is not None and attempt.score is not None
                assert all(r.feedback and (r.score is not None or r.needs_manual) for r in rows)
                assert abs(attempt.score - sum(r.score or 0 for r in rows)) < 1e-6
            else:  # untouched: acknowledged submits are never here
                assert student.attempt_id not in acked_ids
                assert attempt.status == "in_progress" and attempt.score is None and attempt.submitted_at is None
                assert all(not r.feedback and r.score is None and not r.needs_manual for r in rows)
                in_progress += 1

        assert in_progress > 0  # the kill came mid-burst (typically 4 acknowledged, ~34 still open)
        # The restarted server finishes the rest: each remaining attempt submits once and is graded.
        for student in students:
            if student.attempt_id not in acked_ids:
                assert student.submit(restarted.url) == 200
        status, body = students[0].call(restarted.url, "GET", f"/api/v1/attempts/{students[0].attempt_id}")
        assert status == 200 and body["status"] == "submitted" and body["score"] is not None
    finally:
        server.stop()
        if restarted is not None:
            restarted.stop()


def test_sigkill_during_the_start_burst_keeps_every_acknowledged_start(tmp_path):
    """Papers prepared at publishing; the server dies while a hall starts; after the restart every
    student has exactly one attempt, and a start that was answered kept its attempt and deadline."""
    url = f"sqlite:///{tmp_path / 'burst.db'}"
    prepared = prepare(url, 24, time_limit_minutes=90)
    engine = create_engine(url)
    with engine.connect() as conn:
        papers = dict(conn.execute(text("select user_id, id from attempt where status = 'prepared'")).all())
    assert len(papers) == 24
    env = server_env(prepared, os.environ)
    server = serve(env, tmp_path / "before.log")
    restarted = None
    try:
        students = [LiveStudent(i, name) for i, name in enumerate(prepared.usernames)]
        for student in students:
            student.login(server.url)
        answered: dict[str, tuple[int, str]] = {}
        lock = threading.Lock()

        def burst(group: list[LiveStudent]) -> None:
            for student in group:
                status, body = student.call(server.url, "POST", f"/api/v1/exams/{prepared.exam_id}/attempts")
                if status != 200:
                    return  # the server is gone
                with lock:
                    answered[student.username] = (body["attempt_id"], body["deadline"])
                time.sleep(0.05)

        threads = [threading.Thread(target=burst, args=(students[i::4],)) for i in range(4)]
        for thread in threads:
            thread.start()
        for _ in range(400):  # kill once some starts were answered, with more on their way
            with lock:
                if len(answered) >= 6:
                    break
            time.sleep(0.01)
        server.kill()
        for thread in threads:
            thread.join(timeout=20)
        assert not any(thread.is_alive() for thread in threads)
        assert 6 <= len(answered) < len(students)  # the crash hit the middle of the burst

        restarted = serve(env, tmp_path / "after.log")
        for student in students:  # everyone (again) presses 开始
            student.start(restarted.url, prepared.exam_id)
            if student.username in answered:
                assert (student.attempt_id, student.deadline) == answered[student.username]
        with engine.connect() as conn:
            rows = conn.execute(text("select user_id, status, number from attempt")).all()
        assert len(rows) == len(students) and {(s, n) for _u, s, n in rows} == {("in_progress", 1)}
        assert len({u for u, _s, _n in rows}) == len(students)
        with engine.connect() as conn:  # every start, before and after the crash, used its prepared paper
            assert dict(conn.execute(text("select user_id, id from attempt")).all()) == papers
        for student in students:
            question = student.questions[0]
            assert student.save(restarted.url, question, 1, simple_response(question, 1)) == 200
            assert student.submit(restarted.url) == 200
        check = check_database(url, students)
        assert check.lost == [] and check.not_submitted == [] and check.missing_deadline == []
        assert check.changed_deadline == []
    finally:
        engine.dispose()
        server.stop()
        if restarted is not None:
            restarted.stop()
