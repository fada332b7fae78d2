"""Reading Moodle XML: one sample per question type as Moodle writes it, and hostile input."""

from __future__ import annotations

import pytest

from app.domain.interop import parse_moodle_xml


def quiz(*questions: str, category: str = "$course$/top/crm/ch05-customer-value") -> str:
    head = (f'<question type="category"><category><text>{category}</text></category></question>'
            if category else "")
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + head + "".join(questions) + "</quiz>"


def question(kind: str, name: str, text: str, body: str, fmt: str = "html", grade: str = "1.0000000") -> str:
    return (f'<question type="{kind}"><name><text>{name}</text></name>'
            f'<questiontext format="{fmt}"><text><![CDATA[{text}]]></text></questiontext>'
            f'<generalfeedback format="html"><text></text></generalfeedback>'
            f"<defaultgrade>{grade}</defaultgrade><penalty>0.3333333</penalty><hidden>0</hidden>"
            f"<idnumber></idnumber>{body}</question>")


def answer(fraction: str, text: str, feedback: str = "", fmt: str = "html") -> str:
    return (f'<answer fraction="{fraction}" format="{fmt}"><text><![CDATA[{text}]]></text>'
            f'<feedback format="html"><text>{feedback}</text></feedback></answer>')


def only(xml: str) -> dict:
    result = parse_moodle_xml(xml)
    assert result.errors == [] and result.skipped == [], (result.errors, result.skipped)
    [found] = result.questions
    return found


def test_multichoice_single_with_html_feedback_and_tags():
    found = only(quiz(question(
        "multichoice", "ch05-mc1", "<p>客户终生价值(<strong>LTV</strong>)指的是:</p>",
        "<single>true</single><shuffleanswers>true</shuffleanswers><answernumbering>abc</answernumbering>"
        + answer("0", "<p>一次购买的金额</p>", "不对")
        + answer("100", "<p>客户在整个关系期内带来利润的现值</p>")
        + "<tags><tag><text>客户终生价值</text></tag><tag><text>LTV</text></tag></tags>",
        grade="2.0000000")))
    assert found["id"] == "ch05-mc1" and found["chapter"] == "ch05-customer-value"
    assert found["type"] == "single" and found["answer"] == "B"
    assert found["stem"] == "客户终生价值(**LTV**)指的是:"
    assert found["options"]["A"] == "一次购买的金额"
    assert found["tags"] == ["客户终生价值", "LTV"] and found["points"] == 2
    assert "选项 A:不对" in found["explanation"]


def test_multichoice_multiple_with_equal_shares_and_penalties():
    found = only(quiz(question(
        "multichoice", "m2", "哪些是 CRM 的类型?",
        "<single>false</single>" + answer("33.33333", "运营型") + answer("33.33333", "分析型")
        + answer("33.33333", "协作型") + answer("-33.33333", "娱乐型"))))
    assert found["type"] == "multiple" and found["answer"] == ["A", "B", "C"]


def test_truefalse():
    found = only(quiz(question(
        "truefalse", "tf1", "CRM 只是一套软件。",
        answer("0", "true", "CRM 是管理理念", "moodle_auto_format") + answer("100", "false", "", "moodle_auto_format"),
        fmt="moodle_auto_format")))
    assert found["type"] == "true_false" and found["answer"] is False
    assert "CRM 是管理理念" in found["explanation"]


def test_shortanswer_keeps_full_credit_answers_and_adds_a_blank():
    result = parse_moodle_xml(quiz(question(
        "shortanswer", "sa1", "<p>侧重业务流程自动化的 CRM 是哪一类?</p>",
        "<usecase>0</usecase>" + answer("100", "运营型", fmt="moodle_auto_format")
        + answer("100", "操作\\*", fmt="moodle_auto_format") + answer("50", "运营", fmt="moodle_auto_format")
        + answer("100", "运*", fmt="moodle_auto_format"))))
    [found] = result.questions
    assert found["type"] == "fill_blank"
    assert found["answer"] == [["运营型", "操作*"]]
    assert found["stem"] == "侧重业务流程自动化的 CRM 是哪一类? ____"
    reasons = " ".join(w.reason for w in result.warnings)
    assert "运营" in reasons and "通配符" in reasons


