"""Moodle HTML → bank Markdown."""

from __future__ import annotations

import pytest

from app.domain.interop.html_text import convert_text, html_to_markdown


@pytest.mark.parametrize("html, markdown", [
    ("<p>客户<strong>终生</strong>价值</p>", "客户**终生**价值"),
    ("<p>第一段</p>\n<p>第二段</p>", "第一段\n\n第二段"),
    ("甲<br />乙", "甲  \n乙"),
    ("<p>看 <em>这里</em> 和 <code>x = 1</code></p>", "看 *这里* 和 `x = 1`"),
    ("<ul><li>运营型</li><li>分析型</li></ul>", "- 运营型\n- 分析型"),
    ("<p>步骤:</p><ol><li>考察</li><li>形成</li></ol>", "步骤:\n\n1. 考察\n2. 形成"),
    ('<a href="https://moodle.org/">Moodle</a>', "[Moodle](https://moodle.org/)"),
    ("R&amp;D &lt;客户&gt; &#20215;&#20540;", "R&D <客户> 价值"),
    ("<p>  多个   空格\n换行  </p>", "多个 空格 换行"),
    ("H<sub>2</sub>O", "H<sub>2</sub>O"),
    ("<script>alert(1)</script><p>安全</p>", "安全"),
    ("<h3>小结</h3><p>正文</p>", "**小结**\n\n正文"),
    ("<table><tr><th>客户</th><th>价值</th></tr><tr><td>A</td><td>1</td></tr></table>",
     "| 客户 | 价值 |\n|---|---|\n| A | 1 |"),
    ("<pre>a  b\n  c</pre>", "```\na  b\n  c\n```"),
])
def test_common_moodle_markup(html, markdown):
    assert html_to_markdown(html) == (markdown, 0)


def test_images_become_alt_text_and_are_counted():
    text, images = html_to_markdown('<p>见图 <img src="@@PLUGINFILE@@/a.png" alt="客户金字塔" /></p>'
                                    '<img src="@@PLUGINFILE@@/b.png">')
    assert text == "见图 [图片:客户金字塔]\n\n[图片]" and images == 2


def test_only_html_is_converted():
    assert convert_text("  **已是 Markdown**  ", "markdown") == ("**已是 Markdown**", 0)
    assert convert_text("<b>纯文本</b>", "plain_text") == ("<b>纯文本</b>", 0)
    assert convert_text("<b>x</b>", "html") == ("**x**", 0)
