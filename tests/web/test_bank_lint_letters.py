"""``bank lint`` warns when the explanation of a lettered question names a bare option letter.

With shuffled options the student saw other letters, so "所以选 D" points at the wrong option.
The shipped bank still has such explanations, so the rule is a warning: printed as
``path:line: message`` but without changing the exit code (issue 13).
"""

from __future__ import annotations

QUESTION = """chapter: ch05-customer-value
questions:
  - id: w1
    type: {type}
    difficulty: 2
    stem: "下列哪一项正确?"
    options: {{A: "甲", B: "乙", C: "丙", D: "丁"}}
    answer: {answer}
    explanation: "{explanation}"
"""


def _lint(runner, tmp_path, explanation, qtype="single", answer="D"):
    path = tmp_path / "w.yaml"
    path.write_text(QUESTION.format(type=qtype, answer=answer, explanation=explanation), encoding="utf-8")
    return path, runner.invoke(args=["bank", "lint", str(path)])


def test_a_bare_letter_in_an_explanation_is_a_warning_on_its_line(runner, tmp_path):
    path, result = _lint(runner, tmp_path, "丁是对的,所以选 D。")
    assert result.exit_code == 0, result.output  # a warning, not a problem
    lines = [l for l in result.output.splitlines() if l.startswith(str(path))]
    assert lines == [f"{path}:9: w1: 警告：解析提到选项字母“选 D”；考试打乱选项后学生看到的字母不同，请改为写出选项内容"]
    assert "1 条警告" in result.output


def test_other_letter_forms_are_flagged_too(runner, tmp_path):
    for text, named in [("选项C 不对。", "选项C"), ("A、B、C 都不全面。", "A、B、C"), ("答案为 ABD。", "答案为 ABD")]:
        _path, result = _lint(runner, tmp_path, text, qtype="multiple", answer="[A, B, D]")
        assert result.exit_code == 0 and f"“{named}”" in result.output, (text, result.output)


def test_explanations_naming_the_option_text_pass_clean(runner, tmp_path):
    _path, result = _lint(runner, tmp_path, "丁是对的,因为客户价值 ABC 分析法与此无关。")
    assert result.exit_code == 0 and "警告" not in result.output, result.output


def test_warnings_do_not_hide_problems(runner, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(QUESTION.format(type="single", answer="Z", explanation="所以选 D"), encoding="utf-8")
    result = runner.invoke(args=["bank", "lint", str(path)])
    assert result.exit_code == 1 and f"{path}:8:" in result.output, result.output
