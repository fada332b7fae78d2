"""Exam-room rules (issue 12): access code, allowed networks, one device, proctoring events,
the monitor JSON, and unpublished exams pausing attempts in flight."""

from __future__ import annotations

import yaml
import pytest

from app.extensions import db
from app.models import Attempt, AttemptEvent, AttemptItem, AuditLog, Exam
from app.models.base import utcnow
from app.services import autosave
from app.services.exam_room import RoomRequest
from tests.web.test_exams_api import login, start

INSIDE, OUTSIDE = "192.168.10.20", "203.0.113.5"
NETWORK_MESSAGE = "本场考试只允许在指定的考场网络中作答。"
DEVICE_MESSAGE = "此考试只允许在一台设备上作答。如需更换设备，请联系监考老师。"


@pytest.fixture
def app_config(app_config, request):
    """The shared overrides plus a test's own (``@pytest.mark.parametrize("app_config", [...], indirect=True)``)."""
    return dict(app_config, **getattr(request, "param", {}))


def client_at(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _essay(body):
    return next(q for q in body["questions"] if q["type"] == "essay")


def _save(client, headers, body, text="以客户为中心", seq=1, **kwargs):
    url = f"/api/v1/attempts/{body['attempt_id']}/answers/{_essay(body)['id']}"
    return client.put(url, json={"response": text, "seq": seq}, headers=headers, **kwargs)


def _stored(app, attempt_id, qid):
    with app.app_context():
        return db.session.scalar(db.select(AttemptItem.response).filter_by(attempt_id=attempt_id, qid=qid))


def _event(client, headers, attempt_id, kind="focus_lost", **kwargs):
    return client.post(f"/api/v1/attempts/{attempt_id}/events", json={"kind": kind}, headers=headers, **kwargs)


def _paths(client, headers, body, **kwargs):
    """Status codes of every path that touches an attempt in progress."""
    attempt_id = body["attempt_id"]
    return {
        "page": client.get(f"/exams/attempts/{attempt_id}", **kwargs).status_code,
        "state": client.get(f"/api/v1/attempts/{attempt_id}?questions=1", **kwargs).status_code,
        "save": _save(client, headers, body, seq=50, **kwargs).status_code,
        "events": _event(client, headers, attempt_id, **kwargs).status_code,
        "submit": client.post(f"/api/v1/attempts/{attempt_id}/submit", headers=headers, **kwargs).status_code,
    }


# --- access code -----------------------------------------------------------------------------

def test_access_code_missing_wrong_and_right_through_the_api(app, client, exam_factory):
    exam_id = exam_factory(access_code="CRM-2026")
    headers = login(client)
    missing = client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers)
    assert missing.status_code == 403 and "访问码" in missing.get_json()["error"]
    wrong = client.post(f"/api/v1/exams/{exam_id}/attempts", json={"access_code": "crm-2026"}, headers=headers)
    assert wrong.status_code == 403 and "访问码不正确" in wrong.get_json()["error"]
    not_text = client.post(f"/api/v1/exams/{exam_id}/attempts", json={"access_code": 2026}, headers=headers)
    assert not_text.status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 0
    right = client.post(f"/api/v1/exams/{exam_id}/attempts", json={"access_code": " CRM-2026 "}, headers=headers)
    assert right.status_code == 200
    attempt_id = right.get_json()["attempt_id"]
    # Remembered for this browser session: resuming does not ask again.
    again = client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers)
    assert again.status_code == 200 and again.get_json()["attempt_id"] == attempt_id
    # Another session of the same student must give the code again.
    other = app.test_client()
    other_headers = login(other)
    assert other.post(f"/api/v1/exams/{exam_id}/attempts", headers=other_headers).status_code == 403
    resumed = other.post(f"/api/v1/exams/{exam_id}/attempts", json={"access_code": "CRM-2026"}, headers=other_headers)
    assert resumed.status_code == 200 and resumed.get_json()["attempt_id"] == attempt_id


def test_an_exam_without_a_code_needs_no_body(client, exam_factory):
    exam_id = exam_factory()
    headers = login(client)
    assert client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers).status_code == 200
    assert client.post(f"/api/v1/exams/{exam_id}/attempts", json={"access_code": "anything"},
                       headers=headers).status_code == 200


