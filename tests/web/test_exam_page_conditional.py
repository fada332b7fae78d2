"""Reloading an unchanged exam page answers 304 (app/exams/routes.py ``take``, page.page_etag).

A 304 tells the browser to show its own stored copy, so it may only come when nothing the page
shows or embeds has changed: a save, a flag, a deadline extension, a submit, a language switch,
another session or another student all get the page anew.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta

from app.extensions import db
from app.models import Attempt, AttemptItem, User
from tests.web.test_exam_page_cache import login as cache_login, start


def login(app, username: str):
    return cache_login(app, username, past_welcome=True)


def csrf(client) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get("/exams/").get_data(as_text=True)).group(1)


def first_load(client, attempt_id: int) -> str:
    response = client.get(f"/exams/attempts/{attempt_id}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-cache"
    assert "exam-app" in response.get_data(as_text=True)
    return response.headers["ETag"]


def reload(client, attempt_id: int, etag: str):
    return client.get(f"/exams/attempts/{attempt_id}", headers={"If-None-Match": etag})


def qids(app, attempt_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(AttemptItem.qid).filter_by(attempt_id=attempt_id)
                                       .order_by(AttemptItem.position)))


def test_an_unchanged_reload_is_304_without_a_body(app, exam_factory, users):
    client = login(app, "student")
    attempt_id = start(client, exam_factory())
    etag = first_load(client, attempt_id)
    again = reload(client, attempt_id, etag)
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "private, no-cache"
    assert reload(client, attempt_id, '"something-else"').status_code == 200
    # A proxy that compresses the page weakens the tag (nginx: W/"…"); the reload still matches.
    assert reload(client, attempt_id, "W/" + etag).status_code == 304


def test_a_save_or_a_flag_gives_the_new_page(app, exam_factory, users):
    client = login(app, "student")
    attempt_id = start(client, exam_factory())
    headers = {"X-CSRFToken": csrf(client)}
    qid = qids(app, attempt_id)[0]
    etag = first_load(client, attempt_id)
    saved = client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}", json={"response": "A", "seq": 1},
                       headers=headers)
    assert saved.status_code == 200
    after_save = reload(client, attempt_id, etag)
    assert after_save.status_code == 200 and after_save.headers["ETag"] != etag
    assert '"seq": 1' in after_save.get_data(as_text=True)
    etag = after_save.headers["ETag"]
    flagged = client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}",
                         json={"response": "A", "seq": 2, "flagged": True}, headers=headers)
    assert flagged.status_code == 200
    assert reload(client, attempt_id, etag).status_code == 200


def test_a_deadline_extension_gives_the_new_page(app, exam_factory, users):
    client = login(app, "student")
    attempt_id = start(client, exam_factory())
    etag = first_load(client, attempt_id)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline = attempt.deadline + timedelta(minutes=10)
        new_deadline = attempt.deadline.isoformat(timespec="seconds") + "Z"
        db.session.commit()
    response = reload(client, attempt_id, etag)
    assert response.status_code == 200 and new_deadline in response.get_data(as_text=True)


def test_a_submit_goes_to_the_review_not_a_stored_copy(app, exam_factory, users):
    client = login(app, "student")
    attempt_id = start(client, exam_factory())
    etag = first_load(client, attempt_id)
    assert client.post(f"/api/v1/attempts/{attempt_id}/submit", headers={"X-CSRFToken": csrf(client)}).status_code == 200
    response = reload(client, attempt_id, etag)
    assert response.status_code == 302 and response.headers["Location"].endswith("/review")


def test_a_language_switch_or_a_new_name_gives_the_new_page(app, exam_factory, users):
    client = login(app, "student")
    attempt_id = start(client, exam_factory())
    etag = first_load(client, attempt_id)
    client.post("/language", data={"locale": "en"})
    english = reload(client, attempt_id, etag)
    assert english.status_code == 200 and 'lang="en"' in english.get_data(as_text=True)
    etag = english.headers["ETag"]
    with app.app_context():
        db.session.scalar(db.select(User).filter_by(username="student")).full_name = "张三丰"
        db.session.commit()
    renamed = reload(client, attempt_id, etag)
    assert renamed.status_code == 200 and "张三丰" in renamed.get_data(as_text=True)


def test_another_session_or_student_never_matches(app, exam_factory, users):
    exam_id = exam_factory()
    one = login(app, "student")
    attempt_one = start(one, exam_id)
    etag_one = first_load(one, attempt_one)
    # The same student in another browser: another session, another CSRF secret, so its own page.
    other_browser = login(app, "student")
    assert reload(other_browser, attempt_one, etag_one).status_code == 200
    # Another student: 404 for the first one's attempt whatever the ETag, and their own page in full.
    two = login(app, "student2")
    assert reload(two, attempt_one, etag_one).status_code == 404
    attempt_two = start(two, exam_id)
    response = reload(two, attempt_two, etag_one)
    assert response.status_code == 200 and response.headers["ETag"] != etag_one


def test_a_pending_flash_is_shown_not_skipped(app, exam_factory, users):
    client = login(app, "student")
    attempt_id = start(client, exam_factory())
    etag = first_load(client, attempt_id)
    with client.session_transaction() as sess:
        sess["_flashes"] = [("info", "FLASH-TEST")]
    response = reload(client, attempt_id, etag)
    assert response.status_code == 200 and "FLASH-TEST" in response.get_data(as_text=True)


def test_no_etag_when_csrf_tokens_expire(app, exam_factory, users):
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600  # a stored copy's token could have expired
    client = login(app, "student")
    attempt_id = start(client, exam_factory())
    response = client.get(f"/exams/attempts/{attempt_id}")
    assert response.status_code == 200 and "ETag" not in response.headers
    assert reload(client, attempt_id, '"x"').status_code == 200


def test_another_worker_running_the_same_code_answers_304(app, app_config, exam_factory, users):
    """ETags hold across processes and servers (page.code_digest, not a per-process value)."""
    from app import create_app

    client = login(app, "student")
    attempt_id = start(client, exam_factory())
    etag = first_load(client, attempt_id)
    other = create_app(dict(app_config))  # a second worker on the same database
    try:
        worker = other.test_client()
        worker.set_cookie("session", client.get_cookie("session").value)
        assert reload(worker, attempt_id, etag).status_code == 304
    finally:
        with other.app_context():
            db.engine.dispose()
    # And another process computes the same code digest, the ETag's only non-data part.
    import subprocess
    import sys

    from app.exams.page import code_digest

    out = subprocess.run([sys.executable, "-c", "from app.exams.page import code_digest; print(code_digest())"],
                         capture_output=True, text=True, check=True, cwd=os.path.dirname(os.path.dirname(
                             os.path.dirname(os.path.abspath(__file__)))))
    assert out.stdout.strip() == code_digest()
