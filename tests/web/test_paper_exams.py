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