def test_an_unassigned_student_gets_404_not_a_hint_about_the_code(app, client, exam_factory, users):
    from tests.conftest import make_user

    exam_id = exam_factory(access_code="secret", allowed_networks=["10.0.0.0/8"])
    make_user(app, "outsider")
    headers = login(client, "outsider")
    assert client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers).status_code == 404


def test_repeated_wrong_codes_are_rate_limited_per_user_and_exam(app, client, exam_factory):
    exam_id = exam_factory(access_code="right-code")
    other_exam = exam_factory(access_code="right-code")
    headers = login(client)
    url = f"/api/v1/exams/{exam_id}/attempts"
    for _ in range(10):
        assert client.post(url, json={"access_code": "guess"}, headers=headers).status_code == 403
    limited = client.post(url, json={"access_code": "right-code"}, headers=headers)
    assert limited.status_code == 429 and "访问码错误次数过多" in limited.get_json()["error"]
    # The web form shares the count.
    page = client.post(f"/exams/{exam_id}/start", data={"access_code": "right-code"}, follow_redirects=True)
    assert "访问码错误次数过多" in page.get_data(as_text=True)
    # Another exam and another student are not affected.
    assert client.post(f"/api/v1/exams/{other_exam}/attempts", json={"access_code": "right-code"},
                       headers=headers).status_code == 200
    second = app.test_client()
    assert second.post(url, json={"access_code": "right-code"}, headers=login(second, "student2")).status_code == 200


def test_right_codes_do_not_count_against_the_limit(app, exam_factory):
    exam_id = exam_factory(access_code="right-code")
    for _ in range(12):  # a new session each time: the code is asked (and checked) every time
        client = app.test_client()
        response = client.post(f"/api/v1/exams/{exam_id}/attempts", json={"access_code": "right-code"},
                               headers=login(client))
        assert response.status_code == 200


def test_web_start_form_asks_for_the_code_once_per_session(app, client, auth, exam_factory):
    exam_id = exam_factory(access_code="CRM-2026")
    auth.login("student")
    page = client.get(f"/exams/{exam_id}").get_data(as_text=True)
    assert 'name="access_code"' in page and "autofocus" in page and 'for="access-code"' in page
    wrong = client.post(f"/exams/{exam_id}/start", data={"access_code": "nope"}, follow_redirects=True)
    assert "考试访问码不正确" in wrong.get_data(as_text=True)
    empty = client.post(f"/exams/{exam_id}/start", data={}, follow_redirects=True)
    assert "请输入监考老师公布的考试访问码" in empty.get_data(as_text=True)
    right = client.post(f"/exams/{exam_id}/start", data={"access_code": "CRM-2026"})
    assert right.status_code == 302 and "/exams/attempts/" in right.headers["Location"]
    resume_page = client.get(f"/exams/{exam_id}").get_data(as_text=True)
    assert "继续作答" in resume_page and 'name="access_code"' not in resume_page
    assert client.post(f"/exams/{exam_id}/start").status_code == 302


# --- allowed networks -----------------------------------------------------------------------

def test_starting_inside_and_outside_the_allowed_networks(app, exam_factory):
    exam_id = exam_factory(allowed_networks=["192.168.10.0/24", "2001:db8::/32"])
    outside = client_at(app, OUTSIDE)
    refused = outside.post(f"/api/v1/exams/{exam_id}/attempts", headers=login(outside))
    assert refused.status_code == 403 and refused.get_json()["error"] == NETWORK_MESSAGE
    web = outside.post(f"/exams/{exam_id}/start", follow_redirects=True)
    assert NETWORK_MESSAGE in web.get_data(as_text=True)
    inside = client_at(app, INSIDE)
    assert inside.post(f"/api/v1/exams/{exam_id}/attempts", headers=login(inside)).status_code == 200
    v6 = client_at(app, "2001:db8::7")
    assert v6.post(f"/api/v1/exams/{exam_id}/attempts", headers=login(v6, "student2")).status_code == 200


