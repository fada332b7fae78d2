"""CSRF is enforced on forms and on state-changing JSON calls."""

import re

from tests.conftest import PASSWORD, make_user


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf-token" content="([^"]+)"', page).group(1) or ""


def test_form_post_without_token_is_refused(csrf_app):
    make_user(csrf_app, "student")
    client = csrf_app.test_client()
    response = client.post("/auth/login", data={"username": "student", "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_form_post_with_token_works(csrf_app):
    make_user(csrf_app, "student")
    client = csrf_app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", data={"username": "student", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_api_login_returns_token_that_state_changes_need(csrf_app):
    make_user(csrf_app, "student")
    client = csrf_app.test_client()
    body = client.post("/api/v1/session", json={"username": "student", "password": PASSWORD}).get_json()
    assert body["user"]["username"] == "student" and body["user"]["role"] == "student"
    refused = client.delete("/api/v1/session")
    assert refused.status_code == 400 and "CSRF" in refused.get_json()["error"]
    wrong = client.delete("/api/v1/session", headers={"X-CSRFToken": "forged"})
    assert wrong.status_code == 400
    accepted = client.delete("/api/v1/session", headers={"X-CSRFToken": body["csrf_token"]})
    assert accepted.status_code == 200


def test_logout_form_needs_token(csrf_app):
    make_user(csrf_app, "student")
    client = csrf_app.test_client()
    client.post("/api/v1/session", json={"username": "student", "password": PASSWORD})
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/api/v1/session").status_code == 200  # still logged in
