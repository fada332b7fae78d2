"""Blueprint draws: every rule respected, reproducible from the seed, overlaps solved, clear errors."""

import pytest

from app.domain.exams import PoolItem, assemble, check_rules, parse_definition


def pool():
    items = []
    for i in range(30):
        items.append(PoolItem(f"q{i:02d}", f"ch0{i % 3 + 1}", ["single", "multiple", "numeric"][i % 3],
                              i % 5 + 1, ("价值",) if i % 4 == 0 else ()))
    return items


def definition(**overrides):
    data = {"title": "t", "rules": [
        {"chapters": ["ch01"], "count": 3, "points": 2},
        {"types": ["single"], "difficulty": [1, 3], "count": 2},
        {"tags": ["价值"], "count": 2, "points": 3},
    ], "fixed": [{"id": "q29", "points": 5}]}
    data.update(overrides)
    parsed, errors = parse_definition(data)
    assert not errors, errors
    return parsed


def test_draw_respects_every_rule_and_fixed_items():
    d = definition()
    by_id = {p.qid: p for p in pool()}
    for seed in range(50):
        drawn = assemble(d, pool(), seed)
        ids = [x.qid for x in drawn]
        assert len(ids) == len(set(ids)) == 8
        assert "q29" in ids and next(x for x in drawn if x.qid == "q29").points == 5
        for x in drawn:
            if x.rule == 0:
                assert by_id[x.qid].chapter == "ch01" and x.points == 2
            elif x.rule == 1:
                assert by_id[x.qid].type == "single" and 1 <= by_id[x.qid].difficulty <= 3
            elif x.rule == 2:
                assert "价值" in by_id[x.qid].tags and x.points == 3
        assert sum(1 for x in drawn if x.rule == 0) == 3


def test_same_seed_same_paper_and_different_seeds_differ():
    d = definition()
    assert assemble(d, pool(), 7) == assemble(d, pool(), 7)
    papers = {tuple(x.qid for x in assemble(d, pool(), s)) for s in range(20)}
    assert len(papers) > 10


def test_overlapping_rules_are_filled_by_matching():
    # Rule 2 can only use ch01 questions of type single; rule 1 takes any ch01 question.
    items = [PoolItem("a", "ch01", "single", 1), PoolItem("b", "ch01", "multiple", 1), PoolItem("c", "ch01", "multiple", 1)]
    d = definition(rules=[{"chapters": ["ch01"], "count": 2}, {"types": ["single"], "count": 1}], fixed=[])
    for seed in range(30):
        drawn = assemble(d, items, seed)
        assert next(x.qid for x in drawn if x.rule == 1) == "a"


def test_rule_that_cannot_be_filled_is_named():
    d = definition(rules=[{"chapters": ["ch09"], "count": 1}], fixed=[])
    checks, problems = check_rules(d, pool())
    assert checks[0].available == 0 and not checks[0].ok
    assert "规则 1" in problems[0] and "只有 0 题" in problems[0]
    with pytest.raises(ValueError, match="规则 1"):
        assemble(d, pool(), 1)


def test_competing_rules_are_reported():
    items = [PoolItem("a", "ch01", "single", 1)]
    d = definition(rules=[{"chapters": ["ch01"], "count": 1}, {"types": ["single"], "count": 1}], fixed=[])
    _, problems = check_rules(d, items)
    assert any("争用" in p for p in problems)


def test_unknown_fixed_id_reported():
    _, problems = check_rules(definition(fixed=[{"id": "nope"}]), pool())
    assert "指定题目 nope 不在题库中" in problems


@pytest.mark.parametrize("data,field", [
    ({"title": "t"}, "至少需要一条"),
    ({"title": "t", "rules": [{"count": 0}]}, "rules.0.count"),
    ({"title": "t", "rules": [{"count": 1, "colour": "red"}]}, "rules.0.colour"),
    ({"title": "t", "rules": [{"count": 1, "difficulty": [4, 2]}]}, "difficulty_min"),
    ({"title": "t", "rules": [{"count": 1}], "review_policy": "sometimes"}, "review_policy"),
    ({"title": "t", "rules": [{"count": 1}], "opens_at": "2026-01-02T00:00:00", "closes_at": "2026-01-01T00:00:00"}, "关闭时间"),
    ([1, 2], "对象"),
])
def test_invalid_definitions_get_field_messages(data, field):
    parsed, errors = parse_definition(data)
    assert parsed is None and any(field in e for e in errors), errors