def test_every_path_is_refused_from_outside_after_starting_inside(app, exam_factory):
    exam_id = exam_factory(allowed_networks=["192.168.10.0/24"])
    client = client_at(app, INSIDE)
    headers = login(client)
    body = start(client, headers, exam_id)
    assert _save(client, headers, body).status_code == 200
    # The same session from another address (the laptop left the exam room).
    codes = _paths(client, headers, body, environ_base={"REMOTE_ADDR": OUTSIDE})
    assert codes == {"page": 403, "state": 403, "save": 403, "events": 403, "submit": 403}
    assert NETWORK_MESSAGE in client.get(f"/exams/attempts/{body['attempt_id']}",
                                         environ_base={"REMOTE_ADDR": OUTSIDE}).get_data(as_text=True)
    assert _stored(app, body["attempt_id"], _essay(body)["id"]) == "以客户为中心"
    with app.app_context():
        assert db.session.get(Attempt, body["attempt_id"]).status == "in_progress"
        assert db.session.scalar(db.select(db.func.count(AttemptEvent.id))) == 0
    # Back inside, everything works again.
    assert _paths(client, headers, body) == {"page": 200, "state": 200, "save": 200, "events": 201, "submit": 200}


def test_the_fast_save_path_refuses_outside_addresses_itself(app, client, exam_factory):
    exam_id = exam_factory(allowed_networks=["192.168.10.0/24"])
    client.environ_base["REMOTE_ADDR"] = INSIDE
    headers = login(client)
    body = start(client, headers, exam_id)
    qid = _essay(body)["id"]
    with app.app_context(), app.test_request_context():
        user_id = db.session.get(Attempt, body["attempt_id"]).user_id
        assert autosave.save_fast(body["attempt_id"], qid, user_id, "外面", 5, None,
                                  RoomRequest(OUTSIDE, None)) is None
        assert autosave.save_fast(body["attempt_id"], qid, user_id, "外面", 5) is None  # no address: refused
        assert autosave.save_fast(body["attempt_id"], qid, user_id, "里面", 6, None,
                                  RoomRequest(INSIDE, None)) is not None
    assert _stored(app, body["attempt_id"], qid) == "里面"


def test_a_forged_forwarded_for_header_is_ignored_without_trusted_proxies(app, exam_factory):
    exam_id = exam_factory(allowed_networks=["192.168.10.0/24"])
    client = client_at(app, OUTSIDE)
    headers = login(client)
    forged = client.post(f"/api/v1/exams/{exam_id}/attempts", headers=dict(headers, **{"X-Forwarded-For": INSIDE}))
    assert forged.status_code == 403


@pytest.mark.parametrize("app_config", [{"TRUSTED_PROXIES": 1}], indirect=True)
def test_behind_one_trusted_proxy_only_the_proxys_own_entry_counts(app, exam_factory):
    exam_id = exam_factory(allowed_networks=["192.168.10.0/24"])
    proxy = "10.0.0.2"  # nginx: appends the address it saw to what the client sent
    client = client_at(app, proxy)
    headers = login(client)
    url = f"/api/v1/exams/{exam_id}/attempts"
    forged = client.post(url, headers=dict(headers, **{"X-Forwarded-For": f"{INSIDE}, {OUTSIDE}"}))
    assert forged.status_code == 403
    assert client.post(url, headers=headers).status_code == 403  # the proxy's own address is not a student's
    real = client.post(url, headers=dict(headers, **{"X-Forwarded-For": f"{OUTSIDE}, {INSIDE}"}))
    assert real.status_code == 200
    body = real.get_json()
    assert _save(client, dict(headers, **{"X-Forwarded-For": INSIDE}), body).status_code == 200
    assert _save(client, dict(headers, **{"X-Forwarded-For": f"{INSIDE}, {OUTSIDE}"}), body, seq=2).status_code == 403


def test_bad_cidr_is_a_422_naming_it(client, auth, exam_factory):
    exam_factory()  # the class and bank
    auth.login("teacher")
    headers = {"X-CSRFToken": client.post("/api/v1/session", json={"username": "teacher",
                                                                  "password": "secret-pass-123"}).get_json()["csrf_token"]}
    response = client.post("/api/v1/exams", headers=headers, json={
        "title": "坏网段", "classes": ["一班"], "rules": [{"types": ["single"], "count": 1}],
        "allowed_networks": ["192.168.1.0/24", "10.0.0.300/8"]})
    assert response.status_code == 422
    assert "10.0.0.300/8" in str(response.get_json())


# --- one device -----------------------------------------------------------------------------

