"""A corpus of hostile input sent to every route it applies to, found by walking the URL map.

No input may give a 500 or a traceback: each is refused with a 4xx and a message (JSON
``{"error": …}`` for the API, a page naming the problem for forms), and afterwards the main
pages still work for a student of the class and for the instructor.

To extend it, add a ``(name, value)`` pair to one of the lists below; every route the list
applies to receives it. A new route is covered without anyone listing it.
"""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser

import pytest

from tests.security.conftest import PAYLOADS, argument_values, build_url, build_world, login, rules

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}

# --- the corpus ---------------------------------------------------------------------------------

# Raw request bodies sent as application/json to every state-changing route.
JSON_BODIES: list[tuple[str, bytes]] = [
    ("deep array", b"[" * 100_000),
    ("deep object", b'{"response": ' * 50_000),
    ("deep array, closed", b"[" * 5_000 + b"]" * 5_000),
    ("deep inside a value", b'{"response": ' + b"[" * 3_000 + b"]" * 3_000 + b"}"),
    ("NaN", b'{"response": NaN, "username": "x", "password": "y", "title": "t", "kind": "paste"}'),
    ("Infinity", b'{"response": Infinity, "seq": -Infinity}'),
    ("overflowing float", b'{"response": 1e999, "seq": 1e999}'),
    ("4,400-digit integer", b'{"response": ' + b"9" * 4_400 + b', "seq": ' + b"9" * 4_400 + b"}"),
    ("huge seq", b'{"response": "A", "seq": 99999999999999999999999999}'),
    # The depth scan must stay linear here (a regex over strings once took minutes on this).
    ("unterminated string of escaped quotes", b"[]" * 40 + b'"' + b'\\"' * 200_000),
    ("not JSON", b"{response: A}"),
    ("invalid UTF-8", b'{"response": "\xff\xfe"}'),
    ("lone surrogate", b'{"response": "\\ud800", "username": "\\udfff"}'),
    ("NUL byte", b'{"response": "a\\u0000b", "username": "a\\u0000b", "password": "x"}'),
    ("list body", b"[1, 2, 3]"),
    ("empty", b""),
]
# Values for ``?page=`` and every other integer query argument, sent to every GET route.
QUERY_INTS: list[tuple[str, str]] = [
    ("huge", "99999999999999999999"),
    ("beyond 64 bits", "1" + "0" * 30),
    ("negative", "-5"),
    ("zero", "0"),
    ("garbage", "abc"),
    ("float", "1.5"),
    ("exponent", "1e400"),
    ("NaN", "NaN"),
    ("4,400 digits", "9" * 4_400),
]
# Text values for the text query arguments of every GET route (search, filters, formats).
QUERY_TEXTS: list[tuple[str, str]] = [
    ("long", "字" * 20_000), ("path", "../../etc/passwd"), ("brackets", "[" * 5_000), ("regex", "(.*)*$^[a-"),
    ("sql", "' OR 1=1 --"), ("percent", "%%%_"), ("emoji", "😀" * 100), ("control", "\x01\x1b[31m"),
]
QUERY_TEXT_NAMES = ["q", "course", "chapter", "type", "types", "tag", "tags", "format", "fmt", "status", "sort",
                    "order", "difficulty", "anonymous", "graded", "class", "class_id", "exam", "next", "lang", "seed"]
