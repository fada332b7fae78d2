"""The written tasks (seed 004 tasks (1) and (2)) on the web: automatic criteria at once, the rest by a
teacher through the grading queues, as an assignment and as an exam item."""

import copy
import json
import re

import pytest

from app.domain.cases import CASES, make_variant, solution
from app.extensions import db
from app.models import Attempt, AttemptItem, AuditLog, CaseWork, Exam, User
from app.services import attempts as exam_svc
from tests.conftest import PASSWORD
from tests.web.test_cases_web import _form, _work, assign, class_id  # noqa: F401 (fixtures)

STRENGTHS = "platform-strengths"
PITCH = "presales-pitch"
FULL_MANUAL = {STRENGTHS: {"c-model": "2", "c-services": "1.5", "c-revenue": "2", "c-expression": "1"},
               PITCH: {"c-targets_analysis": "2", "c-pitch_choice": "1", "c-pitch_fit": "2.5", "c-pitch_manner": "1"}}
MANUAL_TOTAL = {STRENGTHS: 6.5, PITCH: 6.5}


def _variant_of(app, assignment_id):
    work = _work(app, assignment_id)
    variant, _ = make_variant(work.case_id, work.seed)
    return work, variant


def _submit(client, app, assignment_id, answers=None):
    client.get(f"/cases/assignments/{assignment_id}")
    work, variant = _variant_of(app, assignment_id)
    data = _form(variant, solution(variant) if answers is None else answers)
    response = client.post(f"/cases/assignments/{assignment_id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return _variant_of(app, assignment_id)


@pytest.mark.parametrize("case_id", [STRENGTHS, PITCH])
def test_assignment_model_answer_waits_for_the_teacher_who_completes_it(app, client, auth, assign, case_id):
    assignment_id = assign(case_id)
    auth.login("student")
    work, variant = _submit(client, app, assignment_id)
    assert work.score == 3 and work.max_score == 10 and work.needs_manual
    assert work.graded_at is None and work.result["pending"] == 7
    page = client.get(f"/cases/assignments/{assignment_id}").get_data(as_text=True)
    assert 'id="rubric-pending"' in page and "另有 7 分由教师按评分标准评定" in page
    assert page.count("待教师评分") >= 4  # one per manual criterion in the rubric card
    assert "待教师评分" in client.get("/cases/").get_data(as_text=True)
    # A student may not grade, whatever the score.
    assert client.post(f"/instructor/cases/works/{work.id}/grade", data=FULL_MANUAL[case_id]).status_code == 403
    assert client.get(f"/instructor/cases/{assignment_id}/grading").status_code == 403
    auth.logout()

    auth.login("teacher")
    overview = client.get("/instructor/grading").get_data(as_text=True)
    assert 'id="case-grading-overview"' in overview and f"/instructor/cases/{assignment_id}/grading" in overview
    queue = client.get(f"/instructor/cases/{assignment_id}/grading").get_data(as_text=True)
    entry = queue[queue.index(f'id="work-{work.id}"'):]
    # The rubric beside the answer: every criterion with its points; the automatic ones already scored.
    answer_col, rubric_col = entry.split('<div class="col-lg-5">', 1)
    model = solution(variant)
    first_text = model["strengths"] if case_id == STRENGTHS else model["targets"]["t1"]["type"]
    assert first_text in answer_col and "student-answer" in answer_col
    for criterion in variant.criteria:
        assert criterion.label in rubric_col
        if criterion.auto:
            assert f'data-criterion="{criterion.id}"' in rubric_col
        else:
            assert f'name="c-{criterion.id}"' in rubric_col

    # A score above a criterion's points is refused with its name, and nothing is saved.
    bad = dict(FULL_MANUAL[case_id], **{next(iter(FULL_MANUAL[case_id])): "9"})
    refused = client.post(f"/instructor/cases/works/{work.id}/grade", data=bad)
    assert refused.status_code == 422
    assert "分数不能超过" in refused.get_data(as_text=True)
    assert _work(app, assignment_id).needs_manual

    data = dict(FULL_MANUAL[case_id], comment="话术针对了客户的顾虑，很好。")
    saved = client.post(f"/instructor/cases/works/{work.id}/grade", data=data)
    assert saved.status_code == 302
    work = _work(app, assignment_id)
    assert not work.needs_manual and work.graded_at is not None and work.score == 3 + MANUAL_TOTAL[case_id]
    with app.app_context():
        teacher = db.session.scalar(db.select(User).filter_by(username="teacher"))
        assert work.graded_by_id == teacher.id
        log = db.session.scalar(db.select(AuditLog).filter_by(action="case_work.grade", target=f"case_work:{work.id}"))
        assert log is not None and log.details["score"] == work.score and log.details["previous"] == 3
    assert "没有待评分的答案了" in client.get(f"/instructor/cases/{assignment_id}/grading").get_data(as_text=True)
    graded = client.get(f"/instructor/cases/{assignment_id}/grading?graded=1").get_data(as_text=True)
    assert f'id="work-{work.id}"' in graded and "话术针对了客户的顾虑" in graded
    auth.logout()

    auth.login("student")
    page = client.get(f"/cases/assignments/{assignment_id}").get_data(as_text=True)
    assert 'id="rubric-graded"' in page and "话术针对了客户的顾虑，很好。" in page
    assert f'{work.score:g} <span class="fs-5 text-muted">/ 10' in page
    # Resubmitting new answers drops the teacher's scores: the work waits again.
    work, _ = _submit(client, app, assignment_id)
    assert work.needs_manual and work.graded_at is None and work.score == 3


def test_a_150_character_answer_is_told_its_length_on_the_page(app, client, auth, assign):
    assignment_id = assign(STRENGTHS)
    auth.login("student")
    text = "平台" * 25 + "。" + "服务" * 25 + "。" + "会员费" * 16 + "收费。"
    work, _ = _submit(client, app, assignment_id, {"strengths": text})
    assert work.score == 2
    page = client.get(f"/cases/assignments/{assignment_id}").get_data(as_text=True)
    assert "共 150 字，超过了 100 字的限制，本项不得分。" in page
    # The counting rule is stated on the page.
    assert "标点符号和空格不计" in page


def test_an_empty_cell_of_the_pitch_table_is_reported(app, client, auth, assign):
    assignment_id = assign(PITCH)
    auth.login("student")
    client.get(f"/cases/assignments/{assignment_id}")
    _, variant = _variant_of(app, assignment_id)
    answers = copy.deepcopy(solution(variant))
    answers["pitch"]["opening"]["text"] = ""
    work, _ = _submit(client, app, assignment_id, answers)
    criteria = {c["id"]: c for c in work.result["criteria"]}
    assert criteria["pitch_complete"]["feedback"] == "共 6 格，已填写 5 格。未填写：开场白。"
    assert criteria["pitch_complete"]["score"] == pytest.approx(5 / 6, abs=0.01)
    page = client.get(f"/cases/assignments/{assignment_id}").get_data(as_text=True)
    assert "未填写：开场白。" in page


def test_practice_is_not_queued_for_a_teacher(app, client, auth, users):
    auth.login("student")
    location = client.post(f"/cases/practice/{STRENGTHS}", data={"textbook": "1"}).headers["Location"]
    with app.app_context():
        work = db.session.scalar(db.select(CaseWork).order_by(CaseWork.id.desc()))
        variant, _ = make_variant(work.case_id, work.seed)
    client.post(location, data=_form(variant, solution(variant)))
    with app.app_context():
        work = db.session.get(CaseWork, work.id)
        assert work.score == 3 and not work.needs_manual
    page = client.get(location).get_data(as_text=True)
    assert "自由练习不进入教师评分" in page and 'class="mt-2 mb-0" lang="zh">' + solution(variant)["strengths"] in page


# --- exam items -------------------------------------------------------------------------------------

def _exam_with_case(app, exam_factory, case_id, points=20):
    return exam_factory(rules=[{"types": ["single"], "count": 1}], cases=[{"id": case_id, "points": points}])


def _write_case(app, username, exam_id, case_id, answers=None):
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(username=username))
        attempt = exam_svc.start_or_resume(db.session.get(Exam, exam_id), user)
        item = next(i for i in attempt.items if i.qid == f"case:{case_id}")
        variant, _ = make_variant(case_id, item.presentation["case_seed"])
        exam_svc.save_response(attempt, item.qid, solution(variant) if answers is None else answers, None)
        exam_svc.submit(attempt)
        return attempt.id, item.id, variant


