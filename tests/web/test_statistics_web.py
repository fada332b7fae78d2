"""Item statistics page and API against the domain module on a small hand-built data set."""

import pytest

from app.domain.questions import grade
from app.domain.statistics import AttemptScores, QuestionInfo, exam_statistics
from app.extensions import db
from app.models import Exam, Question, User
from app.services import attempts as exam_svc
from app.services.classes import add_member, find_class
from tests.conftest import make_user

# Which single questions each student gets right, and whether they get the multiple right.
PATTERNS = [
    ("student", {0, 1, 2}, True),
    ("student2", {0, 1}, True),
    ("s3", {0}, False),
    ("s4", set(), False),
    ("s5", {1, 2}, True),
]


def _user(name):
    return db.session.scalar(db.select(User).filter_by(username=name))


def _wrong(data):
    key = data["answer"]
    return next(k for k in data["options"] if k != key and k not in (key if isinstance(key, list) else [key]))


@pytest.fixture
def small_exam(app, exam_factory, mini_bank):
    """Five students answer three single questions and a multiple one as PATTERNS say."""
    for name in ("s3", "s4", "s5"):
        make_user(app, name, full_name=f"学生{name}", student_number=name.upper())
    singles, multiple = mini_bank["single"][:3], mini_bank["multiple"][0]
    qids = singles + [multiple]
    exam_id = exam_factory(title="小测", rules=[], fixed=[{"id": q, "points": 1 if q in singles else 2} for q in qids],
                           max_attempts=1)
    with app.app_context():
        group = find_class("一班")
        for name in ("s3", "s4", "s5"):
            add_member(group, _user(name))
        db.session.commit()
        data = {q.qid: q.data for q in db.session.scalars(db.select(Question).where(Question.qid.in_(qids)))}
        expected = []
        exam = db.session.get(Exam, exam_id)
        for name, right, multi_right in PATTERNS:
            attempt = exam_svc.start_or_resume(exam, _user(name))
            scores, choices = {}, {}
            for index, qid in enumerate(singles):
                choice = data[qid]["answer"] if index in right else _wrong(data[qid])
                exam_svc.save_response(attempt, qid, choice, None)
                scores[qid] = (1.0 if index in right else 0.0, 1.0)
                choices[qid] = [choice]
            response = list(data[multiple]["answer"]) if multi_right else [_wrong(data[multiple])]
            exam_svc.save_response(attempt, multiple, response, None)
            result = grade(data[multiple], response)
            scores[multiple] = (2.0 * result.score / result.max_score, 2.0)
            choices[multiple] = response
            exam_svc.submit(attempt)
            expected.append(AttemptScores(scores=scores, choices=choices))
        info = {qid: QuestionInfo(type=data[qid]["type"], options=tuple(data[qid]["options"]),
                                  key=tuple(data[qid]["answer"]) if isinstance(data[qid]["answer"], list)
                                  else (data[qid]["answer"],), max_score=1.0 if qid in singles else 2.0)
                for qid in sorted(qids)}
    return exam_id, exam_statistics(expected, info).to_dict()


def test_statistics_json_matches_the_domain(client, auth, small_exam):
    exam_id, expected = small_exam
    auth.api_login("teacher")
    response = client.get(f"/api/v1/exams/{exam_id}/statistics")
    assert response.status_code == 200
    body = response.get_json()
    assert body["exam"] == expected["exam"]
    assert body["questions"] == expected["questions"]
    assert body["exam"]["n"] == 5 and body["exam"]["alpha"] is not None
    first = body["questions"][0]
    assert {"id", "facility", "discrimination", "point_biserial", "flags"} <= set(first)
    assert any(f["code"] == "few_responses" for f in first["flags"])


def test_statistics_page_shows_summary_questions_and_charts(client, auth, small_exam):
    exam_id, expected = small_exam
    auth.login("teacher")
    page = client.get(f"/instructor/exams/{exam_id}/statistics").get_data(as_text=True)
    assert 'id="exam-summary"' in page and "Cronbach" in page
    for question in expected["questions"]:
        assert f'id="q-{question["id"]}"' in page
        if question["facility"] is not None:
            assert f'{question["facility"]:.2f}' in page
    assert page.count('class="table table-sm table-bordered w-auto small distractors"') == 4
    assert "vendor/chartjs/chart.umd.min.js" in page and 'id="scatter-chart"' in page
    assert "作答人数过少" in page
    flagged = client.get(f"/instructor/exams/{exam_id}/statistics?flagged=1").get_data(as_text=True)
    for question in expected["questions"]:
        to_check = any(f["code"] != "few_responses" for f in question["flags"])
        assert (f'id="q-{question["id"]}"' in flagged) == to_check


