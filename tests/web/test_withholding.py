"""Withholding exam questions from practice, ``use: exam`` questions, closed-book exams, ending an exam now.

docs/security.md, "Practice never reveals a key that an open exam can still ask".
"""

from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.domain.practice import MODE_DUE, MODE_NEW, MODE_WEAK, PracticeSet
from app.extensions import db
from app.models import AuditLog, Attempt, Exam, NotebookEntry, PracticeAnswer, Question, User
from app.models.base import utcnow
from app.services import practice as svc
from app.services.classes import add_member, get_or_create_class
from tests.conftest import make_user

SINGLES = {"ch01-q001", "ch01-q002", "ch01-q003"}  # every single-choice question of the mini bank
FIXED = "ch01-q019"  # a true/false question asked by every paper
WITHHELD = SINGLES | {FIXED}
CH1 = "ch01-crm-overview"
KEY_WORDS = ("正确答案", 'id="explanation"')


@pytest.fixture
def world(app, users, mini_bank, exam_factory):
    """Class 一班 (student, student2), class 二班 (outsider); a factory for hidden-review exams of 一班."""
    outsider = make_user(app, "outsider", full_name="局外人")
    with app.app_context():
        group = get_or_create_class("二班", None)
        add_member(group, db.session.get(User, outsider))
        db.session.commit()

    def hidden_exam(**overrides):
        definition = dict(review_policy="never", closes_at="2099-01-01T00:00:00+00:00", max_attempts=0,
                          rules=[{"types": ["single"], "count": 2, "points": 1}],
                          fixed=[{"id": FIXED, "points": 1}])
        definition.update(overrides)
        return exam_factory(**definition)

    users["outsider"] = outsider
    return hidden_exam


def login(client, username):
    response = client.post("/auth/login", data={"username": username, "password": "secret-pass-123"})
    assert response.status_code == 302


def uid(app, username):
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def drawn(app, user_id, scopes=((None, None), ("crm", None), ("crm", CH1))) -> set[str]:
    """Every question many practice sets of every scope and mode give ``user_id``."""
    seen: set[str] = set()
    with app.test_request_context():
        for course, chapter in scopes:
            for mode in (MODE_NEW, MODE_WEAK):
                for seed in range(5):
                    seen |= set(svc.draw(user_id, course, chapter, mode, 30, random.Random(seed)))
        seen |= set(svc.practice_qids("crm", None, user_id)) | set(svc.practice_qids("crm", CH1, user_id))
    return seen


def walk_practice(client, scope=f"crm/{CH1}") -> tuple[set[str], str]:
    """Start a 30-question set through the form and skip through it; the questions shown and all pages."""
    response = client.post("/practice/start", data={"scope": scope, "mode": "new", "count": 30})
    assert response.status_code == 302
    url = response.headers["Location"]
    shown, pages = set(), []
    for _ in range(40):
        page = client.get(url).get_data(as_text=True)
        pages.append(page)
        found = re.search(r'name="qid" value="([^"]+)"', page)
        if not found:
            break
        shown.add(found.group(1))
        client.post("/practice/next", data={"scope": scope, "qid": found.group(1)})
    return shown, "\n".join(pages)


def put_set(client, app, qids, username="student", scope=f"crm/{CH1}"):
    """A set drawn before the exam was published (as if): it still holds the exam's questions."""
    practice_set = PracticeSet(user_id=uid(app, username), mode="new", qids=tuple(qids))
    with client.session_transaction() as session:
        session["practice_sets"] = [[scope, practice_set.to_dict()]]


def wrong_answer_recorded(app, username, qid):
    """Answer ``qid`` wrongly through the service (before any exam), so it is in the notebook."""
    user_id = uid(app, username)
    with app.test_request_context():
        data = db.session.scalar(select(Question).where(Question.qid == qid)).data
        wrong = next(k for k in data["options"] if k != data["answer"]) if data["type"] == "single" else (
            not data["answer"])
        return svc.record_answer(user_id, qid, wrong).id


def set_closes_at(app, exam_id, when):
    with app.app_context():
        db.session.get(Exam, exam_id).closes_at = when
        db.session.commit()


# --- point 1: withheld while open ---------------------------------------------------------------

