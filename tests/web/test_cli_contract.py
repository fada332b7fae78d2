"""The command-line interface of ../shared/CONTRACT.md, through Flask's CLI runner."""

import json

import pytest

from app.domain.cases import list_cases, make_variant, solution


def test_bank_lint_clean_on_shipped_bank(runner):
    result = runner.invoke(args=["bank", "lint"])
    assert result.exit_code == 0, result.output


def test_bank_lint_reports_path_line_and_exit_1(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("chapter: ch05-customer-value\nquestions:\n  - id: x1\n    type: single\n    difficulty: 9\n"
                   "    stem: s\n    options: {A: a, B: b}\n    anwser: A\n", encoding="utf-8")
    result = runner.invoke(args=["bank", "lint", str(bad)])
    assert result.exit_code == 1
    lines = [l for l in result.output.splitlines() if l.startswith(str(bad))]
    assert any(l.startswith(f"{bad}:8:") and "answer" in l for l in lines), result.output
    assert any(f"{bad}:5:" in l for l in lines), result.output
    assert "Traceback" not in result.output


def test_bank_stats_json(runner):
    result = runner.invoke(args=["bank", "stats", "--json"])
    stats = json.loads(result.output)
    assert set(stats) == {"total", "by_type", "by_chapter", "by_difficulty"}
    assert stats["total"] >= 300 and len(stats["by_type"]) == 8 and len(stats["by_chapter"]) == 10


def test_sync_is_idempotent(app, runner):
    first = runner.invoke(args=["sync"])
    assert "新增" in first.output and first.exit_code == 0
    second = runner.invoke(args=["sync"])
    assert "新增 0 题" in second.output and "产生新版本 0 题" in second.output


def test_case_list_json(runner):
    result = runner.invoke(args=["case", "list", "--json"])
    cases = json.loads(result.output)
    assert len(cases) >= 6 and all(set(c) == {"id", "title", "chapter"} for c in cases)


@pytest.mark.parametrize("case_id", [c["id"] for c in list_cases()])
def test_case_show_and_grade(runner, tmp_path, case_id):
    shown = json.loads(runner.invoke(args=["case", "show", case_id, "--seed", "42", "--json"]).output)
    assert set(shown) >= {"id", "seed", "params", "text_md", "dataset", "steps"}
    assert all(set(s) >= {"id", "prompt", "kind", "points"} for s in shown["steps"])
    variant, _ = make_variant(case_id, 42)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(solution(variant), ensure_ascii=False), encoding="utf-8")
    graded = json.loads(runner.invoke(args=["case", "grade", case_id, "--seed", "42", "--answers", str(answers),
                                            "--json"]).output)
    # A written task's model answer scores full on the automatic criteria; the rest ("pending") is the teacher's.
    assert graded["score"] + graded.get("pending", 0) == graded["max_score"] > 0
    assert graded.get("pending", 0) == sum(c.points for c in variant.manual_criteria)
    assert [s["id"] for s in graded["steps"]] == [s["id"] for s in shown["steps"]]


def test_case_textbook_customer_value(runner, tmp_path):
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"lifetime_value": 26000, "customers_won": 1, "value_gained": 26000,
                                   "customers_lost": 2, "value_lost": -52000}), encoding="utf-8")
    graded = json.loads(runner.invoke(args=["case", "grade", "customer-value", "--textbook", "--answers",
                                            str(answers), "--json"]).output)
    assert {s["id"]: s["score"] == s["max"] for s in graded["steps"]} == {
        "lifetime_value": True, "customers_won": True, "value_gained": True, "customers_lost": True,
        "value_lost": True, "dynamic_table": False, "analysis": False}


@pytest.mark.parametrize("args,message", [
    (["case", "show", "no-such-case", "--json"], "没有编号"),
    (["case", "grade", "customer-value", "--textbook", "--answers", "/nonexistent.json"], "找不到答案文件"),
])
def test_case_errors_are_clear(runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and message in result.output and "Traceback" not in result.output


def test_case_grade_rejects_broken_json(runner, tmp_path):
    broken = tmp_path / "b.json"
    broken.write_text("{not json", encoding="utf-8")
    result = runner.invoke(args=["case", "grade", "customer-value", "--textbook", "--answers", str(broken)])
    assert result.exit_code == 1 and "不是有效的 JSON" in result.output


def test_user_create(runner):
    ok = runner.invoke(args=["user", "create", "newbie", "--role", "instructor", "--password", "long-password-1"])
    assert ok.exit_code == 0 and "newbie" in ok.output
    dup = runner.invoke(args=["user", "create", "newbie", "--password", "long-password-1"])
    assert dup.exit_code == 1 and "已存在" in dup.output