QUERY_NAMES = ["page", "per_page", "a", "b", "seed", "question", "version", "limit", "offset", "n"]
# Date-time values for opens_at / closes_at in the editor form, the API and YAML.
BAD_DATES: list[tuple[str, str]] = [
    ("year 9999", "9999-12-31T23:59:59"),
    ("year 1", "0001-01-01T00:00:00"),
    ("before 1970", "1900-06-01T08:00:00"),
    ("after 2200", "2201-01-01T00:00:00"),
    ("impossible day", "2026-02-30T09:00:00"),
    ("garbage", "not a date"),
]
# Numbers typed where a form or the API takes a number (points, time multiplier, minutes, …).
BAD_NUMBERS: list[tuple[str, str]] = [
    ("NaN", "NaN"), ("sNaN", "sNaN"), ("inf", "inf"), ("-Infinity", "-Infinity"), ("1e999", "1e999"),
    ("huge", "9" * 4_400), ("negative", "-1"), ("garbage", "abc"), ("exponent overflow", "1e999999999"),
]
# Exam definition YAML files (upload and ``flask exam create``); each must be refused with a line.
BAD_EXAM_YAML: list[tuple[str, str]] = [
    ("impossible date", "title: T\nopens_at: 2026-02-30 09:00:00\nfixed: [{id: ch01-q901}]\n"),
    ("year 9999", "title: T\ncloses_at: 9999-12-31T23:59:59Z\nfixed: [{id: ch01-q901}]\n"),
    ("year 1", "title: T\nopens_at: 0001-01-01 00:00:00\nfixed: [{id: ch01-q901}]\n"),
    ("bad int tag", "title: T\nmax_attempts: !!int abc\nfixed: [{id: ch01-q901}]\n"),
    ("bad timestamp tag", "title: T\nopens_at: !!timestamp nope\nfixed: [{id: ch01-q901}]\n"),
    ("bad float tag", "title: T\nfixed: [{id: ch01-q901, points: !!float x}]\n"),
    ("python tag", "title: T\nfixed: !!python/object:os.system [ls]\n"),
    ("4,400-digit integer", "title: T\nmax_attempts: " + "9" * 4_400 + "\nfixed: [{id: ch01-q901}]\n"),
    ("NaN points", "title: T\nfixed: [{id: ch01-q901, points: .nan}]\n"),
    ("4,000-digit points", "title: T\nfixed: [{id: ch01-q901, points: " + "9" * 4_000 + "}]\n"),
    ("4,000-digit count", "title: T\nrules: [{count: " + "9" * 4_000 + "}]\n"),
    ("mixed time zones", "title: T\nopens_at: 2026-03-01 09:00:00\ncloses_at: 2026-03-02T09:00:00+08:00\n"
                         "fixed: [{id: ch01-q901}]\n"),
    ("inf points", "title: T\nrules: [{count: 1, points: .inf}]\n"),
    ("deep nesting", "title: T\nfixed: " + "[" * 5_000 + "]" * 5_000 + "\n"),
    ("binary", "\x00\x01\x02"),
]
# Question-bank YAML for ``flask bank lint``; each must be reported as ``path:line: message``.
_Q = "chapter: ch01-crm-overview\nquestions:\n  - id: ch01-q950\n    type: {type}\n    difficulty: 2\n" \
     "    stem: 题干\n{extra}"
BAD_BANK_YAML: list[tuple[str, str]] = [
    ("bad int tag", _Q.format(type="single", extra="    points: !!int abc\n    options: {A: 甲, B: 乙}\n"
                                               "    answer: A\n")),
    ("bad timestamp tag", _Q.format(type="single", extra="    created: !!timestamp nope\n    options: {A: 甲, B: 乙}\n"
                                                       "    answer: A\n")),
    ("impossible date", _Q.format(type="single", extra="    created: 2026-02-30\n    options: {A: 甲, B: 乙}\n"
                                                     "    answer: A\n")),
    ("4,400-digit points", _Q.format(type="single", extra="    points: " + "9" * 4_400
                                     + "\n    options: {A: 甲, B: 乙}\n    answer: A\n")),
    ("4,400-digit answer", _Q.format(type="numeric", extra="    answer: " + "9" * 4_400 + "\n")),
    ("4,000-digit points", _Q.format(type="single", extra="    points: " + "9" * 4_000
                                     + "\n    options: {A: 甲, B: 乙}\n    answer: A\n")),
    ("4,000-digit tolerance", _Q.format(type="numeric", extra="    answer: 1\n    tolerance: " + "9" * 4_000 + "\n")),
    ("overflowing float answer", _Q.format(type="numeric", extra="    answer: 1.0e+400\n")),
    ("huge difficulty", _Q.format(type="single", extra="    difficulty: " + "9" * 4_000
                                  + "\n    options: {A: 甲, B: 乙}\n    answer: A\n")),
    ("NaN points", _Q.format(type="single", extra="    points: .nan\n    options: {A: 甲, B: 乙}\n    answer: A\n")),
    ("inf tolerance", _Q.format(type="numeric", extra="    answer: 10\n    tolerance: .inf\n")),
    ("NaN answer", _Q.format(type="numeric", extra="    answer: .nan\n")),
    ("-inf answer", _Q.format(type="numeric", extra="    answer: -.inf\n")),
    ("deep nesting", _Q.format(type="single", extra="    options: " + "[" * 5_000 + "]" * 5_000 + "\n")),
]
# Numeric answers a student may send to practice and exam saves.
BAD_NUMERIC_RESPONSES: list[tuple[str, object]] = [
    ("NaN text", "NaN"), ("inf text", "inf"), ("sNaN text", "sNaN"), ("huge text", "9" * 4_400),
    ("exponent text", "1e999999999"), ("list", [1, 2]), ("object", {"a": 1}),
    ("NaN number", float("nan")), ("inf number", float("inf")), ("400-digit number", 10**400),
]


