"""Regrading after a key fix: exactly the attempts that answered an older version change."""

import pytest

from app.extensions import db
from app.models import Attempt, AttemptItem, AuditLog, Exam, Question, User
from app.services import attempts as exam_svc
from app.services.exams import create_exam

SINGLE = {"chapter": "ch05-customer-value", "difficulty": "2", "points": "1", "stem": "客户让渡价值等于什么?",
          "option-A": "总价值加总成本", "option-B": "总价值减总成本", "option-C": "总成本"}


def _user(name):
    return db.session.scalar(db.select(User).filter_by(username=name))


def _create_question(client, qid, answer, qtype="single", **extra):
    form = dict(SINGLE, id=qid, answer=answer, action="save", **extra)
    assert client.post(f"/instructor/bank/new?type={qtype}", data=form).status_code == 302


def _fix_key(client, qid, answer):
    form = dict(SINGLE, answer=answer, action="save", note="更正答案")
    assert client.post(f"/instructor/bank/{qid}/edit", data=form).status_code == 302


def _exam(title, qids):
    from app.services.classes import add_member, get_or_create_class

    group = get_or_create_class("一班", None)
    for name in ("student", "student2"):
        add_member(group, _user(name))
    return create_exam({"title": title, "classes": ["一班"], "max_attempts": 0, "shuffle_options": False,
                                 "fixed": [{"id": qid, "points": 2} for qid in qids]}, _user("teacher"))


def _take(exam, username, answers, submit=True):
    attempt = exam_svc.start_or_resume(exam, _user(username))
    for qid, response in answers.items():
        exam_svc.save_response(attempt, qid, response, None)
    if submit:
        exam_svc.submit(attempt)
    return attempt.id


def _snapshot():
    """Every attempt's total and every item's grading fields."""
    attempts = {a.id: (a.score, a.max_score, a.status) for a in db.session.scalars(db.select(Attempt))}
    items = {i.id: (i.attempt_id, i.qid, i.version_id, i.score, i.feedback, i.regraded_version_id)
             for i in db.session.scalars(db.select(AttemptItem))}
    return attempts, items


@pytest.fixture
def fixed_key(app, client, auth, users):
    """Question key-1 saved with a wrong key (A) and answered; then its key is fixed to B and answered again."""
    auth.login("teacher")
    _create_question(client, "key-1", "A")
    _create_question(client, "other-1", "B")
    with app.app_context():
        first = _exam("第一次测验", ["key-1", "other-1"])
        second = _exam("第二次测验", ["other-1"])
        first_id = first.id
        ids = {
            "right": _take(first, "student", {"key-1": "B", "other-1": "B"}),      # right answer, marked wrong
            "wrong": _take(first, "student2", {"key-1": "A", "other-1": "A"}),     # wrong answer, marked right
            "untouched": _take(second, "student", {"other-1": "B"}),
            "open": _take(db.session.get(Exam, first_id), "teacher", {"key-1": "B"}, submit=False),
        }
    _fix_key(client, "key-1", "B")
    with app.app_context():  # answered on the fixed version: nothing to regrade
        ids["current"] = _take(db.session.get(Exam, first_id), "student2", {"key-1": "B", "other-1": "B"})
    return ids


def test_regrade_changes_exactly_the_affected_attempts_and_totals(app, client, fixed_key):
    with app.app_context():
        before_attempts, before_items = _snapshot()
        assert before_attempts[fixed_key["right"]][0] == 2 and before_attempts[fixed_key["wrong"]][0] == 2
    plan = client.get("/instructor/bank/key-1/regrade").get_data(as_text=True)
    assert "需要重新评分的作答：2" in plan and "总分将变化的答卷：2" in plan
    assert "进行中的答卷 1 份未处理" in plan and "+2" in plan and "-2" in plan
    with app.app_context():
        assert _snapshot() == (before_attempts, before_items)  # the plan writes nothing
    done = client.post("/instructor/bank/key-1/regrade", data={"confirm": "yes"}).get_data(as_text=True)
    assert "已重新评分：2 道作答，其中 2 份答卷总分发生变化" in done
    assert "张三" in done and "李四" in done
    with app.app_context():
        after_attempts, after_items = _snapshot()
        question = db.session.scalar(db.select(Question).filter_by(qid="key-1"))
        v1, v2 = (v.id for v in question.versions)
        assert after_attempts[fixed_key["right"]][0] == 4 and after_attempts[fixed_key["wrong"]][0] == 0
        changed_items = {i for i in after_items if after_items[i] != before_items[i]}
        for item_id in changed_items:
            attempt_id, qid, version_id, score, feedback, regraded = after_items[item_id]
            assert qid == "key-1" and version_id == v1 and regraded == v2 and "重新评分" in feedback
        assert {after_items[i][0] for i in changed_items} == {fixed_key["right"], fixed_key["wrong"]}
        untouched = set(after_attempts) - {fixed_key["right"], fixed_key["wrong"]}
        assert {a: after_attempts[a] for a in untouched} == {a: before_attempts[a] for a in untouched}
        assert {i: after_items[i] for i in set(after_items) - changed_items} == \
            {i: before_items[i] for i in set(before_items) - changed_items}
        record = db.session.scalar(db.select(AuditLog).filter_by(action="question.regrade"))
        assert record.target == "question:key-1" and record.details["items"] == 2
        assert record.details["skipped_in_progress"] == 1
        assert sorted((c["user"], c["total"]) for c in record.details["changes"]) == [
            ("student", [2.0, 4.0]), ("student2", [2.0, 0.0])]
    again = client.get("/instructor/bank/key-1/regrade").get_data(as_text=True)
    assert "没有需要重新评分的作答" in again.replace("进行中", "")


def test_student_review_shows_the_new_score(app, client, auth, fixed_key):
    client.post("/instructor/bank/key-1/regrade", data={"confirm": "yes"})
    auth.logout()
    auth.login("student")
    state = client.get(f"/api/v1/attempts/{fixed_key['right']}").get_json()
    assert state["score"] == 4
    assert [r["score"] for r in state["results"] if r["id"] == "key-1"] == [2]


def test_regrade_needs_confirmation(app, client, fixed_key):
    with app.app_context():
        before = _snapshot()
    response = client.post("/instructor/bank/key-1/regrade", data={})
    assert response.status_code == 302
    assert "请勾选确认" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert _snapshot() == before
        assert db.session.scalar(db.select(AuditLog).filter_by(action="question.regrade")) is None


def test_manually_graded_items_are_kept(app, client, fixed_key):
    with app.app_context():
        item = db.session.scalar(db.select(AttemptItem).filter_by(attempt_id=fixed_key["wrong"], qid="key-1"))
        item.graded_by_id = _user("teacher").id
        db.session.commit()
    page = client.post("/instructor/bank/key-1/regrade", data={"confirm": "yes"}).get_data(as_text=True)
    assert "人工评分的作答 1 道保持不变" in page
    with app.app_context():
        assert db.session.get(Attempt, fixed_key["wrong"]).score == 2
        assert db.session.get(Attempt, fixed_key["right"]).score == 4


def test_nothing_to_regrade_without_an_older_version(app, client, auth, users):
    auth.login("teacher")
    _create_question(client, "fresh-1", "B")
    page = client.get("/instructor/bank/fresh-1/regrade").get_data(as_text=True)
    assert "没有需要重新评分的作答" in page and 'name="confirm"' not in page
    assert client.get("/instructor/bank/missing/regrade").status_code == 404
