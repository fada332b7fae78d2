"""Review speaks the student's letters: what the exam page showed, the student's review and the
teacher's view of the attempt agree on every option's letter and place (issue 13).

Each choice item gets a seeded shuffle that moves the letters away from the bank ids, so a review
in bank letters would fail here.
"""

from __future__ import annotations

import random
import re
from html.parser import HTMLParser

from app.extensions import db
from app.models import Attempt, AttemptItem
from app.services import attempts as exam_svc

RULES = [{"types": ["single"], "count": 2, "points": 1}, {"types": ["multiple"], "count": 2, "points": 2},
         {"types": ["true_false"], "count": 1}, {"types": ["ordering"], "count": 1, "points": 2}]


class _Options(HTMLParser):
    """Per question: the exam page's (option id, letter) pairs, or the review's option rows."""

    def __init__(self):
        super().__init__()
        self.questions: list[dict] = []
        self._in_letter = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "section" and ("exam-question" in classes or "card" in classes and (a.get("id") or "").startswith("review-")):
            self.questions.append({"type": a.get("data-type"), "options": [], "review": []})
        elif tag == "input" and "answer-input" in classes and a.get("type") in ("radio", "checkbox"):
            self.questions[-1]["options"].append([a["value"], ""])
        elif tag == "span" and classes == ["text-muted", "me-1"] and self.questions and self.questions[-1]["options"]:
            self._in_letter = True
        elif tag == "li" and "review-option" in classes:
            self.questions[-1]["review"].append((a["data-id"], a["data-letter"], a["data-chosen"] == "true",
                                                 a["data-right"] == "true"))

    def handle_data(self, data):
        if self._in_letter:
            self.questions[-1]["options"][-1][1] += data.strip().rstrip(".")

    def handle_endtag(self, tag):
        if tag == "span":
            self._in_letter = False


def _parse(page: str) -> list[dict]:
    parser = _Options()
    parser.feed(page)
    return parser.questions


def _shuffled_attempt(app, client, auth, exam_factory):
    """A started attempt whose choice items each have a seeded shuffle that moves the first option."""
    exam_id = exam_factory(rules=RULES)
    auth.login("student")
    take_url = client.post(f"/exams/{exam_id}/start").headers["Location"]
    rng = random.Random(13)
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt).filter_by(exam_id=exam_id))
        for item in attempt.items:
            data = item.version.data
            if data["type"] in ("single", "multiple", "ordering"):
                ids = list(data["options"])
                order = ids[:]
                while order[0] == ids[0]:  # the letter A names another option than the bank's A
                    rng.shuffle(order)
                item.presentation = {"options": order}
        db.session.commit()
        return attempt.id, take_url


def _answer_and_submit(app, attempt_id):
    """Single: the presented B; multiple: presented A and C; true/false: false. Returns what was picked."""
    picked = {}
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        for item in attempt.items:
            data, order = item.version.data, (item.presentation or {}).get("options")
            if data["type"] == "single":
                picked[item.qid] = order[1]
            elif data["type"] == "multiple":
                picked[item.qid] = [order[0], order[2]]
            elif data["type"] == "true_false":
                picked[item.qid] = False
            else:
                continue
            exam_svc.save_response(attempt, item.qid, picked[item.qid], None)
        exam_svc.submit(attempt)
    return picked


def test_page_review_and_teacher_view_agree_on_letters(app, client, auth, exam_factory):
    attempt_id, take_url = _shuffled_attempt(app, client, auth, exam_factory)
    page = _parse(client.get(take_url).get_data(as_text=True))
    picked = _answer_and_submit(app, attempt_id)
    review_html = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    auth.logout()
    auth.login("teacher")
    teacher_html = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    review, teacher = _parse(review_html), _parse(teacher_html)
    assert len(page) == len(review) == len(teacher) == 6
    with app.app_context():
        items = db.session.scalars(db.select(AttemptItem).filter_by(attempt_id=attempt_id)
                                   .order_by(AttemptItem.position)).all()
        keys = {i.qid: i.version.data.get("answer") for i in items}
        qids = [i.qid for i in items]
    moved = 0
    for qid, shown, student_view, teacher_view in zip(qids, page, review, teacher, strict=True):
        if shown["type"] in ("single", "multiple"):
            presented = [(ident, letter) for ident, letter in shown["options"]]
            assert [letter for _, letter in presented] == list("ABCDEFGHIJ"[:len(presented)])
            for view in (student_view, teacher_view):
                assert [(i, letter) for i, letter, _c, _r in view["review"]] == presented
                chosen = {i for i, _l, c, _r in view["review"] if c}
                right = {i for i, _l, _c, r in view["review"] if r}
                assert chosen == set(picked[qid] if isinstance(picked[qid], list) else [picked[qid]])
                assert right == set(keys[qid] if isinstance(keys[qid], list) else [keys[qid]])
            moved += any(ident != letter for ident, letter in presented)
        elif shown["type"] == "true_false":
            assert [i for i, _l, _c, _r in student_view["review"]] == ["true", "false"]
            assert [c for _i, _l, c, _r in student_view["review"]] == [False, True]
    assert moved >= 3  # the shuffles really moved letters away from the bank ids
    # "Your answer" names the presented letters: each single pick was the presented B.
    answers = re.findall(r'class="col-sm-10 student-response">([^<]*)<', review_html)
    assert sum(a.startswith("B. ") and ";" not in a for a in answers) == 2
    assert sum(a.startswith("A. ") and ";C. " in a for a in answers) == 2
    assert "true" not in answers and "false" not in answers
    assert "错误" in answers  # the true/false pick, in words


def test_review_marks_are_words_not_colour_only(app, client, auth, exam_factory):
    attempt_id, _take_url = _shuffled_attempt(app, client, auth, exam_factory)
    _answer_and_submit(app, attempt_id)
    html = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "你的选择（" in html and "✓" in html and "✗" in html
    assert 'class="badge text-bg-secondary ms-1">正确答案<' in html  # a right option the student missed


def test_ordering_review_shows_item_texts_not_bank_letters(app, client, auth, exam_factory):
    attempt_id, _take_url = _shuffled_attempt(app, client, auth, exam_factory)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        item = next(i for i in attempt.items if i.version.data["type"] == "ordering")
        data = item.version.data
        exam_svc.save_response(attempt, item.qid, list(reversed(data["answer"])), None)
        exam_svc.submit(attempt)
        expected = " → ".join(data["options"][k] for k in reversed(data["answer"]))
        key = " → ".join(data["options"][k] for k in data["answer"])
    html = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    assert f'student-response">{expected}<' in html
    assert f'<dd lang="zh" class="col-sm-10">{key}</dd>' in html  # the key is bank text: marked
