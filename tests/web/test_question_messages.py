"""The bank's validation and answer-format messages reach the reader in the interface language.

The question domain composes them in Chinese (full-width punctuation) as :class:`app.domain.marks.Message`
objects; the web layer shows the catalogue's translation with the same parameters.
"""

from __future__ import annotations

import html
import re

from app.domain.marks import Message
from app.domain.questions import validate_question

from .test_authoring import COMMON, FORMS
from .test_exams_api import login, start
from .test_i18n import CJK, _english, _half_width_spots


def _new(client, qtype, **changes):
    form, _expected = FORMS[qtype]
    data = dict(COMMON, id="msg-q1", action="save", **form)
    data.update(changes)
    response = client.post(f"/instructor/bank/new?type={qtype}", data=data)
    assert response.status_code == 400
    return html.unescape(response.get_data(as_text=True))


def _errors(page: str) -> list[str]:
    """The texts of the editor's field messages."""
    return [re.sub(r"<[^>]+>", "", text).strip() for text in re.findall(r'id="err-[\w-]+"[^>]*>(.*?)</', page, re.S)]


def test_editor_shows_bank_validation_errors_in_chinese_with_full_width_punctuation(client, auth, users):
    auth.login("teacher")
    page = _new(client, "fill_blank", blanks="运营")
    assert "answer 有 1 组答案，但 stem 中有 2 个空（连续 4 个或更多下划线）" in page
    page = _new(client, "single", **{"option-B": "总价值减总成本"})
    assert "选项 B 与选项 A 的文本重复：'总价值减总成本'" in page
    errors = _errors(page)
    assert errors and all(_half_width_spots(text) == [] for text in errors), errors


def test_editor_shows_bank_validation_errors_in_english(client, auth, users):
    _english(client)
    auth.login("teacher")
    page = _new(client, "fill_blank", blanks="运营")
    assert "answer has 1 sets of answers, but the stem has 2 blanks (runs of 4 or more underscores)" in page
    assert "组答案" not in page
    page = _new(client, "single", **{"option-B": "总价值减总成本"})
    assert "Option B repeats the text of option A: '总价值减总成本'" in page  # the option text is the author's
    page = _new(client, "single", id="bad id!")
    assert "'bad id!' is not valid: use only letters, digits and - _ ., starting with a letter or digit" in page
    assert not [text for text in _errors(page) if CJK.search(text)]


def test_a_nested_message_is_translated_part_by_part(app):
    issues = validate_question({"id": "q1", "type": "single", "difficulty": 2, "stem": "题干",
                                "options": {"A": True, "B": "乙"}, "answer": "A", "anwser": "A"}).issues
    messages = {issue.loc: issue.message for issue in issues}
    assert messages[("options",)] == "options：选项 A 应为文本，实际是布尔值 true；yes/no/on/off/true/false 作为文本时请加引号"
    assert messages[("anwser",)] == "未知字段 anwser，是否想写 answer？"
    assert all(isinstance(m, Message) for m in messages.values())
    from app.i18n import translate_message

    with app.test_request_context():
        from flask import session

        session["locale"] = "en"
        assert translate_message(messages[("options",)]) == (
            "options: Option A must be text, not the boolean true; put yes/no/on/off/true/false in quotes when they are text")
        assert translate_message(messages[("anwser",)]) == "Unknown field anwser, did you mean answer?"
        assert translate_message("不是消息") == "不是消息"


def test_api_answer_format_errors_follow_the_interface_language(client, exam_factory):
    exam_id = exam_factory()
    headers = login(client)
    body = start(client, headers, exam_id)
    single = next(q for q in body["questions"] if q["type"] == "single")
    url = f"/api/v1/attempts/{body['attempt_id']}/answers/{single['id']}"
    chinese = client.put(url, json={"response": 5, "seq": 1}, headers=headers).get_json()["error"]
    assert chinese.startswith("答案格式不正确：应为一个选项字母（如 ") and chinese.endswith("），实际是数字 5")
    _english(client)
    english = client.put(url, json={"response": 5, "seq": 2}, headers=headers)
    assert english.status_code == 422
    assert re.fullmatch(r'Invalid answer format: Must be one option letter \(such as "\w+"\), not the number 5',
                        english.get_json()["error"])