def test_a_second_device_is_refused_everywhere_until_the_instructor_releases_it(app, client, auth, exam_factory):
    exam_id = exam_factory(single_device=True)
    first = app.test_client()
    first_headers = login(first)
    body = start(first, first_headers, exam_id)
    assert _save(first, first_headers, body).status_code == 200
    assert first.get(f"/exams/attempts/{body['attempt_id']}").status_code == 200
    with app.app_context():
        token = db.session.get(Attempt, body["attempt_id"]).device_token
        assert token and len(token) == 64  # a SHA-256, not the session's token itself

    second = app.test_client()  # the same student logs in on another computer
    second_headers = login(second)
    refused = second.post(f"/api/v1/exams/{exam_id}/attempts", headers=second_headers)
    assert refused.status_code == 403 and refused.get_json()["error"] == DEVICE_MESSAGE
    assert DEVICE_MESSAGE in second.post(f"/exams/{exam_id}/start", follow_redirects=True).get_data(as_text=True)
    assert _paths(second, second_headers, body) == {"page": 403, "state": 403, "save": 403, "events": 403,
                                                    "submit": 403}
    assert DEVICE_MESSAGE in second.get(f"/exams/attempts/{body['attempt_id']}").get_data(as_text=True)
    assert _stored(app, body["attempt_id"], _essay(body)["id"]) == "以客户为中心"

    auth.login("teacher")
    monitor = client.get(f"/api/v1/exams/{exam_id}/monitor").get_json()
    assert monitor["attempts"][0]["device_bound"] is True
    assert "允许更换设备" in client.get(f"/instructor/exams/{exam_id}/monitor").get_data(as_text=True)
    released = client.post(f"/instructor/exams/{exam_id}/monitor/attempts/{body['attempt_id']}/release-device")
    assert released.status_code == 302
    with app.app_context():
        assert db.session.get(Attempt, body["attempt_id"]).device_token is None
        log = db.session.scalar(db.select(AuditLog).filter_by(action="attempt.release_device"))
        assert log.target == f"attempt:{body['attempt_id']}"
    assert client.get(f"/api/v1/exams/{exam_id}/monitor").get_json()["attempts"][0]["device_bound"] is False

    # The next device to open the attempt binds; the first is now the one refused.
    assert second.get(f"/exams/attempts/{body['attempt_id']}").status_code == 200
    assert _save(second, second_headers, body, "换了电脑", seq=7).status_code == 200
    assert _save(first, first_headers, body, "旧电脑", seq=8).status_code == 403
    assert _stored(app, body["attempt_id"], _essay(body)["id"]) == "换了电脑"
    assert first.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=first_headers).status_code == 403
    assert second.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=second_headers).status_code == 200


def test_release_needs_an_instructor(app, client, exam_factory):
    exam_id = exam_factory(single_device=True)
    body = start(client, login(client), exam_id)
    url = f"/instructor/exams/{exam_id}/monitor/attempts/{body['attempt_id']}/release-device"
    assert client.post(url).status_code == 403
    with app.app_context():
        assert db.session.get(Attempt, body["attempt_id"]).device_token is not None


def test_the_same_session_keeps_working_without_single_device(app, exam_factory):
    exam_id = exam_factory()
    first, second = app.test_client(), app.test_client()
    body = start(first, login(first), exam_id)
    headers = login(second)
    assert start(second, headers, exam_id)["attempt_id"] == body["attempt_id"]
    assert _save(second, headers, body).status_code == 200


# --- events and the monitor ---------------------------------------------------------------

def test_events_are_recorded_and_counted_in_the_monitor(app, client, auth, exam_factory):
    exam_id = exam_factory()
    headers = login(client)
    body = start(client, headers, exam_id)
    attempt_id = body["attempt_id"]
    for kind in ("focus_lost", "focus_back", "focus_lost", "focus_back", "paste"):
        response = _event(client, headers, attempt_id, kind)
        assert response.status_code == 201, response.get_json()
    assert response.get_json()["count"] == 1
    assert _event(client, headers, attempt_id, "focus_lost").get_json()["count"] == 3
    bad = _event(client, headers, attempt_id, "screenshot")
    assert bad.status_code == 400 and "kind" in bad.get_json()["error"]
    assert client.post(f"/api/v1/attempts/{attempt_id}/events", data="x", headers=headers).status_code == 400

    # Another student's attempt: 404; the monitor is for instructors only.
    other = app.test_client()
    other_headers = login(other, "student2")
    assert _event(other, other_headers, attempt_id).status_code == 404
    assert other.get(f"/api/v1/exams/{exam_id}/monitor").status_code == 403

    auth.login("teacher")
    data = client.get(f"/api/v1/exams/{exam_id}/monitor").get_json()
    [row] = data["attempts"]
    assert row["focus_lost"] == 3 and row["focus_back"] == 2 and row["paste"] == 1 and row["fullscreen_exit"] == 0
    assert row["events"] == {"focus_lost": 3, "focus_back": 2, "fullscreen_exit": 0, "paste": 1}
    assert [e["kind"] for e in row["event_times"]][:2] == ["focus_lost", "paste"]
    assert row["student"] == {"id": row["user_id"], "username": "student", "full_name": "张三",
                              "student_number": "S001"}
    assert row["attempt_id"] == attempt_id and row["status"] == "in_progress" and row["deadline"]
    assert row["answered"] == 0 and row["submitted_at"] is None and row["device_bound"] is False
    page = client.get(f"/instructor/exams/{exam_id}/monitor").get_data(as_text=True)
    assert 'data-kind="focus_lost"' in page and "js/monitor.js" in page and "<script>" not in page


