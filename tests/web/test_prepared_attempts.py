"""Papers prepared before the exam opens: hidden until started, started by one guarded UPDATE,
reproducible from the seed, and a fresh draw for a student added late or an exam changed since."""

from __future__ import annotations

import io
import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import text

from app.extensions import db
from app.models import Attempt, Exam, User
from app.models.base import utcnow
from app.services import attempts as attempt_svc
from app.services import prepared_papers
from app.services.classes import add_member, find_class
from tests.conftest import make_user
from tests.web.test_exams_api import login, start


@pytest.fixture
def app_config(app_config):
    return dict(app_config, PREPARE_PAPERS="sync")


def rows(app, exam_id):
    """Every attempt row of the exam as stored, prepared ones included: (id, user, status, number, seed)."""
    with app.app_context():
        return db.session.execute(text("SELECT a.id, u.username, a.status, a.number, a.seed FROM attempt a "
                                       "JOIN \"user\" u ON u.id = a.user_id WHERE a.exam_id = :e ORDER BY a.id"),
                                  {"e": exam_id}).all()


def items(app, attempt_id):
    with app.app_context():
        return [tuple(r) for r in db.session.execute(text(
            "SELECT position, qid, version_id, points, presentation FROM attempt_item WHERE attempt_id = :a "
            "ORDER BY position"), {"a": attempt_id})]


def draft(app, exam_factory):
    """A draft exam (created as published with preparing off, then set back to draft)."""
    mode = app.config["PREPARE_PAPERS"]
    app.config["PREPARE_PAPERS"] = "off"
    exam_id = exam_factory()
    with app.app_context():
        db.session.get(Exam, exam_id).status = "draft"
        db.session.commit()
    app.config["PREPARE_PAPERS"] = mode
    return exam_id


def prepared_of(app, exam_id, username="student"):
    return next(r for r in rows(app, exam_id) if r.username == username and r.status == "prepared")


def test_publishing_prepares_one_hidden_paper_per_assigned_student(app, exam_factory):
    exam_id = exam_factory()
    stored = rows(app, exam_id)
    assert sorted((r.username, r.status, r.number) for r in stored) == [
        ("student", "prepared", 1), ("student2", "prepared", 1)]
    assert all(items(app, r.id) for r in stored)
    # Running it again keeps them (idempotent).
    with app.app_context():
        report = prepared_papers.prepare_exam(exam_id)
    assert (report.prepared, report.kept, report.discarded) == (0, 2, 0)
    assert rows(app, exam_id) == stored


def snapshot(app, exam_id):
    """What teachers and students see of the exam, through the app's own pages and API."""
    teacher, student = app.test_client(), app.test_client()
    login(teacher, "teacher")
    login(student, "student")
    pages = {
        "gradebook": teacher.get(f"/api/v1/exams/{exam_id}/gradebook").get_json(),
        "gradebook_csv": teacher.get(f"/api/v1/exams/{exam_id}/gradebook?format=csv").data,
        "monitor": teacher.get(f"/api/v1/exams/{exam_id}/monitor").get_json()["attempts"],
        "statistics": teacher.get(f"/api/v1/exams/{exam_id}/statistics").get_json()["exam"],
        "monitor_page": teacher.get(f"/instructor/exams/{exam_id}/monitor").data,
        "exam_list": teacher.get("/instructor/exams").data,
        "student_list": student.get("/exams/").data,
        "student_detail": student.get(f"/exams/{exam_id}").data,
        "api_exams": student.get("/api/v1/exams").get_json(),
    }
    for key, value in pages.items():
        assert value is not None, key
    return pages


