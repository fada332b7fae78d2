"""``flask --app app bank template --format xlsx --out FILE`` writes the Excel import template."""

from app.domain.interop import parse_xlsx, xlsx_template


def test_template_command_writes_the_template_that_imports_cleanly(runner, tmp_path):
    out = tmp_path / "题目导入模板.xlsx"
    result = runner.invoke(args=["bank", "template", "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    assert out.read_bytes()[:2] == b"PK"
    parsed = parse_xlsx(out.read_bytes())
    assert parsed.errors == [] and parsed.skipped == []
    assert len(parsed.questions) == len(parse_xlsx(xlsx_template()).questions) == 8


def test_template_command_reports_an_unwritable_path(runner, tmp_path):
    result = runner.invoke(args=["bank", "template", "--format", "xlsx", "--out", str(tmp_path / "no" / "x.xlsx")])
    assert result.exit_code == 1
    assert "无法写入" in result.output and "Traceback" not in result.output
