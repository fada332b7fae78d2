"""Valid sample questions of every type, shared by the question tests."""

SINGLE = {
    "id": "t-single", "type": "single", "difficulty": 2, "points": 2,
    "stem": "客户终生价值指的是?", "options": {"A": "甲", "B": "乙", "C": "丙", "D": "丁"},
    "answer": "B", "explanation": "见 ltv-formula 一节",
}  # fmt: skip
MULTIPLE = {
    "id": "t-multiple", "type": "multiple", "difficulty": 3, "points": 3,
    "stem": "哪些属于 CRM 系统?", "options": {"A": "甲", "B": "乙", "C": "丙", "D": "丁", "E": "戊"},
    "answer": ["A", "B", "D"],
}  # fmt: skip
TRUE_FALSE = {"id": "t-tf", "type": "true_false", "difficulty": 1, "stem": "满意等于忠诚。", "answer": False}
ORDERING = {
    "id": "t-ordering", "type": "ordering", "difficulty": 3, "points": 4, "scoring": "partial",
    "stem": "排列 CRM 实施步骤", "options": {"A": "需求分析", "B": "立项", "C": "上线", "D": "选型"},
    "answer": ["B", "A", "D", "C"],
}  # fmt: skip
NUMERIC = {
    "id": "t-numeric", "type": "numeric", "difficulty": 3, "stem": "LTV 是多少?",
    "answer": 26000, "tolerance": 100, "unit": "元",
}  # fmt: skip
FILL_BLANK = {
    "id": "t-fill", "type": "fill_blank", "difficulty": 2, "points": 2,
    "stem": "CRM 分为 ____ 型和 ______ 型。", "answer": [["运营型", "操作型"], ["分析型"]],
}  # fmt: skip
MATCHING = {
    "id": "t-matching", "type": "matching", "difficulty": 2, "points": 4,
    "stem": "把概念和含义配对",
    "answer": {"pairs": {"R": "最近一次消费", "F": "消费频率", "M": "消费金额", "NPS": "净推荐值"}},
    "distractors": ["客户满意度"],
}  # fmt: skip
ESSAY = {
    "id": "t-essay", "type": "essay", "difficulty": 4, "points": 10,
    "stem": "论述客户忠诚的意义。", "rubric": ["降低成本", "口碑传播"],
}  # fmt: skip

ALL = [SINGLE, MULTIPLE, TRUE_FALSE, ORDERING, NUMERIC, FILL_BLANK, MATCHING, ESSAY]


def with_(question: dict, **changes: object) -> dict:
    """A copy of ``question`` with keys changed (``None`` removes a key)."""
    copy = {**question, **changes}
    return {key: value for key, value in copy.items() if value is not None}
