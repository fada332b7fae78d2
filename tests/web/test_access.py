"""Role checks: students get 403 on instructor and admin pages; anonymous users are sent to login."""

import pytest

INSTRUCTOR_PAGES = ["/instructor/", "/instructor/classes"]
ADMIN_PAGES = ["/admin/", "/admin/audit"]


@pytest.mark.parametrize("path", INSTRUCTOR_PAGES + ADMIN_PAGES)
def test_student_gets_403(client, auth, users, path):
    auth.login("student")
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", INSTRUCTOR_PAGES + ADMIN_PAGES)
def test_anonymous_redirected_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("path", INSTRUCTOR_PAGES)
def test_instructor_allowed(client, auth, users, path):
    auth.login("teacher")
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_instructor_not_admin(client, auth, users, path):
    auth.login("teacher")
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", INSTRUCTOR_PAGES + ADMIN_PAGES)
def test_admin_allowed_everywhere(client, auth, users, path):
    auth.login("admin")
    assert client.get(path).status_code == 200


def test_student_cannot_create_accounts(client, auth, users):
    auth.login("student")
    response = client.post("/admin/", data={"username": "intruder", "password": "long-enough-1", "role": "admin"})
    assert response.status_code == 403


def test_admin_creates_account_and_it_is_audited(app, client, auth, users):
    auth.login("admin")
    response = client.post("/admin/", data={"username": "newteacher", "password": "long-enough-1",
                                            "role": "instructor", "full_name": "新老师"})
    assert response.status_code == 302
    assert auth.logout().status_code == 302
    assert auth.login("newteacher", "long-enough-1").status_code == 302
    assert client.get("/instructor/").status_code == 200
    auth.logout()
    auth.login("admin")
    assert "user.create" in client.get("/admin/audit").get_data(as_text=True)


def test_json_clients_get_json_errors(client, auth, users):
    auth.login("student")
    response = client.get("/api/v1/nope")
    assert response.status_code == 404
    assert response.is_json and "error" in response.get_json()
