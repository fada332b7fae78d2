"""Hostile text comes out escaped or sanitised on every page; no key reaches a student before review."""

from __future__ import annotations

import io
import json

import pytest

from tests.security.conftest import (EXPLANATION_MARKER, PAYLOADS, RAW_HTML, RUBRIC_MARKER, argument_values,
                                     build_url, build_world, login, rules)

HOSTILE_NAMES = [PAYLOADS["username"], "teacher", "admin"]


def crawl(app, client, values):
    """GET every route of the URL map with the world's ids; yields (url, response) for those that answer 200."""
    for rule in rules(app, {"GET"}):
        url = build_url(app, rule, values)
        response = client.get(url)
        if response.status_code == 200:
            yield url, response


def html_fields(value):
    """Every string under a key that clients insert as HTML (``html``, ``*_html``)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and (key == "html" or key.endswith("_html")):
                yield item
            else:
                yield from html_fields(item)
    elif isinstance(value, list):
        for item in value:
            yield from html_fields(item)


@pytest.mark.parametrize("username", HOSTILE_NAMES)
def test_hostile_text_is_escaped_on_every_page(app, world, username):
    client = app.test_client()
    login(client, username)
    pages = []
    for url, response in crawl(app, client, argument_values(world)):
        if response.mimetype == "text/html":
            body = response.get_data(as_text=True)
            match = RAW_HTML.search(body)
            assert match is None, (url, body[max(0, match.start() - 200):match.end() + 100])
            pages.append(url)
        elif response.mimetype == "application/json":
            for fragment in html_fields(response.get_json()):
                assert not RAW_HTML.search(fragment), (url, fragment)
    # The walk saw the pages that show the hostile data, not only empty ones.
    assert len(pages) >= 5, pages


def test_the_hostile_text_really_is_on_the_pages(app, world):
    """Escaped, not dropped: the review shows the essay and the question, as text."""
    from app.services.attempts import submit
    from app.extensions import db
    from app.models import Attempt

    with app.app_context():
        submit(db.session.get(Attempt, world.attempt))
    client = app.test_client()
    login(client, PAYLOADS["username"])
    body = client.get(f"/exams/attempts/{world.attempt}/review").get_data(as_text=True)
    assert "我的回答&lt;script&gt;alert(" in body
    assert EXPLANATION_MARKER in body and "题干" in body
    assert not RAW_HTML.search(body)


def test_hostile_upload_file_names_are_escaped(app, world):
    client = app.test_client()
    login(client, "teacher")
    name = "<img src=x onerror=alert('xss-file')>.xlsx"
    for url in (f"/instructor/classes/{world.class_a}",):
        response = client.post(url, data={"file": (io.BytesIO(b"not a workbook"), name)},
                               content_type="multipart/form-data")
        assert response.status_code in (200, 400), response.status_code
        assert not RAW_HTML.search(response.get_data(as_text=True))


@pytest.mark.parametrize("policy", ["never", "after_close"])
def test_no_key_explanation_or_score_before_review(app, tmp_path, policy):
    from app.extensions import db
    from app.models import Attempt
    from app.services.attempts import submit

    world = build_world(app, str(tmp_path / "bank"), review_policy=policy)
    client = app.test_client()
    headers = login(client, PAYLOADS["username"])
    values = argument_values(world)

    def assert_nothing_leaks(stage):
        for url, response in crawl(app, client, values):
            body = response.get_data(as_text=True)
            assert EXPLANATION_MARKER not in body and RUBRIC_MARKER not in body, (stage, url)
            if response.mimetype == "application/json" and not url.endswith("/openapi.json"):
                text = json.dumps(response.get_json())
                for key in ('"score"', '"results"', '"explanation"', '"answer"', '"rubric"'):
                    assert key not in text, (stage, url, key)

    assert_nothing_leaks("in progress")
    started = client.post(f"/api/v1/exams/{world.exam}/attempts", headers=headers).get_json()
    assert "score" not in started
    done = client.post(f"/api/v1/attempts/{world.attempt}/submit", headers=headers).get_json()
    assert done == {"submitted": True}
    with app.app_context():
        assert db.session.get(Attempt, world.attempt).status == "submitted"
    assert_nothing_leaks("submitted")
    with app.app_context():  # the instructor does see it: the check above is not vacuous
        attempt = db.session.get(Attempt, world.attempt)
        submit(attempt)
    teacher = app.test_client()
    login(teacher, "teacher")
    assert EXPLANATION_MARKER in teacher.get(f"/exams/attempts/{world.attempt}/review").get_data(as_text=True)
