"""``flask --app app bank import``: JSON shape and order, dry run, chapters and category tags,
generated ids, the bank's checks, all or nothing, and a database that was not upgraded."""

from __future__ import annotations

import json

import pytest

from app import create_app
from app.extensions import db
from app.models import AuditLog, Question

# Moodle's own kind of export: four true/false questions and an essay in nested categories.
MOODLE_NESTED = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/Iota</text></category></question>
  <question type="truefalse">
    <name><text>Iota question</text></name>
    <questiontext format="html"><text><![CDATA[<p>客户满意是客户忠诚的基础。</p>]]></text></questiontext>
    <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
  </question>
  <question type="category"><category><text>$course$/Iota/Kappa</text></category></question>
  <question type="truefalse">
    <name><text>Kappa question</text></name>
    <questiontext format="html"><text><![CDATA[<p>客户生命周期包括考察期、形成期、稳定期和退化期。</p>]]></text></questiontext>
    <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
  </question>
  <question type="essay">
    <name><text>Kappa essay</text></name>
    <questiontext format="html"><text><![CDATA[<p>请说明客户关系管理的含义。</p>]]></text></questiontext>
    <graderinfo format="html"><text><![CDATA[<p>说明以客户为中心的经营理念。</p>]]></text></graderinfo>
  </question>
  <question type="category"><category><text>$course$/Iota/Kappa/Lambda</text></category></question>
  <question type="truefalse">
    <name><text>Lambda question</text></name>
    <questiontext format="html"><text><![CDATA[<p>客户价值只取决于客户当前的购买金额。</p>]]></text></questiontext>
    <answer fraction="0"><text>true</text></answer><answer fraction="100"><text>false</text></answer>
  </question>
  <question type="category"><category><text>$course$/Iota/Mu</text></category></question>
  <question type="truefalse">
    <name><text>Mu question</text></name>
    <questiontext format="html"><text><![CDATA[<p>投诉处理得好可以提高客户忠诚度。</p>]]></text></questiontext>
    <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
  </question>
</quiz>
"""
NESTED_PATHS = ["Iota", "Iota/Kappa", "Iota/Kappa", "Iota/Kappa/Lambda", "Iota/Mu"]

GIFT_MIXED = """// no ids: the bank gives them
$CATEGORY: $course$/客户价值

客户终生价值考虑客户未来带来的利润。{T}

客户价值的核心是哪一项？{=客户终生价值 ~客户满意度 ~品牌知名度}

$CATEGORY: $course$/crm/ch01-crm-overview