def test_prepared_papers_show_nowhere(app, exam_factory):
    app.config["PREPARE_PAPERS"] = "off"
    exam_id = exam_factory()
    assert rows(app, exam_id) == []
    before = snapshot(app, exam_id)
    with app.app_context():
        report = prepared_papers.prepare_exam(exam_id)
    assert report.prepared == 2
    after = snapshot(app, exam_id)
    for key in before:
        if key.endswith("_page") or key in ("exam_list", "student_list", "student_detail"):
            # CSRF tokens and clocks differ between renders; the attempt counts and rows must not.
            assert before[key].count(b"<tr") == after[key].count(b"<tr"), key
            assert before[key].replace(b"\n", b"").count(b"\xe6\xac\xa1") == after[key].replace(
                b"\n", b"").count(b"\xe6\xac\xa1"), key  # "次" (attempts used)
        else:
            assert before[key] == after[key], key
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Attempt.id)).filter_by(exam_id=exam_id)) == 0
        student = db.session.scalar(db.select(User).filter_by(username="student"))
        exam = db.session.get(Exam, exam_id)
        from app.services.exam_access import user_attempts
        from app.services.exam_admin import attempt_count

        assert user_attempts(exam, student) == [] and attempt_count(exam) == 0
    # The prepared attempt cannot be opened by its id (its paper is not out before the start).
    client = app.test_client()
    login(client)
    prepared = prepared_of(app, exam_id)
    assert client.get(f"/api/v1/attempts/{prepared.id}?questions=1").status_code == 404
    assert client.get(f"/exams/attempts/{prepared.id}").status_code == 404
    assert client.post(f"/api/v1/attempts/{prepared.id}/submit", headers=login(client)).status_code == 404
    assert rows(app, exam_id) and {r.status for r in rows(app, exam_id)} == {"prepared"}


def test_start_uses_the_prepared_paper_and_sets_the_deadline_then(app, client, exam_factory):
    exam_id = exam_factory()
    prepared = prepared_of(app, exam_id)
    paper = items(app, prepared.id)
    with app.app_context():  # prepared long ago: the deadline counts from the start, not from then
        db.session.execute(text("UPDATE attempt SET started_at = :t WHERE id = :a"),
                           {"t": utcnow() - timedelta(days=2), "a": prepared.id})
        db.session.commit()
    before = utcnow().replace(microsecond=0)
    body = start(client, login(client), exam_id)
    assert body["attempt_id"] == prepared.id and body["status"] == "in_progress"
    assert [q["id"] for q in body["questions"]] == [row[1] for row in paper]
    assert items(app, prepared.id) == paper
    with app.app_context():
        attempt = db.session.get(Attempt, prepared.id)
        assert attempt.seed == prepared.seed and attempt.number == 1
        assert attempt.started_at >= before
        assert attempt.deadline == attempt.started_at + timedelta(minutes=30)
    # The response is the stored attempt, as a later read gives it.
    again = client.get(f"/api/v1/attempts/{prepared.id}?questions=1").get_json()
    assert {k: v for k, v in again.items() if k != "server_time"} == {
        k: v for k, v in body.items() if k != "server_time"}
    # Resuming returns it; the other student's paper is still prepared.
    assert start(client, login(client), exam_id)["attempt_id"] == prepared.id
    assert prepared_of(app, exam_id, "student2")


@pytest.mark.parametrize("cases", [[], [{"id": "customer-value", "points": 20}]])
def test_a_prepared_seed_reproduces_its_paper(app, exam_factory, cases):
    exam_id = exam_factory(cases=cases)
    prepared = prepared_of(app, exam_id)
    stored = items(app, prepared.id)
    with app.app_context():
        exam = db.session.get(Exam, exam_id)
        paper = attempt_svc.draw_paper(exam, prepared.seed)
        drawn = paper.rows + paper.case_rows()
        db.session.rollback()
    assert [(r["position"], r["qid"], r["version_id"], r["points"], r["presentation"]) for r in drawn] == [
        (p, q, v, pts, json.loads(pres) if isinstance(pres, str) else pres)
        for p, q, v, pts, pres in stored]


def test_two_concurrent_starts_turn_one_prepared_attempt(app, exam_factory, monkeypatch):
    exam_id = exam_factory()
    prepared = prepared_of(app, exam_id)
    clients = [app.test_client(), app.test_client()]
    headers = [login(c) for c in clients]
    barrier = threading.Barrier(2)
    original = prepared_papers.is_current

    def in_step(*args):  # both requests have seen the prepared paper before either updates it
        try:
            barrier.wait(timeout=5)
        except threading.BrokenBarrierError:
            pass
        return original(*args)

    monkeypatch.setattr(prepared_papers, "is_current", in_step)
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
    assert bodies[0]["attempt_id"] == bodies[1]["attempt_id"] == prepared.id
    assert bodies[0]["questions"] == bodies[1]["questions"]
    mine = [r for r in rows(app, exam_id) if r.username == "student"]
    assert [(r.id, r.status) for r in mine] == [(prepared.id, "in_progress")]