def test_numerical_with_tolerance_and_unit():
    result = parse_moodle_xml(quiz(question(
        "numerical", "num1", "LTV 是多少元?",
        answer("100", "26000", "对", "moodle_auto_format").replace("</answer>", "<tolerance>100</tolerance></answer>")
        + answer("0", "*", "再算算", "moodle_auto_format")
        + "<units><unit><multiplier>1</multiplier><unit_name>元</unit_name></unit>"
          "<unit><multiplier>0.0001</multiplier><unit_name>万元</unit_name></unit></units>", grade="3")))
    [found] = result.questions
    assert (found["type"], found["answer"], found["tolerance"], found["unit"]) == ("numeric", 26000, 100, "元")
    assert found["points"] == 3
    assert "其他答案:再算算" in found["explanation"]
    assert any("换算单位" in w.reason for w in result.warnings)


def test_matching_with_distractor():
    found = only(quiz(question(
        "matching", "match1", "配对",
        '<shuffleanswers>true</shuffleanswers>'
        '<subquestion format="html"><text><![CDATA[<p>运营型</p>]]></text><answer><text>流程自动化</text></answer></subquestion>'
        '<subquestion format="html"><text>分析型</text><answer><text>数据挖掘</text></answer></subquestion>'
        '<subquestion format="html"><text></text><answer><text>娱乐</text></answer></subquestion>')))
    assert found["answer"] == {"pairs": {"运营型": "流程自动化", "分析型": "数据挖掘"}}
    assert found["distractors"] == ["娱乐"]


def test_essay_graderinfo_is_the_rubric():
    found = only(quiz(question(
        "essay", "essay1", "论述 CRM 实施的关键成功因素。",
        '<responseformat>editor</responseformat>'
        '<graderinfo format="html"><text><![CDATA[<p>高层支持;流程再造。</p>]]></text></graderinfo>',
        grade="10")))
    assert found["type"] == "essay" and found["rubric"] == "高层支持;流程再造。" and found["points"] == 10


def test_ordering_items_follow_their_rank_and_get_shuffled_keys():
    body = ("<layouttype>VERTICAL</layouttype><selecttype>ALL</selecttype><selectcount>4</selectcount>"
            "<gradingtype>ALL_OR_NOTHING</gradingtype>"
            + answer("2", "形成期", fmt="moodle_auto_format") + answer("1", "考察期", fmt="moodle_auto_format")
            + answer("3", "稳定期", fmt="moodle_auto_format") + answer("4", "退化期", fmt="moodle_auto_format"))
    found = only(quiz(question("ordering", "order1", "排列客户生命周期阶段", body)))
    assert found["type"] == "ordering" and found["scoring"] == "all_or_nothing"
    assert [found["options"][key] for key in found["answer"]] == ["考察期", "形成期", "稳定期", "退化期"]
    assert found["answer"] != sorted(found["answer"])  # the right order is not simply A, B, C, D
    assert only(quiz(question("ordering", "order1", "排列客户生命周期阶段", body)))["answer"] == found["answer"]


def test_cloze_short_answers_become_a_multi_blank_fill_blank():
    result = parse_moodle_xml(quiz(question(
        "cloze", "cloze1",
        "<p>CRM 分为 {1:SHORTANSWER:=运营型~=操作型#好} 、{1:SA:%100%分析型~%50%分析~*#错} "
        "和 {1:MW:=协\\}作型} 三类。</p>", "", grade="3")))
    [found] = result.questions
    assert found["type"] == "fill_blank"
    assert found["stem"] == "CRM 分为 ____ 、____ 和 ____ 三类。"
    assert found["answer"] == [["运营型", "操作型"], ["分析型"], ["协}作型"]]
    assert any("分析" in w.reason for w in result.warnings)