def test_statistics_of_an_exam_without_attempts(client, auth, exam_factory):
    exam_id = exam_factory()
    auth.login("teacher")
    page = client.get(f"/instructor/exams/{exam_id}/statistics").get_data(as_text=True)
    assert "还没有已提交的答卷" in page and "scatter-chart" not in page
    auth.api_login("teacher")
    body = client.get(f"/api/v1/exams/{exam_id}/statistics").get_json()
    assert body["exam"]["n"] == 0 and body["exam"]["mean"] is None


def test_pending_essays_are_counted_as_pending(app, client, auth, exam_factory):
    exam_id = exam_factory()
    with app.app_context():
        attempt = exam_svc.start_or_resume(db.session.get(Exam, exam_id), _user("student"))
        essay = next(i for i in attempt.items if i.version.data["type"] == "essay")
        exam_svc.save_response(attempt, essay.qid, "我的论述", None)
        exam_svc.submit(attempt)
        qid = essay.qid
    auth.api_login("teacher")
    body = client.get(f"/api/v1/exams/{exam_id}/statistics").get_json()
    row = next(q for q in body["questions"] if q["id"] == qid)
    assert row["pending"] == 1 and row["n"] == 0


def test_statistics_api_rejects_bad_parameters(client, auth, small_exam):
    auth.api_login("teacher")
    response = client.get(f"/api/v1/exams/{small_exam[0]}/statistics?which=best")
    assert response.status_code == 400 and "which" in response.get_json()["error"]
    assert client.get("/api/v1/exams/9999/statistics").status_code == 404


# --- access, over every route of the results tools ------------------------------------------

PAGES = ["/instructor/gradebook", "/instructor/gradebook/{class_id}", "/instructor/gradebook/{class_id}/export.csv",
         "/instructor/gradebook/{class_id}/export.xlsx", "/instructor/grading", "/instructor/grading/exams/{exam_id}",
         "/instructor/exams/{exam_id}/monitor", "/instructor/exams/{exam_id}/statistics"]
POSTS = ["/instructor/grading/items/1", "/instructor/exams/{exam_id}/monitor/attempts/1/extend",
         "/instructor/exams/{exam_id}/monitor/attempts/1/close"]
API = ["/api/v1/exams/{exam_id}/gradebook", "/api/v1/exams/{exam_id}/gradebook?format=csv",
       "/api/v1/exams/{exam_id}/statistics"]


@pytest.fixture
def ids(app, exam_factory):
    exam_id = exam_factory()
    with app.app_context():
        return {"exam_id": exam_id, "class_id": find_class("一班").id}


@pytest.mark.parametrize("method, path", [("get", p) for p in PAGES + API] + [("post", p) for p in POSTS])
def test_students_get_403(client, auth, ids, method, path):
    auth.login("student")
    assert getattr(client, method)(path.format(**ids)).status_code == 403


# The role check comes before any lookup, so these need no exam in the database.
NO_IDS = {"exam_id": 1, "class_id": 1}


@pytest.mark.parametrize("method, path", [("get", p) for p in PAGES] + [("post", p) for p in POSTS])
def test_anonymous_users_go_to_login(client, method, path):
    response = getattr(client, method)(path.format(**NO_IDS))
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("path", API)
def test_anonymous_api_gets_401(client, path):
    response = client.get(path.format(**NO_IDS))
    assert response.status_code == 401 and response.is_json


@pytest.mark.parametrize("path", PAGES + API)
def test_instructors_and_admins_may_open(client, auth, ids, path):
    for name in ("teacher", "admin"):
        auth.login(name)
        assert client.get(path.format(**ids)).status_code == 200, (name, path)
        auth.logout()


def test_question_statistics_across_exams(client, auth, small_exam):
    exam_id, expected = small_exam
    question = expected["questions"][0]
    auth.login("teacher")
    page = client.get(f"/instructor/bank/{question['id']}/statistics").get_data(as_text=True)
    assert "小测" in page and 'id="question-across-exams"' in page
    assert f"{question['facility']:.2f}" in page
    auth.logout()
    auth.login("student")
    assert client.get(f"/instructor/bank/{question['id']}/statistics").status_code == 403


def test_question_statistics_without_exams(client, auth, users, mini_bank):
    auth.login("teacher")
    page = client.get(f"/instructor/bank/{mini_bank['single'][0]}/statistics").get_data(as_text=True)
    assert "还没有已提交的考试用过这道题" in page
    assert client.get("/instructor/bank/no-such-q/statistics").status_code == 404