def test_hidden_review_exam_withholds_its_questions_before_during_and_after_the_attempt(app, client, world):
    from app.services.attempts import start_or_resume, submit

    student = uid(app, "student")
    assert WITHHELD <= drawn(app, student)  # the bank offers them before any exam
    exam_id = world()
    assert not drawn(app, student) & WITHHELD  # published: before the student starts
    login(client, "student")
    shown, pages = walk_practice(client)
    assert shown and not shown & WITHHELD
    assert "部分题目因考试进行中暂不开放练习。" in pages
    with app.app_context():
        attempt = start_or_resume(db.session.get(Exam, exam_id), db.session.get(User, student))
        attempt_id = attempt.id
    assert not drawn(app, student) & WITHHELD  # during the attempt
    with app.app_context():
        submit(db.session.get(Attempt, attempt_id))
    assert not drawn(app, student) & WITHHELD  # after submitting
    shown, _pages = walk_practice(client, "crm")
    assert not shown & WITHHELD
    set_closes_at(app, exam_id, utcnow() - timedelta(minutes=5))
    assert WITHHELD <= drawn(app, student)  # closed: back in practice


def test_posting_an_answer_to_a_withheld_question_is_refused_and_records_nothing(app, client, world):
    world()
    login(client, "student")
    put_set(client, app, [FIXED, "ch01-q001", "ch01-q013"])
    page = client.get(f"/practice/crm/{CH1}").get_data(as_text=True)
    assert 'value="ch01-q013"' in page and 'value="ch01-q001"' not in page  # passed over
    for qid, answer in ((FIXED, "true"), ("ch01-q001", "A")):
        put_set(client, app, [qid])
        response = client.post("/practice/answer", data={"scope": f"crm/{CH1}", "qid": qid, "answer": answer})
        text = response.get_data(as_text=True)
        assert 400 <= response.status_code < 500
        assert "正确答案" not in text and 'id="explanation"' not in text
        error = re.search(r'id="answer-error">(.*?)</div>', text, re.S).group(1)
        assert "不能练习" in error and "考试" not in error  # neutral: nothing says which exam asks it
    student = uid(app, "student")
    with app.test_request_context():
        with pytest.raises(svc.PracticeError):
            svc.record_answer(student, "ch01-q002", "A")
        assert db.session.scalar(select(func.count(PracticeAnswer.id))) == 0


def test_earlier_feedback_and_notebook_entries_are_hidden_while_withheld_and_come_back(app, client, world):
    answer_id = wrong_answer_recorded(app, "student", "ch01-q001")
    other_id = wrong_answer_recorded(app, "student", "ch01-q020")
    student = uid(app, "student")
    exam_id = world()
    with app.test_request_context():
        assert svc.feedback(student, answer_id) is None
        assert [r["qid"] for r in svc.set_results(student, [answer_id, other_id])] == ["ch01-q020"]
        assert [q for q, _s in svc.notebook_states(student)] == ["ch01-q020"]
        today = svc.local_today() + timedelta(days=30)
        assert svc.draw(student, None, None, MODE_DUE, 30, random.Random(1), today) == ["ch01-q020"]
        assert [r["question"].qid for r in svc.notebook_page(student, 1, 50).items] == ["ch01-q020"]
    login(client, "student")
    notebook = client.get("/practice/notebook").get_data(as_text=True)
    assert "ch01-q020" in notebook or "共 1 题" in notebook
    stem_001 = qstem(app, "ch01-q001")
    assert stem_001 not in notebook
    with app.app_context():  # kept, not deleted
        assert db.session.scalar(select(func.count(NotebookEntry.id))) == 2
    set_closes_at(app, exam_id, utcnow() - timedelta(seconds=5))
    with app.test_request_context():
        assert svc.feedback(student, answer_id)["answer"]
        assert sorted(q for q, _s in svc.notebook_states(student)) == ["ch01-q001", "ch01-q020"]
    assert stem_001[:20] in client.get("/practice/notebook").get_data(as_text=True)


def test_a_withheld_notebook_question_cannot_be_redone_and_shows_no_key(app, client, world):
    wrong_answer_recorded(app, "student", "ch01-q001")
    wrong_answer_recorded(app, "student", "ch01-q020")
    login(client, "student")
    before = client.get("/practice/notebook").get_data(as_text=True)
    assert before.count('data-part="right-answer"') == 2  # last answers with keys, before the exam
    exam_id = world()
    notebook = client.get("/practice/notebook").get_data(as_text=True)
    assert 'value="notebook/ch01-q001"' not in notebook and 'value="notebook/ch01-q020"' in notebook
    assert notebook.count('data-part="right-answer"') == 1 and qstem(app, "ch01-q001") not in notebook
    # Redoing it, alone or with the whole notebook, never brings it up.
    response = client.post("/practice/start", data={"scope": "notebook/ch01-q001", "mode": "redo"})
    assert response.headers["Location"].endswith("/practice/notebook")
    page = client.get("/practice/notebook/redo/ch01-q001").get_data(as_text=True)
    assert 'value="ch01-q001"' not in page and not any(word in page for word in KEY_WORDS)
    client.post("/practice/start", data={"scope": "notebook", "mode": "redo"})
    page = client.get("/practice/notebook/redo").get_data(as_text=True)
    assert 'name="qid" value="ch01-q020"' in page and "第 1 / 1 题" in page
    set_closes_at(app, exam_id, utcnow() - timedelta(seconds=5))
    assert client.get("/practice/notebook").get_data(as_text=True).count('data-part="right-answer"') == 2


