"""Shared question fragments put each student's shuffle back byte for byte (app/exams/page.py).

A fragment is rendered once per version, points and locale, and every student's option order is
applied at assembly. The guard: for every question of the mini bank, in several random shuffles
and both locales, the assembled HTML equals what ``question_block`` renders directly from the
shuffled payload (what the page did before any cache).
"""

from __future__ import annotations

import random

import pytest
from flask import session

from app.domain.questions import shuffle
from app.extensions import db
from app.models import AttemptItem, Question
from app.exams import page as exam_page
from app.services import exam_cache
from app.services.exam_payloads import question_payload

SHUFFLES = 6
SHUFFLED_TYPES = {"single", "multiple", "ordering", "matching"}


def bank_items(rng: random.Random, presentation=shuffle) -> list[AttemptItem]:
    """Every current version of the bank as one paper (unsaved items), each in its own order."""
    rows = db.session.execute(db.select(Question.qid, Question.current_version_id).order_by(Question.qid)).all()
    items = []
    for position, (qid, version_id) in enumerate(rows, start=1):
        data = exam_cache.version_data(version_id)
        order = presentation(data, rng) if callable(presentation) else presentation
        items.append(AttemptItem(qid=qid, version_id=version_id, position=100 + position,
                                 points=float(1 + position % 3), presentation=order))
    return items


def direct(items: list[AttemptItem]) -> list[str]:
    """Each question as the macro renders it from this student's own payload, without the cache."""
    from flask import current_app

    macro = current_app.jinja_env.get_template("exams/_question.html").module.question_block
    return [str(macro(question_payload(item), number, len(items))) for number, item in enumerate(items, start=1)]


@pytest.mark.parametrize("locale", ["zh_Hans_CN", "en"])
def test_every_question_in_every_shuffle_equals_the_macro(app, mini_bank, locale):
    assert SHUFFLED_TYPES <= set(mini_bank)  # the bank has every shuffled type to check
    rng = random.Random(f"orders-{locale}")
    with app.test_request_context("/"):
        session["locale"] = locale
        papers = [bank_items(rng) for _ in range(SHUFFLES)]
        # No stored order, and one that no longer fits: both fall back to the default order.
        papers += [bank_items(rng, None), bank_items(rng, {"options": ["gone"], "left": ["gone"]})]
        seen_orders: dict[str, set] = {}
        for items in papers:
            parts, _nav = exam_page.render_questions(items, locale)
            expected = direct(items)
            for item, part, want in zip(items, parts, expected, strict=True):
                assert part == want, (item.qid, item.presentation)
                seen_orders.setdefault(item.qid, set()).add(part)
        assert ("Question 1" if locale == "en" else "第 1 题") in expected[0]
        stats = exam_page.fragment_cache().stats()
        versions = len(papers[0])
        assert stats["renders"] == versions  # one fragment per version, whatever the order
        assert stats["hits"] == versions * (len(papers) - 1)
    # The shuffles really differed: most shuffled questions came out in more than one order.
    shuffled = [qid for qids in (mini_bank[t] for t in SHUFFLED_TYPES) for qid in qids]
    assert sum(len(seen_orders[qid]) > 1 for qid in shuffled) >= len(shuffled) - 1


def test_letters_and_ids_follow_the_place_not_the_option(app, mini_bank):
    with app.test_request_context("/"):
        session["locale"] = "zh_Hans_CN"
        item = next(i for i in bank_items(random.Random(1)) if i.qid == mini_bank["single"][0])
        ids = list(exam_cache.version_data(item.version_id)["options"])
        item.presentation = {"options": list(reversed(ids))}
        html = exam_page.render_questions([item])[0][0]
        assert html == direct([item])[0]
        for place, option in enumerate(reversed(ids), start=1):
            letter = "ABCDEFGHIJ"[place - 1]
            assert (f'id="q-{item.position}-{place}" value="{option}"><label class="form-check-label" '
                    f'for="q-{item.position}-{place}"><span class="text-muted me-1">{letter}.</span>') in html
        assert "\x00" not in html


def test_a_view_that_does_not_fit_the_fragment_is_rendered_directly(app, mini_bank, monkeypatch):
    with app.test_request_context("/"):
        session["locale"] = "zh_Hans_CN"
        items = bank_items(random.Random(2))
        monkeypatch.setattr(exam_page.Fragment, "_orders", lambda self, presentation: None)
        parts, _nav = exam_page.render_questions(items)
        assert parts == direct(items)


def test_elements_that_cannot_be_told_apart_are_rendered_directly_and_not_shared(app, mini_bank, monkeypatch):
    def refuse(html):
        raise ValueError("repeated ids")

    with app.test_request_context("/"):
        session["locale"] = "zh_Hans_CN"
        items = bank_items(random.Random(3))
        monkeypatch.setattr(exam_page, "_compile", refuse)
        parts, _nav = exam_page.render_questions(items)
        assert parts == direct(items)
        shuffled = sum(1 for t in SHUFFLED_TYPES | {"true_false"} for _ in mini_bank[t])
        assert exam_page.fragment_cache().stats()["size"] == len(items) - shuffled  # none of them kept
