"""Sample CRM questions of every bank type, in canonical form (stripped texts).

Texts deliberately contain GIFT control characters, XML specials, TeX braces, line breaks and
``--`` so the round trips exercise every escape.
"""

from __future__ import annotations

import copy

CHAPTER = "ch05-customer-value"
OTHER_CHAPTER = "ch06-segmentation"

SINGLE = {
    "id": "ch05-q001", "type": "single", "difficulty": 2, "tags": ["客户终生价值"], "points": 1,
    "section": "ltv-formula",
    "stem": "客户终生价值(LTV)指的是:\n\n$CLV = \\sum_{t=1}^{n} \\frac{m}{(1+d)^{t}}$ 中的 {CLV}?",
    "options": {"A": "一次交易的金额", "B": "客户在整个关系期内带来利润的现值",
                "C": "= 2 + 3 ~ 50% #1", "D": "[参见] 第五章 -> 第 2 节"},
    "answer": "B",
    "explanation": "见 **终生价值的计算** 一节 -- 公式中 $d$ 是折现率。\n\n第二段:a\\b",
}
MULTIPLE = {
    "id": "ch02-q010", "type": "multiple", "difficulty": 3, "tags": ["CRM 类型", "系统"],
    "stem": "下列哪些属于 CRM 系统的类型?", "options": {"A": "运营型", "B": "分析型",
                                              "C": "协作型", "D": "娱乐型"},
    "answer": ["A", "B", "C"], "scoring": "partial",
}
MULTIPLE_STRICT = {
    "id": "ch02-q011", "type": "multiple", "difficulty": 4, "points": 2,
    "stem": "客户满意的决定因素有哪些?", "options": {"A": "感知质量", "B": "客户期望", "C": "广告预算"},
    "answer": ["A", "B"], "scoring": "all_or_nothing",
}
TRUE_FALSE = {
    "id": "ch01-q003", "type": "true_false", "difficulty": 1,
    "stem": "CRM 只是一套软件系统。", "answer": False,
    "explanation": "CRM 首先是一种以客户为中心的经营理念。",
}
NUMERIC = {
    "id": "ch05-q020", "type": "numeric", "difficulty": 3, "points": 2,
    "stem": "某客户每年贡献利润 8000 元,保留率 80%,三年的终生价值约为多少元?",
    "answer": 26000, "tolerance": 100, "unit": "元", "explanation": "逐年折现后求和。",
}
NUMERIC_PCT = {
    "id": "ch05-q021", "type": "numeric", "difficulty": 3,
    "stem": "客户保留率提高后,利润约增长百分之几?", "answer": 2.5, "tolerance_pct": 10,
}
FILL_ONE = {
    "id": "ch02-q030", "type": "fill_blank", "difficulty": 2,
    "stem": "侧重于业务流程自动化的 CRM 称为____型 CRM。",
    "answer": [["运营", "操作", "5*2"]],
}
FILL_MANY = {
    "id": "ch02-q031", "type": "fill_blank", "difficulty": 3, "points": 3,
    "stem": "CRM 系统分为____型、____型和________型三类。",
    "answer": [["运营", "操作"], ["分析"], ["协作"]],
}
MATCHING = {
    "id": "ch06-q005", "type": "matching", "difficulty": 3,
    "stem": "把细分变量与其类别配对:",
    "answer": {"pairs": {"年龄": "人口统计变量", "购买频率": "行为变量", "生活方式": "心理变量"}},
    "distractors": ["地理变量"],
}
ESSAY = {
    "id": "ch10-q050", "type": "essay", "difficulty": 5, "points": 10,
    "stem": "结合案例论述 CRM 实施的关键成功因素。",
    "rubric": "高层支持;业务流程再造;数据质量;员工培训。每点 2.5 分。",
}
ORDERING = {
    "id": "ch03-q007", "type": "ordering", "difficulty": 2,
    "stem": "按先后顺序排列客户生命周期的四个阶段。",
    "options": {"A": "稳定期", "B": "考察期", "C": "退化期", "D": "形成期"},
    "answer": ["B", "D", "A", "C"], "scoring": "partial",
}

ALL = [SINGLE, MULTIPLE, MULTIPLE_STRICT, TRUE_FALSE, NUMERIC, NUMERIC_PCT, FILL_ONE, FILL_MANY,
       MATCHING, ESSAY, ORDERING]
NOT_IN_GIFT = {ORDERING["id"], FILL_MANY["id"]}


def bank() -> dict[str, list[dict]]:
    """A fresh copy of the samples as ``{chapter: [question, …]}`` (two chapters)."""
    questions = copy.deepcopy(ALL)
    return {CHAPTER: questions[:6], OTHER_CHAPTER: questions[6:]}


def chapter_of(question_id: str) -> str:
    """The chapter a sample question is filed under in :func:`bank`."""
    return CHAPTER if question_id in {q["id"] for q in ALL[:6]} else OTHER_CHAPTER


def without_chapter(question: dict) -> dict:
    """An imported question without its ``chapter`` key, for comparing with a sample."""
    return {key: value for key, value in question.items() if key != "chapter"}
