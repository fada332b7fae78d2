"""Paper exams: printed variants as Word files (paper, key, answer sheet), `exam list --json`,
the instructor's download button, and answers typed in from a variant's answer sheet."""

from __future__ import annotations

import io
import json
import re
import zipfile

import docx
import pytest

from app.extensions import db
from app.models import Attempt, AuditLog, ExamPaper, QuestionVersion, User

NUMBERED = re.compile(r"^(\d+)\. ")
OPTION = re.compile(r"^([A-J])\. (.*)$")
KEY_LINE = re.compile(r"^(\d+)\. 答案：(.*)（[\d.]+ 分）$")


def paragraphs(path_or_bytes) -> list[str]:
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else str(path_or_bytes)
    return [p.text for p in docx.Document(source).paragraphs]


def read_paper(path) -> dict[int, dict]:
    """number → {"stem", "options": {letter: text}} as printed."""
    questions: dict[int, dict] = {}
    current = None
    for text in paragraphs(path):
        found = NUMBERED.match(text)
        if found:
            current = questions.setdefault(int(found.group(1)), {"stem": text, "options": {}})
            continue
        option = OPTION.match(text.strip())
        if option and current is not None:
            current["options"][option.group(1)] = option.group(2)
    return questions


def read_key(path) -> dict[int, str]:
    return {int(m.group(1)): m.group(2) for m in (KEY_LINE.match(t) for t in paragraphs(path)) if m}


def sheet_slots(path) -> list[int]:
    document = docx.Document(str(path))
    numbers = [int(cell.text) for table in document.tables for cell in table.rows[0].cells if cell.text.isdigit()]
    numbers += [int(m.group(1)) for m in (re.match(r"^(\d+)\.", p.text) for p in document.paragraphs) if m]
    return sorted(numbers)


@pytest.fixture
def paper_exam(app, exam_factory):
    return exam_factory(title="纸笔测验", paper_layout="sections")


def export(runner, exam_id, out, *extra):
    result = runner.invoke(args=["exam", "paper", str(exam_id), "--variants", "2", "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return [line for line in result.output.splitlines() if line.endswith(".docx")]


def bank_data(app, qid_version):
    with app.app_context():
        return db.session.get(QuestionVersion, qid_version).data


def test_two_variant_export_has_sections_numbering_keys_and_sheets(app, runner, paper_exam, tmp_path):
    files = export(runner, paper_exam, tmp_path / "out")
    assert len(files) == 6
    names = sorted(p.split("/")[-1] for p in files)
    assert names == sorted(f"exam{paper_exam}-{label}-{kind}.docx" for label in ("A卷", "B卷")
                           for kind in ("试卷", "参考答案", "答题卡"))
    with app.app_context():
        papers = db.session.scalars(db.select(ExamPaper).order_by(ExamPaper.id)).all()
        assert [p.label for p in papers] == ["A卷", "B卷"]
        from app.models import Exam
        from app.services.paper_exam import printed_paper
        exam = db.session.get(Exam, paper_exam)
        drawn = {p.label: printed_paper(exam, p) for p in papers}
        # What each variant's seed draws: the bank's answer text for each single-choice question.
        singles = {label: {item.number: item.view for item in printed.items if item.type == "single"}
                   for label, printed in drawn.items()}
        answers = {label: {item.number: db.session.get(QuestionVersion, item.row["version_id"]).data
                           for item in printed.items} for label, printed in drawn.items()}
        count = len(drawn["A卷"].items)
    orders = {}
    for label in ("A卷", "B卷"):
        paper = tmp_path / "out" / f"exam{paper_exam}-{label}-试卷.docx"
        key = tmp_path / "out" / f"exam{paper_exam}-{label}-参考答案.docx"
        sheet = tmp_path / "out" / f"exam{paper_exam}-{label}-答题卡.docx"
        texts = paragraphs(paper)
        assert "纸笔测验（%s）试卷" % label in texts
        assert any("班级：" in t and "姓名：" in t and "学号：" in t for t in texts)
        assert any(t.startswith("考试时间：30 分钟") and "满分：18 分" in t for t in texts)
        assert "一、单选题（共 2 题，每题 1 分，共 2 分）" in texts
        assert "二、多选题（共 1 题，每题 2 分，共 2 分）" in texts
        assert any(t.startswith("八、简答题（共 1 题") for t in texts)
        questions = read_paper(paper)
        assert sorted(questions) == list(range(1, count + 1))  # numbered through the paper
        key_letters = read_key(key)
        assert sorted(key_letters) == list(range(1, count + 1))
        assert paragraphs(key)[0] == "参考答案及评分标准"
        for number, view in singles[label].items():
            right = answers[label][number]["options"][answers[label][number]["answer"]]
            printed_letter = [letter for letter, text in questions[number]["options"].items()
                              if text == right.replace("**", "")]
            assert printed_letter == [key_letters[number]], (label, number)
        assert sheet_slots(sheet) == list(range(1, count + 1))
        assert paragraphs(sheet)[2].startswith("纸笔测验（%s）答题卡" % label)
        orders[label] = [(n, q["stem"], tuple(q["options"].values())) for n, q in sorted(questions.items())]
    assert orders["A卷"] != orders["B卷"]


def test_paper_sets_east_asian_fonts(app, runner, paper_exam, tmp_path):
    export(runner, paper_exam, tmp_path)
    document = docx.Document(str(tmp_path / f"exam{paper_exam}-A卷-试卷.docx"))
    from docx.oxml.ns import qn
    normal = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "宋体"
    heading = next(p for p in document.paragraphs if p.text.startswith("一、"))
    assert heading.runs[0].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"


def test_second_export_reprints_and_new_records_more(app, runner, paper_exam, tmp_path):
    export(runner, paper_exam, tmp_path / "one")
    export(runner, paper_exam, tmp_path / "two")
    with app.app_context():
        assert [p.label for p in db.session.scalars(db.select(ExamPaper))] == ["A卷", "B卷"]
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditLog)
                                 .where(AuditLog.action == "exam.paper.create")) == 2
    for kind in ("试卷", "参考答案", "答题卡"):
        name = f"exam{paper_exam}-A卷-{kind}.docx"
        assert paragraphs(tmp_path / "one" / name) == paragraphs(tmp_path / "two" / name)
    files = export(runner, paper_exam, tmp_path / "three", "--new")
    assert any("C卷" in f for f in files) and any("D卷" in f for f in files)


