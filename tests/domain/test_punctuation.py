"""The punctuation rule for Chinese text (app.domain.punctuation): what is an error, what is not."""

import pytest

from app.domain.punctuation import findings, to_fullwidth


@pytest.mark.parametrize("text, marks", [
    ("客户关系管理(CRM)是一种理念,它包括:甲;乙?好!", "(),:;?!"),
    ("以从三个层面理解 CRM:", ":"),
    ("**加权销售预测**:", ":"),
    ("推荐者 52%,NPS 就会升高", ","),
    ("（Customer Relationship Management,CRM）", ","),
    ("云 CRM(SaaS) 模式", "()"),
    ("“顾客优先”(customer first)", "()"),
    ("所谓“客户”,是指", ","),
])
def test_half_width_marks_in_chinese_text_are_found(text, marks):
    assert "".join(hit.char for hit in findings(text)) == marks


@pytest.mark.parametrize("text", [
    "营业时间 9:00—18:30，金额 1,000 元。",
    "公式 $f(x)=a,b$ 与 $$\\sum_{t=1}^{n} (a, b)$$ 不算。",
    "代码 `f(x, y)` 不算，网址 http://example.com/a?b=1,2 也不算。",
    "见[客户价值](ch05-customer-value.md#ltv-formula)一章。",
    "![示意图：客户金字塔](figures/customer-pyramid.svg)",
    '!!! note "提示"',
    "英文说法是 “customer first, then profit”。",
    "Better = (A + O) ÷ (A + O + M + I)",
    "```python\nprint(\"客户,你好\")\n```",
])
def test_maths_code_urls_markdown_and_english_are_excepted(text):
    assert findings(text) == []


def test_findings_give_the_line():
    hits = findings("第一行。\n第二行,有错。")
    assert [(h.line, h.char, h.replacement) for h in hits] == [(2, ",", "，")]


def test_to_fullwidth_converts_and_leaves_no_finding():
    text = "客户关系管理 (CRM) 是理念, 见 $a,b$ 与 **分析型 CRM**(Analytical CRM):\n    (1) 第一,开始"
    fixed = to_fullwidth(text)
    assert fixed == "客户关系管理（CRM）是理念，见 $a,b$ 与 **分析型 CRM**（Analytical CRM）：\n    （1）第一，开始"
    assert findings(fixed) == []
