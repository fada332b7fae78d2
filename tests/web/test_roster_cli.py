"""``flask --app app user roster-template`` and ``user reset-password``."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from app.domain.roster import read_roster
from app.extensions import db
from app.models import AuditLog, User
from tests.conftest import PASSWORD


def test_roster_template_cli_writes_both_formats(runner, tmp_path):
    xlsx, csv = tmp_path / "名单模板.xlsx", tmp_path / "t.csv"
    assert runner.invoke(args=["user", "roster-template", "--out", str(xlsx)]).exit_code == 0
    result = runner.invoke(args=["user", "roster-template", "--format", "csv", "--out", str(csv)])
    assert result.exit_code == 0 and str(csv) in result.output
    workbook = load_workbook(io.BytesIO(xlsx.read_bytes()))
    assert [c.value for c in workbook.worksheets[0][1]] == ["学号", "姓名", "班级", "初始密码"]
    assert read_roster("t.xlsx", xlsx.read_bytes(), 8) == ([], [])
    assert read_roster("t.csv", csv.read_bytes(), 8) == ([], [])


def test_reset_password_cli_prints_a_one_time_password(app, runner, client, auth, users):
    result = runner.invoke(args=["user", "reset-password", "student"])
    assert result.exit_code == 0, result.output
    password = result.output.strip().rsplit("：", 1)[1]
    with app.app_context():
        assert db.session.get(User, users["student"]).must_change_password
        [row] = db.session.scalars(db.select(AuditLog).filter_by(action="user.reset_password")).all()
        assert row.actor_id is None and row.details["via"] == "cli"
    assert auth.login("student", PASSWORD).status_code == 401
    assert auth.login("student", password).status_code == 302
    assert client.get("/").headers["Location"].endswith("/auth/password")
    missing = runner.invoke(args=["user", "reset-password", "nobody"])
    assert missing.exit_code == 1 and "不存在" in missing.output