@pytest.mark.parametrize("kind, body, reason", [
    ("description", "", "说明文字"),
    ("calculated", "", "calculated"),
    ("ddwtos", "", "ddwtos"),
    ("cloze", "", "MULTICHOICE"),
    ("multichoice", "<single>true</single>" + answer("100", "a") + answer("100", "b"), "单选题"),
    ("truefalse", answer("0", "true") + answer("0", "false"), "判断题"),
    ("numerical", answer("50", "12"), "满分"),
    ("matching", '<subquestion><text>a</text><answer><text>1</text></answer></subquestion>', "两对"),
])
def test_unrepresentable_questions_are_skipped_with_a_reason(kind, body, reason):
    text = "<p>{1:MULTICHOICE:=a~b}</p>" if kind == "cloze" else "题目"
    result = parse_moodle_xml(quiz(question(kind, "q-x", text, body)))
    assert result.questions == [] and result.errors == []
    [skip] = result.skipped
    assert skip.where == "q-x" and reason in skip.reason


def test_category_path_and_default_chapter():
    xml = quiz(question("truefalse", "t0", "甲", answer("100", "true") + answer("0", "false")),
               category="")
    xml = xml.replace("</quiz>", '<question type="category"><category><text>$course$/top/Default/'
                      'ch02-crm-systems</text></category></question>'
                      + question("truefalse", "t1", "乙", answer("100", "true") + answer("0", "false"))
                      + "</quiz>")
    result = parse_moodle_xml(xml, default_chapter="ch01-crm-overview")
    assert [q["chapter"] for q in result.questions] == ["ch01-crm-overview", "ch02-crm-systems"]


def test_metadata_comment_applies_to_the_next_question_only():
    tf = answer("100", "true") + answer("0", "false")
    xml = quiz('<!-- @crm {"difficulty": 5, "section": "ltv-formula"} -->'
               + question("truefalse", "t1", "甲", tf) + question("truefalse", "t2", "乙", tf))
    first, second = parse_moodle_xml(xml).questions
    assert (first["difficulty"], first["section"]) == (5, "ltv-formula")
    assert second["difficulty"] == 3 and "section" not in second


# ---------------------------------------------------------------- hostile and broken input

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<quiz><question type="essay"><name><text>&lol3;</text></name></question></quiz>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!doctype quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<quiz><question type="essay"><name><text>&xxe;</text></name></question></quiz>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY, BILLION_LAUGHS.encode("utf-8"),
                                  BILLION_LAUGHS.encode("utf-16")])
def test_doctype_and_entities_are_refused_before_parsing(data):
    result = parse_moodle_xml(data)
    assert result.questions == []
    [error] = result.errors
    assert "DOCTYPE" in error.reason


@pytest.mark.parametrize("data, reason", [
    ("<quiz><question type='essay'></quiz>", "XML 格式错误"),
    ("<quiz>", "XML 格式错误"),
    ("not xml at all", "XML 格式错误"),
    ("<html><body/></html>", "<quiz>"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "二进制"),
    ("", "为空"),
    (None, "文本或字节串"),
])
def test_broken_input_gives_errors_not_exceptions(data, reason):
    result = parse_moodle_xml(data)
    assert result.questions == [] and not result.ok
    assert reason in result.errors[0].reason


def test_declared_non_utf8_encoding_is_honoured():
    xml = quiz(question("truefalse", "t1", "客户关系", answer("100", "true") + answer("0", "false")))
    result = parse_moodle_xml(xml.replace('encoding="UTF-8"', 'encoding="GBK"').encode("gbk"))
    assert result.questions[0]["stem"] == "客户关系"
    assert any("GBK" in w.reason for w in result.warnings)
