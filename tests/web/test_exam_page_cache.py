"""The exam page assembled from cached question fragments (app/exams/page.py).

Every check goes through the test client: the cached page must carry the same questions,
inputs, options and labels as a direct render, per student and per locale.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask import render_template_string

from app.extensions import db
from app.models import AttemptItem
from app.exams import page as exam_page
from app.services.exam_payloads import question_payload
from tests.conftest import PASSWORD

SINGLE_ONLY = [{"types": ["single"], "count": 3, "points": 1}]  # the mini bank has exactly 3: both students draw all


class _Structure(HTMLParser):
    """Every tag with its attributes and every non-blank text, in document order (whitespace-insensitive)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.events.append(("start", tag, tuple(sorted((k, v or "") for k, v in attrs))))

    def handle_endtag(self, tag):
        self.events.append(("end", tag))

    def handle_data(self, data):
        if data.strip():
            self.events.append(("text", " ".join(data.split())))


def structure(html: str) -> list[tuple]:
    parser = _Structure()
    parser.feed(re.sub(r'"server_time": "[^"]*"', '"server_time": ""', html))  # the one per-request value
    return parser.events


def questions_part(page: str) -> str:
    """The questions column: from the first question to the bottom submit button."""
    start = page.index('<section class="card mb-3 exam-question"')
    return page[start:page.index('id="submit-btn-bottom"', start)].rsplit("<button", 1)[0]


def sections(page: str) -> list[str]:
    return re.findall(r'<section class="card mb-3 exam-question".*?</section>', page, re.S)


def section_for(page: str, qid: str) -> str:
    return next(s for s in sections(page) if f'data-qid="{qid}"' in s)


def login(app, username: str, past_welcome: bool = False):
    """A test client logged in as ``username`` through the form; ``past_welcome``: its welcome
    flash already shown (on the exam list), so the next page is the plain one."""
    client = app.test_client()
    assert client.post("/auth/login", data={"username": username, "password": PASSWORD}).status_code == 302
    if past_welcome:
        client.get("/exams/")
    return client


def start(client, exam_id: int) -> int:
    response = client.post(f"/exams/{exam_id}/start")
    assert response.status_code == 302
    return int(re.search(r"/exams/attempts/(\d+)", response.headers["Location"]).group(1))