@pytest.mark.parametrize("case_id", [STRENGTHS, PITCH])
def test_exam_item_is_graded_by_hand_through_the_exam_queue(app, client, auth, exam_factory, case_id):
    exam_id = _exam_with_case(app, exam_factory, case_id)
    attempt_id, item_id, variant = _write_case(app, "student", exam_id, case_id)
    with app.app_context():
        item = db.session.get(AttemptItem, item_id)
        assert item.needs_manual and item.score is None
        assert db.session.get(Attempt, attempt_id).needs_manual

    auth.login("student")
    review = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "case-rubric-review" in review and "待教师评分" in review
    assert client.post(f"/instructor/grading/items/{item_id}", data=FULL_MANUAL[case_id]).status_code == 403
    auth.logout()

    auth.login("teacher")
    overview = client.get("/instructor/grading").get_data(as_text=True)
    title = CASES[case_id].title
    assert title in overview and f"<code>case:{case_id}</code>" not in overview  # no internal id shown
    queue = client.get(f"/instructor/grading/exams/{exam_id}").get_data(as_text=True)
    assert f"<code>case:{case_id}</code>" not in queue and f">{title}</option>" in queue
    entry = queue[queue.index(f'id="item-{item_id}"'):]
    answer_col, rubric_col = entry.split('<div class="col-lg-5">', 1)
    assert "student-answer" in answer_col
    for criterion in variant.manual_criteria:
        assert f'name="c-{criterion.id}"' in rubric_col and criterion.label in rubric_col
    refused = client.post(f"/instructor/grading/items/{item_id}", data={"c-model": "x"})
    assert refused.status_code == 422
    saved = client.post(f"/instructor/grading/items/{item_id}", data=dict(FULL_MANUAL[case_id], comment="不错"))
    assert saved.status_code == 302
    with app.app_context():
        item = db.session.get(AttemptItem, item_id)
        # (3 automatic + 6.5 by the teacher) of 10, scaled to the item's 20 points.
        assert item.score == pytest.approx(19.0) and item.graded_at is not None and item.manual_comment == "不错"
        attempt = db.session.get(Attempt, attempt_id)
        assert not attempt.needs_manual
        log = db.session.scalar(db.select(AuditLog).filter_by(action="grading.save", target=f"attempt_item:{item_id}"))
        assert log is not None and log.details["criteria"]
    graded = client.get(f"/instructor/grading/exams/{exam_id}?graded=1").get_data(as_text=True)
    assert f'id="item-{item_id}"' in graded
    auth.logout()

    auth.login("student")
    review = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "case-rubric-review" in review and "不错" in review and "待教师评分" not in review