# --- helpers --------------------------------------------------------------------------------------

@pytest.fixture
def corpus_world(app, tmp_path):
    return build_world(app, str(tmp_path / "bank"))


def _is_api(url: str) -> bool:
    return url.startswith("/api/")


def assert_refused(response, where, api: bool | None = None):
    """A 4xx with a message: JSON ``error`` for the API, an HTML page otherwise."""
    assert 400 <= response.status_code < 500, (where, response.status_code, response.get_data(as_text=True)[:300])
    if api or (api is None and response.is_json):
        body = response.get_json(silent=True)
        assert isinstance(body, dict) and body.get("error"), (where, response.get_data(as_text=True)[:300])
    else:
        assert "<html" in response.get_data(as_text=True).lower(), where


def assert_no_500(response, where):
    assert response.status_code < 500, (where, response.status_code, response.get_data(as_text=True)[:300])


def assert_main_pages_work(app, world):
    """The home page, the student's exam list and the instructor's exam pages still answer 200."""
    student = app.test_client()
    login(student, PAYLOADS["username"])
    for url in ("/", "/exams/", "/api/v1/exams", f"/exams/{world.exam}"):
        response = student.get(url)
        assert response.status_code == 200, (url, response.status_code)
    teacher = app.test_client()
    login(teacher, "teacher")
    for url in ("/", "/instructor/", "/instructor/exams", f"/instructor/exams/{world.exam}/edit"):
        response = teacher.get(url)
        assert response.status_code == 200, (url, response.status_code)


def _client(app, username):
    client = app.test_client()
    login(client, username)
    return client


# --- JSON bodies ------------------------------------------------------------------------------------

@pytest.mark.parametrize("username", ["teacher", "student", "admin"])
def test_bad_json_bodies_on_every_state_changing_route(app, corpus_world, username):
    name = PAYLOADS["username"] if username == "student" else username
    client = _client(app, name)
    values = argument_values(corpus_world)
    failures, checked = [], 0
    for rule in rules(app, STATE_CHANGING):
        if rule.endpoint in ("api.delete_session", "auth.logout"):
            continue  # logging out would end the walk's session; both are covered below
        url = build_url(app, rule, values)
        for method in sorted(rule.methods & STATE_CHANGING):
            for case, body in JSON_BODIES:
                response = client.open(url, method=method, data=body, content_type="application/json")
                checked += 1
                if response.status_code >= 500:
                    failures.append((case, method, url, response.status_code))
                elif _is_api(url) and response.status_code >= 400:
                    if not (response.is_json and (response.get_json(silent=True) or {}).get("error")):
                        failures.append((case, method, url, "no JSON error"))
    assert not failures, failures
    assert checked > 100
    assert_main_pages_work(app, corpus_world)


