"""Writing GIFT: Moodle syntax of the output, skip reasons, and export → import round trips."""

from __future__ import annotations

import re

import pytest

from app.domain.interop import export_gift, parse_gift
from interop_samples import (
    ALL, CHAPTER, FILL_ONE, MATCHING, MULTIPLE, NOT_IN_GIFT, NUMERIC_PCT, SINGLE, bank, chapter_of,
    without_chapter,
)

# An unescaped control character: not preceded by an odd number of backslashes.
UNESCAPED = r"(?<!\\)(?:\\\\)*{}"


def blocks(text: str) -> list[str]:
    return [block.strip("\n") for block in text.split("\n\n") if block.strip()]


def unescaped(char: str, text: str) -> int:
    return len(re.findall(UNESCAPED.format(re.escape(char)), text))


def test_every_chapter_starts_with_a_category_block():
    text = export_gift(bank()).text
    categories = [b for b in blocks(text) if b.startswith("$CATEGORY:")]
    assert categories == ["$CATEGORY: $course$/crm/ch05-customer-value",
                          "$CATEGORY: $course$/crm/ch06-segmentation"]
    assert export_gift(bank(), course="marketing").text.startswith(
        "$CATEGORY: $course$/marketing/ch05-customer-value\n\n")


def test_each_question_is_one_block_with_metadata_name_and_one_answer_set():
    text = export_gift(bank()).text
    questions = [b for b in blocks(text) if not b.startswith("$CATEGORY:")]
    assert len(questions) == len(ALL) - len(NOT_IN_GIFT)
    for block in questions:
        meta, head = block.split("\n", 1)
        assert meta.startswith("// @crm {")  # the metadata line comes right before the question
        assert re.match(r"::[a-z0-9-]+::\[markdown\]", head)
        assert unescaped("{", head) == 1 and unescaped("}", head) == 1
        assert all(line.strip() for line in block.split("\n"))  # no blank line inside a question


def test_special_characters_are_escaped():
    text = export_gift({CHAPTER: [SINGLE]}).text
    assert "指的是\\:" in text and "\\{CLV\\}" in text and "\\\\frac\\{m\\}" in text
    assert "~\\= 2 + 3 \\~ 50% \\#1" in text
    assert "~[markdown][参见] 第五章 -> 第 2 节" in text  # a leading "[" is not a format marker
    assert "\\n\\n" in text and "\n\n$CLV" not in text


def test_multiple_choice_weights_add_up_to_one_hundred():
    text = export_gift({CHAPTER: [MULTIPLE]}).text
    weights = [float(w) for w in re.findall(r"~%(-?[\d.]+)%", text)]
    assert sum(w for w in weights if w > 0) == pytest.approx(100, abs=0.001)
    assert [w for w in weights if w < 0] == [pytest.approx(-33.33333)]


def test_numeric_percentage_tolerance_is_written_as_absolute():
    assert "{#2.5:0.25}" in export_gift({CHAPTER: [NUMERIC_PCT]}).text


def test_single_blank_uses_the_missing_word_form_and_escapes_wildcards():
    text = export_gift({CHAPTER: [FILL_ONE]}).text
    assert "称为{=运营 =操作 =5\\\\*2}型 CRM。" in text


def test_round_trip_keeps_every_question_gift_can_express_field_for_field():
    exported = export_gift(bank())
    result = parse_gift(exported.text)
    assert result.errors == [] and result.skipped == []
    assert result.warnings == []
    expected = [q for q in ALL if q["id"] not in NOT_IN_GIFT]
    assert [without_chapter(q) for q in result.questions] == expected
    assert all(q["chapter"] == chapter_of(q["id"]) for q in result.questions)


def test_ordering_and_several_blanks_are_skipped_with_reasons():
    skipped = {skip.where: skip.reason for skip in export_gift(bank()).skipped}
    assert set(skipped) == NOT_IN_GIFT
    assert all("Moodle XML" in reason for reason in skipped.values())


def test_round_trip_keeps_non_standard_option_keys_and_blank_widths():
    questions = [
        dict(SINGLE, id="k1", options={"B": "乙", "A": "甲", "X": "丙"}, answer="X"),
        dict(FILL_ONE, id="k2", stem="长的空格________在这里"),
        dict(SINGLE, id="k3", options={"A": "%5%增长", "B": "=%50% 一半"}, answer="B"),
        dict(FILL_ONE, id="k4", answer=[["%5%", "[x]"]]),
    ]
    result = parse_gift(export_gift({CHAPTER: questions}).text)
    assert [without_chapter(q) for q in result.questions] == questions


@pytest.mark.parametrize("broken, reason", [
    (dict(SINGLE, answer="Z"), "不存在的选项"),
    (dict(SINGLE, type="hotspot"), "未知题型"),
    ({k: v for k, v in SINGLE.items() if k != "id"}, "缺少 id"),
    (dict(SINGLE, stem="   "), "stem"),
    (dict(MATCHING, answer={"pairs": {"a -> b": "1", "c": "2"}}), "->"),
    (dict(MULTIPLE, answer="A"), "正确选项"),
    (dict(FILL_ONE, stem="没有空格"), "空格"),
    (dict(FILL_ONE, answer=[]), "每个空"),
    (dict(FILL_ONE, answer=[["A -> B"]]), "配对题"),
    ("not a question", "不是题目"),
])
def test_malformed_questions_are_skipped_not_raised(broken, reason):
    result = export_gift({CHAPTER: [broken, MULTIPLE]})
    [skip] = result.skipped
    assert reason in skip.reason
    assert "::ch02-q010::" in result.text  # the good question is still exported


def test_questions_without_a_valid_chapter_are_skipped():
    result = export_gift([{"chapter": None, "questions": [SINGLE]},
                          {"chapter": "第五章", "questions": [MULTIPLE]}])
    assert result.text == "" and len(result.skipped) == 2


@pytest.mark.parametrize("data", [None, 42, "text", [1, 2], {"ch05": "not a list"}])
def test_unreadable_input_gives_an_error(data):
    result = export_gift(data)
    assert result.errors and result.text == "" and not result.ok


def test_accepts_bank_files_and_flat_questions():
    files = [{"chapter": CHAPTER, "questions": [SINGLE]}, {"chapter": CHAPTER, "questions": [MULTIPLE]}]
    flat = [dict(SINGLE, chapter=CHAPTER), dict(MULTIPLE, chapter=CHAPTER)]
    assert export_gift(files).text == export_gift(flat).text == export_gift({CHAPTER: [SINGLE, MULTIPLE]}).text
    assert export_gift(flat).text.count("$CATEGORY") == 1


def test_option_references_in_the_explanation_export_as_bank_letters():
    text = export_gift({CHAPTER: [dict(MULTIPLE, explanation="分析型是对的，{{opt:D}} 不属于 CRM。")]}).text
    assert "####分析型是对的，D 不属于 CRM。" in text and "opt:" not in text
