"""bank_stats and content_hash."""

import json

from app.domain.bank import bank_stats, content_hash, load_paths
from app.domain.questions import validate_question
from bank_helpers import write

BANK = """
chapter: {chapter}
questions:
  - {{id: {prefix}-q1, type: true_false, difficulty: 1, stem: 判断, answer: true}}
  - {{id: {prefix}-q2, type: true_false, difficulty: 3, stem: 判断, answer: false}}
  - {{id: {prefix}-q3, type: essay, difficulty: 3, stem: 论述, rubric: 要点}}
"""

QUESTION = {"id": "q1", "type": "single", "difficulty": 2, "tags": ["a"], "stem": "题干",
            "options": {"A": "甲", "B": "乙"}, "answer": "A"}  # fmt: skip


def test_bank_stats(tmp_path):
    write(tmp_path, BANK.format(chapter="ch05-customer-value", prefix="ch05"), "ch05.yaml")
    write(tmp_path, BANK.format(chapter="ch01-crm-overview", prefix="ch01"), "ch01.yaml")
    stats = bank_stats(load_paths(tmp_path).questions)
    assert stats["total"] == 6
    assert stats["by_type"]["true_false"] == 4
    assert stats["by_type"]["essay"] == 2
    assert stats["by_type"]["single"] == 0
    assert list(stats["by_chapter"].items()) == [("ch01-crm-overview", 3), ("ch05-customer-value", 3)]
    assert stats["by_difficulty"] == {"1": 2, "2": 0, "3": 4, "4": 0, "5": 0}
    assert json.loads(json.dumps(stats)) == stats


def test_bank_stats_of_nothing():
    assert bank_stats([]) == {
        "total": 0,
        "by_type": dict.fromkeys(
            ["single", "multiple", "true_false", "ordering", "numeric", "fill_blank", "matching", "essay"], 0
        ),
        "by_chapter": {},
        "by_difficulty": dict.fromkeys("12345", 0),
    }


def test_content_hash_is_stable_and_ignores_defaults_and_metadata():
    digest = content_hash(QUESTION)
    assert len(digest) == 64
    assert content_hash(dict(reversed(list(QUESTION.items())))) == digest
    assert content_hash({**QUESTION, "points": 1}) == digest  # the default written out
    assert content_hash({**QUESTION, "tags": ["b"], "difficulty": 4, "section": "x"}) == digest
    assert content_hash(validate_question(QUESTION).spec) == digest


def test_content_hash_changes_with_the_content():
    digest = content_hash(QUESTION)
    for change in ({"stem": "新题干"}, {"answer": "B"}, {"options": {"A": "甲", "B": "丙"}},
                   {"points": 2}, {"explanation": "解析"}, {"id": "q2"}):  # fmt: skip
        assert content_hash({**QUESTION, **change}) != digest, change


def test_content_hash_of_invalid_data_does_not_raise():
    assert content_hash({"id": "x", 1: "mixed keys"}) != content_hash({"id": "y"})
    assert len(content_hash(None)) == 64