def qstem(app, qid):
    from app.services.rendering import html

    with app.app_context():
        return str(html(db.session.scalar(select(Question).where(Question.qid == qid)).data["stem"]))


def test_other_classes_instructors_and_released_exams_are_unaffected(app, world):
    exam_id = world()
    for name in ("outsider", "teacher", "admin"):
        assert WITHHELD <= drawn(app, uid(app, name), scopes=(("crm", CH1),)), name
    assert not drawn(app, uid(app, "student2"), scopes=(("crm", CH1),)) & WITHHELD  # same class, no attempt
    # Changing the review policy to "immediately" releases at once.
    with app.app_context():
        db.session.get(Exam, exam_id).review_policy = "immediately"
        db.session.commit()
    assert WITHHELD <= drawn(app, uid(app, "student"), scopes=(("crm", CH1),))


@pytest.mark.parametrize("overrides, withheld", [
    ({"review_policy": "immediately"}, False),
    ({"review_policy": "after_close"}, True),
    ({"review_policy": "never", "closes_at": None}, True),
    ({"review_policy": "never", "opens_at": "2098-01-01T00:00:00+00:00"}, True),  # published, not yet open
])
def test_which_exams_withhold(app, world, overrides, withheld):
    world(**overrides)
    assert bool(drawn(app, uid(app, "student"), scopes=(("crm", CH1),)) & WITHHELD) is not withheld


def test_an_unpublished_exam_withholds_nothing(app, world):
    exam_id = world()
    with app.app_context():
        db.session.get(Exam, exam_id).published = False
        db.session.commit()
    assert WITHHELD <= drawn(app, uid(app, "student"), scopes=(("crm", CH1),))


def test_withheld_set_follows_the_pool(app, world):
    """A question added to the bank that a rule can draw is withheld too (the cache follows the pool)."""
    from app.services.bank import upsert_question

    world()
    with app.test_request_context():
        data = dict(db.session.scalar(select(Question).where(Question.qid == "ch01-q001")).data, id="ch01-q801")
        upsert_question(data, CH1, "crm", "yaml")
        db.session.commit()
    seen = drawn(app, uid(app, "student"), scopes=(("crm", CH1),))
    assert "ch01-q801" not in seen and not seen & WITHHELD


def test_end_exam_now_releases_and_is_audited(app, client, world):
    from app.services.attempts import start_or_resume

    exam_id = world(closes_at=None)
    with app.app_context():
        attempt_id = start_or_resume(db.session.get(Exam, exam_id), db.session.scalar(select(User).filter_by(username="student2"))).id
    assert not drawn(app, uid(app, "student"), scopes=(("crm", CH1),)) & WITHHELD
    login(client, "student")
    assert client.get(f"/instructor/exams/{exam_id}/close").status_code == 403
    assert client.post(f"/instructor/exams/{exam_id}/close").status_code == 403
    client.post("/auth/logout")
    login(client, "teacher")
    listing = client.get("/instructor/exams").get_data(as_text=True)
    assert f"/instructor/exams/{exam_id}/close" in listing and "立即结束考试" in listing
    confirm = client.get(f"/instructor/exams/{exam_id}/close").get_data(as_text=True)
    assert "确定结束考试" in confirm
    with app.app_context():
        assert db.session.get(Exam, exam_id).closes_at is None  # asking changes nothing
    assert client.post(f"/instructor/exams/{exam_id}/close").status_code == 302
    with app.app_context():
        exam = db.session.get(Exam, exam_id)
        assert exam.closes_at is not None and exam.closes_at <= utcnow()
        assert db.session.get(Attempt, attempt_id).status == "submitted"
        assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "exam.close")) == 1
    assert WITHHELD <= drawn(app, uid(app, "student"), scopes=(("crm", CH1),))
    assert f"/instructor/exams/{exam_id}/close" not in client.get("/instructor/exams").get_data(as_text=True)
    client.post(f"/instructor/exams/{exam_id}/close")  # a second time: refused, nothing changes
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "exam.close")) == 1


# --- point 3: closed book --------------------------------------------------------------------------

CLOSED_AREAS = ("/lessons/crm/", f"/lessons/crm/{CH1}", "/search?q=客户", "/practice/", "/practice/notebook",
                "/cases/")