@pytest.mark.parametrize("case,body", JSON_BODIES, ids=[c for c, _ in JSON_BODIES])
def test_bad_json_is_refused_with_a_message_on_the_api(app, corpus_world, case, body):
    """Login (no session), the autosave and exam creation each refuse the body with a JSON error."""
    anonymous = app.test_client()
    response = anonymous.post("/api/v1/session", data=body, content_type="application/json")
    assert_refused(response, ("login", case), api=True)
    student = _client(app, PAYLOADS["username"])
    url = f"/api/v1/attempts/{corpus_world.attempt}/answers/ch01-q902"
    assert_refused(student.put(url, data=body, content_type="application/json"), ("save", case), api=True)
    teacher = _client(app, "teacher")
    assert_refused(teacher.post("/api/v1/exams", data=body, content_type="application/json"), ("create", case),
                   api=True)


def test_deep_json_message_names_the_nesting(app, corpus_world):
    response = app.test_client().post("/api/v1/session", data=b"[" * 100_000, content_type="application/json")
    assert response.status_code == 400
    assert "嵌套" in response.get_json()["error"]


def test_json_over_the_size_limit_is_refused(app, corpus_world):
    student = _client(app, PAYLOADS["username"])
    # 2 MB: over the JSON limit (1 MB) but under the upload limit (5 MB), so this is json_object's 413.
    body = json.dumps({"response": "a" * (2 * 1024 * 1024)}).encode()
    response = student.put(f"/api/v1/attempts/{corpus_world.attempt}/answers/ch01-q902", data=body,
                           content_type="application/json")
    assert response.status_code == 413
    assert "1024 KB" in response.get_json()["error"]


def test_deep_json_with_the_real_csrf_token(csrf_app, tmp_path):
    world = build_world(csrf_app, str(tmp_path / "bank"))
    client = csrf_app.test_client()
    headers = login(client, "teacher")
    for url, method in (("/api/v1/exams", "POST"), (f"/api/v1/attempts/{world.attempt}/submit", "POST")):
        response = client.open(url, method=method, data=b"[" * 100_000, content_type="application/json",
                               headers=headers)
        assert_refused(response, url, api=True)
    response = client.delete("/api/v1/session", data=b"[" * 100_000, content_type="application/json",
                             headers=headers)
    assert_no_500(response, "logout")


def test_a_string_full_of_brackets_is_not_nesting(app, corpus_world):
    """The depth scan skips strings (and escaped quotes inside them): a bracket-laden essay saves."""
    student = _client(app, PAYLOADS["username"])
    text = '[{\\"' + "[" * 500 + "{" * 500
    body = ('{"response": "' + text + '", "seq": 5}').encode()
    response = student.put(f"/api/v1/attempts/{corpus_world.attempt}/answers/ch01-q902", data=body,
                           content_type="application/json")
    assert response.status_code == 200, response.get_data(as_text=True)


# --- methods a route does not take ------------------------------------------------------------------

@pytest.mark.parametrize("username", ["teacher", "student", None])
def test_every_route_answers_a_method_it_does_not_take_with_405(app, corpus_world, username):
    """A GET on a POST-only page (a bookmarked form action) was a 500: the HTML 405 lost its Allow header.

    (A path that another rule matches as a prefix may redirect instead, e.g. /practice/start.)
    """
    client = _client(app, PAYLOADS["username"] if username == "student" else username) if username else app.test_client()
    values = argument_values(corpus_world)
    failures, checked = [], 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        url = build_url(app, rule, values)
        for method in sorted({"GET", "POST", "PUT", "DELETE"} - rule.methods):
            others = [r for r in app.url_map.iter_rules() if r is not rule and method in r.methods
                      and r.rule == rule.rule]
            if others:
                continue  # another rule on the same path takes this method
            response = client.open(url, method=method)
            checked += 1
            if response.status_code >= 500 or response.status_code < 300:
                failures.append((method, url, response.status_code))
            elif response.status_code == 405 and "Allow" not in response.headers or (_is_api(url) and not (response.get_json(silent=True) or {}).get("error")):
                failures.append((method, url, "no Allow header or JSON error"))
    assert not failures, failures[:40]
    assert checked > 100
    assert_main_pages_work(app, corpus_world)


