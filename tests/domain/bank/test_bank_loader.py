"""Loading: Question objects with their source, only valid questions, data round trip."""

from app.domain.bank import Question, load_file, load_paths
from app.domain.questions import grade, key_response, validate_question
from bank_helpers import CHAPTERS, write

BANK = """
chapter: ch05-customer-value
questions:
  # a comment line

  - id: ch05-q001
    type: single
    difficulty: 2
    tags: [客户终生价值]
    section: ltv-formula
    stem: "客户终生价值(LTV)指的是……"
    options: {A: 甲, B: 乙}
    answer: B
    explanation: 见 ltv-formula 一节

  - id: ch05-q002
    type: numeric
    difficulty: 3
    points: 2
    stem: |
      计算 LTV。
      结果保留整数。
    answer: 26000
    unit: 元

  - id: ch05-q003
    type: single
    difficulty: 2
    stem: 有问题的题
    options: {A: 甲, B: 乙}
    answer: C
"""


def test_questions_carry_their_source(tmp_path):
    path = write(tmp_path, BANK)
    result = load_file(path, CHAPTERS)
    assert [q.id for q in result.questions] == ["ch05-q001", "ch05-q002"]
    first, second = result.questions
    assert isinstance(first, Question)
    assert (first.source_path, first.source_line, first.chapter) == (str(path), 5, "ch05-customer-value")
    assert second.source_line == 15
    assert second.location == f"{path}:15"
    assert (first.type, first.points, first.difficulty, first.section, first.tags) == (
        "single", 1.0, 2, "ltv-formula", ["客户终生价值"],
    )  # fmt: skip
    assert second.spec.stem == "计算 LTV。\n结果保留整数。\n"
    assert [str(p) for p in result.problems] == [f"{path}:30: ch05-q003：answer 中的 'C' 不在 options 中（可选：A、B）"]
    assert not result.ok


def test_loaded_questions_grade_and_round_trip_as_plain_data(tmp_path):
    result = load_paths([write(tmp_path, BANK)])
    for question in result.questions:
        assert grade(question, key_response(question)).correct
        data = question.to_data()
        assert validate_question(data).spec == question.spec
        assert grade(data, key_response(data)).correct
    assert result.questions[1].to_data()["tolerance"] is None


def test_invalid_chapter_leaves_its_questions_out(tmp_path):
    path = write(tmp_path, BANK.replace("ch05-customer-value", "ch42-unknown"))
    assert load_paths([path]).questions  # no courseware given: not checked
    assert load_paths([path], CHAPTERS).questions == ()


def test_duplicate_ids_keep_the_first(tmp_path):
    write(tmp_path, BANK, "a.yaml")
    write(tmp_path, BANK.replace("ch05-q002", "ch05-q102"), "b.yaml")
    result = load_paths([tmp_path])
    assert [(q.id, q.source_path) for q in result.questions] == [
        ("ch05-q001", str(tmp_path / "a.yaml")),
        ("ch05-q002", str(tmp_path / "a.yaml")),
        ("ch05-q102", str(tmp_path / "b.yaml")),
    ]
    duplicates = [p for p in result.problems if "重复：已在" in p.message]
    assert [(p.path, p.line) for p in duplicates] == [(str(tmp_path / "b.yaml"), 5), (str(tmp_path / "b.yaml"), 25)]