def test_exam_page_has_inputs_for_written_steps(app, client, exam_factory):
    exam_id = _exam_with_case(app, exam_factory, PITCH)
    body = client.post("/api/v1/session", json={"username": "student", "password": PASSWORD}).get_json()
    headers = {"X-CSRFToken": (body or {}).get("csrf_token", "")}
    started = client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers).get_json()
    case = next(q for q in started["questions"] if q["type"] == "case")
    assert [s["kind"] for s in case["case"]["steps"]] == ["text_table", "text_table"]
    page = client.get(f"/exams/attempts/{started['attempt_id']}").get_data(as_text=True)
    assert re.search(r'<textarea class="form-control form-control-sm answer-input case-cell" rows="2" data-row="opening"', page)
    url = f"/api/v1/attempts/{started['attempt_id']}/answers/{case['id']}"
    long_cell = {"pitch": {"opening": "您好" * 200}}
    refused = client.put(url, json={"response": long_cell, "seq": 1}, headers=headers)
    assert refused.status_code == 422 and "最多 300 个字符" in json.dumps(refused.get_json(), ensure_ascii=False)
    assert client.put(url, json={"response": {"pitch": {"opening": "您好" * 100}}, "seq": 2},
                      headers=headers).status_code == 200


def test_cli_shows_the_model_answer_on_request_and_grades_it_full_on_the_automatic_criteria(runner, tmp_path):
    shown = runner.invoke(args=["case", "show", STRENGTHS, "--textbook", "--json"])
    assert shown.exit_code == 0 and "solution" not in json.loads(shown.output)
    shown = runner.invoke(args=["case", "show", STRENGTHS, "--textbook", "--solution", "--json"])
    model = json.loads(shown.output)["solution"]
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
    graded = json.loads(runner.invoke(args=["case", "grade", STRENGTHS, "--textbook", "--answers", str(path),
                                            "--json"]).output)
    assert graded["score"] == 3 and graded["pending"] == 7 and graded["max_score"] == 10
    assert all(c["score"] == c["max"] for c in graded["criteria"] if c["auto"])
    assert all(c["score"] is None for c in graded["criteria"] if not c["auto"])