def test_events_stop_after_submit_and_at_the_cap(app, client, exam_factory):
    from app.services.exam_room import MAX_EVENTS

    exam_id = exam_factory()
    headers = login(client)
    body = start(client, headers, exam_id)
    with app.app_context():
        db.session.add_all([AttemptEvent(attempt_id=body["attempt_id"], kind="paste", at=utcnow())
                            for _ in range(MAX_EVENTS - 1)])
        db.session.commit()
    assert _event(client, headers, body["attempt_id"]).status_code == 201
    capped = _event(client, headers, body["attempt_id"])
    assert capped.status_code == 429 and capped.get_json()["error"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AttemptEvent.id))) == MAX_EVENTS
    client.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=headers)
    assert _event(client, headers, body["attempt_id"]).status_code == 409


def test_events_after_the_deadline_are_409(app, client, exam_factory):
    exam_id = exam_factory()
    headers = login(client)
    body = start(client, headers, exam_id)
    with app.app_context():
        attempt = db.session.get(Attempt, body["attempt_id"])
        attempt.deadline = utcnow().replace(year=2020)
        db.session.commit()
    assert _event(client, headers, body["attempt_id"]).status_code == 409


def test_the_exam_page_loads_the_proctor_script_and_states_the_rules(app, client, auth, exam_factory):
    exam_id = exam_factory(require_fullscreen=True, focus_warning_after=3, single_device=True)
    auth.login("student")
    detail = client.get(f"/exams/{exam_id}").get_data(as_text=True)
    assert "不会自动扣分或收卷" in detail and "需要全屏作答" in detail
    response = client.post(f"/exams/{exam_id}/start")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "js/proctor.js" in page and "进入全屏开始作答" in page and 'id="proctor-config"' in page


# --- unpublishing -------------------------------------------------------------------------

def test_unpublishing_pauses_attempts_in_flight_and_republishing_resumes(app, client, auth, exam_factory):
    exam_id = exam_factory()
    student = app.test_client()
    headers = login(student)
    body = start(student, headers, exam_id)
    assert _save(student, headers, body, "第一稿").status_code == 200

    auth.login("teacher")
    assert client.post(f"/instructor/exams/{exam_id}/unpublish").status_code == 302
    paused = _save(student, headers, body, "第二稿", seq=2)
    assert paused.status_code == 403 and "暂停" in paused.get_json()["error"]
    qid = _essay(body)["id"]
    with app.app_context(), app.test_request_context():  # the fast path refuses too
        user_id = db.session.get(Attempt, body["attempt_id"]).user_id
        assert autosave.save_fast(body["attempt_id"], qid, user_id, "第二稿", 3, None, RoomRequest(None, None)) is None
    assert student.get(f"/exams/attempts/{body['attempt_id']}").status_code == 403
    assert student.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=headers).status_code == 403
    assert _stored(app, body["attempt_id"], qid) == "第一稿"
    with app.app_context():
        assert db.session.get(Attempt, body["attempt_id"]).status == "in_progress"

    assert client.post(f"/instructor/exams/{exam_id}/publish").status_code == 302
    assert student.get(f"/exams/attempts/{body['attempt_id']}").status_code == 200
    assert _save(student, headers, body, "第二稿", seq=4).status_code == 200
    assert student.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=headers).status_code == 200
    assert _stored(app, body["attempt_id"], qid) == "第二稿"


# --- definitions: editor, YAML, API -------------------------------------------------------