def test_paper_of_unknown_exam_is_a_message(runner, app, tmp_path):
    result = runner.invoke(args=["exam", "paper", "999", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "没有编号为 999 的考试" in result.output
    assert "Traceback" not in result.output


def test_exam_list_json(app, runner, exam_factory):
    from datetime import datetime, timedelta
    open_id = exam_factory(title="开放")
    closed_id = exam_factory(title="已关", closes_at=(datetime.now() - timedelta(days=1)).isoformat(timespec="seconds"),
                             opens_at=(datetime.now() - timedelta(days=2)).isoformat(timespec="seconds"))
    draft_id = exam_factory(title="草稿")
    with app.app_context():
        from app.models import Exam
        db.session.get(Exam, draft_id).published = False  # an unpublished exam is a draft today
        db.session.commit()
    result = runner.invoke(args=["exam", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert all(set(row) == {"id", "title", "status", "opens_at", "closes_at"} for row in rows)
    by_id = {row["id"]: row for row in rows}
    assert by_id[open_id]["title"] == "开放" and by_id[open_id]["status"] == "published"
    assert by_id[closed_id]["status"] == "closed" and by_id[closed_id]["closes_at"].endswith("Z")
    assert by_id[draft_id]["status"] == "draft"


# --- the browser button -------------------------------------------------------------------------

def test_button_on_exam_list_and_zip_download(app, client, auth, paper_exam):
    auth.login("teacher")
    listing = client.get("/instructor/exams").get_data(as_text=True)
    assert f"/instructor/exams/{paper_exam}/paper" in listing and "纸质试卷" in listing
    page = client.get(f"/instructor/exams/{paper_exam}/paper")
    assert page.status_code == 200 and "制作纸质试卷" in page.get_data(as_text=True)
    response = client.post(f"/instructor/exams/{paper_exam}/paper", data={"variants": "2"})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert len(names) == 6
    for label in ("A卷", "B卷"):
        assert {n for n in names if label in n} == {f"exam{paper_exam}-{label}-{kind}.docx"
                                                   for kind in ("试卷", "参考答案", "答题卡")}
    assert paragraphs(archive.read(f"exam{paper_exam}-B卷-参考答案.docx"))[0] == "参考答案及评分标准"
    with app.app_context():
        entries = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "exam.paper.create")).all()
        assert sorted(e.details["label"] for e in entries) == ["A卷", "B卷"]
    # The page lists the recorded variants with a link to type in their answer sheets.
    page = client.get(f"/instructor/exams/{paper_exam}/paper").get_data(as_text=True)
    assert "A卷" in page and "B卷" in page and "录入答题卡" in page


def test_bad_variant_count_is_a_message(client, auth, paper_exam):
    auth.login("teacher")
    for value in ("abc", "0", "11"):
        response = client.post(f"/instructor/exams/{paper_exam}/paper", data={"variants": value})
        assert response.status_code == 422
        assert "套数应为 1 到 10" in response.get_data(as_text=True)


def test_students_get_403_and_posts_need_csrf(app, client, auth, paper_exam):
    auth.login("student")
    assert client.get(f"/instructor/exams/{paper_exam}/paper").status_code == 403
    assert client.post(f"/instructor/exams/{paper_exam}/paper", data={"variants": "2"}).status_code == 403
    assert client.get(f"/instructor/exams/{paper_exam}/paper/entry").status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ExamPaper)) == 0


