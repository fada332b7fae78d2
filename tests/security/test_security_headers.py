"""Every page carries the security headers, and no HTML page has inline script the policy would block."""

from __future__ import annotations

from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest

from app.extensions import db
from app.models import User
from app.security_headers import CONTENT_SECURITY_POLICY
from tests.security.conftest import argument_values, build_url, login, rules

EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
DIRECTIVES = ["default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
              "font-src 'self' data:", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
              "frame-ancestors 'none'"]
INLINE_SCRIPT_ALLOWED: set[str] = set()  # endpoints whose pages may keep inline code: none
SKIPPED = {"auth.logout"}  # would end the walk's session


class _Inline(HTMLParser):
    """Collects inline script code, ``on…=`` attributes and ``javascript:`` URLs of a page."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self._in_script: str | None = None
        self._code: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name.lower() in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")
        if tag == "script":
            attributes = dict(attrs)
            kind = (attributes.get("type") or "").lower()
            self._in_script = None if "src" in attributes or kind == "application/json" else tag
            self._code = []

    def handle_data(self, data):
        if self._in_script:
            self._code.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script:
            if "".join(self._code).strip():
                self.problems.append("inline <script> code: " + "".join(self._code).strip()[:60])
            self._in_script = None


def inline_problems(html: str) -> list[str]:
    """What in ``html`` a ``script-src 'self'`` policy would block."""
    parser = _Inline()
    parser.feed(html)
    return parser.problems


def test_the_inline_detector_finds_what_it_should():
    assert inline_problems('<script>alert(1)</script>')
    assert inline_problems('<select onchange="this.form.submit()"></select>')
    assert inline_problems('<a href=" JavaScript:alert(1)">x</a>')
    assert not inline_problems('<script type="application/json" id="d">{"a": "<\\/b>"}</script>')
    assert not inline_problems('<script src="/static/js/site.js"></script><p>onload=1 &lt;img onerror=x&gt;</p>')


def test_headers_on_a_plain_response(client):
    response = client.get("/auth/login")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    for directive in DIRECTIVES:
        assert directive in CONTENT_SECURITY_POLICY.split("; ")
    for name, value in EXPECTED.items():
        assert response.headers[name] == value
    for path in ("/static/js/site.js", "/no-such-page", "/api/v1/exams"):
        with client.get(path) as answer:
            assert answer.headers["X-Frame-Options"] == "DENY", path
            assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"], path


def test_a_view_that_sets_a_stricter_policy_keeps_it(client, users):
    with client.get("/lessons/crm/figures/crm-architecture.svg") as response:
        assert response.status_code == 200
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
        assert response.headers["X-Frame-Options"] == "DENY"


@pytest.fixture
def walk_values(app, world):
    """URL arguments for the walk, with a case practice run and a case assignment of the world's student."""
    from app.services import cases as case_svc

    values = argument_values(world)
    with app.app_context():
        student = db.session.get(User, world.student)
        teacher = db.session.get(User, world.teacher)
        work = case_svc.start_practice("abc-classification", student)
        assignment = case_svc.create_assignment("customer-value", "案例作业", "先读题。",
                                                datetime.now() + timedelta(days=3), [world.class_a], teacher)
        case_svc.work_for(assignment, student)
        db.session.commit()
        values.update(work_id=work.id, assignment_id=assignment.id, case_id="abc-classification",
                      step_id="classification")
    return values


@pytest.mark.parametrize("username", ["student", "teacher", "admin"])
def test_every_get_page_has_the_headers_and_no_inline_script(app, world, walk_values, username):
    client = app.test_client()
    name = db_username(app, world, username)
    login(client, name)
    seen_html = 0
    failures = []
    for rule in rules(app, {"GET"}):
        if rule.endpoint in SKIPPED:
            continue
        for fmt in (("csv", "xlsx") if "fmt" in rule.arguments else (None,)):
            values = dict(walk_values, **({"fmt": fmt} if fmt else {}))
            url = build_url(app, rule, values)
            response = client.get(url)
            response.close()
            if response.status_code >= 500:
                failures.append(f"{url}: {response.status_code}")
                continue
            for header, value in EXPECTED.items():
                if response.headers.get(header) != value:
                    failures.append(f"{url}: {header}={response.headers.get(header)!r}")
            if "frame-ancestors 'none'" not in response.headers.get("Content-Security-Policy", ""):
                failures.append(f"{url}: no frame-ancestors")
            if response.mimetype == "text/html" and rule.endpoint not in INLINE_SCRIPT_ALLOWED:
                seen_html += 1
                failures += [f"{url}: {p}" for p in inline_problems(response.get_data(as_text=True))]
    assert not failures, "\n".join(failures)
    assert seen_html >= 15


def db_username(app, world, role: str) -> str:
    """The username of the world's account for a role (the student's name is hostile text)."""
    with app.app_context():
        return db.session.get(User, world[role]).username


def test_the_walk_sees_the_pages_that_had_inline_code(app, world, walk_values):
    client = app.test_client()
    login(client, "teacher")
    gradebook = client.get(f"/instructor/gradebook/{world.class_a}").get_data(as_text=True)
    assert 'src="/static/js/charts.js"' in gradebook and 'id="chart-text"' in gradebook
    assert not inline_problems(gradebook)
    page = client.get("/").get_data(as_text=True)
    assert "data-autosubmit" in page and 'src="/static/js/site.js"' in page and not inline_problems(page)
