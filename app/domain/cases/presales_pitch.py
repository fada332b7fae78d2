"""Case · 目标客户分析与模拟售前营销: the written task (2) of the Hunan skills exam 3-1-1 (seed 004).

"分析湖南物流公共信息平台网站的目标客户有哪些？选取某一类客户进行模拟售前营销？试着用文字表述出来。
填入下表". The exam's table is not in the source; ours has two parts (two ``text_table`` steps):

1. ``targets`` — three target customer types, each with its traits and needs;
2. ``pitch`` — the chosen type, why, its needs and worries, and the pitch along ch09's consultative
   selling steps (opening, a service offer that answers the needs, handling objections and asking
   for a commitment).

Automatic criteria: every cell filled (credit per cell, empty cells named) and three different
customer types. The rest (is the analysis right for the platform, is the choice argued, does the
pitch answer the needs, is it polite and professional) is the teacher's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import feedback as fb
from .feedback import say
from .grading import MAX_LISTED, norm_key, read_cells
from .model import Criterion, CriterionResult, Step, StepResult, Variant
from .platform_strengths import rubric_list
from .platforms import PITCH_ROWS, Platform, PlatformCase, platform
from .rubric import Check, manual_scores, rubric_result, written

TARGET_ROWS = (("t1", "第一类客户"), ("t2", "第二类客户"), ("t3", "第三类客户"))
TARGET_COLUMNS = (("type", "客户类型"), ("traits", "客户特点"), ("needs", "主要需求"))
PITCH_COLUMNS = (("text", "内容"),)


TARGET_CRITERIA = (
    Criterion("targets_complete", "目标客户表填写完整", 1, True, "三类客户的类型、特点和需求 9 格都已填写，按已填格数给分。"),
    Criterion("targets_distinct", "三类不同的目标客户", 1, True, "三类客户的类型都已填写且互不相同。"),
    Criterion("targets_analysis", "目标客户分析合理", 2, False,
              "所列客户确实需要平台的服务；每类客户的特点和需求具体、符合实际，不空泛。"),
)
PITCH_CRITERIA = (
    Criterion("pitch_complete", "营销表填写完整", 1, True, "营销表 6 格都已填写，按已填格数给分。"),
    Criterion("pitch_choice", "选定一类客户并说明理由", 1.5, False,
              "选定的客户是第 1 步列出的一类，理由从客户数量、需求强度或与平台服务的匹配程度说明。"),
    Criterion("pitch_fit", "营销话术对应客户需求", 2.5, False,
              "开场白得体；服务介绍针对所写的需求和顾虑，讲清给客户的好处；能回应顾虑并提出下一步行动（顾问式销售的步骤）。"),
    Criterion("pitch_manner", "表达与礼仪", 1, False, "称呼礼貌、语气亲切专业，以客户为中心，不夸大承诺。"),
)


def check_complete(step: Step, raw: object) -> tuple[Check, dict[tuple[str, str], str]]:
    """Credit per filled cell; the message names the empty cells. Also returns the cells read."""
    cells, _ = read_cells(raw, step)
    texts = {(row, col): written(cells.get(row, {}).get(col)) for row in step.row_ids for col in step.column_ids}
    missing = [_cell_name(step, row, col) for (row, col), text in texts.items() if not text]
    total = len(texts)
    if not missing:
        return Check(1.0, say(fb.PITCH_TABLE_FULL, total=total)), texts
    shown = "、".join(missing[:MAX_LISTED])
    if len(missing) > MAX_LISTED:
        shown = say(fb.LISTING_MORE, shown=shown, count=len(missing))
    return Check((total - len(missing)) / total,
                 say(fb.PITCH_TABLE_PARTLY, total=total, done=total - len(missing), items=shown)), texts


def _cell_name(step: Step, row: str, col: str) -> str:
    row_label = dict(step.rows)[row]
    return row_label if len(step.columns) == 1 else f"{row_label}·{dict(step.columns)[col]}"


def check_distinct(texts: Mapping[tuple[str, str], str]) -> Check:
    """Three customer types named, no two the same (ignoring width, case and spaces)."""
    types = [norm_key(texts.get((row, "type"), "")) for row, _ in TARGET_ROWS]
    named = [t for t in types if t]
    if len(named) < len(TARGET_ROWS):
        return Check(0.0, say(fb.PITCH_TARGETS_TOO_FEW, count=len(set(named))))
    if len(set(named)) < len(named):
        return Check(0.0, say(fb.PITCH_TARGETS_REPEATED))
    return Check(1.0, say(fb.PITCH_TARGETS_DISTINCT))


class PresalesPitchCase(PlatformCase):
    """目标客户分析与模拟售前营销 (ch09): two tables graded by a rubric, partly by the teacher."""

    id = "presales-pitch"
    title = "目标客户分析与模拟售前营销"

    def _make(self, seed: int | str, found: Platform) -> Variant:
        params = {"platform": found.id, "platform_name": found.name}
        total = sum(c.points for c in TARGET_CRITERIA + PITCH_CRITERIA)
        text = f"""## 目标客户分析与模拟售前营销

