"""Classes and roster import from CSV (UTF-8, BOM, GBK) and XLSX."""

import base64
import io
import re

import pytest
from openpyxl import Workbook

from app.extensions import db
from app.models import ClassGroup, User

ROSTER = (
    "username,full name,student number,class\n"
    "s2026001,赵一,2026001,\n"            # good: joins the selected class
    "s2026002,钱二,2026002,物流2班\n"      # good: creates and joins 物流2班
    ",孙三,,\n"                             # bad: neither username nor 学号
    "bad name!,李四,2026004,\n"             # bad: invalid username
    "s2026005,,2026005,\n"                  # bad: no full name
    "s2026001,赵一重复,2026006,\n"          # bad: duplicate of row 2
    "teacher,冒名,2026007,\n"               # bad: belongs to an instructor
)


def _create_class(client, name="物流1班"):
    response = client.post("/instructor/classes", data={"name": name, "description": "测试"})
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _upload(client, class_id, filename, data):
    return client.post(f"/instructor/classes/{class_id}", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_roster_mix_of_good_and_bad_rows(app, client, auth, users, encoding):
    auth.login("teacher")
    class_id = _create_class(client)
    response = _upload(client, class_id, "名单.csv", ROSTER.encode(encoding))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "新建账号 2 个" in page and "出错 5 行" in page
    errors = re.search(r'id="roster-errors".*?</table>', page, re.S).group(0)
    for row, reason in [(4, "学号和用户名都为空"), (5, "无效"), (6, "姓名为空"), (7, "与第 2 行重复"), (8, "教师或管理员")]:
        assert re.search(rf"<td>{row}</td><td>[^<]*{reason}", errors), (row, reason)
    with app.app_context():
        s1 = db.session.scalar(db.select(User).filter_by(username="s2026001"))
        s2 = db.session.scalar(db.select(User).filter_by(username="s2026002"))
        assert s1.full_name == "赵一" and s1.student_number == "2026001"
        assert [c.name for c in s1.classes] == ["物流1班"]
        assert [c.name for c in s2.classes] == ["物流2班"]
        assert db.session.scalar(db.select(User).filter_by(username="s2026005")) is None
    # The one-time passwords are offered for download and work.
    href = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', page).group(1)
    csv_text = base64.b64decode(href).decode("utf-8-sig")
    password = next(line.split(",")[-1] for line in csv_text.splitlines() if line.startswith("s2026001,"))
    auth.logout()
    assert auth.login("s2026001", password.strip()).status_code == 302


def test_xlsx_roster(app, client, auth, users):
    wb = Workbook()
    ws = wb.active
    ws.append(["用户名", "姓名", "学号", "班级"])
    ws.append(["x001", "周五", 2026101, None])
    ws.append(["x002", "吴六", "2026102", None])
    ws.append([None, "郑七", "2026103", None])      # no username: the 学号 is the username
    ws.append([None, "王八", None, None])            # neither: refused
    buf = io.BytesIO()
    wb.save(buf)
    auth.login("teacher")
    class_id = _create_class(client)
    page = _upload(client, class_id, "roster.xlsx", buf.getvalue()).get_data(as_text=True)
    assert "新建账号 3 个" in page and "出错 1 行" in page
    with app.app_context():
        assert db.session.scalar(db.select(User).filter_by(username="x001")).student_number == "2026101"
        assert db.session.scalar(db.select(User).filter_by(username="2026103")).full_name == "郑七"


def test_reimport_adds_existing_students_without_new_passwords(app, client, auth, users):
    auth.login("teacher")
    first = _create_class(client, "一班")
    second = _create_class(client, "二班")
    data = "username,full name\nkeep1,甲\n".encode()
    _upload(client, first, "a.csv", data)
    page = _upload(client, second, "a.csv", data).get_data(as_text=True)
    assert "新建账号 0 个，已有账号加入班级 1 个" in page
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(username="keep1"))
        assert sorted(c.name for c in user.classes) == ["一班", "二班"]


@pytest.mark.parametrize("filename,data,message", [
    ("r.csv", "name,phone\n甲,1\n".encode(), "缺少必需的列：学号或用户名"),
    ("r.xlsx", b"PK\x03\x04 this is not really a zip", "已损坏"),
    ("r.csv", b"", "文件是空的"),
    ("r.pdf", b"%PDF-1.4", "只支持"),
])
def test_bad_roster_files_get_clear_errors(app, client, auth, users, filename, data, message):
    auth.login("teacher")
    class_id = _create_class(client)
    response = _upload(client, class_id, filename, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(ClassGroup).filter_by(id=class_id)).memberships == []


def test_duplicate_class_name_refused(client, auth, users):
    auth.login("teacher")
    _create_class(client, "三班")
    response = client.post("/instructor/classes", data={"name": "三班"})
    assert "已存在同名班级" in response.get_data(as_text=True)