def test_paper_post_without_csrf_token_is_refused(csrf_app):
    from tests.conftest import make_user
    make_user(csrf_app, "teacher2", "instructor")
    client = csrf_app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page)
    client.post("/auth/login", data={"username": "teacher2", "password": "secret-pass-123",
                                     "csrf_token": token.group(1)})
    response = client.post("/instructor/exams/1/paper", data={"variants": "2"})
    assert response.status_code == 400


# --- answers typed in from a variant's answer sheet ---------------------------------------------

def _variants(client, exam_id):
    client.post(f"/instructor/exams/{exam_id}/paper", data={"variants": "2"})


def _sheet(app, exam_id, label, wrong: int | None = None):
    """What a perfect answer sheet of ``label`` says, as typed: letters of the variant, T/F, blanks, numbers.

    ``wrong``: the number of a single-choice question answered with another letter.
    """
    from app.models import Exam
    from app.services.paper_docx import key_text
    from app.services.paper_exam import printed_paper
    with app.app_context():
        exam = db.session.get(Exam, exam_id)
        paper = db.session.scalar(db.select(ExamPaper).where(ExamPaper.label == label))
        printed = printed_paper(exam, paper)
        typed, points = {}, {}
        for item in printed.items:
            points[item.qid] = (item.number, item.type, item.points)
            if item.type in ("essay", "case"):
                continue
            if item.type == "true_false":
                text = "T" if item.key["answer"] else "F"
            elif item.type == "matching":
                text = re.sub(r"（\d+）|\s", "", key_text(item))
            elif item.type == "fill_blank":
                text = "；".join(forms[0] for forms in item.key["accepted"])
            elif item.type == "numeric":
                text = str(item.key["answer"])
            else:
                text = key_text(item)
            if item.number == wrong:
                text = next(letter for letter in "ABCD" if letter != text)
            typed[item.qid] = text
        return paper.id, typed, points


def _student_id(app, username="student"):
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.username == username))


def test_hand_entry_of_variant_b_grades_like_online_and_shows_in_gradebook(app, client, auth, paper_exam):
    auth.login("teacher")
    _variants(client, paper_exam)
    paper_id, typed, points = _sheet(app, paper_exam, "B卷")
    student = _student_id(app)
    page = client.get(f"/instructor/exams/{paper_exam}/paper/entry?paper={paper_id}&student={student}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert all(f'name="q-{qid}"' in html for qid in points)
    response = client.post(f"/instructor/exams/{paper_exam}/paper/entry",
                           data={"paper": paper_id, "student": student, **{f"q-{k}": v for k, v in typed.items()}})
    assert response.status_code == 302
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt).where(Attempt.user_id == student))
        assert attempt.paper_id == paper_id and attempt.status == "submitted"
        assert attempt.seed == db.session.get(ExamPaper, paper_id).seed
        objective = sum(p for _n, t, p in points.values() if t != "essay")
        assert attempt.score == objective and attempt.max_score == 18
        essay = next(i for i in attempt.items if points[i.qid][1] == "essay")
        assert essay.needs_manual and essay.score is None  # waits in the manual grading queue
        assert [i.position for i in attempt.items] == sorted(n for n, _t, _p in points.values())
    queue = client.get(f"/instructor/grading/exams/{paper_exam}")
    assert queue.status_code == 200 and "张三" in queue.get_data(as_text=True)
    book = client.get(f"/api/v1/exams/{paper_exam}/gradebook?format=json").get_json()
    rows = book if isinstance(book, list) else book.get("rows", book)
    assert any(r.get("username") == "student" and r.get("score") == objective for r in rows), book


