"""Each question type's own exam-page module (app/question_types/<type>/<type>.js) in Chromium: every
registered type has one, what ``apply`` shows ``read`` gives back, and exam.js saves it through the
API, so a paper answered with every key through the modules scores full marks after a reload.
"""

from __future__ import annotations

import json

from app.domain.questions import QUESTION_TYPES, key_response
from app.extensions import db
from app.models import Attempt

from .conftest import wait_for_js
from .test_exam_browser import start_exam


def test_every_type_module_applies_reads_and_saves_its_key(app, live_server, page, exam_factory):
    exam_id = exam_factory(shuffle_options=True)
    start_exam(page, live_server, exam_id)
    registered = page.evaluate("Object.keys(window.CRMQuestionTypes).sort()")
    assert registered == sorted([*QUESTION_TYPES, "case"])

    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt))
        keys = {item.qid: key_response(item.version.data) for item in attempt.items}
        points = {item.qid: (item.points, item.version.data["type"]) for item in attempt.items}
        attempt_id = attempt.id
    # Show each key through its type's module, as a saved response would be shown, and let exam.js
    # save it as it saves a change.
    page.evaluate("""(keys) => {
      document.querySelectorAll('.exam-question').forEach((section) => {
        window.CRMQuestionTypes[section.dataset.type].apply(section, keys[section.dataset.qid]);
        section.dispatchEvent(new Event('change', {bubbles: true}));
      });
    }""", keys)
    wait_for_js(page, "document.getElementById('save-state').textContent.trim() === '已保存'")
    page.wait_for_timeout(300)

    page.evaluate("localStorage.clear()")  # what comes back is the server's copy
    page.reload()
    page.wait_for_selector("#exam-app")
    read = json.loads(page.evaluate("""() => JSON.stringify(Object.fromEntries(
      Array.from(document.querySelectorAll('.exam-question')).map((s) =>
        [s.dataset.qid, window.CRMQuestionTypes[s.dataset.type].read(s)])))"""))
    for qid, key in keys.items():
        given, qtype = read[qid], points[qid][1]
        if qtype == "multiple":  # a set: read in the order the options are shown
            given, key = sorted(given), sorted(key)
        assert given == key or str(given) == str(key), (qtype, given, key)
    assert page.inner_text("#answered-count") == str(len(keys))

    page.click("#submit-btn")
    page.click("#confirm-submit")
    page.wait_for_url("**/review")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        automatic = sum(p for p, qtype in points.values() if not QUESTION_TYPES[qtype].needs_manual)
        assert attempt.score == automatic
