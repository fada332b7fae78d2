"""``POST /api/v1/session`` and the API's error bodies."""

import pytest

from tests.conftest import PASSWORD


def test_login_returns_user_and_token(client, users):
    response = client.post("/api/v1/session", json={"username": "teacher", "password": PASSWORD})
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"] == {"id": users["teacher"], "username": "teacher", "role": "instructor"}
    assert isinstance(body["csrf_token"], str) and body["csrf_token"]


def test_bad_credentials_401(client, users):
    response = client.post("/api/v1/session", json={"username": "teacher", "password": "nope"})
    assert response.status_code == 401
    assert response.get_json() == {"error": "用户名或密码错误。"}


@pytest.mark.parametrize("body,kwargs", [
    (None, {"data": "not json", "content_type": "application/json"}),
    (None, {"data": "", "content_type": "application/json"}),
    (None, {"json": [1, 2, 3]}),
    (None, {"json": {"username": 5, "password": "x"}}),
    (None, {"json": {"username": "teacher"}}),
])
def test_malformed_login_is_400_with_message(client, users, body, kwargs):
    response = client.post("/api/v1/session", **kwargs)
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_openapi_documents_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    from app.api.docs import API_DOCS

    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        view = rule.endpoint.split(".", 1)[1]
        assert view in API_DOCS, f"{rule.rule} has no @documented"
        path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        assert path in spec["paths"], rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in spec["paths"][path]
