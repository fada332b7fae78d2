"""CSRF on every state-changing route and ownership on every route with an id, found by walking the URL map."""

from __future__ import annotations

import pytest

from tests.security.conftest import argument_values, build_url, build_world, login, rules

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# Exempt on purpose: the JSON login takes no session to ride on, and a cross-site form cannot send
# application/json (get_json refuses any other type), so it cannot be forged from another site.
CSRF_EXEMPT = {"api.create_session"}


@pytest.fixture
def csrf_world(csrf_app, tmp_path):
    return build_world(csrf_app, str(tmp_path / "bank"))


@pytest.mark.parametrize("username", ["teacher", "outsider"])
def test_every_state_changing_route_refuses_a_missing_or_forged_token(csrf_app, csrf_world, username):
    client = csrf_app.test_client()
    headers = login(client, username)
    values = argument_values(csrf_world)
    checked = []
    for rule in rules(csrf_app, STATE_CHANGING):
        if rule.endpoint in CSRF_EXEMPT:
            continue
        url = build_url(csrf_app, rule, values)
        for method in sorted(rule.methods & STATE_CHANGING):
            for extra in ({}, {"X-CSRFToken": "forged-token"}):
                response = client.open(url, method=method, json={"response": "A"}, headers=extra)
                assert response.status_code == 400, (method, url, extra, response.status_code)
                assert "CSRF" in response.get_data(as_text=True), (method, url)
            checked.append((method, rule.rule))
    # The token really is what stands in the way: a state change with it goes through.
    assert client.delete("/api/v1/session", headers=headers).status_code == 200
    assert len(checked) >= 20, checked  # the walk found the routes rather than nothing


def test_csrf_exemptions_are_only_the_json_login(csrf_app):
    from app.extensions import csrf

    exempt = set()
    for rule in rules(csrf_app, STATE_CHANGING):
        view = csrf_app.view_functions[rule.endpoint]
        name = f"{view.__module__}.{view.__name__}"
        blueprint = csrf_app.blueprints.get(rule.endpoint.rpartition(".")[0])
        if name in csrf._exempt_views or (blueprint is not None and blueprint in csrf._exempt_blueprints):
            exempt.add(rule.endpoint)
    assert exempt == CSRF_EXEMPT


def test_json_login_is_not_forgeable_by_a_cross_site_form(csrf_app, csrf_world):
    client = csrf_app.test_client()
    response = client.post("/api/v1/session", data={"username": "outsider", "password": "secret-pass-123"})
    assert response.status_code == 400
    assert client.get("/api/v1/session").status_code == 401


PRIVATE_ARGUMENTS = {"exam_id", "attempt_id", "class_id", "user_id", "qid", "question_id", "item_id",
                     "assignment_id", "work_id"}


def test_an_outsider_reaches_no_one_elses_object(app, world):
    """A student of another class gets 403 or 404 on every route naming someone else's object."""
    client = app.test_client()
    login(client, "outsider")
    values = argument_values(world)
    seen = []
    for rule in rules(app, {"GET"} | STATE_CHANGING):
        if not (set(rule.arguments) & PRIVATE_ARGUMENTS):
            continue
        url = build_url(app, rule, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, json={"response": "A", "seq": 99})
            assert response.status_code in (403, 404), (method, url, response.status_code)
            seen.append(rule.endpoint)
    assert {"api.get_attempt", "api.save_answer", "api.submit_attempt", "exams.take", "exams.review",
            "exams.detail", "instructor.class_detail"} <= set(seen)


def test_the_owner_still_reaches_the_same_routes(app, world):
    """The IDOR walk above proves something only if the owner is let in where the outsider was not."""
    client = app.test_client()
    login(client, world_student_name())
    assert client.get(f"/api/v1/attempts/{world.attempt}").status_code == 200
    assert client.get(f"/exams/attempts/{world.attempt}").status_code == 200
    assert client.get(f"/exams/{world.exam}").status_code == 200


def test_outsider_cannot_overwrite_or_submit_the_attempt(app, world):
    from app.extensions import db
    from app.models import Attempt, AttemptItem

    client = app.test_client()
    login(client, "outsider")
    client.put(f"/api/v1/attempts/{world.attempt}/answers/ch01-q902", json={"response": "hijacked", "seq": 50})
    client.post(f"/api/v1/attempts/{world.attempt}/submit")
    with app.app_context():
        item = db.session.get(AttemptItem, world.item)
        assert item.response != "hijacked" and item.seq == 1
        assert db.session.get(Attempt, world.attempt).status == "in_progress"


def world_student_name() -> str:
    from tests.security.conftest import PAYLOADS

    return PAYLOADS["username"]
