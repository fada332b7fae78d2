"""Every registered case: interface, determinism, self-test (the key scores full marks), no leaks."""

import json
import math
import pathlib
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.cases import (
    CASES,
    STEP_KINDS,
    TEXTBOOK,
    get_case,
    grade,
    list_cases,
    make_variant,
    solution,
)

CHAPTERS = {"ch05-customer-value", "ch06-segmentation", "ch07-satisfaction-loyalty", "ch09-communication-selling"}
CASE_IDS = sorted(CASES)
REQUIRED = {"customer-value", "abc-classification", "rfm-analysis", "ltv-npv", "high-value-scorecard", "satisfaction-survey"}


def test_list_cases_shape():
    listed = list_cases()
    assert {c["id"] for c in listed} >= REQUIRED
    for entry in listed:
        assert set(entry) == {"id", "title", "chapter"}
        assert entry["chapter"] in CHAPTERS
        assert entry["title"]


def test_get_case_and_make_variant_reject_bad_input():
    assert get_case("nope") is None
    assert get_case(None) is None
    variant, error = make_variant("nope", 1)
    assert variant is None and "案例" in error
    variant, error = make_variant("customer-value", "abc")
    assert variant is None and "种子" in error
    variant, error = make_variant("customer-value", True)
    assert variant is None and error
    variant, error = make_variant("customer-value", "42")
    assert error is None and variant.seed == 42
    with pytest.raises(ValueError):
        CASES["customer-value"].generate("x")


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_same_seed_same_variant(case_id):
    case = CASES[case_id]
    assert case.generate(7).public_dict() == case.generate(7).public_dict()
    assert case.textbook().public_dict() == case.textbook().public_dict()
    differing = {json.dumps(case.generate(seed).public_dict(), sort_keys=True) for seed in range(10)}
    assert len(differing) > 1


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_public_dict_shape(case_id):
    variant = CASES[case_id].generate(3)
    payload = variant.public_dict()
    assert set(payload) == {"id", "seed", "params", "text_md", "dataset", "steps"}
    assert payload["id"] == case_id and payload["seed"] == 3
    assert payload["text_md"].startswith("## ")
    for step in payload["steps"]:
        assert set(step) == {"id", "prompt", "kind", "points"}
        assert step["kind"] in STEP_KINDS
        assert step["points"] > 0
    assert CASES[case_id].textbook().public_dict()["seed"] == TEXTBOOK
    json.dumps(payload)


def _numbers(value):
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from _numbers(v)


def _forms(number):
    forms = {repr(number)}
    if float(number).is_integer():
        forms |= {str(int(number)), f"{int(number):,}"}
    else:
        forms |= {f"{number:.1f}", f"{number:.2f}"}
    return forms


@pytest.mark.parametrize("case_id", CASE_IDS)
@pytest.mark.parametrize("seed", [TEXTBOOK, 0, 1, 2, 3, 4])
def test_public_dict_never_holds_an_answer(case_id, seed):
    variant, _ = make_variant(case_id, seed)
    payload = variant.public_dict()
    text = json.dumps(payload, ensure_ascii=False)
    assert not re.search(r"answer|solution|correct|expected", json.dumps(payload["params"]), re.I)
    assert not any(re.search(r"answer|solution", key, re.I) for row in payload["dataset"] or [] for key in row)
    # The dataset itself legitimately holds inputs; derived results must not appear anywhere.
    inputs = set(_numbers(payload["params"])) | set(_numbers(payload["dataset"]))
    tokens = set(re.findall(r"-?\d[\d,]*(?:\.\d+)?", text))
    for number in _numbers(solution(variant)):
        if number in inputs or (abs(number) < 100 and float(number).is_integer()):
            continue
        leaked = _forms(number) & tokens
        assert not leaked, f"{case_id}: answer value {number} appears in the public payload"


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_textbook_solution_scores_full_marks(case_id):
    variant = CASES[case_id].textbook()
    result = grade(variant, solution(variant))
    # A written task's model answer scores full on the automatic criteria; the rest waits for a teacher.
    assert result.score + result.pending == result.max_score > 0
    assert result.pending == sum(c.points for c in variant.manual_criteria)
    assert [s.id for s in result.steps] == [s.id for s in variant.steps]


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_generated_solutions_score_full_marks_for_100_seeds(case_id):
    case = CASES[case_id]
    for seed in range(100):
        variant = case.generate(seed)
        answers = json.loads(json.dumps(solution(variant)))  # exactly what an answers file holds
        result = case.grade(variant, answers)
        assert result.score + result.pending == result.max_score, (seed, result.to_dict())


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_empty_and_malformed_answers_score_zero_with_messages(case_id):
    variant = CASES[case_id].generate(5)
    for answers in ({}, None, [], "x", 3):
        result = grade(variant, answers)
        assert result.score == 0
        assert all(step.feedback for step in result.steps)
    junk = {step.id: "???" for step in variant.steps}
    result = grade(variant, junk)
    assert result.score == 0 and all(step.feedback for step in result.steps)
    payload = result.to_dict()
    # A written task adds its rubric (all 0: nothing was written, nothing waits for a teacher).
    rubric = {"criteria", "pending"} if variant.criteria else set()
    assert set(payload) == {"score", "max_score", "steps"} | rubric
    assert payload.get("pending", 0) == 0
    assert all(set(s) == {"id", "score", "max", "feedback"} for s in payload["steps"])


def test_grade_rejects_a_variant_of_another_case():
    variant = CASES["ltv-npv"].generate(1)
    result = CASES["customer-value"].grade(variant, solution(variant))
    assert result.score == 0 and "不属于" in result.steps[0].feedback


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


@pytest.mark.parametrize("case_id", CASE_IDS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_grading_never_raises_on_arbitrary_answers(case_id, data):
    case = CASES[case_id]
    variant = case.generate(11)
    step_ids = [s.id for s in variant.steps]
    answers = data.draw(st.dictionaries(st.sampled_from(step_ids) | st.text(max_size=5), json_values, max_size=6))
    # Sometimes give a table with the right row ids and junk cells.
    for step in variant.steps:
        if step.rows and data.draw(st.booleans()):
            answers[step.id] = {row_id: data.draw(json_values) for row_id in step.row_ids}
    result = case.grade(variant, answers)
    assert 0 <= result.score <= result.max_score
    assert all(math.isfinite(s.score) and 0 <= s.score <= s.max for s in result.steps)
    json.dumps(result.to_dict())


def test_domain_package_imports_no_flask_or_sqlalchemy():
    # app/__init__.py builds the Flask app, so stand in an empty `app` package to import
    # only the domain code.
    root = pathlib.Path(__file__).resolve().parents[3]
    code = (
        "import sys, types\n"
        f"pkg = types.ModuleType('app'); pkg.__path__ = [{str(root / 'app')!r}]; sys.modules['app'] = pkg\n"
        "import app.domain.cases\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'flask_sqlalchemy')]\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