def test_a_start_that_lost_the_race_gets_the_winners_attempt(app, client, exam_factory):
    exam_id = exam_factory(max_attempts=1)
    prepared = prepared_of(app, exam_id)
    with app.app_context():
        exam = db.session.get(Exam, exam_id)
        user = db.session.scalar(db.select(User).filter_by(username="student"))
        stale = db.session.get(Attempt, prepared.id, execution_options={"include_prepared": True})
        assert stale.status == "prepared"
        db.session.commit()  # no transaction left open while the other request writes
        other = {}  # another request (its own thread and session) starts it first
        thread = threading.Thread(target=lambda: other.update(body=start(client, login(client), exam_id)))
        thread.start()
        thread.join(timeout=30)
        body = other["body"]
        now = utcnow()
        again = prepared_papers.claim(exam, user, stale, 1, now, now + timedelta(minutes=5))
        assert again.id == body["attempt_id"] == prepared.id
        db.session.commit()
    mine = [r for r in rows(app, exam_id) if r.username == "student"]
    assert [(r.status, r.number) for r in mine] == [("in_progress", 1)]
    with app.app_context():  # the deadline is the winner's
        assert db.session.get(Attempt, prepared.id).deadline.isoformat(timespec="seconds") + "Z" == body["deadline"]


def test_a_student_added_late_starts_with_a_fresh_draw(app, client, exam_factory):
    exam_id = exam_factory()
    late = make_user(app, "late")
    with app.app_context():
        app.config["PREPARE_PAPERS"] = "off"  # added without the roster hook: nothing prepared for them
        add_member(find_class("一班"), db.session.get(User, late))
        db.session.commit()
    assert [r.username for r in rows(app, exam_id)] == ["student", "student2"]
    body = start(client, login(client, "late"), exam_id)
    mine = [r for r in rows(app, exam_id) if r.username == "late"]
    assert [(r.id, r.status, r.number) for r in mine] == [(body["attempt_id"], "in_progress", 1)]
    assert len(body["questions"]) == 9


def test_a_roster_import_prepares_papers_for_new_students(app, client, auth, exam_factory):
    exam_id = exam_factory()
    auth.login("teacher")
    with app.app_context():
        class_id = find_class("一班").id
    csv = "学号,姓名,班级,初始密码\n2026101,新同学,,pass-word-2026\n".encode()
    response = client.post(f"/instructor/classes/{class_id}", data={"file": (io.BytesIO(csv), "r.csv")},
                           content_type="multipart/form-data")
    assert response.status_code in (200, 302)
    assert prepared_papers.wait_for_background(30)
    assert sorted(r.username for r in rows(app, exam_id) if r.status == "prepared") == [
        "2026101", "student", "student2"]


def test_an_exam_changed_after_preparing_starts_with_a_fresh_draw(app, client, exam_factory):
    exam_id = exam_factory()
    prepared = prepared_of(app, exam_id)
    with app.app_context():  # changed behind the hooks' back (no re-prepare): the start must notice
        db.session.execute(text("UPDATE exam SET paper_layout = 'mixed' WHERE id = :e"), {"e": exam_id})
        db.session.commit()
    body = start(client, login(client), exam_id)
    assert body["attempt_id"] != prepared.id or rows(app, exam_id)[0].seed != prepared.seed
    mine = [r for r in rows(app, exam_id) if r.username == "student"]
    assert len(mine) == 1 and mine[0].status == "in_progress" and mine[0].number == 1
    assert mine[0].seed != prepared.seed
    assert "sections" not in body  # drawn with the exam as it is now
    with app.app_context():
        assert db.session.get(Attempt, body["attempt_id"]).sectioned is False


def test_editing_the_exam_prepares_the_papers_again(app, client, auth, exam_factory):
    exam_id = exam_factory()
    before = {r.username: r for r in rows(app, exam_id)}
    with app.app_context():
        from app.services.exam_admin import exam_definition_data, save_exam

        exam = db.session.get(Exam, exam_id)
        data = exam_definition_data(exam)
        data["shuffle_options"] = False
        save_exam(exam, data, db.session.scalar(db.select(User).filter_by(username="teacher")))
    after = {r.username: r for r in rows(app, exam_id)}
    assert set(after) == {"student", "student2"} and all(r.status == "prepared" for r in after.values())
    assert {r.seed for r in after.values()}.isdisjoint({r.seed for r in before.values()})
    body = start(client, login(client), exam_id)
    assert body["attempt_id"] == after["student"].id


