"""The written tasks of the skills exam (seed 004, tasks (1) and (2)): rubric, automatic checks, teacher's scores."""

import copy

import pytest

from app.domain.cases import CASES, grade, make_variant, solution
from app.domain.cases.feedback import pieces
from app.domain.cases.platforms import PLATFORMS
from app.domain.cases.rubric import count_chars, sentences

STRENGTHS = "platform-strengths"
PITCH = "presales-pitch"


def _criteria(result):
    return {c.id: c for c in result.criteria}


def _variants(case_id):
    yield CASES[case_id].textbook()
    seen = set()
    for seed in range(40):
        variant = CASES[case_id].generate(seed)
        if variant.params["platform"] not in seen:
            seen.add(variant.params["platform"])
            yield variant
    assert seen == {p.id for p in PLATFORMS}


@pytest.mark.parametrize("case_id", [STRENGTHS, PITCH])
def test_model_answer_grades_full_on_every_automatic_criterion(case_id):
    for variant in _variants(case_id):
        result = grade(variant, solution(variant))
        auto = [c for c in result.criteria if c.auto]
        assert auto and all(c.score == c.max for c in auto), [c.to_dict() for c in auto]
        assert all(c.score is None for c in result.criteria if not c.auto)
        assert result.needs_manual and result.pending == 7 and result.score == 3


def test_counting_rule_counts_chinese_letters_and_digits_not_punctuation_or_spaces():
    assert count_chars("平台，B2B 模式！2010年。") == 2 + 3 + 2 + 5
    assert count_chars("  ，。！？、“”（）") == 0
    assert count_chars("ＡＢ１２") == 4  # full-width letters and digits count like half-width ones
    assert sentences("一句。两句！三句？") == ["一句", "两句", "三句"]
    assert sentences("第一句\n第二句\n\n第三句") == ["第一句", "第二句", "第三句"]
    assert sentences("他说：“好。”然后走了。") == ["他说：“好", "”然后走了"]
    assert sentences("只有一句。”") == ["只有一句"]


def test_a_150_character_answer_loses_the_length_criterion_with_its_length_named():
    variant = CASES[STRENGTHS].textbook()
    text = "平台" * 25 + "。" + "服务" * 25 + "。" + "会员费" * 16 + "收费。"
    assert count_chars(text) == 150
    result = grade(variant, {"strengths": text})
    found = _criteria(result)
    assert found["length"].score == 0
    assert found["length"].feedback == "共 150 字，超过了 100 字的限制，本项不得分。"
    assert "150" in result.steps[0].feedback and "100" in result.steps[0].feedback
    assert found["sentences"].score == 1 and found["elements"].score == 1
    assert result.score == 2


@pytest.mark.parametrize("text, count", [
    ("平台由政府支持，是湖南最大的物流信息平台。提供货源发布、车辆跟踪和网上结算服务，靠会员费和广告盈利。", 2),
    ("平台由政府支持。是湖南最大的物流信息平台。提供货源发布和车辆跟踪服务。靠会员费和广告盈利。", 4),
])
def test_two_or_four_sentences_lose_the_sentence_criterion(text, count):
    result = grade(CASES[STRENGTHS].textbook(), {"strengths": text})
    found = _criteria(result)
    assert found["sentences"].score == 0
    assert found["sentences"].feedback == f"共 {count} 句，题目要求写三句话，本项不得分。"
    assert found["length"].score == 1 and found["elements"].score == 1


def test_missing_revenue_model_costs_half_the_elements_criterion():
    text = "平台是政府支持的物流公共信息平台。提供货源车源发布和匹配。还能跟踪车辆位置。"
    found = _criteria(grade(CASES[STRENGTHS].textbook(), {"strengths": text}))
    assert found["elements"].score == 0.5
    assert "盈利" in found["elements"].feedback


def test_an_empty_answer_scores_zero_everywhere_and_waits_for_nobody():
    for case_id in (STRENGTHS, PITCH):
        variant = CASES[case_id].textbook()
        for answers in ({}, {s.id: "" for s in variant.steps}, {s.id: "？？？" for s in variant.steps}):
            result = grade(variant, answers)
            assert result.score == 0 and result.pending == 0 and not result.needs_manual
            assert all(s.feedback.startswith("未作答。") for s in result.steps)


def test_an_empty_table_cell_is_reported_and_costs_its_share():
    variant = CASES[PITCH].textbook()
    answers = copy.deepcopy(solution(variant))
    answers["targets"]["t2"]["needs"] = "  "
    del answers["pitch"]["closing"]
    result = grade(variant, answers)
    found = _criteria(result)
    assert found["targets_complete"].score == pytest.approx(8 / 9, abs=1e-3)
    assert found["targets_complete"].feedback == "共 9 格，已填写 8 格。未填写：第二类客户·主要需求。"
    assert found["pitch_complete"].feedback == "共 6 格，已填写 5 格。未填写：异议处理与促成。"
    assert found["targets_distinct"].score == 1


def test_three_different_customer_types_are_required():
    variant = CASES[PITCH].textbook()
    answers = copy.deepcopy(solution(variant))
    answers["targets"]["t3"]["type"] = answers["targets"]["t1"]["type"].replace("（", "(").replace("）", ")")
    found = _criteria(grade(variant, answers))
    assert found["targets_distinct"].score == 0 and "相同" in found["targets_distinct"].feedback
    answers["targets"]["t3"]["type"] = ""
    found = _criteria(grade(variant, answers))
    assert found["targets_distinct"].score == 0 and "只列出了 2 类" in found["targets_distinct"].feedback


def test_teacher_scores_complete_the_grade_within_each_criterions_points():
    variant = CASES[PITCH].textbook()
    manual = {"targets_analysis": 1.5, "pitch_choice": 1, "pitch_fit": 2, "pitch_manner": 1}
    result = grade(variant, solution(variant), manual)
    assert not result.needs_manual and result.score == 3 + 5.5
    assert "教师评分 1.5 / 2 分。" in result.steps[0].feedback
    # Out of range, an automatic criterion or text: left out, so that criterion still waits.
    result = grade(variant, solution(variant), {"targets_analysis": 9, "targets_complete": 0, "pitch_fit": "2"})
    assert result.needs_manual and result.pending == 7 and result.score == 3


def test_payload_carries_the_rubric_and_what_is_pending():
    variant, _ = make_variant(STRENGTHS, 3)
    payload = grade(variant, solution(variant)).to_dict()
    assert payload["pending"] == 7
    assert [c["id"] for c in payload["criteria"]] == ["sentences", "length", "elements", "model", "services",
                                                      "revenue", "expression"]
    assert all(set(s) == {"id", "score", "max", "feedback"} for s in payload["steps"])
    assert "评分标准" in variant.text_md and "自动检查" in variant.text_md and "教师评分" in variant.text_md
    assert "标点符号和空格不计" in variant.text_md


def test_every_feedback_sentence_is_a_template():
    for case_id in (STRENGTHS, PITCH):
        variant = CASES[case_id].textbook()
        key = solution(variant)
        sets = [key, {}, {s.id: "好。" for s in variant.steps}]
        for answers in sets:
            for manual in (None, {c.id: c.points for c in variant.manual_criteria}):
                result = grade(variant, answers, manual)
                for text in [s.feedback for s in result.steps] + [c.feedback for c in result.criteria if c.feedback]:
                    assert pieces(text) is not None, text
