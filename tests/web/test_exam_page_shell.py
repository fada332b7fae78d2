"""The exam page around the paper, rendered once per locale and role with slots (app/exams/page.py).

The guard: byte for byte, the page from the shell equals what exams/take.html renders directly
(the path a pending flash message still takes), for students and teachers, both locales, a
full-screen exam, and a title and a name that need escaping.
"""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import Exam, User
from tests.web.test_exam_page_cache import login as cache_login, start

_FLASH = re.compile(r'\n      <div class="alert alert-info alert-dismissible fade show" role="alert">\n'
                    r'        SHELL-TEST<button[^\n]*\n      </div>\n      ')  # the loop's own line too


def login(app, username: str):
    return cache_login(app, username, past_welcome=True)


def normalised(html: str) -> str:
    """Without the two per-request values: the server time and the CSRF token's timestamp."""
    html = re.sub(r'"server_time": "[^"]*"', '"server_time": ""', html)
    return re.sub(r'(name="csrf-token" content="|name="csrf_token" value=")[^"]*"', r'\1"', html)


def both(client, attempt_id: int) -> tuple[str, str]:
    """The page from the shell, and the page rendered by the template (a flash forces it, then is cut)."""
    shell = client.get(f"/exams/attempts/{attempt_id}")
    assert shell.status_code == 200
    with client.session_transaction() as sess:
        sess["_flashes"] = [("info", "SHELL-TEST")]
    direct = client.get(f"/exams/attempts/{attempt_id}")
    assert direct.status_code == 200
    direct_html = direct.get_data(as_text=True)
    assert "SHELL-TEST" in direct_html
    return shell.get_data(as_text=True), _FLASH.sub("", direct_html)


@pytest.mark.parametrize("locale", ["zh_Hans_CN", "en"])
@pytest.mark.parametrize("username", ["student", "teacher"])
def test_shell_page_equals_the_template(app, exam_factory, users, locale, username):
    exam_id = exam_factory(title='测验 <b>&"标题"</b>', require_fullscreen=True, focus_warning_after=2)
    with app.app_context():
        db.session.scalar(db.select(User).filter_by(username=username)).full_name = '张<i>&"三"'
        db.session.commit()
    client = login(app, username)
    client.post("/language", data={"locale": locale})
    attempt_id = start(client, exam_id)
    shell, direct = both(client, attempt_id)
    assert normalised(shell) == normalised(direct)
    assert "\x00" not in shell
    assert "张&lt;i&gt;&amp;" in shell and "测验 &lt;b&gt;" in shell
    assert 'id="fullscreen-gate"' in shell
    assert ("/instructor/" in shell) == (username == "teacher")  # the role's own menu
    second, _direct = both(client, attempt_id)  # from the kept shell now
    assert normalised(second) == normalised(shell)


def test_shell_follows_the_exam_and_the_user(app, exam_factory, users):
    """Another exam's title, no full screen, another student: nothing of the first page leaks."""
    first = exam_factory(title="甲卷", require_fullscreen=True)
    other = exam_factory(title="乙卷")
    one = login(app, "student")
    two = login(app, "student2")
    page_one = one.get(f"/exams/attempts/{start(one, first)}").get_data(as_text=True)
    attempt_two = start(two, other)
    page_two, direct_two = both(two, attempt_two)
    assert normalised(page_two) == normalised(direct_two)
    assert "乙卷" in page_two and "甲卷" not in page_two and 'id="fullscreen-gate"' not in page_two
    assert "李四" in page_two and "张三" not in page_two
    assert "张三" in page_one
    teacher = login(app, "teacher")  # same locale, another role: its own shell
    page_teacher = teacher.get(f"/exams/attempts/{start(teacher, other)}").get_data(as_text=True)
    assert "/instructor/" in page_teacher and "/instructor/" not in page_two and "王老师" in page_teacher
    with app.app_context():
        assert db.session.get(Exam, first).require_fullscreen
