"""Every page in English, as a student, a teacher and an admin, shows no Chinese outside user content.

The walk takes every GET rule of the URL map (arguments filled from the hostile world of
``tests/security/conftest.py``, as the axe-core walk in ``tests/browser/test_accessibility.py``
does) and reads each HTML page's text, the attributes a user sees or hears (title, aria-label,
placeholder, alt, button values, confirmation prompts) and the JSON blocks the scripts read.

User content is marked in the templates with ``lang="zh"`` on the element that wraps it
(question stems and options, lesson and case text, names, class names, exam titles, tags, teacher
comments...): it is Chinese whatever the interface language, and the attribute also tells a
screen reader to read it as Chinese on an English page (WCAG 3.1.2, language of parts). The walk
skips a marked element with everything inside it; nothing else on the page may hold a Chinese
character. An attribute or JSON value that embeds user content in an interface sentence is
checked with the page's marked texts removed from it.
"""

from __future__ import annotations

import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.security.conftest import PAYLOADS, argument_values, build_url, build_world, login, rules

CHINESE = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+")
# Elements whose end tag HTML lets an author leave out: a sibling of the same kind closes them.
SELF_CLOSING_SIBLINGS = {"li", "dt", "dd", "p", "td", "th", "tr", "option"}
CONTAINERS = {"ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "select", "div", "section"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SEEN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-confirm", "aria-description",
                   "aria-roledescription", "data-bs-title"}
PO = Path(__file__).resolve().parents[2] / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def is_marked(attrs: dict) -> bool:
    """The user-content marker: ``lang="zh"`` (or any ``zh-…`` tag) on the wrapping element."""
    return (attrs.get("lang") or "").lower().startswith("zh")


