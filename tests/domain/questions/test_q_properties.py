"""Property tests over generated questions and arbitrary JSON responses."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from app.domain.questions import grade, key_response, validate_question
from app.domain.questions.text import normalise

WORDS = st.text(st.characters(codec="utf-8", categories=("L", "N")), min_size=1, max_size=6)
KEYS = "ABCDEFGH"
POINTS = st.one_of(st.sampled_from([1, 2, 5]), st.floats(min_value=0.1, max_value=100, allow_nan=False))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=12,
)


def distinct_words(min_size, max_size):
    return st.lists(WORDS, min_size=min_size, max_size=max_size, unique_by=normalise)


@st.composite
def options(draw, min_size=2):
    texts = draw(distinct_words(min_size, 6))
    return dict(zip(KEYS, texts, strict=False))


def base(draw, kind):
    return {"id": f"p-{kind}", "type": kind, "difficulty": draw(st.integers(1, 5)), "points": draw(POINTS),
            "stem": draw(WORDS) + " ____"}  # fmt: skip


@st.composite
def single(draw):
    question = base(draw, "single") | {"options": draw(options())}
    return question | {"answer": draw(st.sampled_from(list(question["options"])))}


@st.composite
def multiple(draw):
    question = base(draw, "multiple") | {"options": draw(options())}
    question["answer"] = draw(st.lists(st.sampled_from(list(question["options"])), min_size=1, unique=True))
    return question | {"scoring": draw(st.sampled_from(["partial", "all_or_nothing"]))}


@st.composite
def true_false(draw):
    return base(draw, "true_false") | {"answer": draw(st.booleans())}


@st.composite
def ordering(draw):
    question = base(draw, "ordering") | {"options": draw(options())}
    question["answer"] = draw(st.permutations(list(question["options"])))
    return question | {"scoring": draw(st.sampled_from(["partial", "all_or_nothing"]))}


@st.composite
def numeric(draw):
    question = base(draw, "numeric")
    question["answer"] = draw(st.integers(-(10**9), 10**9) | st.floats(-1e9, 1e9, allow_nan=False))
    tolerance = draw(st.sampled_from([None, "tolerance", "tolerance_pct"]))
    if tolerance:
        question[tolerance] = draw(st.floats(0, 50))
    unit = draw(st.sampled_from([None, "元", "%", "万元"]))
    return question | ({"unit": unit} if unit else {})


@st.composite
def fill_blank(draw):
    blanks = draw(st.lists(st.lists(WORDS, min_size=1, max_size=3), min_size=1, max_size=4))
    question = base(draw, "fill_blank")
    question["stem"] = "填空:" + " ____ 和".join("" for _ in range(len(blanks) + 1))
    return question | {"answer": blanks}


@st.composite
def matching(draw):
    lefts = draw(distinct_words(2, 5))
    rights = draw(st.lists(WORDS, min_size=len(lefts), max_size=len(lefts)))
    taken = {normalise(right) for right in rights}
    distractors = draw(st.lists(WORDS.filter(lambda w: normalise(w) not in taken), max_size=2, unique_by=normalise))
    return base(draw, "matching") | {"answer": {"pairs": dict(zip(lefts, rights, strict=True))}, "distractors": distractors}


@st.composite
def essay(draw):
    return base(draw, "essay") | {"rubric": draw(WORDS)}


QUESTIONS = st.one_of(single(), multiple(), true_false(), ordering(), numeric(), fill_blank(), matching(), essay())
# For each type, JSON values that can never be a well-formed response.
WRONG_SHAPES = {
    "single": JSON.filter(lambda v: v is not None and not isinstance(v, str)),
    "multiple": JSON.filter(lambda v: v is not None and not isinstance(v, list)),
    "true_false": JSON.filter(lambda v: v is not None and not isinstance(v, (bool, str))),
    "ordering": JSON.filter(lambda v: v is not None and not isinstance(v, list)),
    "numeric": JSON.filter(lambda v: isinstance(v, (bool, list, dict))),
    "fill_blank": JSON.filter(lambda v: v is not None and not isinstance(v, list)),
    "matching": JSON.filter(lambda v: v is not None and not isinstance(v, dict)),
    "essay": JSON.filter(lambda v: v is not None and not isinstance(v, str)),
}


@given(QUESTIONS)
def test_generated_questions_are_valid(question):
    validation = validate_question(question)
    assert validation.ok, validation.message


@given(QUESTIONS)
def test_key_response_scores_full_marks(question):
    result = grade(question, key_response(question))
    assert result.error is None
    if question["type"] == "essay":
        assert result.needs_manual
    else:
        assert result.correct
        assert result.score == result.max_score == float(question["points"])


@given(QUESTIONS, JSON)
def test_any_json_response_scores_within_bounds_and_never_raises(question, response):
    result = grade(question, response)
    assert 0 <= result.score <= result.max_score == float(question["points"])
    assert result.correct == (result.score == result.max_score and not result.needs_manual)
    if result.error is not None:
        assert result.error
        assert result.score == 0


@given(QUESTIONS, st.data())
def test_wrong_shapes_get_zero_and_an_error(question, data):
    response = data.draw(WRONG_SHAPES[question["type"]])
    result = grade(question, response)
    assert result.score == 0
    assert result.error


@given(multiple(), st.data())
def test_multiple_partial_matches_the_formula(question, data):
    question["scoring"] = "partial"
    chosen = data.draw(st.lists(st.sampled_from(list(question["options"])), unique=True))
    right = set(question["answer"])
    hits, misses = len(right & set(chosen)), len(set(chosen) - right)
    expected = max(Fraction(0), Fraction(hits - misses, len(right))) * Fraction(question["points"])
    assert abs(grade(question, chosen).score - float(expected)) < 1e-3


def longest_in_order(ranks):
    # Quadratic dynamic programme: an independent check of the bisect version.
    best = [1] * len(ranks)
    for i in range(len(ranks)):
        for j in range(i):
            if ranks[j] < ranks[i]:
                best[i] = max(best[i], best[j] + 1)
    return max(best)


@given(ordering(), st.data())
def test_ordering_partial_matches_longest_ordered_subsequence(question, data):
    question["scoring"] = "partial"
    response = data.draw(st.permutations(list(question["options"])))
    rank = {key: i for i, key in enumerate(question["answer"])}
    expected = Fraction(longest_in_order([rank[k] for k in response]), len(response)) * Fraction(question["points"])
    assert abs(grade(question, response).score - float(expected)) < 1e-3
