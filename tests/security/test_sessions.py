"""Revocable sessions: logout, password change, deactivation and "log out everywhere" end every
session of the user, copied cookies included; the CSRF token is renewed at login and logout."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import AttemptItem, User
from tests.conftest import PASSWORD, make_user

NEW_PASSWORD = "brand-new-pass-456"


def api_login(client, username="student", password=PASSWORD) -> dict:
    response = client.post("/api/v1/session", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_data(as_text=True)
    return {"X-CSRFToken": response.get_json()["csrf_token"]}


def copy_of(app, client):
    """A second browser holding the same session cookie (as copied off a lab computer)."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def assert_logged_in(client, username="student"):
    response = client.get("/api/v1/session")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["user"]["username"] == username
    assert client.get("/exams/").status_code == 200


def assert_logged_out(client):
    api = client.get("/api/v1/session")
    assert api.status_code == 401
    assert api.get_json() == {"error": "请先登录。"}
    page = client.get("/exams/")
    assert page.status_code == 302 and page.headers["Location"].startswith("/auth/login")


def version_of(app, user_id) -> int:
    with app.app_context():
        return db.session.get(User, user_id).session_version


@pytest.mark.parametrize("how", ["page", "api"])
def test_a_cookie_copied_before_logout_is_dead_after_it(app, client, users, how):
    api_login(client)
    copy = copy_of(app, client)
    assert_logged_in(copy)  # the copy works while the session lives
    if how == "page":
        assert client.post("/auth/logout").status_code == 302
    else:
        assert client.delete("/api/v1/session").status_code == 200
    assert_logged_out(client)
    assert_logged_out(copy)
    assert version_of(app, users["student"]) == 1
    api_login(client)  # logging in again works
    assert_logged_in(client)
    assert_logged_out(copy)


def test_logout_ends_the_users_other_sessions_too(app, client, users):
    api_login(client)
    phone = app.test_client()
    api_login(phone)
    client.post("/auth/logout")
    assert_logged_out(phone)