售前客服要先弄清谁会需要平台的服务，再针对一类客户的需求去沟通。请阅读下面的平台资料，分析{found.name}的目标客户有哪些，再选取其中一类客户进行模拟售前营销，用文字写出你要对客户说的话，填入下面两张表。

{found.profile}

**填写要求**

- 第 1 步：列出三类不同的目标客户，写出每类客户的特点和主要需求。
- 第 2 步：从第 1 步中选定一类客户，说明理由，写出这类客户的需求与顾虑；再按顾问式销售的步骤写出营销话术：开场白、针对需求的服务介绍、对客户顾虑的回应和促成（请客户采取下一步行动）。
- 原考题的表格没有保留下来，这两张表是按题目要求设计的。

**评分标准**（满分 {total:g} 分；“自动检查”的项目提交后立即评分，其余由教师评分）

{rubric_list(TARGET_CRITERIA + PITCH_CRITERIA)}
"""
        steps = (
            Step("targets", f"分析{found.name}的目标客户：列出三类不同的目标客户，写出每类客户的特点和主要需求。",
                 "text_table", sum(c.points for c in TARGET_CRITERIA), rows=TARGET_ROWS, columns=TARGET_COLUMNS,
                 criteria=TARGET_CRITERIA),
            Step("pitch", "选取其中一类客户进行模拟售前营销：填写选定的客户、理由、客户的需求与顾虑，以及开场白、"
                 "服务介绍、异议处理与促成的话术。", "text_table", sum(c.points for c in PITCH_CRITERIA),
                 rows=PITCH_ROWS, columns=PITCH_COLUMNS, criteria=PITCH_CRITERIA),
        )
        return self._variant(seed, params, text, None, steps)

    def solution(self, variant: Variant) -> dict[str, Any]:
        """The model answer: both tables filled for the variant's platform."""
        found = platform(variant.params["platform"])
        return {
            "targets": {row: dict(zip((c for c, _ in TARGET_COLUMNS), cells))
                        for (row, _), cells in zip(TARGET_ROWS, found.targets)},
            "pitch": {row: {"text": found.pitch[row]} for row, _ in PITCH_ROWS},
        }

    def grade_steps(self, variant: Variant, answers: Mapping[str, Any],
                    manual: Mapping[str, Any] | None = None) -> list[StepResult]:
        """Grade both tables; their criteria go into :meth:`grade_criteria`."""
        return self.grade_criteria(variant, answers, manual)[0]

    def grade_criteria(self, variant: Variant, answers: Mapping[str, Any],
                       manual: Mapping[str, Any] | None = None) -> tuple[list[StepResult], list[CriterionResult]]:
        """Each table's automatic checks, and the teacher's scores of the rest."""
        steps: list[StepResult] = []
        criteria: list[CriterionResult] = []
        for step in variant.steps:
            complete, texts = check_complete(step, answers.get(step.id))
            checks = {step.criteria[0].id: complete}
            if step.id == "targets":
                checks["targets_distinct"] = check_distinct(texts)
            empty = not any(texts.values())
            result, found = rubric_result(step, checks, manual_scores(step.criteria, manual), empty)
            steps.append(result)
            criteria.extend(found)
        return steps, criteria
