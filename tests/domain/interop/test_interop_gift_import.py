"""Reading GIFT: the examples of Moodle's GIFT documentation, metadata, skips and errors."""

from __future__ import annotations

import pytest

from app.domain.interop import parse_gift


def one(text: str, **kwargs) -> dict:
    """Parse text holding exactly one question and return it (no errors allowed)."""
    result = parse_gift(text, **kwargs)
    assert result.errors == [], result.errors
    assert len(result.questions) == 1, (result.questions, result.skipped)
    return result.questions[0]


# ---------------------------------------------------------------- question kinds


def test_multiple_choice_with_one_right_answer_is_single():
    question = one("Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}")
    assert question["type"] == "single"
    assert question["stem"] == "Who's buried in Grant's tomb?"
    assert question["options"] == {"A": "Grant", "B": "Jefferson", "C": "no one"}
    assert question["answer"] == "C"


def test_missing_word_form_puts_a_blank_where_the_answers_were():
    question = one("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert question["stem"] == "Grant is ____ in Grant's tomb."
    assert question["answer"] == "B"


def test_answers_may_span_lines():
    question = one("The American holiday of Thanksgiving is celebrated on the {\n"
                   "    ~second\n    ~third\n    =fourth\n} Thursday of November.")
    assert question["stem"] == ("The American holiday of Thanksgiving is celebrated on the ____ "
                                "Thursday of November.")
    assert question["options"]["C"] == "fourth" and question["answer"] == "C"


def test_weights_of_half_and_minus_half_are_the_partial_multiple_question():
    result = parse_gift("What two people are entombed in Grant's tomb? {\n"
                        "    ~%-50%No one\n    ~%50%Grant\n    ~%50%Grant's wife\n"
                        "    ~%-50%Grant's father }")
    [question] = result.questions
    assert question["type"] == "multiple"
    assert question["answer"] == ["B", "C"]
    assert "scoring" not in question  # partial is the default
    assert result.warnings[-1].where == "难度"  # no other warning: the weights match exactly


def test_multiple_answers_without_penalties_warn_that_scoring_changes():
    result = parse_gift("What two people are entombed in Grant's tomb? {\n"
                        "    ~No one\n    ~%50%Grant\n    ~%50%Grant's wife\n    ~Grant's father }")
    [question] = result.questions
    assert question["answer"] == ["B", "C"]
    assert any("部分得分规则" in w.reason for w in result.warnings)


def test_partial_credit_on_a_single_choice_is_dropped_with_a_warning():
    result = parse_gift("Difficult question.{~wrong answer ~%50%half credit answer =full credit answer}")
    assert result.questions[0]["answer"] == "C"
    assert any("部分得分" in w.reason for w in result.warnings)


def test_true_false_in_all_spellings():
    assert one("Grant is buried in Grant's tomb.{F}")["answer"] is False
    assert one("The sun rises in the east.{T}")["answer"] is True
    assert one("The sun rises in the east.{TRUE}")["answer"] is True
    question = one("Grant is buried in Grant's tomb.{FALSE#No one is buried in Grant's tomb.}")
    assert question["type"] == "true_false" and question["answer"] is False
    assert "No one is buried in Grant's tomb." in question["explanation"]


def test_short_answer_is_a_fill_blank_with_one_blank():
    question = one("Who's buried in Grant's tomb?{=no one =nobody}")
    assert question["type"] == "fill_blank"
    assert question["answer"] == [["no one", "nobody"]]
    assert question["stem"].count("____") == 1


def test_short_answer_in_missing_word_form():
    question = one("Two plus two equals {=four =4}.")
    assert question["stem"] == "Two plus two equals ____."
    assert question["answer"] == [["four", "4"]]


def test_numeric_with_tolerance():
    question = one("When was Ulysses S. Grant born?{#1822:5}")
    assert question["type"] == "numeric"
    assert (question["answer"], question["tolerance"]) == (1822, 5)


def test_numeric_without_tolerance_has_no_tolerance_key():
    question = one("When was Ulysses S. Grant born? {#1822}")
    assert question["answer"] == 1822 and "tolerance" not in question


def test_numeric_range_becomes_midpoint_and_tolerance():
    question = one("What is the value of pi (to 3 decimal places)? {#3.141..3.142}")
    assert question["answer"] == pytest.approx(3.1415)
    assert question["tolerance"] == pytest.approx(0.0005)


def test_numeric_partial_credit_answers_are_dropped_with_a_warning():
    result = parse_gift("When was Ulysses S. Grant born? {#\n    =1822:0\n    =%50%1822:2}")
    [question] = result.questions
    assert (question["answer"], question["tolerance"]) == (1822, 0)
    assert any("1822" in w.reason for w in result.warnings if w.where != "难度")


def test_matching():
    question = one("Match the following countries with their corresponding capitals. {\n"
                   "    =Canada -> Ottawa\n    =Italy  -> Rome\n    =Japan  -> Tokyo\n"
                   "    =India  -> New Delhi\n    }")
    assert question["type"] == "matching"
    assert question["answer"] == {"pairs": {"Canada": "Ottawa", "Italy": "Rome", "Japan": "Tokyo",
                                            "India": "New Delhi"}}


def test_matching_entry_without_a_left_item_is_a_distractor():
    question = one("配对 {\n=年龄 -> 人口统计变量\n=购买频率 -> 行为变量\n= -> 地理变量\n}")
    assert question["distractors"] == ["地理变量"]
    assert len(question["answer"]["pairs"]) == 2


def test_essay_gets_a_placeholder_rubric_and_a_warning():
    result = parse_gift("Write a short biography of Dag Hammarskjöld. {}")
    [question] = result.questions
    assert question["type"] == "essay"
    assert question["rubric"].strip()
    assert any("评分要点" in w.reason for w in result.warnings)


def test_general_feedback_becomes_the_explanation():
    question = one("How are you? {####We hope you're feeling well.}")
    assert question["type"] == "essay"
    assert question["explanation"] == "We hope you're feeling well."


def test_per_answer_feedback_is_folded_into_the_explanation():
    question = one("What's the answer to this multiple-choice question?{\n"
                   "~wrong answer#feedback comment on the wrong answer\n"
                   "~another wrong answer#feedback comment on this wrong answer\n"
                   "=right answer#Very good!}")
    assert question["options"]["C"] == "right answer"
    assert "选项 A:feedback comment on the wrong answer" in question["explanation"]
    assert "选项 C:Very good!" in question["explanation"]


# ---------------------------------------------------------------- syntax details


def test_escaped_control_characters_are_literal():
    question = one("Which answer equals 5? {\n     ~ \\= 2 + 2\n     = \\= 2 + 3\n     ~ \\= 2 + 4  }")
    assert question["options"] == {"A": "= 2 + 2", "B": "= 2 + 3", "C": "= 2 + 4"}
    assert question["answer"] == "B"


def test_every_control_character_and_the_backslash_can_be_escaped():
    question = one("::GIFT Control Characters::\n"
                   "Which of the following is NOT a control character for the GIFT import format? {\n"
                   "   ~ \\~     # \\~ is a control character.\n"
                   "   ~ \\=     # \\= is a control character.\n"
                   "   ~ \\#     # \\# is a control character.\n"
                   "   ~ \\{     # \\{ is a control character.\n"
                   "   ~ \\}     # \\} is a control character.\n"
                   "   ~ \\:     # \\: is a control character.\n"
                   "   = \\\\     # Correct! \\\\ (backslash) is not a control character.\n}")
    assert list(question["options"].values()) == ["~", "=", "#", "{", "}", ":", "\\"]
    assert question["answer"] == "G"


def test_escaped_newline_is_a_line_break():
    assert one("第一行\\n第二行{T}")["stem"] == "第一行\n第二行"


def test_comments_are_ignored_and_titles_become_ids():
    question = one("// Subheading: Numerical questions below\n::ch05-q009::What's 2 plus 2? {#4}")
    assert question["id"] == "ch05-q009"
    assert question["answer"] == 4


def test_markdown_marker_is_removed():
    question = one("[markdown]Who's buried in **Grant's tomb**?{\n=no one#excellent answer!\n"
                   "=nobody#excellent answer!}")
    assert question["stem"].startswith("Who's buried in **Grant's tomb**?")


def test_html_marker_converts_to_markdown():
    question = one("[html]<p>What is <b>CRM</b>?</p>{T}")
    assert question["stem"] == "What is **CRM**?"


def test_category_sets_the_chapter_from_its_last_component():
    result = parse_gift("Q0 {T}\n\n$CATEGORY: $course$/top/crm/ch02-crm-systems\n\n"
                        "Q1 {T}\n\n$CATEGORY: $course$/crm/ch03-customer-lifecycle\n\nQ2 {F}",
                        default_chapter="ch01-crm-overview")
    assert [q["chapter"] for q in result.questions] == [
        "ch01-crm-overview", "ch02-crm-systems", "ch03-customer-lifecycle"]


def test_invalid_titles_get_stable_generated_ids():
    text = "::Kanji Origins::Japanese characters originally\ncame from what country? {=China}"
    first, second = one(text)["id"], one(text)["id"]
    assert first == second
    assert first.startswith("imp-") and len(first) == len("imp-") + 8
    assert one(text.replace("China", "中国").replace("Kanji", "Kana"))["id"] != first


def test_duplicate_titles_keep_the_first_and_warn_on_the_second():
    result = parse_gift("::q1::甲 {T}\n\n::q1::乙 {F}")
    assert [q["id"] for q in result.questions][0] == "q1"
    assert result.questions[1]["id"].startswith("imp-")
    assert any("重复" in w.reason for w in result.warnings)


def test_metadata_comment_restores_what_gift_cannot_say():
    question = one('// @crm {"difficulty": 4, "tags": ["细分"], "section": "rfm", "points": 2, '
                   '"unit": "元", "rubric": "要点"}\n::ch06-q001::金额是多少?{#120:1}')
    assert question["difficulty"] == 4 and question["tags"] == ["细分"]
    assert question["section"] == "rfm" and question["points"] == 2 and question["unit"] == "元"


def test_plain_moodle_questions_get_the_default_difficulty():
    result = parse_gift("Q {T}")
    assert result.questions[0]["difficulty"] == 3
    assert any(w.where == "难度" for w in result.warnings)


def test_broken_metadata_is_ignored_with_a_warning():
    result = parse_gift("// @crm {difficulty: 2\n::q1::Q {T}")
    assert result.questions[0]["id"] == "q1"
    assert any("JSON" in w.reason for w in result.warnings)


# ---------------------------------------------------------------- skips and errors


@pytest.mark.parametrize("text, reason", [
    ("Just a description without answers.", "说明文字"),
    ("Put in order {>3 ALL VERTICAL\nA\nB\nC\n}", "排序题"),
    ("Two right answers? {=a =b ~c}", "单选题"),
    ("Nothing scores {~a ~b}", "多选题没有得分"),
])
def test_questions_without_a_bank_form_are_skipped_with_a_reason(text, reason):
    result = parse_gift(text)
    assert result.questions == [] and result.errors == []
    [skip] = result.skipped
    assert reason in skip.reason and skip.line == 1


@pytest.mark.parametrize("text, reason", [
    ("Unclosed {=a =b", "花括号不成对"),
    ("Unopened =a =b}", "花括号不成对"),
    ("Nested {=a {b}}", "花括号不成对"),
    ("Two answer sets {=a} and {=b}", "一组答案"),
    ("Not a number {#abc}", "不是数字"),
    ("Bad range {#5..1}", "范围"),
    ("Half a match {=a -> 1 =b}", "配对"),
])
def test_malformed_questions_are_errors_and_parsing_goes_on(text, reason):
    result = parse_gift(f"Before {{T}}\n\n{text}\n\nAfter {{F}}")
    assert [q["answer"] for q in result.questions] == [True, False]
    [error] = result.errors
    assert reason in error.reason and error.line == 3


def test_utf8_bytes_and_gb18030_bytes_are_read():
    assert parse_gift("::q1::客户 {T}".encode("utf-8")).questions[0]["stem"] == "客户"
    result = parse_gift("::q1::客户 {T}".encode("gb18030"))
    assert result.questions[0]["stem"] == "客户"
    assert any("GB18030" in w.reason for w in result.warnings)


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "", "   \n\n", None, 42])
def test_binary_empty_or_wrong_input_is_an_error(data):
    result = parse_gift(data)
    assert result.questions == [] and result.errors and not result.ok