class PageText(HTMLParser):
    """Collects interface text (outside marked elements) and the texts inside marked elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, marked)
        self.interface: list[tuple[str, str]] = []  # (where, text)
        self.attributes: list[tuple[str, str]] = []
        self.content: list[str] = []
        self.json_blocks: list[str] = []
        self._json = False

    @property
    def marked(self) -> bool:
        return any(marked for _tag, marked in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        marked = is_marked(attrs)
        if not (self.marked or marked):
            for name in SEEN_ATTRIBUTES:
                if attrs.get(name):
                    self.attributes.append((f"<{tag} {name}>", attrs[name]))
            if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
                self.attributes.append((f"<{tag} value>", attrs["value"]))
        elif marked:
            self.content.extend(v for k, v in attrs.items() if k in SEEN_ATTRIBUTES | {"value"} and v)
        if tag in SELF_CLOSING_SIBLINGS:
            self._close_open_sibling(tag)
        if tag not in VOID:
            self.stack.append((tag, marked))
        self._json = tag == "script" and (attrs.get("type") or "").endswith("json")

    def _close_open_sibling(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            name = self.stack[index][0]
            if name == tag or (tag in ("dt", "dd") and name in ("dt", "dd")):
                del self.stack[index:]
                return
            if name in CONTAINERS:
                return

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break
        self._json = False

    def handle_data(self, data):
        if not data.strip():
            return
        if self.marked:
            self.content.append(data.strip())
        elif self._json:
            self.json_blocks.append(data)
        elif self.stack and self.stack[-1][0] == "title":
            # The window title cannot mark a part: checked like an attribute, user content removed.
            self.attributes.append(("title", data.strip()))
        elif not self.stack or self.stack[-1][0] not in ("script", "style"):
            where = "/".join(tag for tag, _m in self.stack[-3:])
            self.interface.append((where, data.strip()))


def _json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _json_strings(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


@cache
def translation_examples() -> tuple[str, ...]:
    """Chinese that English translations keep on purpose, as input examples ("e.g. 2.6万")."""
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    found = {chunk for m in catalog if m.id for s in (m.string if isinstance(m.string, tuple) else (m.string,))
             for chunk in CHINESE.findall(s or "")}
    return tuple(sorted(found, key=len, reverse=True))


def stray_chinese(html: str) -> list[str]:
    """Chinese outside user content: ``where: text`` for each piece."""
    parser = PageText()
    parser.feed(html)
    content = sorted({c for c in parser.content if CHINESE.search(c)}, key=len, reverse=True)

    def without_examples(text: str) -> str:
        for example in translation_examples():
            text = text.replace(example, "")
        return text

    def without_content(text: str) -> str:
        for piece in content:
            text = text.replace(piece, "")
        return without_examples(text)

    found = [f"{where}: {text[:80]}" for where, text in parser.interface if CHINESE.search(without_examples(text))]
    found += [f"{where}: {text[:80]}" for where, text in parser.attributes if CHINESE.search(without_content(text))]
    for block in parser.json_blocks:
        try:
            strings = list(_json_strings(json.loads(block)))
        except ValueError:
            strings = [block]
        found += [f"json: {s[:80]}" for s in strings if CHINESE.search(without_content(s))]
    return found


def test_the_walk_sees_chinese_outside_marked_content_only():
    page = ('<main><h1>Exam</h1><p lang="zh">题干<b>甲</b></p><input type="submit" value="Save">'
            '<button aria-label="Grade 张三">x</button><span lang="zh">张三</span></main>')
    assert stray_chinese(page) == []
    assert stray_chinese("<p>Exam <b>考试</b></p>") == ["p/b: 考试"]
    assert stray_chinese('<input type="submit" value="保存">') == ["<input value>: 保存"]
    assert stray_chinese('<script type="application/json">{"saved": "已保存"}</script>') == ["json: 已保存"]
    assert stray_chinese('<ul><li lang="zh">甲<li>乙</ul>') != []  # an unclosed marked element ends with its parent


def html_get_urls(app, world) -> list[str]:
    """The URL of every GET rule of the URL map, arguments filled from the world."""
    values = argument_values(world)
    return sorted({build_url(app, rule, values) for rule in rules(app, {"GET"})})


@pytest.mark.slow
def test_every_page_in_english_has_no_stray_chinese(app, tmp_path):
    world = build_world(app, str(tmp_path / "bank"))
    urls = html_get_urls(app, world)
    found, checked = [], 0
    for username in (PAYLOADS["username"], "teacher", "admin"):
        client = app.test_client()
        assert client.post("/language", data={"locale": "en"}).status_code == 302
        login(client, username)
        for url in urls:
            if "logout" in url:
                continue
            response = client.get(url)
            if response.status_code != 200 or not response.content_type.startswith("text/html"):
                continue
            checked += 1
            page = response.get_data(as_text=True)
            assert '<html lang="en"' in page, url
            found += [f"{url} as {username[:7]}: {spot}" for spot in stray_chinese(page)]
    assert checked >= 40, f"only {checked} HTML pages checked"
    assert found == [], "\n".join(found)


# --- results in English: grader feedback, review, statistics, grading ---------------------------

def _answer(qtype: str, key):
    """A response per type that is right, partly right or wrong, so that every kind of feedback shows."""
    return {"single": key, "multiple": key[:1] if isinstance(key, list) and len(key) > 1 else key,
            "true_false": not key, "ordering": list(reversed(key)) if isinstance(key, list) else key,
            "numeric": None, "fill_blank": ["不对"] * len(key) if isinstance(key, list) else key,
            "matching": key, "essay": "我的回答"}.get(qtype, key)


def test_results_pages_in_english_translate_the_graders_feedback(app, client, auth, exam_factory):
    from app.domain.questions import key_response
    from app.extensions import db
    from app.models import AttemptItem

    exam_id = exam_factory()
    assert client.post("/language", data={"locale": "en"}).status_code == 302
    headers = login(client, "student")
    attempt = client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers).get_json()
    with app.app_context():
        items = db.session.scalars(db.select(AttemptItem).filter_by(attempt_id=attempt["attempt_id"])).all()
        responses = {i.qid: _answer(i.version.data["type"], key_response(i.version.data)) for i in items}
    for qid, response in responses.items():
        if response is not None:
            saved = client.put(f"/api/v1/attempts/{attempt['attempt_id']}/answers/{qid}", json={"response": response},
                               headers=headers)
            assert saved.status_code == 200, saved.get_json()
    assert client.post(f"/api/v1/attempts/{attempt['attempt_id']}/submit", headers=headers).status_code == 200

    review = client.get(f"/exams/attempts/{attempt['attempt_id']}/review").get_data(as_text=True)
    assert stray_chinese(review) == []
    assert "Correct." in review and "Incorrect." in review
    assert "Blank 1: " in review and "Rubric: " in review and "第 1 空" not in review and "评分要点" not in review
    assert "回答正确" not in review and "部分正确" not in review
    api = client.get(f"/api/v1/attempts/{attempt['attempt_id']}").get_json()
    feedback = {r["id"]: r["feedback"] for r in api["results"]}
    assert "Correct." in feedback.values() and not any(CHINESE.search(f) for f in feedback.values())

    client.post("/language", data={"locale": "zh_Hans_CN"})
    assert "回答正确。" in client.get(f"/exams/attempts/{attempt['attempt_id']}/review").get_data(as_text=True)

    teacher = app.test_client()
    teacher.post("/language", data={"locale": "en"})
    login(teacher, "teacher")
    for url in (f"/instructor/exams/{exam_id}/statistics", f"/instructor/grading/exams/{exam_id}",
                f"/instructor/exams/{exam_id}/monitor", f"/exams/attempts/{attempt['attempt_id']}/review"):
        page = teacher.get(url)
        assert page.status_code == 200, url
        assert stray_chinese(page.get_data(as_text=True)) == [], url
    statistics = teacher.get(f"/instructor/exams/{exam_id}/statistics").get_data(as_text=True)
    assert "Stem and option analysis" in statistics and "Stemand" not in statistics
    assert "Single choice" in statistics and "Too few responses (1, fewer than 10)" in statistics


def test_stored_feedback_of_either_punctuation_is_translated(app):
    """Answers graded before the full-width change keep their stored half-width feedback."""
    from flask import session

    from app.i18n import translate_stored

    with app.test_request_context("/"):
        session["locale"] = "en"
        assert translate_stored("部分正确:选对 1 项,错选 0 项。") == "Partly correct: 1 right choices, 0 wrong choices."
        assert translate_stored("部分正确：答对 2 空（共 3 空）。") == "Partly correct: 2 of 3 blanks right."
        assert translate_stored("已提交,等待教师评分。") == "Submitted; waiting for the teacher to grade it."
        assert translate_stored("随便一句话") == "随便一句话"
        assert translate_stored("回答错误。(已按第 3 版更正后的答案重新评分)") == \
            "Incorrect. (regraded with the corrected key of version 3)"
    with app.test_request_context("/"):
        assert translate_stored("部分正确:选对 1 项,错选 0 项。") == "部分正确：选对 1 项，错选 0 项。"


def test_case_pages_in_english_mark_the_case_text(app, client, users):
    """A case run (task, data, steps, answer grid) shows its Chinese only inside marked content."""
    from app.domain.cases import list_cases

    client.post("/language", data={"locale": "en"})
    login(client, "student")
    found = []
    for case in list_cases():
        for form in ({}, {"textbook": "1"}):  # a random variant and the fixed one (its name is translated)
            run = client.post(f"/cases/practice/{case['id']}", data=form)
            assert run.status_code == 302, case["id"]
            page = client.get(run.headers["Location"]).get_data(as_text=True)
            found += [f"{case['id']} {form}: {spot}" for spot in stray_chinese(page)]
    assert found == []


def _wrong_answers(variant, answers, how):
    """The model answers made wrong: every value (``all``), every other row (``half``) or unreadable (``garbage``)."""
    def number(value, i):
        if how == "garbage":
            return "x?"
        return value if how == "half" and i % 2 else round(float(value) * 1.37 + 1, 2)

    def label(value, i, options):
        if how == "garbage":
            return "??"
        if how == "half" and i % 2:
            return value
        keys = [key for key, _ in options] or ["A", "B", "C"]
        return keys[(keys.index(value) + 1) % len(keys)] if value in keys else keys[0]

    wrong = {}
    for step in variant.steps:
        value = answers.get(step.id)
        if step.kind == "table":
            wrong[step.id] = {row: ({k: number(v, i) for k, v in cells.items()} if isinstance(cells, dict)
                                    else number(cells, i)) for i, (row, cells) in enumerate(value.items())}
        elif step.kind == "text_table":  # written cells: some left empty (garbage: no words at all)
            wrong[step.id] = {row: {k: "??" if how == "garbage" else "" if (i + j) % (2 if how == "all" else 5) == 0
                                    else v for j, (k, v) in enumerate(cells.items())}
                              for i, (row, cells) in enumerate(value.items())}
        elif step.kind == "classification":
            wrong[step.id] = {row: label(v, i, step.options) for i, (row, v) in enumerate(value.items())}
        elif step.kind == "ranking":
            wrong[step.id] = list(reversed(value))
        elif step.kind == "choice":
            wrong[step.id] = label(value, 0, step.options)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            wrong[step.id] = number(value, 0)
        elif value is not None:
            wrong[step.id] = "C01" if how != "garbage" else "Z"
    return wrong


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_case_feedback_in_english_has_no_stray_chinese(app, client, users, locale):
    """Wrong, partly wrong and unreadable answers to every case: the step feedback is translated
    (cell and row labels of the case stay Chinese, marked); a Chinese user still reads the Chinese."""
    from app.domain.cases import list_cases, make_variant, solution
    from tests.web.test_cases_web import _form

    client.post("/language", data={"locale": locale})
    login(client, "student")
    found, feedback_blocks = [], 0
    for case in list_cases():
        variant, _error = make_variant(case["id"], textbook=True)
        for how in ("all", "half", "garbage"):
            run = client.post(f"/cases/practice/{case['id']}", data={"textbook": "1"})
            url = run.headers["Location"]
            client.post(url, data=_form(variant, _wrong_answers(variant, solution(variant), how)))
            page = client.get(url).get_data(as_text=True)
            feedback_blocks += page.count("step-feedback")
            if locale == "en":
                assert ("0 of " in page or "Incorrect" in page or "Not understood" in page
                        or "scores nothing" in page or "cells filled" in page or "Not answered" in page), (case["id"], how)
                found += [f"{case['id']} {how}: {spot}" for spot in stray_chinese(page)]
            else:
                assert ("项正确" in page or "不正确" in page or "无法识别" in page
                        or "不得分" in page or "未填写" in page or "未作答" in page), (case["id"], how)
    assert feedback_blocks > 30 and found == []


def test_every_grader_sentence_of_the_bank_has_an_english_translation(app):
    """Right, partly right, wrong and empty answers to every shipped question: all feedback translates."""
    import yaml
    from flask import session

    from app.domain.questions import grade, key_response
    from app.i18n import translate_stored
    from tests.conftest import REAL_BANK

    questions = [q for path in sorted(Path(REAL_BANK).glob("*.yaml"))
                 for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]]
    with app.test_request_context("/"):
        session["locale"] = "en"
        untranslated = set()
        for question in questions:
            key = key_response(question)
            for response in (key, _answer(question["type"], key), None):
                feedback = grade(question, response).feedback
                if CHINESE.search(translate_stored(feedback)):
                    untranslated.add(feedback)
    assert len(questions) > 100 and untranslated == set()


def test_rule_check_messages_reach_an_english_teacher_in_english(app, client, exam_factory, mini_bank):
    """The drawing rules' sentences come from the domain in Chinese; the editor and the API show English."""
    client.post("/language", data={"locale": "en"})
    headers = login(client, "teacher")
    response = client.post("/api/v1/exams", headers=headers, json={
        "title": "Too many essays", "time_limit_minutes": 10, "classes": ["一班"],
        "rules": [{"types": ["essay"], "count": 50}], "fixed": [{"id": "no-such-q"}]})
    body = response.get_json()
    assert response.status_code == 422, body
    assert any(d.startswith("Rule 1 (Question type Essay) needs 50 questions") for d in body["details"]), body
    assert not any(CHINESE.search(d) for d in body["details"]), body
    report = client.post("/instructor/exams/check-rules", data={
        "rules-0-types": "essay", "rules-0-count": "50", "rules-0-points": "1", "fixed": "no-such-q"}).get_json()
    assert "Fixed question no-such-q is not in the bank" in report["problems"]
    assert report["rules"][0]["message"].startswith("Rule 1 (Question type Essay) needs 50 questions")