ROOM = {"access_code": "CRM-2026", "allowed_networks": ["192.168.10.0/24", "10.1.2.3"], "single_device": True,
        "closed_book": True, "require_fullscreen": True, "focus_warning_after": 3}


def test_the_api_creates_an_exam_with_the_room_rules_and_the_yaml_shows_them(app, client, exam_factory, tmp_path):
    exam_factory()
    headers = login(client, "teacher")
    created = client.post("/api/v1/exams", headers=headers, json=dict(
        title="考场规则", classes=["一班"], rules=[{"types": ["single"], "count": 1}], **ROOM))
    assert created.status_code == 201, created.get_json()
    exam_id = created.get_json()["id"]
    with app.app_context():
        exam = db.session.get(Exam, exam_id)
        assert {k: getattr(exam, k) for k in ROOM} == ROOM
    text = client.get(f"/instructor/exams/{exam_id}/definition.yaml").get_data(as_text=True)
    data = yaml.safe_load(text)
    assert {k: data[k] for k in ROOM} == ROOM
    # The YAML file creates the same exam again (the CLI's path).
    path = tmp_path / "room.yaml"
    path.write_text(text, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["exam", "create", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        again = db.session.scalars(db.select(Exam).order_by(Exam.id.desc())).first()
        assert again.id != exam_id and {k: getattr(again, k) for k in ROOM} == ROOM


def test_too_long_code_and_negative_warning_are_422(client, exam_factory):
    exam_factory()
    headers = login(client, "teacher")
    base = {"title": "x", "classes": ["一班"], "rules": [{"types": ["single"], "count": 1}]}
    assert client.post("/api/v1/exams", headers=headers, json=dict(base, access_code="x" * 65)).status_code == 422
    assert client.post("/api/v1/exams", headers=headers, json=dict(base, focus_warning_after=-1)).status_code == 422


def test_the_editor_round_trips_the_room_rules(app, client, auth, exam_factory):
    from tests.web.test_exam_editor import exam_form

    exam_id = exam_factory()
    auth.login("teacher")
    bad = client.post(f"/instructor/exams/{exam_id}/edit", data=exam_form(
        title="测验", allowed_networks="192.168.10.0/24\nnot-a-network"))
    assert bad.status_code == 400 and "not-a-network" in bad.get_data(as_text=True)
    saved = client.post(f"/instructor/exams/{exam_id}/edit", data=exam_form(
        title="测验", access_code="CRM-2026", allowed_networks="192.168.10.0/24\n10.1.2.3", single_device="y",
        closed_book="y", require_fullscreen="y", focus_warning_after="3"))
    assert saved.status_code == 302
    with app.app_context():
        exam = db.session.get(Exam, exam_id)
        assert {k: getattr(exam, k) for k in ROOM} == ROOM
        log = db.session.scalars(db.select(AuditLog).filter_by(action="exam.update")).all()[-1]
        assert "access_code" in log.details["changed"] and "CRM-2026" not in str(log.details)
    page = client.get(f"/instructor/exams/{exam_id}/edit").get_data(as_text=True)
    assert 'value="CRM-2026"' in page and "10.1.2.3" in page and 'id="exam-room"' in page
    # Saving the page unchanged keeps every rule; unticking a box clears it.
    cleared = client.post(f"/instructor/exams/{exam_id}/edit", data=exam_form(
        title="测验", access_code="", allowed_networks="", focus_warning_after="0"))
    assert cleared.status_code == 302
    with app.app_context():
        exam = db.session.get(Exam, exam_id)
        assert (exam.access_code, exam.allowed_networks, exam.single_device, exam.focus_warning_after) == ("", [], False, 0)


def test_the_yaml_upload_reports_a_bad_network_by_line(app, client, auth, exam_factory):
    import io

    exam_factory()
    auth.login("teacher")
    text = "title: 上传\nclasses: [一班]\nrules:\n  - {types: [single], count: 1}\nallowed_networks:\n  - 999.1.1.1/24\n"
    response = client.post("/instructor/exams/upload", data={"definition": (io.BytesIO(text.encode()), "exam.yaml")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "999.1.1.1/24" in response.get_data(as_text=True)


def test_openapi_documents_the_room_fields_and_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    create = spec["paths"]["/api/v1/exams"]["post"]
    text = str(create)
    for field in ROOM:
        assert field in text, field
    paths = str(spec["paths"])
    assert "/api/v1/attempts/{attempt_id}/events" in paths and "/api/v1/exams/{exam_id}/monitor" in paths
