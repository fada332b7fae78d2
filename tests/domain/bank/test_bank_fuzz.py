"""Arbitrary bytes and arbitrary YAML data never make the linter raise."""

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.bank import lint_paths, load_paths
from app.domain.questions import ALLOWED_KEYS

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=10,
)
QUESTION_LIKE = st.dictionaries(st.sampled_from([*ALLOWED_KEYS, "anwser"]), VALUES, max_size=8)
TYPES = st.sampled_from(["single", "multiple", "true_false", "ordering", "numeric", "fill_blank", "matching", "essay"])
FILES = st.fixed_dictionaries(
    {"chapter": st.just("ch05-customer-value") | SCALARS},
    optional={"questions": st.lists(QUESTION_LIKE.flatmap(lambda q: TYPES.map(lambda t: {**q, "type": t})))},
)


def check(path, chapters=None):
    problems = lint_paths([path], chapters)
    for problem in problems:
        assert problem.path == str(path)
        assert problem.line >= 1
        assert problem.message
    return problems


@settings(max_examples=60)
@given(st.binary(max_size=300))
def test_arbitrary_bytes(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("fuzz") / "bank.yaml"
    path.write_bytes(content)
    check(path)


@settings(max_examples=60)
@given(FILES)
def test_arbitrary_question_data(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "bank.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    chapters = {"ch05-customer-value": {"summary"}}
    problems = check(path, chapters)
    loaded = len(load_paths([path], chapters).questions)
    written = len(data.get("questions") or [])
    assert loaded <= written
    if loaded < written:  # every question left out is explained
        assert problems
    if not problems:
        assert loaded == written