# --- query integers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("username", ["teacher", "student", "admin"])
def test_bad_query_integers_on_every_get_route(app, corpus_world, username):
    name = PAYLOADS["username"] if username == "student" else username
    client = _client(app, name)
    values = argument_values(corpus_world)
    failures, checked = [], 0
    for rule in rules(app, {"GET"}):
        if rule.endpoint in ("api.openapi",) or "logout" in rule.endpoint:
            continue
        url = build_url(app, rule, values)
        for query in QUERY_NAMES:
            for case, value in QUERY_INTS:
                response = client.get(url, query_string={query: value})
                checked += 1
                if response.status_code >= 500:
                    failures.append((case, query, url, response.status_code))
    assert not failures, failures[:40]
    assert checked > 500
    assert_main_pages_work(app, corpus_world)


def test_huge_page_number_gives_the_last_page(app, corpus_world):
    client = _client(app, "teacher")
    for url in ("/instructor/exams", "/instructor/accommodations"):
        for value in ("99999999999999999999", "-3", "abc"):
            assert client.get(url, query_string={"page": value}).status_code == 200, (url, value)
    student = _client(app, PAYLOADS["username"])
    assert student.get("/cases/", query_string={"page": "99999999999999999999"}).status_code == 200


# --- exam definitions: editor, API, YAML, CLI ---------------------------------------------------------

def _editor_form(**overrides) -> dict:
    form = {"title": "坏输入测验", "course": "crm", "max_attempts": "1", "grading_method": "highest",
            "review_policy": "immediately", "grace_seconds": "60", "fixed": "ch01-q901:1",
            "rules-0-difficulty_min": "1", "rules-0-difficulty_max": "5", "rules-0-count": "1",
            "rules-0-points": "1", "rules-0-types": "true_false", "save": "保存考试"}
    form.update(overrides)
    return form


@pytest.mark.parametrize("case,value", BAD_DATES, ids=[c for c, _ in BAD_DATES])
def test_bad_dates_in_the_editor_and_the_api(app, corpus_world, case, value):
    teacher = _client(app, "teacher")
    for field in ("opens_at", "closes_at"):
        response = teacher.post("/instructor/exams/new", data=_editor_form(**{field: value[:16]}))
        assert_refused(response, (case, field, "editor"), api=False)
        body = {"title": "T", "fixed": [{"id": "ch01-q901"}], "classes": [PAYLOADS["class"]], field: value + "Z"}
        response = teacher.post("/api/v1/exams", json=body)
        assert response.status_code in (400, 422), (case, field, response.status_code)
        assert response.get_json()["error"]
        response = teacher.post(f"/instructor/exams/{corpus_world.exam}/edit", data=_editor_form(**{field: value}))
        assert_refused(response, (case, field, "edit"), api=False)
    assert_main_pages_work(app, corpus_world)


def test_year_9999_is_refused_with_the_allowed_range(app, corpus_world):
    teacher = _client(app, "teacher")
    response = teacher.post("/api/v1/exams", json={"title": "T", "fixed": [{"id": "ch01-q901"}],
                                                  "closes_at": "9999-12-31T23:59:59Z"})
    assert response.status_code == 422
    assert "1970" in json.dumps(response.get_json(), ensure_ascii=False)
    response = teacher.post("/instructor/exams/new", data=_editor_form(closes_at="9999-12-31T23:59"))
    assert response.status_code == 400
    assert "1970" in response.get_data(as_text=True)