def test_no_paper_for_students_with_an_attempt_open_or_none_left(app, client, exam_factory):
    app.config["PREPARE_PAPERS"] = "off"
    exam_id = exam_factory(max_attempts=1)
    headers = login(client)
    body = start(client, headers, exam_id)
    student2 = app.test_client()
    attempt2 = start(student2, login(student2, "student2"), exam_id)["attempt_id"]
    assert student2.post(f"/api/v1/attempts/{attempt2}/submit", headers=login(student2, "student2")).status_code == 200
    with app.app_context():
        report = prepared_papers.prepare_exam(exam_id)
    assert (report.prepared, report.skipped) == (0, 2)
    assert [r.status for r in rows(app, exam_id)] == ["in_progress", "submitted"]
    # Unlimited attempts: the next attempt is prepared with the next number once the first is done.
    app.config["PREPARE_PAPERS"] = "off"
    exam_id = exam_factory()
    first = start(client, headers, exam_id)["attempt_id"]
    client.post(f"/api/v1/attempts/{first}/submit", headers=headers)
    with app.app_context():
        prepared_papers.prepare_exam(exam_id)
    prepared = prepared_of(app, exam_id)
    assert prepared.number == 2
    assert start(client, headers, exam_id)["attempt_id"] == prepared.id
    assert body


def test_drafts_and_closed_exams_are_not_prepared(app, exam_factory):
    exam_id = draft(app, exam_factory)
    assert rows(app, exam_id) == []
    with app.app_context():
        assert prepared_papers.prepare_exam(exam_id).reason == "not published"
    closed = exam_factory(closes_at="2020-01-01T00:00:00")
    assert rows(app, closed) == []


def test_publishing_in_a_request_prepares_in_the_background(app, client, auth, exam_factory):
    exam_id = draft(app, exam_factory)
    app.config["PREPARE_PAPERS"] = "background"
    auth.login("teacher")
    assert client.post(f"/instructor/exams/{exam_id}/publish").status_code == 302
    assert prepared_papers.wait_for_background(30)
    assert sorted((r.username, r.status) for r in rows(app, exam_id)) == [
        ("student", "prepared"), ("student2", "prepared")]


def test_exam_prepare_command(app, runner, exam_factory):
    app.config["PREPARE_PAPERS"] = "off"
    exam_id = exam_factory()
    result = runner.invoke(args=["exam", "prepare", str(exam_id)])
    assert result.exit_code == 0, result.output
    assert "2" in result.output
    assert sorted(r.status for r in rows(app, exam_id)) == ["prepared", "prepared"]
    again = runner.invoke(args=["exam", "prepare", str(exam_id)])
    assert again.exit_code == 0 and "0" in again.output
    missing = runner.invoke(args=["exam", "prepare", "99999"])
    assert missing.exit_code != 0 and "99999" in missing.output and "Traceback" not in missing.output
    refused = runner.invoke(args=["exam", "prepare", str(draft(app, exam_factory))])
    assert refused.exit_code != 0 and "Traceback" not in refused.output


def test_a_paper_entry_replaces_the_prepared_paper(app, exam_factory):
    exam_id = exam_factory()
    with app.app_context():
        from app.services.paper_exam import enter_answers, prepare_variants

        exam = db.session.get(Exam, exam_id)
        teacher = db.session.scalar(db.select(User).filter_by(username="teacher"))
        student = db.session.scalar(db.select(User).filter_by(username="student"))
        papers = prepare_variants(exam, 1, teacher)
        db.session.commit()
        attempt = enter_answers(exam, papers[0].paper, student, {}, teacher)
        assert attempt.number == 1 and attempt.status == "submitted"
    mine = [r for r in rows(app, exam_id) if r.username == "student"]
    assert [(r.status, r.number) for r in mine] == [("submitted", 1)]


