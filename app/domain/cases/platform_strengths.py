"""Case · 平台特色与优势（三句话）: the written task (1) of the Hunan skills exam 3-1-1 (seed 004).

"请用三句话（不超过 100 个字）来描述此网站的特色与优势（建议从平台的模式分析、平台所能提供的服务、
还有赢利模式进行分析）". One ``writing`` step graded by a rubric:

- automatic: exactly three sentences; at most 100 characters; the services and the revenue model
  are named (keyword families :data:`SERVICE_WORDS` and :data:`REVENUE_WORDS`, listed on the page —
  the platform's model is not checked by keyword: every answer names the platform);
- by the teacher: the business model, the services, the revenue model, the expression.

Counting rules: :mod:`.rubric`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import feedback as fb
from .feedback import say
from .model import Criterion, CriterionResult, Step, StepResult, Variant
from .platforms import Platform, PlatformCase, platform
from .rubric import Check, count_chars, found_words, manual_scores, rubric_result, sentences, written

MAX_CHARS = 100
SENTENCES = 3

#: Words that show the answer names what the platform offers (any one is enough).
SERVICE_WORDS = ("服务", "提供", "发布", "查询", "匹配", "撮合", "跟踪", "定位", "配送", "仓储", "运输", "交易",
                 "结算", "认证", "检测", "溯源", "采购", "培训", "咨询", "管理", "金融", "保险")
#: Words that show the answer names how the platform earns money (any one is enough).
REVENUE_WORDS = ("盈利", "赢利", "营利", "获利", "收入", "收益", "收费", "收取", "费用", "会员费", "年费", "广告",
                 "佣金", "提成", "抽成", "服务费", "手续费", "订阅", "利润", "付费", "分成", "差价")


CRITERIA = (
    Criterion("sentences", "三句话", 1, True, "恰好三句话：以 。！？ 或换行分句。"),
    Criterion("length", "字数不超过 100", 1, True, "汉字、字母和数字每个计 1 字，标点和空格不计，合计不超过 100 字。"),
    Criterion("elements", "写到服务和盈利方式", 1, True,
              "出现表示服务的词（如提供、发布、匹配、跟踪、结算）和表示盈利方式的词（如会员费、广告、佣金、收费、盈利）各得一半。"),
    Criterion("model", "商业模式", 2, False, "说清平台是什么样的平台：由谁建立或支持、连接哪些用户、怎样运作，并体现它的优势。"),
    Criterion("services", "服务", 2, False, "概括平台的主要服务，与平台资料一致，并让人看出这些服务给客户带来的好处。"),
    Criterion("revenue", "盈利模式", 2, False, "写明平台靠哪些收入盈利，与平台资料一致。"),
    Criterion("expression", "表达", 1, False, "语句通顺简洁，突出特色与优势，不照抄资料原文。"),
)


def check_sentences(text: str) -> Check:
    """Exactly three sentences."""
    count = len(sentences(text))
    message = fb.STRENGTHS_SENTENCES_OK if count == SENTENCES else fb.STRENGTHS_SENTENCES_WRONG
    return Check(1.0 if count == SENTENCES else 0.0, say(message, count=count))


def check_length(text: str) -> Check:
    """At most 100 counted characters."""
    count = count_chars(text)
    message = fb.STRENGTHS_LENGTH_OK if count <= MAX_CHARS else fb.STRENGTHS_LENGTH_OVER
    return Check(1.0 if count <= MAX_CHARS else 0.0, say(message, count=count, limit=MAX_CHARS))


def check_elements(text: str) -> Check:
    """Half for naming a service, half for naming a source of revenue."""
    service, revenue = bool(found_words(text, SERVICE_WORDS)), bool(found_words(text, REVENUE_WORDS))
    if service and revenue:
        return Check(1.0, say(fb.STRENGTHS_ELEMENTS_BOTH))
    if service or revenue:
        return Check(0.5, say(fb.STRENGTHS_NO_REVENUE if service else fb.STRENGTHS_NO_SERVICE))
    return Check(0.0, say(fb.STRENGTHS_NEITHER))


def rubric_list(criteria: tuple[Criterion, ...]) -> str:
    """The rubric as a Markdown list for the task text (a list reads well on every page and in the CLI)."""
    return "\n".join(f"- **{c.label}**（{c.points:g} 分，{'自动检查' if c.auto else '教师评分'}）：{c.guide}"
                     for c in criteria)


class PlatformStrengthsCase(PlatformCase):
    """平台特色与优势（三句话） (ch09): a written answer graded by a rubric, partly by the teacher."""

    id = "platform-strengths"
    title = "平台特色与优势（三句话）"

    def _make(self, seed: int | str, found: Platform) -> Variant:
        params = {"platform": found.id, "platform_name": found.name, "max_chars": MAX_CHARS, "sentences": SENTENCES}
        text = f"""## 平台特色与优势（三句话）

售前客服上岗前要先提炼企业产品和服务的特色与优势。请阅读下面的平台资料，用**三句话（不超过 {MAX_CHARS} 个字）**描述{found.name}的特色与优势。建议从平台的模式、平台能提供的服务和平台的盈利模式三个方面来写。

{found.profile}

**计数规则**

- 字数：汉字、字母和数字每个计 1 个字，标点符号和空格不计（如“B2B”计 3 个字）。
- 句数：以句号、感叹号、问号（。！？）或换行分句。

**评分标准**（满分 10 分；前三项提交后自动评分，其余由教师评分）

{rubric_list(CRITERIA)}
"""
        steps = (
            Step("strengths", f"用三句话（不超过 {MAX_CHARS} 个字）描述{found.name}的特色与优势。", "writing",
                 sum(c.points for c in CRITERIA), criteria=CRITERIA),
        )
        return self._variant(seed, params, text, None, steps)

    def solution(self, variant: Variant) -> dict[str, Any]:
        """The model answer: three sentences within 100 characters on model, services and revenue."""
        return {"strengths": platform(variant.params["platform"]).strengths}

    def grade_steps(self, variant: Variant, answers: Mapping[str, Any],
                    manual: Mapping[str, Any] | None = None) -> list[StepResult]:
        """Grade the written step; its criteria go into :meth:`grade_criteria`."""
        return self.grade_criteria(variant, answers, manual)[0]

    def grade_criteria(self, variant: Variant, answers: Mapping[str, Any],
                       manual: Mapping[str, Any] | None = None) -> tuple[list[StepResult], list[CriterionResult]]:
        """The step result and one result per criterion (manual ones from the teacher's scores)."""
        step = variant.steps[0]
        text = written(answers.get(step.id))
        checks = {} if not text else {
            "sentences": check_sentences(text), "length": check_length(text), "elements": check_elements(text)}
        result, criteria = rubric_result(step, checks, manual_scores(step.criteria, manual), empty=not text)
        return [result], criteria