def page_of(client, attempt_id: int) -> str:
    response = client.get(f"/exams/attempts/{attempt_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def set_locale(client, locale: str) -> None:
    client.post("/language", data={"locale": locale})


def stats(app) -> dict:
    with app.app_context():
        return exam_page.fragment_cache().stats()


def set_presentations(app, attempt_id: int, orders: dict[str, list[str]]) -> None:
    with app.app_context():
        for item in db.session.scalars(db.select(AttemptItem).filter_by(attempt_id=attempt_id)):
            if item.qid in orders:
                item.presentation = {"options": orders[item.qid]}
        db.session.commit()


def option_ids(app, attempt_id: int) -> dict[str, list[str]]:
    with app.app_context():
        return {item.qid: list(item.version.data["options"])
                for item in db.session.scalars(db.select(AttemptItem).filter_by(attempt_id=attempt_id))}


def direct_render(app, attempt_id: int, locale: str) -> str:
    """The questions as the macro renders them without the cache (what the page used to do)."""
    with app.test_request_context("/"):
        from flask import session

        session["locale"] = locale
        items = db.session.scalars(db.select(AttemptItem).filter_by(attempt_id=attempt_id)
                                   .order_by(AttemptItem.position)).all()
        return render_template_string(
            '{% from "exams/_question.html" import question_block %}'
            "{% for q in qs %}{{ question_block(q, loop.index, qs|length) }}{% endfor %}",
            qs=[question_payload(item) for item in items])


@pytest.mark.parametrize("locale", ["zh_Hans_CN", "en"])
def test_cached_page_equals_direct_render_and_uncached_page(app, exam_factory, locale):
    # Mixed: the page is the questions alone (a sectioned page adds headings: test_exam_page_sections.py).
    exam_id = exam_factory(cases=[{"id": "customer-value", "points": 20}], paper_layout="mixed")
    client = login(app, "student")
    attempt_id = start(client, exam_id)
    set_locale(client, locale)
    first = page_of(client, attempt_id)  # fills the cache (and shows the "started" flash)
    second = page_of(client, attempt_id)  # served from it
    assert stats(app)["hits"] == 10
    with app.app_context():
        exam_page.clear()
    cleared = page_of(client, attempt_id)
    assert stats(app)["hits"] == 0
    assert len(sections(first)) == 10  # 9 questions and the case
    assert structure(second) == structure(cleared)
    assert structure(questions_part(first)) == structure(questions_part(second))
    assert structure(questions_part(second)) == structure(direct_render(app, attempt_id, locale))
    assert "\x00" not in second


def test_cache_is_per_locale(app, exam_factory):
    exam_id = exam_factory()
    zh = login(app, "student")
    zh_attempt = start(zh, exam_id)
    en = login(app, "student2")
    en_attempt = start(en, exam_id)
    set_locale(en, "en")
    for _ in range(2):  # the second round reads both locales from the cache
        zh_page, en_page = page_of(zh, zh_attempt), page_of(en, en_attempt)
        assert "第 1 题" in zh_page and 'title="第 1 题"' in zh_page and "标记" in zh_page
        assert "Question 1" not in zh_page and "</i> Flag</button>" not in zh_page
        assert "Question 1" in en_page and 'title="Question 1"' in en_page and "</i> Flag</button>" in en_page
        assert "第 1 题" not in en_page and "标记" not in en_page
    set_locale(zh, "en")
    assert "Question 1" in page_of(zh, zh_attempt)
    set_locale(zh, "zh_Hans_CN")
    assert "第 1 题" in page_of(zh, zh_attempt)


def test_each_student_gets_their_own_option_order(app, exam_factory):
    exam_id = exam_factory(rules=SINGLE_ONLY)
    first, second = login(app, "student"), login(app, "student2")
    first_attempt, second_attempt = start(first, exam_id), start(second, exam_id)
    options = option_ids(app, first_attempt)
    assert options.keys() == option_ids(app, second_attempt).keys()
    qid = sorted(options)[0]
    set_presentations(app, first_attempt, {q: ids for q, ids in options.items()})
    set_presentations(app, second_attempt, {q: list(reversed(ids)) if q == qid else ids for q, ids in options.items()})
    for _ in range(2):
        first_page, second_page = page_of(first, first_attempt), page_of(second, second_attempt)
        first_values = re.findall(r'type="radio" name="q-\d+" id="q-\d+-\d+" value="([^"]+)"', section_for(first_page, qid))
        second_values = re.findall(r'type="radio" name="q-\d+" id="q-\d+-\d+" value="([^"]+)"',
                                   section_for(second_page, qid))
        assert first_values == options[qid]
        assert second_values == list(reversed(options[qid]))
        # The letters follow the position on the page, not the option id.
        assert re.findall(r'me-1">([A-J])\.</span>', section_for(second_page, qid)) == list("ABCDEFGHIJ"[:len(options[qid])])
        for other in options.keys() - {qid}:  # the same order for both
            assert re.findall(r'value="([^"]+)"', section_for(first_page, other)) == options[other]
            assert re.findall(r'value="([^"]+)"', section_for(second_page, other)) == options[other]


def test_students_with_different_shuffles_share_one_fragment(app, exam_factory):
    exam_id = exam_factory(rules=SINGLE_ONLY)
    first, second = login(app, "student"), login(app, "student2")
    first_attempt, second_attempt = start(first, exam_id), start(second, exam_id)
    options = option_ids(app, first_attempt)
    set_presentations(app, first_attempt, options)
    set_presentations(app, second_attempt, {q: list(reversed(ids)) for q, ids in options.items()})
    first_page, second_page = page_of(first, first_attempt), page_of(second, second_attempt)
    assert stats(app)["renders"] == 3 and stats(app)["size"] == 3  # one per version, not per order
    for page, attempt_id, flip in ((first_page, first_attempt, False), (second_page, second_attempt, True)):
        for qid, ids in options.items():
            section = section_for(page, qid)
            assert re.findall(r'type="radio" name="q-\d+" id="q-\d+-\d+" value="([^"]+)"', section) == (
                list(reversed(ids)) if flip else ids)
            assert re.findall(r'me-1">([A-J])\.</span>', section) == list("ABCDEFGHIJ"[:len(ids)])
        assert structure(questions_part(page)) == structure(direct_render(app, attempt_id, "zh_Hans_CN"))


def test_every_type_shares_fragments_across_shuffles(app, exam_factory):
    from random import Random

    from app.domain.questions import shuffle

    exam_id = exam_factory(paper_layout="mixed")  # the questions alone, as direct_render gives them
    first, second = login(app, "student"), login(app, "student2")
    attempts = [start(first, exam_id), start(second, exam_id)]
    with app.app_context():  # each student their own random order of every shuffled part
        for seed, attempt_id in enumerate(attempts):
            rng = Random(seed)
            for item in db.session.scalars(db.select(AttemptItem).filter_by(attempt_id=attempt_id)):
                item.presentation = shuffle(item.version.data, rng)
        db.session.commit()
        versions = set(db.session.scalars(db.select(AttemptItem.version_id)
                                          .where(AttemptItem.attempt_id.in_(attempts))))
    for client, attempt_id in zip((first, second), attempts, strict=True):
        assert structure(questions_part(page_of(client, attempt_id))) == structure(
            direct_render(app, attempt_id, "zh_Hans_CN"))
    assert stats(app)["renders"] == len(versions)


def test_numbers_and_positions_follow_each_paper(app, exam_factory):
    exam_id = exam_factory(rules=SINGLE_ONLY)
    first, second = login(app, "student"), login(app, "student2")
    first_attempt, second_attempt = start(first, exam_id), start(second, exam_id)
    options = option_ids(app, first_attempt)
    set_presentations(app, first_attempt, options)
    set_presentations(app, second_attempt, options)
    with app.app_context():  # the second paper: positions 101.. and the first paper's questions reversed
        items = db.session.scalars(db.select(AttemptItem).filter_by(attempt_id=second_attempt)).all()
        order = [i.qid for i in sorted(items, key=lambda i: i.position)]
        for item in items:
            item.position = 100 + len(order) - order.index(item.qid)
        db.session.commit()
    first_page = page_of(first, first_attempt)
    second_page = page_of(second, second_attempt)
    for page, attempt_id in ((first_page, first_attempt), (second_page, second_attempt)):
        with app.app_context():
            expected = [(i.qid, i.position) for i in db.session.scalars(
                db.select(AttemptItem).filter_by(attempt_id=attempt_id).order_by(AttemptItem.position))]
        found = sections(page)
        assert [re.search(r'data-qid="([^"]+)"', s).group(1) for s in found] == [qid for qid, _ in expected]
        for number, (section, (qid, position)) in enumerate(zip(found, expected, strict=True), start=1):
            assert f'id="q-{position}" data-qid="{qid}"' in section
            assert f'aria-labelledby="q-{position}-title"' in section
            assert f'<span id="q-{position}-title" class="fw-semibold">第 {number} 题 ' in section
            names = set(re.findall(r'name="([^"]+)"', section))
            assert names == {f"q-{position}"}
            assert re.findall(r' for="([^"]+)"', section) == [f"q-{position}-{k}" for k in range(1, len(options[qid]) + 1)]
        navigator = re.search(r'<nav class="nav-grid" id="navigator".*?</nav>', page, re.S).group(0)
        assert re.findall(r'href="#q-(\d+)" data-qid="([^"]+)" title="第 (\d+) 题">(\d+)</a>', navigator) == [
            (str(position), qid, str(n), str(n)) for n, (qid, position) in enumerate(expected, start=1)]
        assert f'aria-valuemax="{len(expected)}"' in page and f"/ {len(expected)} " in page
    assert stats(app)["renders"] == 3  # both papers share the three fragments


def test_a_fragment_is_rendered_once_and_reused(app, exam_factory):
    exam_id = exam_factory(rules=SINGLE_ONLY)
    first, second = login(app, "student"), login(app, "student2")
    first_attempt, second_attempt = start(first, exam_id), start(second, exam_id)
    options = option_ids(app, first_attempt)
    set_presentations(app, first_attempt, options)
    set_presentations(app, second_attempt, options)
    page_of(first, first_attempt)
    assert stats(app)["renders"] == 3 and stats(app)["hits"] == 0
    page_of(first, first_attempt)
    page_of(second, second_attempt)
    after = stats(app)
    assert after["renders"] == 3 and after["hits"] == 6 and after["size"] == 3
    set_locale(second, "en")  # another locale is another fragment
    page_of(second, second_attempt)
    assert stats(app)["renders"] == 6


def test_case_items_are_keyed_on_their_own_variant(app, exam_factory):
    exam_id = exam_factory(rules=[{"types": ["single"], "count": 1}], cases=[{"id": "customer-value", "points": 20}])
    first, second = login(app, "student"), login(app, "student2")
    first_attempt, second_attempt = start(first, exam_id), start(second, exam_id)
    first_case = section_for(page_of(first, first_attempt), "case:customer-value")
    second_case = section_for(page_of(second, second_attempt), "case:customer-value")
    with app.app_context():
        for attempt_id, html in ((first_attempt, first_case), (second_attempt, second_case)):
            item = db.session.scalar(db.select(AttemptItem).filter_by(attempt_id=attempt_id, qid="case:customer-value"))
            assert str(question_payload(item)["stem_html"]) in html  # this student's own variant
    assert first_case != second_case
    renders = stats(app)["renders"]
    assert section_for(page_of(first, first_attempt), "case:customer-value") == first_case
    assert stats(app)["renders"] == renders


def test_the_cache_stays_within_its_bound(app, exam_factory):
    exam_id = exam_factory()
    client = login(app, "student")
    attempt_id = start(client, exam_id)
    expected = structure(questions_part(page_of(client, attempt_id)))
    app.config["EXAM_PAGE_CACHE_ENTRIES"] = 3
    with app.app_context():
        exam_page.clear()
    for _ in range(3):
        assert structure(questions_part(page_of(client, attempt_id))) == expected  # evictions never break the page
        assert stats(app)["size"] <= 3
    # A page looks all its questions up at once: the last 3 kept from one view are hits in the next.
    assert stats(app)["renders"] == 9 + 6 + 6 and stats(app)["evictions"] == 21 - 3
    app.config["EXAM_PAGE_CACHE_CHARS"] = 1  # a character bound keeps at most the newest fragment
    with app.app_context():
        exam_page.clear()
    assert structure(questions_part(page_of(client, attempt_id))) == expected
    assert stats(app)["size"] == 1
