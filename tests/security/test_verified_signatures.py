"""Session cookies and CSRF tokens verified once per process (app/auth/verified.py): remembering a
verification never lets a forged, expired, revoked or foreign cookie or token through, and no
request sees another request's changes to the session."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import csrf
from tests.conftest import PASSWORD, make_user
from tests.security.test_sessions import _saved, api_login, copy_of
from tests.web.test_autosave_fast import _essay


def _tampered(value: str) -> str:
    """``value`` with one character of its payload changed (the signature no longer matches)."""
    position = len(value) // 3
    return value[:position] + ("A" if value[position] != "A" else "B") + value[position + 1:]


def _start(client, headers, exam_id):
    body = client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers).get_json()
    qid = _essay(body)["id"]
    return body, qid, f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}"


def test_a_tampered_cookie_is_refused_after_the_genuine_one_was_remembered(app, client, users, exam_factory):
    headers = api_login(client)
    body, qid, url = _start(client, headers, exam_factory())
    assert client.put(url, json={"response": "真的", "seq": 1}, headers=headers).status_code == 200
    assert len(app.session_interface.verified) >= 1  # the genuine cookie is remembered
    forged = app.test_client()
    forged.set_cookie("session", _tampered(client.get_cookie("session").value))
    response = forged.put(url, json={"response": "伪造", "seq": 2}, headers=headers)
    assert response.status_code == 401
    assert forged.get("/api/v1/session").status_code == 401
    assert _saved(app, body["attempt_id"], qid) == (1, "真的")
    assert client.put(url, json={"response": "还是真的", "seq": 3}, headers=headers).status_code == 200


def test_a_remembered_cookie_still_expires(app, client, users, exam_factory):
    headers = api_login(client)
    body, qid, url = _start(client, headers, exam_factory())
    assert client.put(url, json={"response": "及时", "seq": 1}, headers=headers).status_code == 200
    assert client.get("/api/v1/session").status_code == 200  # remembered and valid
    # Every cookie is now past its lifetime: the remembered verification must not outlive it.
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=-1)
    assert client.get("/api/v1/session").status_code == 401
    assert client.put(url, json={"response": "过期", "seq": 2}, headers=headers).status_code == 401
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(days=31)
    assert client.get("/api/v1/session").status_code == 200  # the same cookie, within its lifetime again
    assert _saved(app, body["attempt_id"], qid) == (1, "及时")


def test_a_remembered_cookie_is_not_valid_under_another_secret_key(app, client, users):
    api_login(client)
    assert client.get("/api/v1/session").status_code == 200
    app.secret_key = "another-secret-key-entirely"
    assert client.get("/api/v1/session").status_code == 401


def test_a_revoked_cookie_that_was_remembered_cannot_save(app, client, users, exam_factory):
    headers = api_login(client)
    body, qid, url = _start(client, headers, exam_factory())
    copy = copy_of(app, client)
    for seq in (1, 2):  # the copy's cookie is verified, then remembered
        assert copy.put(url, json={"response": f"副本{seq}", "seq": seq}, headers=headers).status_code == 200
    assert client.delete("/api/v1/session", headers=headers).status_code == 200  # bumps the session version
    replay = copy.put(url, json={"response": "退出后", "seq": 3}, headers=headers)
    assert replay.status_code == 401
    assert _saved(app, body["attempt_id"], qid) == (2, "副本2")


def test_a_change_to_one_requests_session_is_not_seen_by_another_with_the_same_cookie(app, client, users):
    api_login(client)
    other = copy_of(app, client)
    assert 'lang="zh-CN"' in other.get("/exams/").get_data(as_text=True)  # the cookie is remembered
    client.post("/language", data={"locale": "en"})  # this request's session changes (and is re-signed)
    assert 'lang="en"' in client.get("/exams/").get_data(as_text=True)
    assert 'lang="zh-CN"' in other.get("/exams/").get_data(as_text=True)  # the old cookie still says Chinese
    third = app.test_client()
    third.set_cookie("session", other.get_cookie("session").value)
    assert 'lang="zh-CN"' in third.get("/exams/").get_data(as_text=True)


def test_a_tampered_or_foreign_csrf_token_is_refused_after_a_genuine_one_was_remembered(csrf_app):
    make_user(csrf_app, "student")
    make_user(csrf_app, "student2")
    client, other = csrf_app.test_client(), csrf_app.test_client()
    token = client.post("/api/v1/session", json={"username": "student", "password": PASSWORD}).get_json()["csrf_token"]
    foreign = other.post("/api/v1/session", json={"username": "student2", "password": PASSWORD}).get_json()["csrf_token"]
    # Both tokens are verified once (a refused request needs a valid token: use an endpoint that
    # answers 4xx for another reason after the CSRF check).
    assert client.put("/api/v1/attempts/999999/answers/x", json={"response": 1},
                      headers={"X-CSRFToken": token}).status_code == 404
    assert other.put("/api/v1/attempts/999999/answers/x", json={"response": 1},
                     headers={"X-CSRFToken": foreign}).status_code == 404
    assert len(csrf.verified) >= 2
    for bad in (_tampered(token), foreign, "", token + "x"):
        response = client.put("/api/v1/attempts/999999/answers/x", json={"response": 1}, headers={"X-CSRFToken": bad})
        assert response.status_code == 400, bad
    assert client.get("/api/v1/session").status_code == 200
    assert client.delete("/api/v1/session", headers={"X-CSRFToken": token}).status_code == 200
    # After logout the remembered token belongs to no session any more.
    again = client.put("/api/v1/attempts/999999/answers/x", json={"response": 1}, headers={"X-CSRFToken": token})
    assert again.status_code == 400


def test_a_remembered_csrf_token_still_expires(csrf_app):
    make_user(csrf_app, "student")
    client = csrf_app.test_client()
    token = client.post("/api/v1/session", json={"username": "student", "password": PASSWORD}).get_json()["csrf_token"]
    probe = ("/api/v1/attempts/999999/answers/x", {"response": 1})
    assert client.put(probe[0], json=probe[1], headers={"X-CSRFToken": token}).status_code == 404
    csrf_app.config["WTF_CSRF_TIME_LIMIT"] = -1  # every token is now too old
    assert client.put(probe[0], json=probe[1], headers={"X-CSRFToken": token}).status_code == 400
    csrf_app.config["WTF_CSRF_TIME_LIMIT"] = None
    assert client.put(probe[0], json=probe[1], headers={"X-CSRFToken": token}).status_code == 404
