"""Moodle "Embedded answers (Cloze)" text for fill-in-the-blank questions with several blanks.

A blank is written ``{1:SHORTANSWER:=运营型~=操作型}``: the weight, the sub-question type and
``~``-separated alternatives, each ``=`` (full credit) or ``%n%`` followed by the answer and an
optional ``#feedback``. Inside an answer Moodle unescapes only ``\\}`` and ``\\#``.
"""

from __future__ import annotations

import html
import re

from .common import Unexpressible

MARKER = re.compile(r"\{(\d*):([A-Za-z_]+):((?:\\.|[^}\\])*)\}", re.S)
_SHORT_ANSWER = {"SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC"}
_CASE_SENSITIVE = {"SHORTANSWER_C", "SAC", "MWC"}
_ALTERNATIVE = re.compile(r"^(=|%(-?\d+(?:[.,]\d*)?)%)?(.*?)(?:(?<!\\)#(.*))?$", re.S)
_UNESCAPED_STAR = re.compile(r"(?<!\\)\*")
# Stands for a blank while the surrounding HTML is converted to Markdown.
PLACEHOLDER = "\ue010"


def blank_marker(forms: list[str], weight: int = 1) -> str:
    """The cloze marker for one blank accepting any of ``forms``."""
    alternatives = []
    for form in forms:
        if "~" in form or "\\" in form or form.endswith("&"):
            raise Unexpressible(f"答案“{form}”含有完形填空无法表达的字符(~ 或 \\)")
        escaped = form.replace("}", "\\}").replace("#", "\\#").replace("*", "\\*")
        alternatives.append("=" + escaped)
    return "{" + f"{weight}:SHORTANSWER:" + "~".join(alternatives) + "}"


def read_blanks(text: str, is_html: bool) -> tuple[str, list[list[str]], list[int], list[str]]:
    """Split a cloze question text into (text with placeholders, forms, weights, warnings).

    Each marker becomes :data:`PLACEHOLDER`; raises ``Unexpressible`` for sub-questions other
    than short answers or for a blank without any full-credit answer.
    """
    blanks: list[list[str]] = []
    weights: list[int] = []
    warnings: list[str] = []

    def replace(match: re.Match) -> str:
        weight, kind, body = match.group(1), match.group(2).upper(), match.group(3)
        if kind not in _SHORT_ANSWER:
            raise Unexpressible(f"完形填空中含有 {kind} 子题,本平台只能表达简答式的空")
        if kind in _CASE_SENSITIVE:
            warnings.append("区分大小写的空已改为不区分大小写(本平台判分忽略大小写)")
        forms = []
        for alternative in re.split(r"(?<!\\)~", body):
            parsed = _ALTERNATIVE.match(alternative.strip())
            mark, percent, answer = parsed.group(1), parsed.group(2), parsed.group(3)
            full = mark == "=" or (percent is not None and float(percent.replace(",", ".")) >= 100)
            answer = answer.replace("\\}", "}").replace("\\#", "#").strip()
            if is_html:
                answer = html.unescape(answer)
            if not full:
                if percent is not None and float(percent.replace(",", ".")) > 0:
                    warnings.append(f"部分得分的答案“{answer}”已忽略")
                continue
            if _UNESCAPED_STAR.search(answer):
                warnings.append(f"含通配符 * 的答案“{answer}”无法表达,已忽略")
                continue
            answer = answer.replace("\\*", "*")
            if answer and answer not in forms:
                forms.append(answer)
        if not forms:
            raise Unexpressible(f"第 {len(blanks) + 1} 个空没有满分答案")
        blanks.append(forms)
        weights.append(int(weight) if weight else 1)
        return PLACEHOLDER

    replaced = MARKER.sub(replace, text)
    return replaced, blanks, weights, warnings

