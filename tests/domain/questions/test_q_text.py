"""normalise: width, case, surrounding and repeated whitespace."""

import pytest

from app.domain.questions.text import normalise, same_text


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("CRM", "crm"),
        ("ＣＲＭ", "crm"),
        ("  运营型 ", "运营型"),
        ("客户 \t 关系", "客户 关系"),
        ("4P", "４ｐ"),
        ("RFM\u200b", "rfm"),
    ],
)
def test_equal_after_normalising(left, right):
    assert same_text(left, right)


def test_different_words_stay_different():
    assert not same_text("运营型", "分析型")
    assert not same_text("客户关系", "客户 关系")


def test_non_text_input():
    assert normalise(None) == ""
    assert normalise(42) == "42"
