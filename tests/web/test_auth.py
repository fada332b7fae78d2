"""Login, logout, wrong passwords, password change and the login rate limit."""

import pytest

from tests.conftest import PASSWORD


def test_login_and_logout(client, auth, users):
    response = auth.login()
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "张三" in page and "退出登录" in page
    auth.logout()
    page = client.get("/").get_data(as_text=True)
    assert "张三" not in page and 'href="/auth/login"' in page


def test_wrong_password_rejected(client, auth, users):
    response = auth.login(password="wrong-password")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/instructor/").status_code == 302  # still anonymous


def test_unknown_user_rejected(client, auth, users):
    assert auth.login(username="nobody").status_code == 401


def test_login_is_case_insensitive_for_username(client, auth, users):
    assert auth.login(username="STUDENT").status_code == 302


def test_empty_login_form_gets_field_messages(client, users):
    response = client.post("/auth/login", data={"username": "", "password": ""})
    assert response.status_code == 400
    assert "请输入用户名" in response.get_data(as_text=True)


def test_next_parameter_only_follows_local_paths(client, users):
    response = client.post("/auth/login?next=https://evil.example/", data={"username": "student", "password": PASSWORD})
    assert response.headers["Location"] == "/"
    auth_response = client.post("/auth/logout")
    assert auth_response.status_code == 302
    response = client.post("/auth/login?next=/lessons/crm/", data={"username": "student", "password": PASSWORD})
    assert response.headers["Location"] == "/lessons/crm/"


def test_password_is_hashed_with_argon2id(app, users):
    from app.extensions import db
    from app.models import User

    with app.app_context():
        stored = db.session.get(User, users["student"]).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_production_hash_parameters_follow_owasp():
    from config import ProductionConfig

    assert (ProductionConfig.ARGON2_MEMORY_COST, ProductionConfig.ARGON2_TIME_COST,
            ProductionConfig.ARGON2_PARALLELISM) == (19456, 2, 1)


def test_change_password(client, auth, users):
    auth.login()
    bad = client.post("/auth/password", data={"current_password": "nope", "new_password": "brand-new-pass",
                                              "confirm": "brand-new-pass"})
    assert "当前密码不正确" in bad.get_data(as_text=True)
    mismatch = client.post("/auth/password", data={"current_password": PASSWORD, "new_password": "brand-new-pass",
                                                   "confirm": "other-pass-123"})
    assert "不一致" in mismatch.get_data(as_text=True)
    ok = client.post("/auth/password", data={"current_password": PASSWORD, "new_password": "brand-new-pass",
                                             "confirm": "brand-new-pass"})
    assert ok.status_code == 302
    auth.logout()
    assert auth.login(password=PASSWORD).status_code == 401
    assert auth.login(password="brand-new-pass").status_code == 302


def test_inactive_user_cannot_log_in(app, client, auth, users):
    from app.extensions import db
    from app.models import User

    with app.app_context():
        db.session.get(User, users["student"]).active = False
        db.session.commit()
    assert auth.login().status_code == 401


def test_rate_limit_after_ten_failures_for_one_username(client, auth, users):
    for _ in range(10):
        assert auth.login(password="bad-password").status_code == 401
    response = auth.login()  # even the right password is refused for now
    assert response.status_code == 429
    assert "登录失败次数过多" in response.get_data(as_text=True)
    # Another username from another address is unaffected.
    other = client.post("/auth/login", data={"username": "student2", "password": PASSWORD},
                        environ_overrides={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 302


def test_rate_limit_per_address_across_usernames(app, client, users):
    # The address limit is configurable (300 a minute by default, see tests/security/test_login_limits.py).
    app.config["LOGIN_ADDRESS_FAILURE_LIMIT"] = "10 per minute"
    for i in range(10):
        r = client.post("/auth/login", data={"username": f"ghost{i}", "password": "x"},
                        environ_overrides={"REMOTE_ADDR": "10.1.1.1"})
        assert r.status_code == 401
    r = client.post("/auth/login", data={"username": "student2", "password": PASSWORD},
                    environ_overrides={"REMOTE_ADDR": "10.1.1.1"})
    assert r.status_code == 429
    other = client.post("/auth/login", data={"username": "student2", "password": PASSWORD},
                        environ_overrides={"REMOTE_ADDR": "10.1.1.2"})
    assert other.status_code == 302


def test_api_rate_limit_returns_json_429(client, users):
    for _ in range(10):
        assert client.post("/api/v1/session", json={"username": "student", "password": "bad"}).status_code == 401
    response = client.post("/api/v1/session", json={"username": "student", "password": PASSWORD})
    assert response.status_code == 429
    assert "error" in response.get_json()


@pytest.mark.parametrize("locale,expected", [("en", "Log in"), ("zh_Hans_CN", "登录")])
def test_language_switch(client, locale, expected):
    client.post("/language", data={"locale": locale})
    assert expected in client.get("/auth/login").get_data(as_text=True)