def test_closed_book_closes_lessons_search_practice_and_cases_during_the_attempt_only(app, client, world):
    from app.services.attempts import start_or_resume, submit

    exam_id = world(review_policy="immediately")
    with app.app_context():
        db.session.get(Exam, exam_id).closed_book = True
        db.session.commit()
    login(client, "student")
    for path in CLOSED_AREAS:
        assert client.get(path).status_code == 200, path  # not started yet
    with app.app_context():
        attempt_id = start_or_resume(db.session.get(Exam, exam_id), db.session.scalar(select(User).filter_by(username="student"))).id
    for path in CLOSED_AREAS:
        response = client.get(path)
        assert response.status_code == 403, path
        text = response.get_data(as_text=True)
        assert "闭卷考试进行中，课程内容、搜索、练习和案例暂不开放。" in text
        assert f'href="/exams/{exam_id}"' in text
    response = client.get("/practice/", headers={"Accept": "application/json"})
    assert response.status_code == 403 and "闭卷" in response.get_json()["error"]
    assert client.post("/practice/start", data={"scope": "crm", "mode": "new"}).status_code == 403
    for path in ("/", "/exams/", f"/exams/{exam_id}", f"/exams/attempts/{attempt_id}", "/api/v1/exams"):
        assert client.get(path).status_code == 200, path
    # Another student of the class, and the teacher, are not writing: open to them.
    for name in ("student2", "teacher"):
        other = app.test_client()
        login(other, name)
        for path in CLOSED_AREAS:
            assert other.get(path).status_code == 200, (name, path)
    with app.app_context():
        submit(db.session.get(Attempt, attempt_id))
    for path in CLOSED_AREAS:
        assert client.get(path).status_code == 200, path


def test_closed_book_ends_with_the_deadline_and_needs_the_option(app, client, world):
    from app.services.attempts import start_or_resume

    exam_id = world(review_policy="immediately")
    login(client, "student")
    with app.app_context():
        attempt = start_or_resume(db.session.get(Exam, exam_id), db.session.scalar(select(User).filter_by(username="student")))
        attempt_id = attempt.id
    assert client.get("/practice/").status_code == 200  # closed_book is off
    with app.app_context():
        db.session.get(Exam, exam_id).closed_book = True
        db.session.commit()
    assert client.get("/practice/").status_code == 403
    with app.app_context():
        db.session.get(Attempt, attempt_id).deadline = utcnow() - timedelta(hours=1)
        db.session.commit()
    assert client.get("/practice/").status_code == 200  # time is up: nothing more to protect


def test_anonymous_visitors_still_get_the_login_redirect(app, client, world):
    assert client.get("/practice/").status_code == 302
    assert client.get("/").status_code == 200


def test_review_of_an_open_exam_does_not_show_keys_of_a_hidden_exam(app, client, world, exam_factory):
    """An `immediately` exam sharing questions with an open hidden-review exam keeps their keys back."""
    from app.services.withholding import withheld_qids

    open_exam = exam_factory(title="公开测验", rules=[{"types": ["single"], "count": 3, "points": 1}])
    login(client, "student")
    started = client.post(f"/api/v1/exams/{open_exam}/attempts").get_json()
    attempt_id = started["attempt_id"]
    for q in started["questions"]:
        client.put(f"/api/v1/attempts/{attempt_id}/answers/{q['id']}", json={"response": "A"})
    assert client.post(f"/api/v1/attempts/{attempt_id}/submit").status_code == 200

    def shown():
        page = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
        results = client.get(f"/api/v1/attempts/{attempt_id}").get_json()["results"]
        return page, {r["id"]: r for r in results}

    page, results = shown()  # no hidden exam yet: every key is shown
    assert all("answer" in r and "score" in r for r in results.values())
    assert "本题的得分、答案与解析将在相关考试结束后开放" not in page

    hidden = world()  # draws from every single-choice question: all three of the open exam's
    with app.app_context():
        assert set(results) <= withheld_qids(uid(app, "student"))
    page, results = shown()
    assert all(r == {"id": qid, "max": 1.0, "withheld": True} for qid, r in results.items())
    assert page.count("本题的得分、答案与解析将在相关考试结束后开放") == 3
    assert "正确答案" not in page and 'id="explanation"' not in page

    # The teacher still sees everything; after the hidden exam closes the student does too.
    teacher = app.test_client()
    login(teacher, "teacher")
    assert all("answer" in r for r in teacher.get(f"/api/v1/attempts/{attempt_id}").get_json()["results"])
    with app.app_context():
        db.session.get(Exam, hidden).closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    page, results = shown()
    assert all("answer" in r and "score" in r for r in results.values())
    assert "正确答案" in page
