"""Writing Moodle XML: well-formed Moodle structure, skip reasons, export → import round trips."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from app.domain.interop import export_moodle_xml, parse_moodle_xml
from interop_samples import (
    ALL, CHAPTER, ESSAY, FILL_MANY, FILL_ONE, MATCHING, MULTIPLE, NUMERIC, ORDERING, SINGLE, TRUE_FALSE,
    bank, chapter_of, without_chapter,
)


def tree(questions: list[dict]) -> ET.Element:
    return ET.fromstring(export_moodle_xml({CHAPTER: questions}).text.encode("utf-8"))


def test_output_is_a_well_formed_quiz_with_categories():
    root = ET.fromstring(export_moodle_xml(bank()).text.encode("utf-8"))
    assert root.tag == "quiz"
    categories = [q.findtext("category/text") for q in root.iter("question") if q.get("type") == "category"]
    assert categories == ["$course$/crm/ch05-customer-value", "$course$/crm/ch06-segmentation"]


@pytest.mark.parametrize("sample, moodle_type", [
    (SINGLE, "multichoice"), (MULTIPLE, "multichoice"), (TRUE_FALSE, "truefalse"),
    (NUMERIC, "numerical"), (FILL_ONE, "shortanswer"), (FILL_MANY, "cloze"),
    (MATCHING, "matching"), (ESSAY, "essay"), (ORDERING, "ordering"),
])
def test_each_type_maps_to_its_moodle_type(sample, moodle_type):
    [element] = [q for q in tree([sample]).iter("question") if q.get("type") != "category"]
    assert element.get("type") == moodle_type
    assert element.findtext("name/text") == sample["id"]
    assert element.find("questiontext").get("format") == "markdown"
    assert element.findtext("defaultgrade") == str(sample.get("points", 1))


def test_multichoice_details():
    [element] = tree([MULTIPLE]).findall("question[@type='multichoice']")
    assert element.findtext("single") == "false"
    assert [a.get("fraction") for a in element.findall("answer")] == ["33.33333"] * 3 + ["-33.33333"]
    assert [t.text for t in element.findall("tags/tag/text")] == ["CRM 类型", "系统"]


def test_numerical_details():
    [element] = tree([NUMERIC]).findall("question[@type='numerical']")
    assert element.findtext("answer/text") == "26000" and element.findtext("answer/tolerance") == "100"
    assert element.findtext("units/unit/unit_name") == "元"
    assert element.findtext("units/unit/multiplier") == "1"


def test_essay_rubric_is_graderinfo():
    [element] = tree([ESSAY]).findall("question[@type='essay']")
    assert element.findtext("graderinfo/text") == ESSAY["rubric"]


def test_ordering_uses_the_ordering_plugin_format_in_the_right_order():
    [element] = tree([ORDERING]).findall("question[@type='ordering']")
    assert [a.findtext("text") for a in element.findall("answer")] == ["考察期", "形成期", "稳定期", "退化期"]
    assert element.findtext("gradingtype") == "LONGEST_ORDERED_SUBSET"
    assert element.findtext("selecttype") == "ALL"


def test_several_blanks_become_cloze_markers_weighted_to_the_points():
    [element] = tree([FILL_MANY]).findall("question[@type='cloze']")
    assert element.findtext("questiontext/text") == (
        "CRM 系统分为{1:SHORTANSWER:=运营~=操作}型、{1:SHORTANSWER:=分析}型和{1:SHORTANSWER:=协作}型三类。")


def test_metadata_comment_never_contains_a_double_hyphen():
    text = export_moodle_xml({CHAPTER: [dict(SINGLE, section="a--b---c")]}).text
    comment = text[text.index("<!--") + 4:text.index("-->")]
    assert "--" not in comment
    assert parse_moodle_xml(text).questions[0]["section"] == "a--b---c"


def test_round_trip_keeps_every_question_field_for_field():
    exported = export_moodle_xml(bank())
    assert exported.skipped == []
    result = parse_moodle_xml(exported.text)
    assert result.errors == [] and result.skipped == [] and result.warnings == []
    assert [without_chapter(q) for q in result.questions] == ALL
    assert all(q["chapter"] == chapter_of(q["id"]) for q in result.questions)


def test_round_trip_keeps_absent_and_explicit_defaults_apart():
    questions = [
        dict(TRUE_FALSE, id="d1", points=1, tags=[]),
        {k: v for k, v in ORDERING.items() if k != "scoring"} | {"id": "d2"},
        dict(ORDERING, id="d3", answer=["A", "B", "C", "D"], scoring="all_or_nothing"),
        dict(NUMERIC, id="d4", tolerance_pct=5),
        dict(FILL_MANY, id="d5", points=2.5),
    ]
    result = parse_moodle_xml(export_moodle_xml({CHAPTER: questions}).text)
    assert [without_chapter(q) for q in result.questions] == questions


@pytest.mark.parametrize("broken, reason", [
    (dict(SINGLE, points=0), "points"),
    (dict(SINGLE, points="1"), "points"),
    (dict(TRUE_FALSE, answer="false"), "true 或 false"),
    (dict(NUMERIC, answer="26000"), "数"),
    (dict(ORDERING, answer=["A", "B"]), "恰好列出一次"),
    (dict(FILL_MANY, answer=[["a~b"], ["x"], ["y"]]), "~"),
    (dict(SINGLE, stem="控制字符\x01"), "控制字符"),
    (dict(MATCHING, answer={"pairs": {"a": "1"}}), "两对"),
])
def test_malformed_questions_are_skipped_not_raised(broken, reason):
    result = export_moodle_xml({CHAPTER: [broken, MULTIPLE]})
    [skip] = result.skipped
    assert reason in skip.reason
    ET.fromstring(result.text.encode("utf-8"))  # the rest is still a valid file


@pytest.mark.parametrize("data", [None, 42, "text", {"ch05": 7}])
def test_unreadable_input_gives_an_error(data):
    result = export_moodle_xml(data)
    assert result.errors and result.text == ""


def test_option_references_in_the_explanation_export_as_bank_letters():
    question = dict(MULTIPLE, explanation="分析型是对的，{{opt:D}} 不属于 CRM。")
    [element] = tree([question]).findall("question[@type='multichoice']")
    assert "分析型是对的，D 不属于 CRM。" in element.findtext("generalfeedback/text")
