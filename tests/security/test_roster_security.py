"""The roster tools: only instructors and admins, CSRF on every change, and the one-time password's lock."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import AuditLog, ClassGroup, User
from tests.conftest import PASSWORD, make_user
from tests.security.conftest import login

ENDPOINTS = ("instructor.roster_template", "instructor.reset_student_password", "instructor.remove_student")


@pytest.fixture
def roster_world(csrf_app):
    """A class with one student, another student, a teacher (CSRF on)."""
    from app.services.classes import add_member, get_or_create_class

    ids = {"member": make_user(csrf_app, "member", full_name="甲", student_number="2024010203"),
           "other": make_user(csrf_app, "other", full_name="乙"),
           "teacher": make_user(csrf_app, "teacher", "instructor", "王老师")}
    with csrf_app.app_context():
        group = get_or_create_class("一班", None)
        add_member(group, db.session.get(User, ids["member"]))
        db.session.commit()
        ids["class"] = group.id
    return ids


def _urls(world):
    base = f"/instructor/classes/{world['class']}/students/{world['member']}"
    return ["/instructor/classes/roster-template.xlsx", "/instructor/classes/roster-template.csv",
            f"{base}/reset-password", f"{base}/remove"]


def test_the_new_routes_are_the_ones_checked(csrf_app):
    assert set(ENDPOINTS) <= {rule.endpoint for rule in csrf_app.url_map.iter_rules()}


@pytest.mark.parametrize("who", ["member", "other"])
def test_students_get_403_on_every_roster_route(csrf_app, roster_world, who):
    client = csrf_app.test_client()
    headers = login(client, who)
    for url in _urls(roster_world):
        for method in ("GET", "POST"):
            response = client.open(url, method=method, headers=headers, data={"student": "member"})
            assert response.status_code == (403 if method == "GET" or "template" not in url else 405), (method, url)
    with csrf_app.app_context():
        member = db.session.get(User, roster_world["member"])
        assert not member.must_change_password and member.classes
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditLog)) == 0


def test_anonymous_visitors_are_sent_to_the_login(csrf_app, roster_world):
    client = csrf_app.test_client()
    for url in _urls(roster_world):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url


def test_reset_and_removal_need_the_csrf_token(csrf_app, roster_world):
    client = csrf_app.test_client()
    headers = login(client, "teacher")
    base = f"/instructor/classes/{roster_world['class']}/students/{roster_world['member']}"
    for action in ("reset-password", "remove"):
        for extra in ({}, {"X-CSRFToken": "forged"}):
            response = client.post(f"{base}/{action}", headers=extra, data={"student": "member"})
            assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True), (action, extra)
    with csrf_app.app_context():
        member = db.session.get(User, roster_world["member"])
        assert not member.must_change_password and [c.name for c in member.classes] == ["一班"]
    # With the token both go through: the token is what stood in the way.
    assert client.post(f"{base}/reset-password", headers=headers, data={"student": "member"}).status_code == 200
    assert client.post(f"{base}/remove", headers=headers, data={"student": "member"}).status_code == 302
    with csrf_app.app_context():
        assert db.session.get(User, roster_world["member"]).classes == []


def test_a_one_time_session_reaches_only_the_password_page(app, users):
    """With the one-time password a student may change the password, log out, switch the language; nothing else."""
    from app.services.accounts import reset_to_one_time_password

    with app.app_context():
        password = reset_to_one_time_password(db.session.get(User, users["student"]), None)
        db.session.commit()
    client = app.test_client()
    assert client.post("/auth/login", data={"username": "student", "password": password}).status_code == 302
    blocked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.endpoint in ("static", "auth.change_password", "auth.login"):
            continue
        response = client.get(rule.rule)
        if rule.rule.startswith("/api/"):
            assert response.status_code == 403 and response.get_json()["error"], rule.rule
        else:
            assert response.status_code == 302 and response.headers["Location"].endswith("/auth/password"), rule.rule
        blocked += 1
    assert blocked >= 10
    assert client.get("/auth/password").status_code == 200
    assert client.post("/language", data={"locale": "en"}).status_code == 302
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/").status_code == 200  # logged out: the lock went with the session


def test_an_ordinary_password_change_still_asks_for_the_current_password(client, auth, users):
    auth.login("student")
    page = client.get("/auth/password").get_data(as_text=True)
    assert 'name="current_password"' in page and 'id="must-change-password"' not in page
    response = client.post("/auth/password", data={"new_password": "new-pass-123", "confirm": "new-pass-123"})
    assert response.status_code == 200 and "请输入当前密码" in response.get_data(as_text=True)
    assert auth.logout().status_code == 302
    assert auth.login("student", PASSWORD).status_code == 302