@pytest.mark.parametrize("case,value", BAD_NUMBERS, ids=[c for c, _ in BAD_NUMBERS])
def test_bad_numbers_in_the_editor_the_api_and_accommodations(app, corpus_world, case, value):
    teacher = _client(app, "teacher")
    for overrides in ({"rules-0-points": value}, {"fixed": f"ch01-q901:{value}"}, {"cases": f"x:{value}"},
                      {"rules-0-count": value}, {"max_attempts": value}, {"time_limit_minutes": value},
                      {"grace_seconds": value}):
        response = teacher.post("/instructor/exams/new", data=_editor_form(**overrides))
        assert_refused(response, (case, overrides), api=False)
        check = teacher.post("/instructor/exams/check-rules", data=_editor_form(**overrides))
        assert_no_500(check, (case, overrides, "check"))
    for field in ("time_multiplier", "extra_minutes", "extra_attempts"):
        form = {"extra_minutes": "0", "time_multiplier": "1.0", "extra_attempts": "0", field: value}
        response = teacher.post(f"/instructor/accommodations/{corpus_world.student}", data=form)
        assert_refused(response, (case, field, "accommodations"), api=False)
    raw = ('{"title": "T", "fixed": [{"id": "ch01-q901", "points": %s}], "rules": [{"count": %s}]}'
           % (value if value.lstrip("-").replace("e", "").isdigit() else json.dumps(value), "1"))
    response = teacher.post("/api/v1/exams", data=raw.encode(), content_type="application/json")
    assert_refused(response, (case, "api"), api=True)
    assert_main_pages_work(app, corpus_world)