def test_a_password_change_ends_other_sessions_and_keeps_this_one(app, client, auth, users):
    auth.login()
    before = copy_of(app, client)  # this browser's own cookie from before the change
    other = app.test_client()
    api_login(other)
    bystander = app.test_client()
    api_login(bystander, "student2")
    response = client.post("/auth/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                   "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert_logged_in(client)  # re-stamped with the new version
    assert_logged_out(other)
    assert_logged_out(before)
    assert_logged_in(bystander, "student2")  # other users are untouched
    client.post("/auth/logout")
    assert_logged_out(client)
    assert api_login(app.test_client(), password=NEW_PASSWORD)


def test_a_wrong_current_password_ends_nothing(app, client, auth, users):
    auth.login()
    other = app.test_client()
    api_login(other)
    client.post("/auth/password", data={"current_password": "wrong-one", "new_password": NEW_PASSWORD,
                                        "confirm": NEW_PASSWORD})
    assert_logged_in(other)
    assert version_of(app, users["student"]) == 0


def test_log_out_everywhere_needs_the_tick_then_ends_every_session(app, client, auth, users):
    auth.login()
    page = client.get("/auth/password").get_data(as_text=True)
    assert "退出所有设备" in page and 'action="/auth/logout-everywhere"' in page
    phone = app.test_client()
    api_login(phone)
    unticked = client.post("/auth/logout-everywhere", data={})
    assert unticked.status_code == 400 and "请先勾选确认" in unticked.get_data(as_text=True)
    assert_logged_in(phone)
    response = client.post("/auth/logout-everywhere", data={"confirm_all": "y"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    assert_logged_out(client)
    assert_logged_out(phone)


def test_log_out_everywhere_is_for_logged_in_users_only(client, users):
    response = client.post("/auth/logout-everywhere", data={"confirm_all": "y"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_logout_clears_the_session_but_keeps_the_language(app, client, auth, users, mini_bank):
    client.post("/language", data={"locale": "en"})
    auth.login()
    client.get("/practice/")
    with client.session_transaction() as session:
        session["practice-probe"] = "left behind"
    client.post("/auth/logout")
    with client.session_transaction() as session:
        assert set(session) <= {"locale", "_flashes"}, dict(session)
        assert session["locale"] == "en"
    assert "Log in" in client.get("/auth/login").get_data(as_text=True)


def test_a_remember_me_cookie_dies_with_the_session_version(app, users):
    from flask_login.utils import encode_cookie

    with app.test_request_context():
        cookie = encode_cookie(f"{users['student']}:0")
    browser = app.test_client()
    browser.set_cookie("remember_token", cookie)
    assert_logged_in(browser)
    with app.app_context():
        user = db.session.get(User, users["student"])
        from app.services.accounts import end_all_sessions

        end_all_sessions(user)
        db.session.commit()
    browser = app.test_client()
    browser.set_cookie("remember_token", cookie)
    assert_logged_out(browser)


def test_a_session_from_before_versions_counts_as_version_zero(app, users):
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = str(users["student"])
    assert_logged_in(browser)
    with app.app_context():
        db.session.get(User, users["student"]).session_version = 1
        db.session.commit()
    assert_logged_out(browser)


# -- deactivation by an admin ------------------------------------------------------------------


def _essay(body):
    return next(q for q in body["questions"] if q["type"] == "essay")


def _saved(app, attempt_id, qid):
    with app.app_context():
        item = db.session.scalar(db.select(AttemptItem).filter_by(attempt_id=attempt_id, qid=qid))
        return item.seq, item.response


def test_deactivation_ends_a_students_live_session_everywhere(app, client, users, exam_factory):
    exam_id = exam_factory()
    headers = api_login(client)
    body = client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers).get_json()
    qid = _essay(body)["id"]
    url = f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}"
    assert client.put(url, json={"response": "第一稿", "seq": 1}, headers=headers).status_code == 200
    admin = app.test_client()
    api_login(admin, "admin")
    listing = admin.get("/admin/").get_data(as_text=True)
    assert f'action="/admin/users/{users["student"]}/active"' in listing
    response = admin.post(f"/admin/users/{users['student']}/active", data={"active": "0"})
    assert response.status_code == 302
    assert_logged_out(client)
    saved = client.put(url, json={"response": "停用后", "seq": 2}, headers=headers)
    assert saved.status_code == 401 and "error" in saved.get_json()
    assert _saved(app, body["attempt_id"], qid) == (1, "第一稿")
    with app.app_context():
        from app.models import AuditLog

        assert db.session.scalar(db.select(AuditLog.action).order_by(AuditLog.id.desc())) == "user.deactivate"
    # Reactivation does not bring the old cookie back; a new login works.
    admin.post(f"/admin/users/{users['student']}/active", data={"active": "1"})
    assert_logged_out(client)
    api_login(client)
    assert_logged_in(client)


def test_only_admins_deactivate_and_not_themselves(app, client, users):
    api_login(client, "teacher")
    assert client.post(f"/admin/users/{users['student']}/active", data={"active": "0"}).status_code == 403
    admin = app.test_client()
    api_login(admin, "admin")
    response = admin.post(f"/admin/users/{users['admin']}/active", data={"active": "0"}, follow_redirects=True)
    assert "不能停用自己的账号" in response.get_data(as_text=True)
    assert_logged_in(admin, "admin")
    assert admin.post("/admin/users/999999/active", data={"active": "0"}).status_code == 404
    assert admin.post(f"/admin/users/{users['student']}/active", data={"active": "maybe"}).status_code == 400
    with app.app_context():
        assert db.session.get(User, users["student"]).active is True


def test_the_autosave_fast_path_refuses_a_revoked_cookie(app, client, users, exam_factory):
    """The account stays active: only the session version tells the copied cookie is dead."""
    exam_id = exam_factory()
    headers = api_login(client)
    body = client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers).get_json()
    qid = _essay(body)["id"]
    url = f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}"
    copy = copy_of(app, client)
    assert copy.put(url, json={"response": "副本保存", "seq": 1}, headers=headers).status_code == 200
    assert client.delete("/api/v1/session", headers=headers).status_code == 200
    replay = copy.put(url, json={"response": "退出后", "seq": 2}, headers=headers)
    assert replay.status_code == 401 and "error" in replay.get_json()
    assert _saved(app, body["attempt_id"], qid) == (1, "副本保存")


# -- CSRF token renewal -------------------------------------------------------------------------

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def _page_token(client, path) -> str:
    match = TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, path
    return match.group(1) or match.group(2)


def test_a_csrf_token_from_before_login_is_refused_after_it(csrf_app):
    make_user(csrf_app, "student")
    client = csrf_app.test_client()
    before = _page_token(client, "/auth/login")
    assert client.post("/auth/login", data={"username": "student", "password": PASSWORD,
                                            "csrf_token": before}).status_code == 302
    refused = client.post("/auth/logout", data={"csrf_token": before})
    assert refused.status_code == 400
    assert client.delete("/api/v1/session", headers={"X-CSRFToken": before}).status_code == 400
    assert client.get("/api/v1/session").status_code == 200  # still logged in
    after = _page_token(client, "/auth/password")
    assert after != before
    assert client.post("/auth/logout", data={"csrf_token": after}).status_code == 302


def test_the_api_login_renews_the_token_too(csrf_app):
    make_user(csrf_app, "student")
    client = csrf_app.test_client()
    before = _page_token(client, "/auth/login")
    fresh = client.post("/api/v1/session", json={"username": "student", "password": PASSWORD}).get_json()["csrf_token"]
    assert client.delete("/api/v1/session", headers={"X-CSRFToken": before}).status_code == 400
    assert client.delete("/api/v1/session", headers={"X-CSRFToken": fresh}).status_code == 200


def test_a_csrf_token_from_before_logout_is_refused_after_it(csrf_app):
    """The next student at a shared lab computer does not inherit the previous one's token."""
    make_user(csrf_app, "student")
    make_user(csrf_app, "student2")
    client = csrf_app.test_client()
    token = client.post("/api/v1/session", json={"username": "student", "password": PASSWORD}).get_json()["csrf_token"]
    assert client.delete("/api/v1/session", headers={"X-CSRFToken": token}).status_code == 200
    refused = client.post("/auth/login", data={"username": "student2", "password": PASSWORD, "csrf_token": token})
    assert refused.status_code == 400
    assert client.get("/api/v1/session").status_code == 401
    fresh = _page_token(client, "/auth/login")
    assert fresh != token
    assert client.post("/auth/login", data={"username": "student2", "password": PASSWORD,
                                            "csrf_token": fresh}).status_code == 302
