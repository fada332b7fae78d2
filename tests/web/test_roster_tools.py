"""Rosters by 学号 in the browser: GBK lists, the template, initial passwords, one-time passwords, removal."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from app.extensions import db
from app.models import Attempt, AuditLog, ClassGroup, User
from tests.conftest import PASSWORD


def _create_class(client, name="物流1班"):
    response = client.post("/instructor/classes", data={"name": name, "description": ""})
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _upload(client, class_id, filename, data):
    return client.post(f"/instructor/classes/{class_id}", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def _user(username):
    return db.session.scalar(db.select(User).filter_by(username=username))


def _class_id(app, name):
    with app.app_context():
        return db.session.scalar(db.select(ClassGroup.id).filter_by(name=name))


def test_a_gbk_roster_with_only_student_number_and_name_imports(app, client, auth, users):
    auth.login("teacher")
    class_id = _create_class(client)
    data = "序号,学号,姓名,性别,手机号\r\n1,2024010203,张三,男,13800000001\r\n2,2024010204,欧阳娜娜,女,\r\n".encode("gbk")
    response = _upload(client, class_id, "学生名单.csv", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "新建账号 2 个，已有账号加入班级 0 个，出错 0 行" in page
    with app.app_context():
        zhang = _user("2024010203")
        assert (zhang.full_name, zhang.student_number) == ("张三", "2024010203")
        assert [c.name for c in zhang.classes] == ["物流1班"] and not zhang.must_change_password
        assert _user("2024010204").full_name == "欧阳娜娜"
    # The generated passwords are shown on this page only, and work.
    created = re.search(r'id="roster-created".*?</table>', page, re.S).group(0)
    password = re.search(r"<td>2024010203</td>.*?<code>([^<]+)</code>", created, re.S).group(1)
    assert "base64," in page  # offered for download right away
    assert password not in client.get(f"/instructor/classes/{class_id}").get_data(as_text=True)
    auth.logout()
    assert auth.login("2024010203", password).status_code == 302


def test_the_initial_password_column_is_used_and_checked(app, client, auth, users):
    auth.login("teacher")
    class_id = _create_class(client)
    data = "学号,姓名,初始密码\n2024010301,甲,Crm-2026-pass\n2024010302,乙,short\n".encode()
    page = _upload(client, class_id, "r.csv", data).get_data(as_text=True)
    assert "新建账号 1 个" in page and "出错 1 行" in page
    assert re.search(r"<td>3</td><td>初始密码太短：至少 8 个字符</td>", page)
    assert "名单中给定" in page and "base64," not in page  # nothing generated: nothing to download
    with app.app_context():
        assert _user("2024010302") is None
    auth.logout()
    assert auth.login("2024010301", "Crm-2026-pass").status_code == 302


def test_template_downloads_parse_back_through_the_importer(app, client, auth, users):
    auth.login("teacher")
    class_id = _create_class(client)
    page = client.get(f"/instructor/classes/{class_id}").get_data(as_text=True)
    assert 'href="/instructor/classes/roster-template.xlsx"' in page
    assert 'href="/instructor/classes/roster-template.csv"' in page
    response = client.get("/instructor/classes/roster-template.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.data))
    assert [c.value for c in workbook.worksheets[0][1]] == ["学号", "姓名", "班级", "初始密码"]
    assert "说明" in workbook.sheetnames
    # The template as downloaded imports with no errors (and nothing in it).
    page = _upload(client, class_id, "名单模板.xlsx", response.data).get_data(as_text=True)
    assert "新建账号 0 个，已有账号加入班级 0 个，出错 0 行" in page
    # Filled in as a teacher would, it imports every row.
    sheet = workbook.worksheets[0]
    sheet.append(["2024010401", "赵一", None, None])
    sheet.append(["2024010402", "钱二", "物流2班", "Crm-2026-pass"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    page = _upload(client, class_id, "名单模板.xlsx", buffer.getvalue()).get_data(as_text=True)
    assert "新建账号 2 个，已有账号加入班级 0 个，出错 0 行" in page
    with app.app_context():
        assert [c.name for c in _user("2024010402").classes] == ["物流2班"]
    csv_template = client.get("/instructor/classes/roster-template.csv")
    assert csv_template.status_code == 200 and csv_template.mimetype == "text/csv"
    page = _upload(client, class_id, "模板.csv", csv_template.data + "2024010403,孙三,,\r\n".encode()).get_data(as_text=True)
    assert "新建账号 1 个，已有账号加入班级 0 个，出错 0 行" in page
    assert client.get("/instructor/classes/roster-template.pdf").status_code == 404


# --- one-time passwords ---------------------------------------------------------------------

def _class_with_student(app):
    from app.services.classes import add_member, get_or_create_class

    with app.app_context():
        group = get_or_create_class("一班", None)
        add_member(group, _user("student"))
        db.session.commit()
        return group.id, _user("student").id


def _reset(client, class_id, user_id) -> str:
    response = client.post(f"/instructor/classes/{class_id}/students/{user_id}/reset-password",
                           data={"student": "student"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return re.search(r'id="one-time-password">([^<]+)<', response.get_data(as_text=True)).group(1)


def test_the_teacher_sees_the_one_time_password_once_and_only_its_hash_is_kept(app, client, auth, users):
    class_id, student_id = _class_with_student(app)
    auth.login("teacher")
    confirm = client.get(f"/instructor/classes/{class_id}/students/{student_id}/reset-password")
    assert confirm.status_code == 200 and "确认重置密码" in confirm.get_data(as_text=True)
    page = client.get(f"/instructor/classes/{class_id}").get_data(as_text=True)
    assert f'href="/instructor/classes/{class_id}/students/{student_id}/reset-password"' in page
    password = _reset(client, class_id, student_id)
    assert len(password) >= 8
    for path in (f"/instructor/classes/{class_id}", f"/instructor/classes/{class_id}/students/{student_id}/reset-password",
                 "/admin/audit"):
        assert password not in client.get(path).get_data(as_text=True), path
    assert "待改密码" in client.get(f"/instructor/classes/{class_id}").get_data(as_text=True)
    with app.app_context():
        student = db.session.get(User, student_id)
        assert student.must_change_password and password not in student.password_hash
        [row] = db.session.scalars(db.select(AuditLog).filter_by(action="user.reset_password")).all()
        assert row.target == f"user:{student_id}" and row.actor_id == users["teacher"]
        assert row.details["username"] == "student" and password not in str(row.details)


def test_a_reset_logs_the_student_out_and_the_one_time_password_works_once(app, auth, users):
    class_id, student_id = _class_with_student(app)
    teacher, student = app.test_client(), app.test_client()
    assert student.post("/auth/login", data={"username": "student", "password": PASSWORD}).status_code == 302
    assert student.get("/exams/").status_code == 200
    teacher.post("/auth/login", data={"username": "teacher", "password": PASSWORD})
    password = _reset(teacher, class_id, student_id)
    # The student's sessions ended, and the old password no longer works.
    assert student.get("/exams/").status_code == 302
    assert student.post("/auth/login", data={"username": "student", "password": PASSWORD}).status_code == 401
    # The login with the one-time password succeeds and leads to the password page, which cannot be left.
    assert student.post("/auth/login", data={"username": "student", "password": password}).status_code == 302
    for path in ("/", "/exams/", "/practice/", "/lessons/crm/"):
        response = student.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/auth/password"), path
    api = student.get("/api/v1/exams")
    assert api.status_code == 403 and "修改密码" in api.get_json()["error"]
    page = student.get("/auth/password")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="must-change-password"' in text
    assert 'name="current_password"' not in text  # the one-time password is used up: nothing to confirm
    refused = student.post("/auth/password", data={"new_password": "short", "confirm": "short"})
    assert refused.status_code == 400 and "新密码至少 8 个字符" in refused.get_data(as_text=True)
    done = student.post("/auth/password", data={"new_password": "my-own-pass-1", "confirm": "my-own-pass-1"})
    assert done.status_code == 302
    assert student.get("/exams/").status_code == 200  # free again, in the same session
    with app.app_context():
        assert not db.session.get(User, student_id).must_change_password
    student.post("/auth/logout")
    assert student.post("/auth/login", data={"username": "student", "password": password}).status_code == 401
    assert student.post("/auth/login", data={"username": "student", "password": "my-own-pass-1"}).status_code == 302
    assert student.get("/exams/").status_code == 200


def test_an_abandoned_one_time_login_uses_the_password_up(app, auth, users):
    class_id, student_id = _class_with_student(app)
    teacher, student = app.test_client(), app.test_client()
    teacher.post("/auth/login", data={"username": "teacher", "password": PASSWORD})
    password = _reset(teacher, class_id, student_id)
    assert student.post("/auth/login", data={"username": "student", "password": password}).status_code == 302
    student.post("/auth/logout")  # walks away without choosing a password
    assert student.post("/auth/login", data={"username": "student", "password": password}).status_code == 401
    other = app.test_client()  # another computer: refused as well
    assert other.post("/api/v1/session", json={"username": "student", "password": password}).status_code == 401
    # The teacher can hand out a new one.
    password2 = _reset(teacher, class_id, student_id)
    assert password2 != password
    assert other.post("/auth/login", data={"username": "student", "password": password2}).status_code == 302


def test_the_one_time_password_through_the_api_login(app, users):
    class_id, student_id = _class_with_student(app)
    teacher, student = app.test_client(), app.test_client()
    teacher.post("/auth/login", data={"username": "teacher", "password": PASSWORD})
    password = _reset(teacher, class_id, student_id)
    assert student.post("/api/v1/session", json={"username": "student", "password": password}).status_code == 200
    assert student.get("/api/v1/exams").status_code == 403
    assert student.get("/exams/").headers["Location"].endswith("/auth/password")
    assert student.post("/auth/password", data={"new_password": "api-own-pass", "confirm": "api-own-pass"}).status_code == 302
    assert student.get("/api/v1/exams").status_code == 200


def test_an_admin_may_reset_but_not_someone_outside_the_class(app, client, auth, users):
    class_id, student_id = _class_with_student(app)
    auth.login("admin")
    assert len(_reset(client, class_id, student_id)) >= 8
    # student2 is in no class here; the teacher account is no student: both are not found in this class.
    for user_id in (users["student2"], users["teacher"], 999999):
        for method in ("GET", "POST"):
            response = client.open(f"/instructor/classes/{class_id}/students/{user_id}/reset-password", method=method,
                                   data={"student": "student2"})
            assert response.status_code == 404
    with app.app_context():
        assert not _user("student2").must_change_password and not _user("teacher").must_change_password


# --- removal --------------------------------------------------------------------------------

def test_removing_a_student_keeps_the_account_and_attempts_but_closes_the_class_exams(app, client, auth, users,
                                                                                        exam_factory):
    exam_id = exam_factory()
    class_id = _class_id(app, "一班")
    student = app.test_client()
    assert student.post("/auth/login", data={"username": "student", "password": PASSWORD}).status_code == 302
    assert [e["id"] for e in student.get("/api/v1/exams").get_json()] == [exam_id]
    assert student.post(f"/api/v1/exams/{exam_id}/attempts", headers={"Accept": "application/json"}).status_code in (200, 201)
    auth.login("teacher")
    confirm = client.get(f"/instructor/classes/{class_id}/students/{users['student']}/remove")
    text = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "确认移出班级" in text and "张三" in text
    with app.app_context():  # the confirmation page changed nothing
        assert [c.name for c in _user("student").classes] == ["一班"]
    # A POST that does not name the student (not from the confirmation page) changes nothing.
    for data in ({}, {"student": "student2"}):
        refused = client.post(f"/instructor/classes/{class_id}/students/{users['student']}/remove", data=data)
        assert refused.status_code == 400 and "请在确认页面上点击确认按钮" in refused.get_data(as_text=True)
    with app.app_context():
        assert [c.name for c in _user("student").classes] == ["一班"]
    response = client.post(f"/instructor/classes/{class_id}/students/{users['student']}/remove",
                           data={"student": "student"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/instructor/classes/{class_id}")
    page = client.get(f"/instructor/classes/{class_id}").get_data(as_text=True)
    assert "已将“" in page and "移出班级" in page
    assert "<td>S001</td>" not in page and "<td>S002</td>" in page
    with app.app_context():
        user = _user("student")
        assert user is not None and user.classes == []
        assert db.session.scalar(db.select(db.func.count()).select_from(Attempt).filter_by(user_id=user.id)) == 1
        [row] = db.session.scalars(db.select(AuditLog).filter_by(action="class.remove_student")).all()
        assert row.target == f"class:{class_id}" and row.details["username"] == "student"
        assert row.actor_id == users["teacher"]
    assert student.get("/api/v1/exams").get_json() == []
    assert student.get(f"/exams/{exam_id}").status_code in (403, 404)
    # A second removal finds no member.
    assert client.post(f"/instructor/classes/{class_id}/students/{users['student']}/remove",
                       data={"student": "student"}).status_code == 404


def test_the_class_page_controls_are_links_to_confirmation_pages(app, client, auth, users):
    class_id, student_id = _class_with_student(app)
    auth.login("teacher")
    page = client.get(f"/instructor/classes/{class_id}").get_data(as_text=True)
    row = re.search(r'id="class-students".*?</table>', page, re.S).group(0)
    assert f'<a class="btn btn-sm btn-outline-danger" href="/instructor/classes/{class_id}/students/{student_id}/remove"' in row
    for action in ("reset-password", "remove"):
        confirm = client.get(f"/instructor/classes/{class_id}/students/{student_id}/{action}").get_data(as_text=True)
        assert 'method="post"' in confirm and f'href="/instructor/classes/{class_id}"' in confirm  # cancel
        assert 'name="student" type="hidden" value="student"' in confirm


def test_english_pages(app, client, auth, users):
    class_id, student_id = _class_with_student(app)
    client.post("/language", data={"locale": "en"})
    auth.login("teacher")
    page = client.get(f"/instructor/classes/{class_id}").get_data(as_text=True)
    assert "Reset password" in page and "Excel template (.xlsx)" in page
    page = _upload(client, class_id, "r.csv", "学号,姓名\n2024 01,甲\n".encode()).get_data(as_text=True)
    assert "cannot be a username" in page
    page = client.post(f"/instructor/classes/{class_id}/students/{student_id}/reset-password",
                       data={"student": "student"}).get_data(as_text=True)
    assert "This password is shown only this once" in page