def test_one_wrong_letter_loses_that_items_points(app, client, auth, paper_exam):
    auth.login("teacher")
    _variants(client, paper_exam)
    _paper, _typed, points = _sheet(app, paper_exam, "B卷")
    single = min(n for n, t, _p in points.values() if t == "single")
    paper_id, typed, points = _sheet(app, paper_exam, "B卷", wrong=single)
    student = _student_id(app)
    response = client.post(f"/instructor/exams/{paper_exam}/paper/entry",
                           data={"paper": paper_id, "student": student, **{f"q-{k}": v for k, v in typed.items()}})
    assert response.status_code == 302
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt).where(Attempt.user_id == student))
        objective = sum(p for _n, t, p in points.values() if t != "essay")
        by_number = {points[i.qid][0]: i for i in attempt.items}
        assert by_number[single].score == 0
        assert attempt.score == objective - points[by_number[single].qid][2]


def test_bad_hand_input_gives_messages_and_keeps_typed_values(app, client, auth, paper_exam):
    auth.login("teacher")
    _variants(client, paper_exam)
    paper_id, typed, points = _sheet(app, paper_exam, "A卷")
    number_of = {qid: n for qid, (n, _t, _p) in points.items()}
    single = next(q for q, (_n, t, _p) in points.items() if t == "single")
    truth = next(q for q, (_n, t, _p) in points.items() if t == "true_false")
    numeric = next(q for q, (_n, t, _p) in points.items() if t == "numeric")
    typed.update({single: "Z", truth: "也许", numeric: "很多"})
    student = _student_id(app)
    response = client.post(f"/instructor/exams/{paper_exam}/paper/entry",
                           data={"paper": paper_id, "student": student, **{f"q-{k}": v for k, v in typed.items()}})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f"第 {number_of[single]} 题：没有选项“Z”" in html
    assert f"第 {number_of[truth]} 题是判断题" in html
    assert f"第 {number_of[numeric]} 题：" in html
    for qid, value in typed.items():  # everything typed is still in its box
        assert f'name="q-{qid}" value="{value}"' in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Attempt)) == 0


def test_entry_respects_attempt_limit_and_class(app, client, auth, exam_factory):
    exam_id = exam_factory(title="一次", max_attempts=1)
    auth.login("teacher")
    _variants(client, exam_id)
    paper_id, typed, _points = _sheet(app, exam_id, "A卷")
    student = _student_id(app)
    data = {"paper": paper_id, "student": student, **{f"q-{k}": v for k, v in typed.items()}}
    assert client.post(f"/instructor/exams/{exam_id}/paper/entry", data=data).status_code == 302
    again = client.post(f"/instructor/exams/{exam_id}/paper/entry", data=data)
    assert again.status_code == 409 and "已用完本场考试的全部 1 次作答机会" in again.get_data(as_text=True)
    outsider = _student_id(app, "admin")
    refused = client.post(f"/instructor/exams/{exam_id}/paper/entry", data=dict(data, student=outsider))
    assert refused.status_code == 422 and "请选择卷别和学生" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Attempt)) == 1


def test_a_variant_draws_what_an_online_attempt_with_its_seed_draws(app, users, paper_exam):
    from app.models import Exam
    from app.services.attempts import draw_paper, start_or_resume
    with app.app_context():
        exam = db.session.get(Exam, paper_exam)
        student = db.session.scalar(db.select(User).where(User.username == "student"))
        attempt = start_or_resume(exam, student)
        online = [(i.qid, i.version_id, i.points, i.presentation) for i in attempt.items]
        drawn = draw_paper(exam, attempt.seed).rows
        assert [(r["qid"], r["version_id"], r["points"], r["presentation"]) for r in drawn] == online


