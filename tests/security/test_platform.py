"""Cookies, secrets, uploads, the login rate limit, and a reflected-XSS probe."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile

import pytest

from app import create_app
from app.extensions import db
from tests.conftest import PASSWORD, make_user
from tests.security.conftest import RAW_HTML

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def production_app(tmp_path):
    app = create_app({"CONFIG_NAME": "production", "SECRET_KEY": "k" * 48,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.db'}"})
    with app.app_context():
        db.create_all()
    return app


def test_production_session_cookie_is_secure_httponly_and_lax(tmp_path):
    app = production_app(tmp_path)
    make_user(app, "student")
    response = app.test_client().post("/api/v1/session", json={"username": "student", "password": PASSWORD})
    assert response.status_code == 200
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite"} <= flags
    assert "SameSite=Lax" in cookie


@pytest.mark.parametrize("secret", [None, "dev-secret-change-me", "short"])
def test_production_refuses_to_start_with_a_default_secret(tmp_path, secret):
    """As gunicorn would start it: from the environment, in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "TEST_DATABASE_URL")}
    env.update(APP_CONFIG="production", DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}")
    if secret is not None:
        env["SECRET_KEY"] = secret
    result = subprocess.run([sys.executable, "-c", "from app import create_app; create_app()"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    env["SECRET_KEY"] = "a-real-secret-" + "x" * 32
    ok = subprocess.run([sys.executable, "-c", "from app import create_app; create_app()"], cwd=ROOT, env=env,
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr


@pytest.fixture
def roster_page(app, users):
    from app.models import ClassGroup

    with app.app_context():
        group = ClassGroup(name="一班")
        db.session.add(group)
        db.session.commit()
        url = f"/instructor/classes/{group.id}"
    client = app.test_client()
    client.post("/auth/login", data={"username": "teacher", "password": PASSWORD})
    return client, url


def upload(client, url, data: bytes, name: str):
    return client.post(url, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_an_oversized_upload_is_refused_with_413(roster_page):
    client, url = roster_page
    # Encoded by hand: the test client would spool a large body to a temporary file it never closes.
    body = (b"--XBOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n"
            b"Content-Type: text/csv\r\n\r\n" + b"a" * (6 * 1024 * 1024) + b"\r\n--XBOUNDARY--\r\n")
    response = client.post(url, data=body, content_type="multipart/form-data; boundary=XBOUNDARY")
    assert response.status_code == 413
    assert "上传的文件太大" in response.get_data(as_text=True)


@pytest.mark.parametrize("name,data,message", [
    ("roster.xlsx", b"PK\x03\x04 this is not a workbook", "XLSX 文件已损坏"),
    ("roster.xlsx", zip_bytes({"hello.txt": b"not excel"}), "XLSX 文件已损坏"),
    ("roster.xlsx", zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<",
                               "xl/worksheets/sheet1.xml": b"<row>" + b"0" * (60 * 1024 * 1024)}), "XLSX"),
    ("roster.exe", b"MZ\x90\x00", "只支持 .csv 或 .xlsx"),
    ("roster.csv", b"", "文件是空的"),
])
def test_corrupt_or_wrong_uploads_are_refused_cleanly(roster_page, name, data, message):
    client, url = roster_page
    response = upload(client, url, data, name)
    body = response.get_data(as_text=True)
    assert response.status_code == 400, response.status_code
    assert message in body


def test_a_compressed_bomb_is_refused_before_it_is_inflated(roster_page):
    client, url = roster_page
    bomb = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                      "xl/worksheets/sheet1.xml": b" " * (200 * 1024 * 1024)})
    assert len(bomb) < 2 * 1024 * 1024  # small on the wire
    response = upload(client, url, bomb, "bomb.xlsx")
    assert response.status_code == 400
    assert "过大" in response.get_data(as_text=True) or "损坏" in response.get_data(as_text=True)


@pytest.mark.parametrize("via", ["form", "api"])
def test_login_failures_are_rate_limited(client, users, via):
    def attempt(password):
        if via == "form":
            return client.post("/auth/login", data={"username": "student", "password": password})
        return client.post("/api/v1/session", json={"username": "student", "password": password})

    statuses = [attempt("wrong-password").status_code for _ in range(10)]
    assert statuses == [401] * 10
    limited = attempt("wrong-password")
    assert limited.status_code == 429
    message = limited.get_json()["error"] if via == "api" else limited.get_data(as_text=True)
    assert "登录失败次数过多" in message
    # Even the right password waits: guessing gains nothing by ending on the right one.
    assert attempt(PASSWORD).status_code == 429


def test_successful_logins_are_not_limited(client, users):
    for _ in range(15):
        assert client.post("/api/v1/session", json={"username": "student", "password": PASSWORD}).status_code == 200


def test_search_query_is_not_reflected_as_html(client, users):
    client.post("/auth/login", data={"username": "student", "password": PASSWORD})
    response = client.get("/search", query_string={"q": "<script>alert('xss-q')</script>"})
    assert response.status_code == 200
    assert not RAW_HTML.search(response.get_data(as_text=True))


def test_ids_beyond_the_database_integer_range_are_not_found(app, users):
    """Found by schemathesis on PostgreSQL: a 15-digit id reached the database and failed with a 500."""
    from werkzeug.routing import IntegerConverter

    from tests.security.conftest import build_url

    client = app.test_client()
    client.post("/auth/login", data={"username": "teacher", "password": PASSWORD})
    checked = 0
    for rule in app.url_map.iter_rules():
        ints = [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]
        if not ints:
            continue
        url = build_url(app, rule, {}, default_int=1).replace("/1", f"/{2**31}", 1)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            assert client.open(url, method=method).status_code == 404, (method, url)
            checked += 1
    assert checked >= 10
