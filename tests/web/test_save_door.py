"""The autosave door (app/api/save_door.py): plain saves answered before Flask's request cycle,
everything else left to the app, which answers exactly as before."""

import logging
import re

import pytest

from app import create_app
from app.auth.session import MUST_CHANGE_KEY
from app.extensions import db
from app.models import User
from tests.web.test_autosave_fast import _essay, _stored
from tests.web.test_exam_room import INSIDE, OUTSIDE
from tests.web.test_exams_api import login, start


@pytest.fixture
def app_config(app_config, request):
    # As in production (the door checks the token), plus a test's own overrides (indirect parametrize).
    return dict(app_config, WTF_CSRF_ENABLED=True, **getattr(request, "param", {}))


def _door(app):
    return app.extensions["autosave_door"]


def _url(body, qid=None):
    return f"/api/v1/attempts/{body['attempt_id']}/answers/{qid or _essay(body)['id']}"


def _started(app, client, exam_factory, **exam):
    exam_id = exam_factory(**exam)
    headers = login(client)
    return headers, start(client, headers, exam_id)


def test_the_door_answers_a_plain_save_as_the_app_does(app, client, exam_factory):
    headers, body = _started(app, client, exam_factory)
    door = _door(app)
    served = door.served
    by_door = client.put(_url(body), json={"response": "以客户为中心", "seq": 1}, headers=headers)
    assert by_door.status_code == 200 and door.served == served + 1
    # The same save through the app (a query string keeps the door aside), to compare the replies.
    by_app = client.put(_url(body) + "?via=app", json={"response": "以客户为中心。", "seq": 2}, headers=headers)
    assert by_app.status_code == 200 and door.served == served + 1
    for reply, seq in ((by_door, 1), (by_app, 2)):
        assert reply.get_json() == {"saved_at": reply.get_json()["saved_at"], "seq": seq, "stale": False}
    same = re.compile(rb'"saved_at":"[^"]*"')
    assert same.sub(b"", by_door.data) == same.sub(b"", by_app.data).replace(b'"seq":2', b'"seq":1')
    ignored = {"Content-Length"}
    assert {(k, v) for k, v in by_door.headers.items() if k not in ignored} == \
           {(k, v) for k, v in by_app.headers.items() if k not in ignored}
    assert "Set-Cookie" not in by_door.headers and "Content-Security-Policy" in by_door.headers
    assert _stored(app, body["attempt_id"])[_essay(body)["id"]] == (2, "以客户为中心。")


@pytest.mark.parametrize("case, status", [
    ("no token", 400), ("another token", 400), ("no response field", 400), ("seq not a number", 400),
    ("flagged not a boolean", 400), ("not an object", 400), ("stale", 200), ("another student's attempt", 404),
    ("submitted", 409), ("no such question", 404),
])
def test_what_the_door_does_not_answer_the_app_answers(app, client, exam_factory, case, status):
    headers, body = _started(app, client, exam_factory)
    url, payload = _url(body), {"response": "新的答案", "seq": 5}
    assert client.put(url, json={"response": "旧的答案", "seq": 3}, headers=headers).status_code == 200
    if case == "no token":
        headers = {}
    elif case == "another token":
        headers = {"X-CSRFToken": login(app.test_client(), "student2")["X-CSRFToken"]}
    elif case == "no response field":
        payload = {"seq": 5}
    elif case == "seq not a number":
        payload["seq"] = "5"
    elif case == "flagged not a boolean":
        payload["flagged"] = "yes"
    elif case == "not an object":
        payload = ["新的答案"]
    elif case == "stale":
        payload["seq"] = 2
    elif case == "another student's attempt":
        other = app.test_client()
        other_headers = login(other, "student2")
        client, headers = other, other_headers
        assert client.get("/api/v1/exams").status_code == 200  # this session's cookie is known to the door
    elif case == "submitted":
        assert client.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=headers).status_code == 200
    elif case == "no such question":
        url = _url(body, "no-such-question")
    served = _door(app).served
    reply = client.put(url, json=payload, headers=headers)
    assert reply.status_code == status, reply.get_json()
    assert _door(app).served == served
    if case == "stale":
        assert reply.get_json()["stale"] is True
    if case == "no response field":
        assert reply.get_json()["error"] == "缺少字段 response"
    assert _stored(app, body["attempt_id"])[_essay(body)["id"]] == (3, "旧的答案")


def test_a_revoked_session_cannot_save_through_the_door(app, client, exam_factory, users):
    headers, body = _started(app, client, exam_factory)
    assert client.put(_url(body), json={"response": "之前", "seq": 1}, headers=headers).status_code == 200
    with app.app_context():  # what a password change or "log out everywhere" does
        user = db.session.get(User, users["student"])
        user.session_version = (user.session_version or 0) + 1
        db.session.commit()
    served = _door(app).served
    reply = client.put(_url(body), json={"response": "之后", "seq": 2}, headers=headers)
    assert reply.status_code == 401 and _door(app).served == served
    assert _stored(app, body["attempt_id"])[_essay(body)["id"]] == (1, "之前")


