"""A student's exam page without the ORM user (app/exams/routes.py ``take``): the attempt, its
exam and the session's user come as one Core row, and the session is accepted by the user
loader's own rule (app.auth.session.session_accepts). Every refusal stays as it was: a revoked
or inactive session goes to the login page, somebody else's attempt is 404, an instructor and a
page with a pending message take the full path."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import Attempt, User
from app.services.accounts import change_password, end_all_sessions
from tests.conftest import recorded_statements
from tests.web.test_exam_page_cache import login, start
from tests.web.test_exam_page_shell import _FLASH, normalised

_USER_ONLY = re.compile(r'\bFROM "?user"?\s*(?:\n|WHERE|$)')  # the loader's query, not the page's join


def user_loads(statements: list[str]) -> list[str]:
    return [s for s in statements if _USER_ONLY.search(s)]


def test_a_students_page_reads_no_orm_user(app, exam_factory, users):
    exam_id = exam_factory()
    client = login(app, "student", past_welcome=True)
    attempt_id = start(client, exam_id)
    client.get(f"/exams/attempts/{attempt_id}")  # warm the caches
    with recorded_statements(app) as statements:
        response = client.get(f"/exams/attempts/{attempt_id}")
    assert response.status_code == 200
    assert user_loads(statements) == []
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2  # the attempt, exam and user; the items
    assert re.search(r'JOIN "?user"? ON', selects[0])


def test_the_first_page_of_a_process_reads_no_orm_user_either(app, exam_factory, users):
    # The page shell is rendered on the first page (per locale and role): Flask-Login's context
    # processor must not load the user for it.
    exam_id = exam_factory()
    client = login(app, "student", past_welcome=True)
    attempt_id = start(client, exam_id)
    with app.app_context():
        from app.exams import page

        page.clear()
    with recorded_statements(app) as statements:
        assert client.get(f"/exams/attempts/{attempt_id}").status_code == 200
    assert user_loads(statements) == []


def test_the_light_page_equals_the_full_paths_page_and_tag(app, exam_factory, users):
    exam_id = exam_factory(title='测验 <b>&"标题"</b>', time_limit_minutes=30)
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(username="student"))
        user.full_name, user.extra_minutes, user.time_multiplier = '张<i>&"三"', 7, 1.5  # the time shown
        db.session.commit()
    client = login(app, "student", past_welcome=True)
    attempt_id = start(client, exam_id)
    light = client.get(f"/exams/attempts/{attempt_id}")
    with client.session_transaction() as sess:
        sess["_flashes"] = [("info", "SHELL-TEST")]  # a pending message takes the full path
    with recorded_statements(app) as statements:
        full = client.get(f"/exams/attempts/{attempt_id}")
    assert len(user_loads(statements)) == 1  # the full path did load the user
    assert light.status_code == full.status_code == 200
    assert light.headers["ETag"] == full.headers["ETag"]
    full_html = _FLASH.sub("", full.get_data(as_text=True))
    light_html = light.get_data(as_text=True)
    assert "SHELL-TEST" not in full_html
    assert normalised(light_html) == normalised(full_html)
    assert "张&lt;i&gt;&amp;" in light_html and "52 分钟（原 30 分钟）" in light_html  # name and accommodations


def _revoke_by(app, how: str) -> None:
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(username="student"))
        if how == "logged_out_elsewhere":
            end_all_sessions(user)
        elif how == "password_changed":
            change_password(user, "another-pass-456")
        else:  # deactivated in the database without a version bump: the active rule alone refuses
            user.active = False
        db.session.commit()


@pytest.mark.parametrize("how", ["logged_out_elsewhere", "password_changed", "inactive"])
def test_a_revoked_session_still_goes_to_the_login_page(app, exam_factory, users, how):
    exam_id = exam_factory()
    client = login(app, "student", past_welcome=True)
    attempt_id = start(client, exam_id)
    assert client.get(f"/exams/attempts/{attempt_id}").status_code == 200
    _revoke_by(app, how)
    response = client.get(f"/exams/attempts/{attempt_id}")
    assert response.status_code == 302
    assert "/auth/login?next=" in response.headers["Location"]
    assert f"attempts/{attempt_id}" in response.headers["Location"]
    # The same answer as every other page gives that session (one rule: session_accepts).
    assert client.get("/exams/").status_code == 302


def test_another_students_attempt_is_404_and_a_prepared_one_too(app, exam_factory, users):
    exam_id = exam_factory()
    owner = login(app, "student", past_welcome=True)
    attempt_id = start(owner, exam_id)
    other = login(app, "student2", past_welcome=True)
    assert other.get(f"/exams/attempts/{attempt_id}").status_code == 404
    assert other.get(f"/exams/attempts/{attempt_id + 1000}").status_code == 404
    with app.app_context():
        db.session.get(Attempt, attempt_id).status = "prepared"
        db.session.commit()
    assert owner.get(f"/exams/attempts/{attempt_id}").status_code == 404


def test_no_session_goes_to_the_login_page(app, exam_factory, users):
    exam_id = exam_factory()
    attempt_id = start(login(app, "student", past_welcome=True), exam_id)
    response = app.test_client().get(f"/exams/attempts/{attempt_id}")
    assert response.status_code == 302 and "/auth/login?next=" in response.headers["Location"]


def test_strong_session_protection_still_ends_a_session_from_another_browser(app, exam_factory, users):
    exam_id = exam_factory()
    client = login(app, "student", past_welcome=True)
    attempt_id = start(client, exam_id)
    app.config["SESSION_PROTECTION"] = "strong"
    try:
        assert client.get(f"/exams/attempts/{attempt_id}").status_code == 200
        response = client.get(f"/exams/attempts/{attempt_id}", headers={"User-Agent": "another browser"})
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    finally:
        app.config.pop("SESSION_PROTECTION")


def test_basic_session_protection_still_marks_the_session_not_fresh(app, exam_factory, users):
    exam_id = exam_factory()
    client = login(app, "student", past_welcome=True)
    attempt_id = start(client, exam_id)
    response = client.get(f"/exams/attempts/{attempt_id}", headers={"User-Agent": "another browser"})
    assert response.status_code == 200
    with client.session_transaction() as sess:
        assert sess["_fresh"] is False


def test_a_teacher_takes_the_full_path(app, exam_factory, users):
    exam_id = exam_factory()
    teacher = login(app, "teacher", past_welcome=True)
    attempt_id = start(teacher, exam_id)
    teacher.get(f"/exams/attempts/{attempt_id}")
    with recorded_statements(app) as statements:
        assert teacher.get(f"/exams/attempts/{attempt_id}").status_code == 200
    assert len(user_loads(statements)) == 1

