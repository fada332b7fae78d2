"""The shipped question bank: clean, complete, and every key right (and every wrong answer wrong)."""

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from app.content.courseware import load_course
from app.domain.bank import load_paths
from app.domain.questions import grade, key_response

ROOT = Path(__file__).resolve().parents[2]
COURSE = load_course(ROOT / "courseware" / "crm", "crm")
RESULT = load_paths([ROOT / "question_bank" / "crm"], COURSE.section_map())
QUESTIONS = list(RESULT.questions)


def test_bank_is_clean():
    assert [str(p) for p in RESULT.problems] == []


def test_bank_covers_the_course():
    assert len(QUESTIONS) >= 300
    per_chapter = Counter(q.chapter for q in QUESTIONS)
    assert set(per_chapter) == {c.slug for c in COURSE.chapters}
    assert min(per_chapter.values()) >= 20
    types = Counter(q.type for q in QUESTIONS)
    assert set(types) == {"single", "multiple", "true_false", "ordering", "numeric", "fill_blank", "matching", "essay"}
    assert types["numeric"] >= 25
    assert set(Counter(q.difficulty for q in QUESTIONS)) == {1, 2, 3, 4, 5}


def test_every_question_explains_and_names_its_section():
    for q in QUESTIONS:
        assert q.spec.explanation and len(q.spec.explanation) >= 20, q.id
        assert q.section in COURSE.chapter(q.chapter).anchors, q.id


@pytest.mark.parametrize("topic", ["卡诺", "忠诚", "转换成本", "数据类型", "关系类别", "流程"])
def test_real_exam_topics_are_in_the_bank(topic):
    assert any(topic in q.spec.stem + " ".join(q.tags) for q in QUESTIONS), topic


def test_real_exam_questions_are_tagged():
    assert sum(1 for q in QUESTIONS if "真题" in q.tags) >= 6


def wrong_response(q):
    data = q.to_data()
    kind = q.type
    keys = list((data.get("options") or {}).keys())
    answer = data.get("answer")
    if kind == "single":
        return next(k for k in keys if k != answer)
    if kind == "multiple":
        wrong = [k for k in keys if k not in answer]
        return wrong or keys[:1]
    if kind == "true_false":
        return not answer
    if kind == "ordering":
        return list(reversed(answer))
    if kind == "numeric":
        return float(Decimal(str(answer)) * 2 + 7)
    if kind == "fill_blank":
        return ["这不是答案"] * len(answer)
    if kind == "matching":
        pairs = answer["pairs"]
        lefts, rights = list(pairs), list(pairs.values())
        return dict(zip(lefts, rights[1:] + rights[:1]))
    return None


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_key_scores_full_marks_and_a_wrong_answer_does_not(question):
    result = grade(question, key_response(question))
    if question.type == "essay":
        assert result.needs_manual
        return
    assert result.error is None and result.score == result.max_score == question.points, result
    wrong = grade(question, wrong_response(question))
    assert wrong.error is None, wrong
    assert wrong.score < wrong.max_score, (question.id, wrong)


def test_chinese_text_uses_full_width_punctuation():
    from app.domain.bank.lint import punctuation_problems

    files = sorted((ROOT / "question_bank" / "crm").glob("*.yaml"))
    assert files and [str(p) for p in punctuation_problems(files)] == []