def test_a_cookie_this_process_has_not_verified_goes_to_the_app_first(app, app_config, client, exam_factory):
    headers, body = _started(app, client, exam_factory)
    # Another process of the same site (same database and key) has never seen this cookie or token.
    other = create_app(dict(app_config, SECRET_KEY=app.config["SECRET_KEY"]))
    other_client = other.test_client()
    other_client.set_cookie(app.config["SESSION_COOKIE_NAME"],
                            client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value)
    first = other_client.put(_url(body), json={"response": "第一次", "seq": 1}, headers=headers)
    assert first.status_code == 200 and _door(other).served == 0  # verified by the app
    second = other_client.put(_url(body), json={"response": "第二次", "seq": 2}, headers=headers)
    assert second.status_code == 200 and _door(other).served == 1  # now known: the door answers
    forged = other_client.put(_url(body), json={"response": "伪造", "seq": 3},
                              headers={"X-CSRFToken": headers["X-CSRFToken"][:-2] + "xx"})
    assert forged.status_code == 400 and _door(other).served == 1
    with other.app_context():
        db.engine.dispose()
    assert _stored(app, body["attempt_id"])[_essay(body)["id"]] == (2, "第二次")


def test_a_session_that_must_change_its_password_is_stopped_as_before(app, client, exam_factory):
    headers, body = _started(app, client, exam_factory)
    with client.session_transaction() as session:
        session[MUST_CHANGE_KEY] = True
    for seq in (1, 2):  # the second time the cookie is known, and the door still stands aside
        reply = client.put(_url(body), json={"response": "不该保存", "seq": seq}, headers=headers)
        assert reply.status_code == 403 and "修改密码" in reply.get_json()["error"]
    assert _door(app).served == 0
    assert _stored(app, body["attempt_id"])[_essay(body)["id"]] == (0, None)


@pytest.mark.parametrize("app_config", [{"TRUSTED_PROXIES": 1}], indirect=True)
def test_the_door_sees_the_address_the_app_sees_behind_a_proxy(app, exam_factory):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.2"  # nginx
    exam_id = exam_factory(allowed_networks=["192.168.10.0/24"])
    headers = login(client)
    body = start(client, dict(headers, **{"X-Forwarded-For": INSIDE}), exam_id)
    for seq in (1, 2):  # the start set a new cookie: the app verifies it first, then the door answers
        inside = client.put(_url(body), json={"response": "里面", "seq": seq},
                            headers=dict(headers, **{"X-Forwarded-For": INSIDE}))
        assert inside.status_code == 200 and _door(app).served == seq - 1
    outside = client.put(_url(body), json={"response": "外面", "seq": 3},
                         headers=dict(headers, **{"X-Forwarded-For": f"{INSIDE}, {OUTSIDE}"}))
    assert outside.status_code == 403 and _door(app).served == 1
    assert _stored(app, body["attempt_id"])[_essay(body)["id"]] == (2, "里面")


def test_a_hook_the_door_does_not_know_closes_it(app, client, exam_factory):
    seen, said = [], []

    @app.before_request
    def count_requests():
        seen.append(1)

    # A handler on the door's own logger: what it says does not depend on how others configured logging.
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: said.append(record.getMessage())
    door_log = logging.getLogger("app.api.save_door")
    door_log.addHandler(handler)
    try:
        headers, body = _started(app, client, exam_factory)
        reply = client.put(_url(body), json={"response": "经过钩子", "seq": 1}, headers=headers)
    finally:
        door_log.removeHandler(handler)
    assert reply.status_code == 200 and _door(app).served == 0 and not _door(app).is_open()
    assert len(seen) == 3  # login, start and the save all ran the new hook
    assert len(said) == 1 and "count_requests" in said[0]  # said why, once
    assert _stored(app, body["attempt_id"])[_essay(body)["id"]] == (1, "经过钩子")


@pytest.fixture
def shared_limits():
    """Put back the limiter's request-wide limits afterwards: the limiter object is shared by every app."""
    from app.extensions import limiter

    manager = limiter.limit_manager
    saved = list(manager._default_limits), list(manager._application_limits)
    yield
    manager._default_limits, manager._application_limits = saved


@pytest.mark.parametrize("app_config", [{"RATELIMIT_DEFAULT": "6 per minute"}], indirect=True)
def test_a_request_wide_rate_limit_keeps_the_door_aside(shared_limits, app, client, exam_factory):
    headers, body = _started(app, client, exam_factory)
    codes = [client.put(_url(body), json={"response": f"第{n}次", "seq": n}, headers=headers).status_code
             for n in range(1, 9)]
    assert codes == [200] * 6 + [429, 429]  # a default limit counts per route
    assert _door(app).served == 0


@pytest.mark.parametrize("app_config", [{"AUTOSAVE_DOOR": False}], indirect=True)
def test_with_the_door_switched_off_the_app_answers_every_save(app, client, exam_factory):
    headers, body = _started(app, client, exam_factory)
    for seq in (1, 2):
        assert client.put(_url(body), json={"response": f"第{seq}次", "seq": seq}, headers=headers).status_code == 200
    assert _door(app).served == 0 and not _door(app).is_open()
    assert _stored(app, body["attempt_id"])[_essay(body)["id"]] == (2, "第2次")