@pytest.mark.parametrize("case,text", BAD_EXAM_YAML, ids=[c for c, _ in BAD_EXAM_YAML])
def test_bad_exam_yaml_upload_and_cli(app, corpus_world, tmp_path, case, text):
    teacher = _client(app, "teacher")
    data = {"definition": (io.BytesIO(text.encode("utf-8")), "exam.yaml"), "upload": "上传并保存"}
    response = teacher.post("/instructor/exams/upload", data=data, content_type="multipart/form-data")
    assert_refused(response, (case, "upload"), api=False)
    page = response.get_data(as_text=True)
    assert "exam.yaml" in page, case  # the message names the file…
    if case != "binary":
        assert "行" in page, case  # …and a line
    path = tmp_path / "exam.yaml"
    path.write_text(text, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["exam", "create", str(path)])
    assert result.exit_code == 1, (case, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (case, repr(result.exception))
    assert "exam.yaml" in result.output, (case, result.output)
    assert_main_pages_work(app, corpus_world)


@pytest.mark.parametrize("case,text", BAD_BANK_YAML, ids=[c for c, _ in BAD_BANK_YAML])
def test_bad_bank_yaml_is_linted_line_by_line(app, tmp_path, case, text):
    folder = tmp_path / "bank" / "crm"
    folder.mkdir(parents=True)
    path = folder / "ch01-crm-overview.yaml"
    path.write_text(text, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["bank", "lint", str(folder)])
    assert result.exit_code == 1, (case, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (case, repr(result.exception))
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines and all(line.startswith(f"{path}:") for line in lines if "ch01-crm-overview" in line), result.output
    assert any(line.split(":")[1].isdigit() for line in lines), (case, result.output)


# --- numeric answers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("case,value", BAD_NUMERIC_RESPONSES, ids=[c for c, _ in BAD_NUMERIC_RESPONSES])
def test_bad_numeric_answers_are_never_stored_as_nan(app, tmp_path, case, value):
    from app.extensions import db
    from app.models import AttemptItem
    from app.services.exams import create_exam

    world = build_world(app, str(tmp_path / "bank"))
    with app.app_context():
        from app.models import Question, User

        numeric = db.session.scalar(db.select(Question.qid).where(Question.type == "numeric"))
        teacher = db.session.get(User, world.teacher)
        exam = create_exam({"title": "数值", "classes": [PAYLOADS["class"]], "max_attempts": 0,
                            "fixed": [{"id": numeric, "points": 1}]}, teacher)
        exam_id = exam.id
    student = _client(app, PAYLOADS["username"])
    started = student.post(f"/api/v1/exams/{exam_id}/attempts", json={})
    assert started.status_code in (200, 201), started.get_data(as_text=True)
    attempt_id = started.get_json()["attempt_id"]
    response = student.put(f"/api/v1/attempts/{attempt_id}/answers/{numeric}", json={"response": value, "seq": 1})
    assert response.status_code in (200, 400, 422), (case, response.status_code)
    submitted = student.post(f"/api/v1/attempts/{attempt_id}/submit")
    assert submitted.status_code == 200, submitted.get_data(as_text=True)
    with app.app_context():
        item = db.session.scalar(db.select(AttemptItem).where(AttemptItem.attempt_id == attempt_id))
        assert item.score in (None, 0), (case, item.score)
        assert not isinstance(item.response, float), (case, item.response)  # never a stored NaN/inf



# --- every form of every page ----------------------------------------------------------------------

class _Forms(HTMLParser):
    """The POST forms of a page: (action, field names)."""

    def __init__(self, page_url: str):
        super().__init__()
        self.page_url, self.forms, self._current = page_url, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._current = (attrs.get("action") or self.page_url, [])
            self.forms.append(self._current)
        elif tag in ("input", "textarea", "select") and self._current is not None and attrs.get("name"):
            if (attrs.get("type") or "").lower() not in ("file", "submit", "button"):
                self._current[1].append(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def harvest_forms(app, client, world) -> dict[str, set[str]]:
    """Every POST form reachable from a GET page of the URL map: action → field names."""
    values = argument_values(world)
    forms: dict[str, set[str]] = {}
    for rule in rules(app, {"GET"}):
        if "logout" in rule.endpoint:
            continue
        url = build_url(app, rule, values)
        response = client.get(url)
        if response.status_code != 200 or "html" not in (response.content_type or ""):
            continue
        parser = _Forms(url)
        parser.feed(response.get_data(as_text=True))
        for action, names in parser.forms:
            if "logout" in action or action.startswith("http"):
                continue
            forms.setdefault(action.split("#")[0], set()).update(names)
    return forms


@pytest.mark.parametrize("username", ["teacher", "student", "admin"])
def test_bad_numbers_in_every_form_of_every_page(app, corpus_world, username):
    """Each field of each POST form found on any page gets each bad number (and a long digit run)."""
    client = _client(app, PAYLOADS["username"] if username == "student" else username)
    forms = harvest_forms(app, client, corpus_world)
    assert len(forms) >= (1 if username == "student" else 5), sorted(forms)
    failures = []
    for action, names in sorted(forms.items()):
        if not names - {"csrf_token"}:
            continue  # nothing to fill in (publish, unpublish, submit buttons)
        for case, value in BAD_NUMBERS + [("NUL", "1\x00"), ("long text", "字" * 20_000)]:
            data = {name: value for name in names if name != "csrf_token"}
            response = client.post(action, data=data)
            if response.status_code >= 500:
                failures.append((case, action, response.status_code))
    assert not failures, failures
    assert_main_pages_work(app, corpus_world)


@pytest.mark.parametrize("case,body", JSON_BODIES, ids=[c for c, _ in JSON_BODIES])
def test_bad_json_files_on_the_command_line(app, tmp_path, case, body):
    """``exam create x.json`` and ``case grade --answers x.json`` report the file, never a traceback."""
    from app.domain.cases import list_cases

    path = tmp_path / "bad.json"
    path.write_bytes(body)
    runner = app.test_cli_runner()
    for args in (["exam", "create", str(path)], ["case", "grade", list_cases()[0]["id"], "--answers", str(path)]):
        result = runner.invoke(args=args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (case, args, repr(result.exception))
        if result.exit_code != 0:
            assert "bad.json" in result.output, (case, args, result.output)


@pytest.mark.parametrize("closes_at,opens_at", [("9999-12-31 23:59:59", None), (None, "0001-01-01 00:00:00")])
def test_an_exam_stored_with_an_extreme_time_before_the_rule_does_not_break_pages(app, corpus_world, closes_at,
                                                                                 opens_at):
    """Rows written before the 1970–2200 rule (or by hand) still render: lists, the exam page, the editor."""
    from datetime import datetime

    from app.extensions import db
    from app.models import Exam

    with app.app_context():
        exam = db.session.get(Exam, corpus_world.exam)
        exam.closes_at = datetime.fromisoformat(closes_at) if closes_at else None
        exam.opens_at = datetime.fromisoformat(opens_at) if opens_at else None
        db.session.commit()
    assert_main_pages_work(app, corpus_world)
    student = _client(app, PAYLOADS["username"])
    assert_no_500(student.post(f"/api/v1/exams/{corpus_world.exam}/attempts", json={}), "start")
    assert_no_500(student.get(f"/api/v1/attempts/{corpus_world.attempt}"), "attempt")
    assert_no_500(student.get(f"/exams/attempts/{corpus_world.attempt}"), "take")
    teacher = _client(app, "teacher")
    for url in (f"/instructor/exams/{corpus_world.exam}/definition.yaml", f"/instructor/exams/{corpus_world.exam}/monitor",
                "/instructor/gradebook", "/api/v1/exams"):
        assert_no_500(teacher.get(url), url)


@pytest.mark.parametrize("username", ["teacher", "student", "admin"])
def test_bad_query_texts_on_every_get_route(app, corpus_world, username):
    client = _client(app, PAYLOADS["username"] if username == "student" else username)
    values = argument_values(corpus_world)
    failures = []
    for rule in rules(app, {"GET"}):
        if rule.endpoint in ("api.openapi",) or "logout" in rule.endpoint:
            continue
        url = build_url(app, rule, values)
        for case, value in QUERY_TEXTS:
            response = client.get(url, query_string={name: value for name in QUERY_TEXT_NAMES})
            if response.status_code >= 500:
                failures.append((case, url, response.status_code))
    assert not failures, failures[:40]
    assert_main_pages_work(app, corpus_world)


def test_bad_numbers_in_every_case_answer_field(app, corpus_world):
    """A practice run of every case: each answer field of its work page gets each bad number."""
    from app.domain.cases import list_cases

    student = _client(app, PAYLOADS["username"])
    failures, posted = [], 0
    for case_info in list_cases():
        started = student.post(f"/cases/practice/{case_info['id']}")
        assert started.status_code == 302, (case_info["id"], started.status_code)
        work_url = started.headers["Location"]
        parser = _Forms(work_url)
        parser.feed(student.get(work_url).get_data(as_text=True))
        for action, names in parser.forms:
            fields = [n for n in names if n != "csrf_token"]
            if not fields:
                continue
            for case, value in BAD_NUMBERS + [("long text", "字" * 20_000)]:
                response = student.post(action, data={name: value for name in fields})
                posted += 1
                if response.status_code >= 500:
                    failures.append((case, case_info["id"], action, response.status_code))
    assert posted > 0
    assert not failures, failures
    assert_main_pages_work(app, corpus_world)


def test_escaped_text_that_looks_like_an_escape_is_kept(app, corpus_world):
    """Only real NUL and lone surrogates are refused: the text "\\ud800 \\u0000" and emoji save as typed."""
    student = _client(app, PAYLOADS["username"])
    text = "我写了 \\ud800 和 \\u0000 😀"
    response = student.put(f"/api/v1/attempts/{corpus_world.attempt}/answers/ch01-q902",
                           data=json.dumps({"response": text, "seq": 7}).encode(), content_type="application/json")
    assert response.status_code == 200, response.get_data(as_text=True)
    saved = student.get(f"/api/v1/attempts/{corpus_world.attempt}").get_json()["responses"]
    assert saved["ch01-q902"]["response"] == text


def test_nesting_limit_is_64_levels(app, corpus_world):
    """64 levels (the object itself counts) are parsed and judged on content; 65 are refused as too deep."""
    client = app.test_client()
    for levels, too_deep in ((64, False), (65, True)):
        body = '{"username": ' + "[" * (levels - 1) + "]" * (levels - 1) + ', "password": "x"}'
        response = client.post("/api/v1/session", data=body.encode(), content_type="application/json")
        assert response.status_code == 400, (levels, response.status_code)
        assert ("嵌套" in response.get_json()["error"]) is too_deep, (levels, response.get_json())