def test_a_prepared_start_is_one_update_and_no_insert(app, client, exam_factory):
    from tests.conftest import recorded_statements

    exam_id = exam_factory()
    headers = login(client)
    other = app.test_client()
    start(other, login(other, "student2"), exam_id)  # warm the pool and plan
    with recorded_statements(app) as statements:
        body = start(client, headers, exam_id)
    assert body["attempt_id"] == prepared_of_started(app, exam_id)
    writes = [s for s in statements if s.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert len(writes) == 1 and writes[0].lstrip().upper().startswith("UPDATE ATTEMPT SET STATUS"), writes
    # BEGIN, the user, the exam, assigned?, the attempts, the pool fingerprint, the items, BEGIN IMMEDIATE, UPDATE.
    assert len(statements) <= 9, statements
    assert len(body["questions"]) == 9


def prepared_of_started(app, exam_id, username="student"):
    return next(r.id for r in rows(app, exam_id) if r.username == username)


def test_a_prepared_paper_keeps_its_draw_key_and_a_start_with_the_same_inputs_does_not_draw_again(
        app, client, exam_factory, monkeypatch):
    exam_id = exam_factory()
    with app.app_context():
        key = attempt_svc.draw_key(db.session.get(Exam, exam_id))
        stored = db.session.scalars(text("SELECT draw_key FROM attempt WHERE exam_id = :e"), {"e": exam_id}).all()
    assert len(stored) == 2 and set(stored) == {key}
    prepared = prepared_of(app, exam_id)

    def no_draw(*args, **kwargs):
        raise AssertionError("a start with unchanged draw inputs must not draw the paper again")

    monkeypatch.setattr(attempt_svc, "draw_paper", no_draw)
    body = start(client, login(client), exam_id)
    assert body["attempt_id"] == prepared.id
    assert [(i[0], i[1]) for i in items(app, prepared.id)] == [(q["position"], q["id"]) for q in body["questions"]]


def test_the_draw_key_follows_the_exam_settings_and_the_bank(app, exam_factory):
    exam_id = exam_factory()
    with app.app_context():
        exam = db.session.get(Exam, exam_id)
        first = attempt_svc.draw_key(exam)
        assert attempt_svc.draw_key(exam) == first  # nothing changed: the same key
        exam.shuffle_options = not exam.shuffle_options
        db.session.commit()
        toggled = attempt_svc.draw_key(exam)
        assert toggled != first
        # A question leaves the bank (any question of the course: the pool it draws from changed).
        db.session.execute(text("UPDATE question SET active = :f, updated_at = :t WHERE id = "
                                "(SELECT MIN(id) FROM question WHERE course = :c)"),
                           {"f": False, "t": utcnow(), "c": exam.course})
        db.session.commit()
        assert attempt_svc.draw_key(exam) not in (first, toggled)


# No key: papers prepared before draw keys existed. Another key proves nothing (e.g. another
# process's pool loaded in another order). Either way the start draws again to compare, and keeps
# the paper its seed reproduces.
@pytest.mark.parametrize("stored_key", [None, "not-the-key"])
def test_a_missing_or_other_draw_key_is_checked_by_drawing_again(app, client, exam_factory, stored_key):
    exam_id = exam_factory()
    prepared = prepared_of(app, exam_id)
    with app.app_context():
        db.session.execute(text("UPDATE attempt SET draw_key = :k WHERE exam_id = :e"), {"k": stored_key, "e": exam_id})
        db.session.commit()
    body = start(client, login(client), exam_id)
    assert body["attempt_id"] == prepared.id


def test_starts_arriving_during_a_commit_share_the_next_one(app, exam_factory):
    from tests.web.test_autosave_fast import queue_behind_held_turn

    exam_id = exam_factory()
    added = [make_user(app, f"student{n}") for n in range(3, 6)]
    with app.app_context():
        for user_id in added:
            add_member(find_class("一班"), db.session.get(User, user_id))
        db.session.commit()
        assert prepared_papers.prepare_exam(exam_id).prepared == 3
    prepared = [r for r in rows(app, exam_id) if r.status == "prepared"]
    assert len(prepared) == 5
    now = utcnow()
    deadline = now + timedelta(minutes=30)
    committer = prepared_papers.ClaimCommitter()
    # Four starts queue behind a commit in progress; the second claim of one paper loses.
    claims = [prepared_papers.PendingClaim(r.id, now, deadline) for r in prepared[:3]]
    claims.append(prepared_papers.PendingClaim(prepared[0].id, now, deadline))
    results, errors = queue_behind_held_turn(app, committer, claims)
    assert errors == {} and results == {0: True, 1: True, 2: True, 3: False}
    assert (committer.commits, committer.writes) == (1, 4)  # four starts, one durable commit
    stored = {r.id: r.status for r in rows(app, exam_id)}
    assert [stored[r.id] for r in prepared] == ["in_progress"] * 3 + ["prepared"] * 2
    with app.app_context():
        assert {db.session.get(Attempt, r.id).deadline for r in prepared[:3]} == {deadline}