def test_entry_refused_when_the_bank_changed_since_printing(app, client, auth, paper_exam):
    from app.models import Question
    from app.services import exam_cache
    auth.login("teacher")
    _variants(client, paper_exam)
    paper_id, typed, points = _sheet(app, paper_exam, "A卷")
    single = next(q for q, (_n, t, _p) in points.items() if t == "single")
    with app.app_context():
        db.session.scalar(db.select(Question).where(Question.qid == single)).active = False
        db.session.commit()
        exam_cache.clear()
    response = client.post(f"/instructor/exams/{paper_exam}/paper/entry",
                           data={"paper": paper_id, "student": _student_id(app),
                                 **{f"q-{k}": v for k, v in typed.items()}})
    assert response.status_code == 409
    assert "A卷印制后，题库或考试规则已改变" in response.get_data(as_text=True)


def test_reprint_refused_when_the_bank_changed_but_a_new_set_prints(app, runner, paper_exam, tmp_path):
    from app.models import Question
    from app.services import exam_cache
    export(runner, paper_exam, tmp_path / "one")
    with app.app_context():
        paper = db.session.scalar(db.select(ExamPaper).where(ExamPaper.label == "A卷"))
        from app.services.paper_exam import recorded_signature
        qid = recorded_signature(paper)[0][0]
        db.session.scalar(db.select(Question).where(Question.qid == qid)).active = False
        db.session.commit()
        exam_cache.clear()
    result = runner.invoke(args=["exam", "paper", str(paper_exam), "--variants", "2", "--out", str(tmp_path / "two")])
    assert result.exit_code != 0 and "A卷印制后，题库或考试规则已改变" in result.output and "--new" in result.output
    assert "Traceback" not in result.output
    files = export(runner, paper_exam, tmp_path / "three", "--new")
    assert len(files) == 6 and all(("C卷" in f or "D卷" in f) for f in files)


def test_paper_pages_in_english_have_no_stray_chinese(app, client, auth, paper_exam):
    from tests.web.test_english_walk import stray_chinese
    client.post("/language", data={"locale": "en"})
    auth.login("teacher")
    _variants(client, paper_exam)
    paper_id, typed, points = _sheet(app, paper_exam, "A卷")
    student = _student_id(app)
    pages = [client.get(f"/instructor/exams/{paper_exam}/paper"),
             client.get(f"/instructor/exams/{paper_exam}/paper/entry?paper={paper_id}&student={student}")]
    single = next(q for q, (_n, t, _p) in points.items() if t == "single")
    truth = next(q for q, (_n, t, _p) in points.items() if t == "true_false")
    typed.update({single: "Z", truth: "maybe"})
    pages.append(client.post(f"/instructor/exams/{paper_exam}/paper/entry",
                             data={"paper": paper_id, "student": student, **{f"q-{k}": v for k, v in typed.items()}}))
    assert [p.status_code for p in pages] == [200, 200, 422]
    for page in pages:
        assert stray_chinese(page.get_data(as_text=True)) == []
    assert "there is no option “Z”" in pages[2].get_data(as_text=True)


def test_case_exercises_are_printed_and_left_for_manual_grading(app, client, auth, exam_factory, tmp_path):
    exam_id = exam_factory(title="含案例", cases=[{"id": "rfm-analysis", "points": 10}])
    auth.login("teacher")
    response = client.post(f"/instructor/exams/{exam_id}/paper", data={"variants": "1"})
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    paper = docx.Document(io.BytesIO(archive.read(f"exam{exam_id}-A卷-试卷.docx")))
    texts = [p.text for p in paper.paragraphs]
    assert any(t.startswith("九、案例分析题（共 1 题") for t in texts)
    assert any("RFM" in t for t in texts) and len(paper.tables) >= 2  # its data and an answer table
    key = [p.text for p in docx.Document(io.BytesIO(archive.read(f"exam{exam_id}-A卷-参考答案.docx"))).paragraphs]
    assert any(t.startswith("（1）C01：R ") for t in key)
    paper_id, typed, points = _sheet(app, exam_id, "A卷")
    student = _student_id(app)
    saved = client.post(f"/instructor/exams/{exam_id}/paper/entry",
                        data={"paper": paper_id, "student": student, **{f"q-{k}": v for k, v in typed.items()}})
    assert saved.status_code == 302
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt).where(Attempt.user_id == student))
        case = next(i for i in attempt.items if i.qid.startswith("case:"))
        assert case.needs_manual and case.score is None and attempt.needs_manual
        assert attempt.score == sum(p for _n, t, p in points.values() if t not in ("essay", "case"))
    assert client.get(f"/instructor/grading/exams/{exam_id}").status_code == 200
