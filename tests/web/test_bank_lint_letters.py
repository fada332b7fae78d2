"""``flask bank lint`` fails when the explanation of a shuffled question names a bare option letter.

With shuffled options the student saw other letters, so "所以选 D" points at the wrong option. The
rule is an error (exit 1, ``path:line: message`` naming the letter); ``{{opt:D}}`` is the way to
name an option by the letter the student saw, and a reference to a missing option is an error too
(issue 13).
"""

from __future__ import annotations

from pathlib import Path

QUESTION = """chapter: ch05-customer-value
questions:
  - id: w1
    type: {type}
    difficulty: 2
    stem: "下列哪一项正确？"
    options: {{A: "甲", B: "乙", C: "丙", D: "丁"}}
    answer: {answer}
    explanation: "{explanation}"
"""


def _lint(runner, tmp_path, explanation, qtype="single", answer="D"):
    path = tmp_path / "w.yaml"
    path.write_text(QUESTION.format(type=qtype, answer=answer, explanation=explanation), encoding="utf-8")
    return path, runner.invoke(args=["bank", "lint", str(path)])


def test_a_bare_letter_in_an_explanation_fails_lint_naming_file_line_and_letter(runner, tmp_path):
    path, result = _lint(runner, tmp_path, "丁是对的，所以选 D。")
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.startswith(str(path))]
    assert lines == [f"{path}:9: w1：解析用字母 D 指称选项（“选 D”）；考试打乱选项后学生看到的字母不同，"
                     "请写出选项内容，或用 {{opt:X}} 引用"]
    assert "1 个问题" in result.output


def test_other_letter_forms_fail_too(runner, tmp_path):
    for text, named in [("选项C 不对。", "选项C"), ("A、B、C 都不全面。", "A、B、C"), ("答案为 ABD。", "答案为 ABD"),
                        ("（C）属于成长期。", "C"), ("D 错误，甲才是对的。", "D"), ("C 项说反了。", "C"),
                        ("正确答案是 A、B 和 D。", "答案是 A、B 和 D")]:
        _path, result = _lint(runner, tmp_path, text, qtype="multiple", answer="[A, B, D]")
        assert result.exit_code == 1 and f"“{named}”" in result.output, (text, result.output)


def test_ordering_items_named_by_letter_fail(runner, tmp_path):
    _path, result = _lint(runner, tmp_path, "先做乙（B），再做甲（A）。", qtype="ordering", answer="[B, A, C, D]")
    assert result.exit_code == 1 and "解析用字母 B、A 指称排序项" in result.output, result.output


def test_option_references_pass(runner, tmp_path):
    _path, result = _lint(runner, tmp_path, "丁是对的，所以选 {{opt:D}}；{{opt:A}} 与 {{ opt:B }} 说反了。")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "题库检查通过，没有发现问题。"


def test_an_unknown_option_reference_fails_with_file_and_line(runner, tmp_path):
    path, result = _lint(runner, tmp_path, "所以选 {{opt:E}}。")
    assert result.exit_code == 1
    assert f"{path}:9: w1：解析引用了不存在的选项 {{{{opt:E}}}}" in result.output, result.output


def test_option_references_in_a_type_without_letters_fail(runner, tmp_path):
    path, result = _lint(runner, tmp_path, "先做 {{opt:B}}。", qtype="ordering", answer="[B, A, C, D]")
    assert result.exit_code == 1 and f"{path}:9: w1：解析中的 {{{{opt:…}}}} 只能用于单选题和多选题" in result.output


def test_letters_that_are_not_option_letters_pass(runner, tmp_path):
    for text in ["丁是对的，因为客户价值 ABC 分析法与此无关。", "A 类客户贡献最大，C 级大众客户人数最多。",
                 "累计占比落在 B 类区间。", "A、B 两类客户都要维护。", "客户 A 的终生价值更高。",
                 "E-CRM 是基于互联网的 CRM。", "B2B 与 B2C 的客户不同。", "按 ABC 分类法，甲属于 A 类。",
                 "C 端用户与 B 端客户的需求不同。", "首选 A 类客户。"]:
        _path, result = _lint(runner, tmp_path, text)
        assert result.exit_code == 0, (text, result.output)


def test_the_shipped_bank_passes(runner):
    result = runner.invoke(args=["bank", "lint"])
    assert result.exit_code == 0, result.output


def test_problems_are_listed_in_file_and_line_order(runner, tmp_path):
    (tmp_path / "a.yaml").write_text(QUESTION.format(type="single", answer="D", explanation="所以选 D"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(QUESTION.format(type="single", answer="Z", explanation="所以选 D")
                                      .replace("id: w1", "id: w2"), encoding="utf-8")
    result = runner.invoke(args=["bank", "lint", str(tmp_path)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(str(tmp_path))]
    assert [Path(line.split(":")[0]).name for line in lines] == ["a.yaml", "b.yaml"], lines
    assert f"{tmp_path / 'b.yaml'}:8:" in lines[1]  # the bad key: the letter rule only reads valid questions