::own-id-1::CRM 的核心理念是以客户为中心。{T}
"""


def questions(app):
    with app.app_context():
        return {q.qid: (q.chapter, q.type, dict(q.current_version.data)) for q in db.session.scalars(db.select(Question))}


def run_json(runner, path, *args):
    result = runner.invoke(args=["bank", "import", str(path), *args, "--json"])
    return result, json.loads(result.output)


def test_moodle_nested_categories_all_import_with_chapter_and_keep_their_path_as_tag(app, runner, tmp_path):
    path = tmp_path / "moodle.xml"
    path.write_text(MOODLE_NESTED, encoding="utf-8")
    result = runner.invoke(args=["bank", "import", str(path), "--format", "moodle-xml",
                                 "--chapter", "ch01-crm-overview"])
    assert result.exit_code == 0, result.output
    assert "已导入 5 题（新增 5" in result.output and "跳过 0 题" in result.output
    stored = questions(app)
    assert len(stored) == 5
    assert {chapter for chapter, _t, _d in stored.values()} == {"ch01-crm-overview"}
    by_stem = {data["stem"]: data for _c, _t, data in stored.values()}
    assert sorted(t for _c, t, _d in stored.values()) == ["essay"] + ["true_false"] * 4
    assert "来源：Iota/Kappa/Lambda" in by_stem["客户价值只取决于客户当前的购买金额。"]["tags"]
    assert by_stem["客户价值只取决于客户当前的购买金额。"]["answer"] is False
    tags = sorted(t for _c, _t, data in stored.values() for t in data["tags"] if t.startswith("来源："))
    assert tags == sorted("来源：" + p for p in NESTED_PATHS)
    # the bank's id pattern for the chapter, numbered on from what is there
    assert sorted(stored) == [f"ch01-q{n:03d}" for n in range(1, 6)]


def test_without_chapter_the_message_is_true_and_nothing_is_imported(app, runner, tmp_path):
    path = tmp_path / "moodle.xml"
    path.write_text(MOODLE_NESTED, encoding="utf-8")
    result = runner.invoke(args=["bank", "import", str(path)])  # format from the extension
    assert result.exit_code == 1
    assert "Iota/Kappa/Lambda" in result.output and "--chapter" in result.output
    assert "来源：Iota/Kappa" in result.output  # says what --chapter will do with the path
    assert "Traceback" not in result.output
    assert questions(app) == {}
    nothing_valid = runner.invoke(args=["bank", "import", str(path), "--partial"])
    assert nothing_valid.exit_code == 1 and "没有可以导入的题目" in nothing_valid.output
    # and following the advice works
    followed = runner.invoke(args=["bank", "import", str(path), "--chapter", "ch07-satisfaction-loyalty"])
    assert followed.exit_code == 0 and "已导入 5 题" in followed.output


def test_json_prints_bank_shaped_questions_in_file_order_with_problems(app, runner, mini_bank, tmp_path):
    path = tmp_path / "mixed.gift"
    path.write_text(GIFT_MIXED + "\n$CATEGORY: $course$/Elsewhere\n\n在别处的题目。{T}\n\n"
                    "::bad::排序题 {>1 >2}\n", encoding="utf-8")
    result, out = run_json(runner, path, "--dry-run")
    assert result.exit_code == 1  # problems and no --partial: nothing would be imported
    assert set(out) >= {"questions", "problems"}
    stems = [q["stem"] for q in out["questions"]]
    assert stems == ["客户终生价值考虑客户未来带来的利润。", "客户价值的核心是哪一项？",
                     "CRM 的核心理念是以客户为中心。", "在别处的题目。"]
    first, single, own, elsewhere = out["questions"]
    assert first["type"] == "true_false" and first["answer"] is True and first["chapter"] == "ch05-customer-value"
    assert single["type"] == "single" and single["answer"] == "A" and single["options"]["A"] == "客户终生价值"
    assert first["id"].startswith("ch05-q") and single["id"].startswith("ch05-q") and first["id"] != single["id"]
    assert own["id"] == "own-id-1" and own["chapter"] == "ch01-crm-overview"
    assert elsewhere["chapter"] is None
    for question in out["questions"][:3]:
        assert {"id", "type", "stem", "answer", "chapter", "difficulty"} <= set(question)
    reasons = {p["where"]: p["reason"] for p in out["problems"]}
    assert any("Elsewhere" in r for r in reasons.values())
    assert any("排序" in r or "ordering" in r.lower() or "GIFT" in r for r in reasons.values())
    assert all({"where", "line", "reason"} <= set(p) for p in out["problems"])
    assert questions(app).keys() == set().union(*mini_bank.values())  # dry run wrote nothing


def test_dry_run_then_partial_import_writes_only_the_valid_questions(app, runner, mini_bank, tmp_path):
    path = tmp_path / "mixed.gift"
    path.write_text(GIFT_MIXED + "\n$CATEGORY: $course$/Elsewhere\n\n在别处的题目。{T}\n", encoding="utf-8")
    before = questions(app)
    refused = runner.invoke(args=["bank", "import", str(path)])
    assert refused.exit_code == 1 and "--partial" in refused.output and questions(app) == before
    dry = runner.invoke(args=["bank", "import", str(path), "--partial", "--dry-run"])
    assert dry.exit_code == 0 and "可导入 3 题" in dry.output and questions(app) == before
    done = runner.invoke(args=["bank", "import", str(path), "--partial"])
    assert done.exit_code == 0 and "已导入 3 题（新增 3" in done.output and "跳过 1 题" in done.output
    after = questions(app)
    assert len(after) == len(before) + 3 and "own-id-1" in after
    # a second import of the same file creates nothing twice: same ids, unchanged
    again = runner.invoke(args=["bank", "import", str(path), "--partial"])
    assert "内容未变 3" in again.output and questions(app).keys() == after.keys()


def test_chapter_option_places_questions_without_a_chapter_category(app, runner, tmp_path):
    path = tmp_path / "plain.gift"
    path.write_text("客户忠诚比客户满意更稳定。{T}\n\n$CATEGORY: $course$/第五章 客户价值\n\n客户价值可以衡量。{T}\n",
                    encoding="utf-8")
    result, out = run_json(runner, path, "--chapter", "ch07-satisfaction-loyalty")
    assert result.exit_code == 0, result.output
    assert [q["chapter"] for q in out["questions"]] == ["ch07-satisfaction-loyalty", "ch05-customer-value"]
    assert [q["id"] for q in out["questions"]] == ["ch07-q001", "ch05-q001"]
    assert not any(t.startswith("来源") for q in out["questions"] for t in q.get("tags", []))  # a chapter title is no tag
    assert set(questions(app)) == {"ch07-q001", "ch05-q001"}
    bad = runner.invoke(args=["bank", "import", str(path), "--chapter", "no-such"])
    assert bad.exit_code == 1 and "no-such" in bad.output


def test_colliding_id_of_a_different_question_gets_a_new_id(app, runner, mini_bank, tmp_path):
    taken = mini_bank["single"][0]
    path = tmp_path / "collide.gift"
    path.write_text(f"$CATEGORY: $course$/crm/ch02-crm-systems\n\n::{taken}::CRM 系统能帮助企业管理客户。{{T}}\n",
                    encoding="utf-8")
    result, out = run_json(runner, path)
    assert result.exit_code == 0, result.output
    (question,) = out["questions"]
    assert question["id"] != taken and question["id"].startswith("ch02-q")
    assert any(taken in w["reason"] for w in out["warnings"])
    stored = questions(app)
    assert stored[taken][1] == "single" and stored[question["id"]][1] == "true_false"


def test_same_id_same_type_lands_as_a_new_version(app, runner, mini_bank, tmp_path):
    qid = mini_bank["true_false"][0]
    with app.app_context():
        chapter = db.session.scalar(db.select(Question.chapter).where(Question.qid == qid))
    path = tmp_path / "edit.gift"
    path.write_text(f"$CATEGORY: $course$/crm/{chapter}\n\n::{qid}::改过的判断题题干。{{F}}\n", encoding="utf-8")
    result = runner.invoke(args=["bank", "import", str(path)])
    assert result.exit_code == 0 and "新版本 1" in result.output, result.output
    with app.app_context():
        question = db.session.scalar(db.select(Question).where(Question.qid == qid))
        assert question.current_version.number == 2 and question.data["stem"] == "改过的判断题题干。"


def test_bank_lint_rules_apply_bare_letters_are_problems_punctuation_is_fixed(app, runner, tmp_path):
    path = tmp_path / "lint.gift"
    path.write_text("$CATEGORY: $course$/crm/ch05-customer-value\n\n"
                    "::lint-1::客户价值的核心是?{=客户终生价值 ~客户满意度 ~品牌知名度 ####所以选 A。}\n\n"
                    "::lint-2::客户价值包括哪些方面(多选)?{~%50%企业价值 ~%50%客户感知价值 ~%-100%股价}\n",
                    encoding="utf-8")
    result, out = run_json(runner, path)
    assert result.exit_code == 1
    assert [(p["where"], p["line"]) for p in out["problems"]] == [("第 1 题（lint-1，第 3 行）", 3)]
    assert "A" in out["problems"][0]["reason"]
    fixed = out["questions"][1]
    assert fixed["stem"] == "客户价值包括哪些方面（多选）？"
    assert any("全角" in w["reason"] for w in out["warnings"])
    assert questions(app) == {}
    partial = runner.invoke(args=["bank", "import", str(path), "--partial"])
    assert partial.exit_code == 0 and set(questions(app)) == {"lint-2"}


def test_unknown_extension_needs_format(runner, tmp_path):
    path = tmp_path / "questions.dat"
    path.write_text("x", encoding="utf-8")
    result = runner.invoke(args=["bank", "import", str(path)])
    assert result.exit_code == 2 and "--format" in result.output


@pytest.mark.sqlite_only
@pytest.mark.parametrize("command", [["bank", "import", "{file}", "--chapter", "ch01-crm-overview"],
                                     ["bank", "export", "--format", "gift"], ["sync"]])
def test_a_database_that_was_not_upgraded_gets_a_clear_message(app_config, tmp_path, command):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    fresh = create_app(dict(app_config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{empty}"))
    path = tmp_path / "moodle.xml"
    path.write_text(MOODLE_NESTED, encoding="utf-8")
    result = fresh.test_cli_runner().invoke(args=[part.replace("{file}", str(path)) for part in command])
    assert result.exit_code == 1
    assert "flask --app app db upgrade" in result.output and "数据库" in result.output
    assert "Traceback" not in result.output and "sqlalchemy" not in result.output.lower()
    with fresh.app_context():
        db.engine.dispose()


@pytest.mark.sqlite_only
def test_a_missing_column_gets_the_same_message(app, app_config, runner, tmp_path):
    with app.app_context():
        db.session.execute(db.text("ALTER TABLE question_version DROP COLUMN note"))
        db.session.commit()
    path = tmp_path / "moodle.xml"
    path.write_text(MOODLE_NESTED, encoding="utf-8")
    result = runner.invoke(args=["bank", "import", str(path), "--chapter", "ch01-crm-overview"])
    assert result.exit_code == 1 and "db upgrade" in result.output and "Traceback" not in result.output


def test_import_by_a_user_is_audited_with_its_mapping(app, users, tmp_path):
    from app.models import User
    from app.services.interop import apply_import, plan_import, remembered_mapping

    with app.app_context():
        teacher = db.session.get(User, users["teacher"])
        plan = plan_import(MOODLE_NESTED.encode(), "moodle-xml",
                           mapping={"Iota": "ch01-crm-overview", "Iota/Kappa": "ch02-crm-systems",
                                    "Iota/Kappa/Lambda": "ch05-customer-value", "Iota/Mu": "ch07-satisfaction-loyalty"})
        assert not plan.blocked, plan.problems
        apply_import(plan, teacher)
        entry = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "bank.import"))
        assert entry.details["created"] == 5 and entry.details["mapping"]["Iota/Mu"] == "ch07-satisfaction-loyalty"
        assert remembered_mapping(teacher)["Iota/Kappa"] == "ch02-crm-systems"
        chapters = {q.chapter for q in db.session.scalars(db.select(Question))}
        assert chapters == {"ch01-crm-overview", "ch02-crm-systems", "ch05-customer-value", "ch07-satisfaction-loyalty"}


def test_a_txt_file_is_aiken_unless_it_reads_as_gift():
    from app.services.interop import format_for

    assert format_for("moodle-export.txt", "::q1::客户满意吗？{T}".encode()) == "gift"
    assert format_for("aiken.txt", "客户价值指什么？\nA. 甲\nB. 乙\nANSWER: A\n".encode()) == "aiken"
    assert format_for("paper.docx") == "docx" and format_for("sheet.XLSX") == "xlsx" and format_for("x.pdf") is None


def test_word_paper_problems_name_their_paragraph(app, runner, tmp_path):
    """A lint problem on a question parsed from Word names the paragraph the question starts at."""
    from tests.domain.interop.test_interop_docx_import import paper
    path = tmp_path / "paper.docx"
    path.write_bytes(paper("一、单项选择题",
                           "1．客户价值的核心是（  ）。",
                           "A．客户终生价值　B．品牌知名度　C．股价",
                           "答案：A",
                           "2．客户满意的基础是（  ）。",
                           "A．客户期望　B．广告投入　C．办公面积",
                           "答案：A",
                           "解析：所以选 A。"))
    result, out = run_json(runner, path, "--chapter", "ch05-customer-value")
    assert result.exit_code == 1
    assert [q["answer"] for q in out["questions"]] == ["A", "A"]
    assert len(out["problems"]) == 1
    problem = out["problems"][0]
    assert "第 5 段" in problem["where"] and problem["line"] == 5
