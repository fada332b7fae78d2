"""``bank lint`` and ``courseware lint`` report half-width punctuation in Chinese text (issue 14).

Each problem names the file and line and the mark; maths, code and URLs pass; the shipped bank
and courseware pass both checks.
"""

from __future__ import annotations

from pathlib import Path

from app.content.lint import lint_courseware
from app.domain.bank.lint import punctuation_problems

ROOT = Path(__file__).resolve().parents[2]

BANK = """chapter: ch05-customer-value
questions:
  - id: p1
    type: single
    difficulty: 2
    tags: [客户价值]
    stem: "客户让渡价值等于什么?"
    options:
      A: "总价值减总成本(差额)"
      B: "总价值加总成本"
    answer: A
    explanation: "让渡价值 $V = a,b$ 是差额，见 http://example.com/a,b 与 `f(x,y)`。"
"""

CHAPTER = """---
title: 测试
slug: ch99-test
order: 1
objectives:
  - 说明客户价值
reading_minutes: 5
---

## 一节 {#one}

客户关系管理（CRM）是一种理念，见 $f(x,y)$、`a,b` 和 http://example.com/a?b=1,2。

客户关系管理(CRM)是一种理念,它以客户为中心。
"""


def test_bank_lint_reports_half_width_punctuation_with_file_and_line(runner, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(BANK, encoding="utf-8")
    result = runner.invoke(args=["bank", "lint", str(path)])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.startswith(str(path))]
    assert lines == [
        f"{path}:7: p1：stem：中文中的半角标点 “?” 应为全角 “？”（…让渡价值等于什么?…）",
        f"{path}:9: p1：options：中文中的半角标点 “(” 应为全角 “（”（…总价值减总成本(差额)…）",
        f"{path}:9: p1：options：中文中的半角标点 “)” 应为全角 “）”（…值减总成本(差额)…）",
    ]


def test_bank_lint_passes_full_width_text_with_maths_code_and_urls(runner, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(BANK.replace("什么?", "什么？").replace("(差额)", "（差额）"), encoding="utf-8")
    result = runner.invoke(args=["bank", "lint", str(path)])
    assert result.exit_code == 0, result.output


def test_courseware_lint_reports_half_width_punctuation_with_file_and_line(runner, tmp_path):
    path = tmp_path / "ch99-test.md"
    path.write_text(CHAPTER, encoding="utf-8")
    result = runner.invoke(args=["courseware", "lint", str(tmp_path)])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.startswith(str(path))]
    assert [line.split(": ", 1)[0] for line in lines] == [f"{path}:14"] * 3
    assert "“,” 应为全角 “，”" in lines[2] and "“(” 应为全角 “（”" in lines[0]
    assert "3 个问题" in result.output


def test_courseware_lint_reports_a_chapter_that_does_not_load(runner, tmp_path):
    path = tmp_path / "ch99-test.md"
    path.write_text(CHAPTER.replace("slug: ch99-test", "slug: other"), encoding="utf-8")
    result = runner.invoke(args=["courseware", "lint", str(path)])
    assert result.exit_code == 1
    assert f"{path}:1: front matter field 'slug'" in result.output


def test_courseware_lint_passes_clean_text(runner, tmp_path):
    path = tmp_path / "ch99-test.md"
    path.write_text(CHAPTER.split("\n客户关系管理(CRM)")[0] + "\n", encoding="utf-8")
    result = runner.invoke(args=["courseware", "lint", str(path)])
    assert result.exit_code == 0, result.output
    assert "课件检查通过" in result.output


def test_shipped_courseware_and_bank_have_full_width_punctuation(runner):
    assert [str(p) for p in lint_courseware([ROOT / "courseware"])] == []
    assert [str(p) for p in punctuation_problems(sorted((ROOT / "question_bank").rglob("*.yaml")))] == []
    result = runner.invoke(args=["courseware", "lint"])
    assert result.exit_code == 0, result.output