def test_case_feedback_sentences_translate_with_their_numbers_and_marked_labels(app):
    from flask import session

    from app.i18n import translate_case_feedback

    notes = "C03 初分不是 A 类，不需要校验；漏掉了 C05（年交易 40 次、平均间隔 9 天）。提示：A 类客户应年交易不少于 52 次、平均交易间隔不超过 7 天。"
    listing = "共 15 项，12 项正确。你把客户数占比和交易额占比弄反了（A 类·客户数占比（%）、B 类·交易额占比（%））。"
    with app.test_request_context("/"):
        session["locale"] = "en"
        assert translate_case_feedback(notes) == (
            "C03 is not in class A in the first classification and needs no check; C05 is missing (40 transactions a "
            "year, average interval 9 days). Hint: A class A customer trades at least 52 times a year with an average "
            "interval of at most 7 days.")
        assert translate_case_feedback(listing) == (
            '12 of 15 items correct. You swapped the share of customers and the share of the amount '
            '(<span lang="zh">A 类·客户数占比（%）</span>, <span lang="zh">B 类·交易额占比（%）</span>).')
        assert translate_case_feedback("随便一句话。") == "随便一句话。"
    with app.test_request_context("/"):
        assert translate_case_feedback(notes) == notes


def test_exam_review_case_steps_in_english(app, client, exam_factory):
    """A case item answered wrongly in an exam: its step feedback in the review is English."""
    from app.domain.cases import make_variant, solution
    from app.extensions import db
    from app.models import AttemptItem

    exam_id = exam_factory(rules=[{"types": ["single"], "count": 1}], cases=[{"id": "abc-classification", "points": 20}])
    client.post("/language", data={"locale": "en"})
    headers = login(client, "student")
    body = client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers).get_json()
    qid = next(q["id"] for q in body["questions"] if q["type"] == "case")
    with app.app_context():
        item = db.session.scalar(db.select(AttemptItem).filter_by(attempt_id=body["attempt_id"], qid=qid))
        variant, _error = make_variant("abc-classification", item.presentation["case_seed"])
    answers = _wrong_answers(variant, solution(variant), "half")
    assert client.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}", json={"response": answers, "seq": 1},
                      headers=headers).status_code == 200
    assert client.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=headers).status_code == 200
    review = client.get(f"/exams/attempts/{body['attempt_id']}/review").get_data(as_text=True)
    assert "case-review" in review and "items correct" in review
    assert stray_chinese(review) == []
