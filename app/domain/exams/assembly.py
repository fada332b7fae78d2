"""Drawing a paper from the bank by blueprint, reproducibly from a seed.

Rules may overlap (a single-choice question of chapter 5 can satisfy both "chapter 5" and
"single choice"), so rules are filled by bipartite matching: if any assignment of distinct
questions satisfies every rule, one is found, and the seed decides which.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..marks import N_
from .blueprint import ExamDefinition, Rule


FIXED_MISSING = N_("指定题目 %(id)s 不在题库中")
RULE_SHORT = N_("规则 %(n)d（%(rule)s）需要 %(count)d 题，题库中只有 %(available)d 题符合")
RULE_CONTENDED = N_("规则 %(n)d（%(rule)s）与其他规则争用同一批题目，最多只能再抽到 %(got)d 题（需要 %(count)d 题）")
RULE_OK = N_("规则 %(n)d：符合条件 %(available)d 题，抽取 %(count)d 题")
# The rule checks' sentences, for the web layer to recognise; %(rule)s is a Rule.describe() text.
RULE_MESSAGES = (FIXED_MISSING, RULE_SHORT, RULE_CONTENDED, RULE_OK)


@dataclass(frozen=True)
class PoolItem:
    """What assembly needs to know about a bank question."""

    qid: str
    chapter: str
    type: str
    difficulty: int
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class DrawnItem:
    """A question drawn into a paper, with its points and the rule that drew it (None = fixed)."""

    qid: str
    points: float
    rule: int | None


@dataclass(frozen=True)
class RuleCheck:
    """How many bank questions match a rule, and whether the rule can be filled."""

    index: int
    description: str
    available: int
    needed: int
    ok: bool
    message: str


def matches(rule: Rule, item: PoolItem) -> bool:
    """Whether ``item`` satisfies every filter of ``rule``."""
    return ((not rule.chapters or item.chapter in rule.chapters)
            and (not rule.types or item.type in rule.types)
            and (not rule.tags or bool(set(rule.tags) & set(item.tags)))
            and rule.difficulty_min <= item.difficulty <= rule.difficulty_max)


def _match_slots(slots: Sequence[int], candidates: Mapping[int, Sequence[str]] | Sequence[Sequence[str]],
                 rng: random.Random | None) -> dict[int, str]:
    """Assign a distinct question to every slot (slot → rule index) by augmenting paths."""
    owner: dict[str, int] = {}  # qid → slot position
    options = []
    for rule_index in slots:
        pool = list(candidates[rule_index])
        if rng is not None:
            rng.shuffle(pool)
        options.append(pool)

    def augment(slot: int, seen: set[str]) -> bool:
        for qid in options[slot]:
            if qid in seen:
                continue
            seen.add(qid)
            if qid not in owner or augment(owner[qid], seen):
                owner[qid] = slot
                return True
        return False

    for slot in range(len(slots)):
        augment(slot, set())
    return {slot: qid for qid, slot in owner.items()}


def _candidates(definition: ExamDefinition, pool: list[PoolItem]) -> tuple[dict[int, list[str]], set[str]]:
    fixed = {f.id for f in definition.fixed}
    candidates = {i: [p.qid for p in pool if p.qid not in fixed and matches(rule, p)]
                  for i, rule in enumerate(definition.rules)}
    return candidates, fixed


def _slots(definition: ExamDefinition) -> list[int]:
    return [i for i, rule in enumerate(definition.rules) for _ in range(rule.count)]


def _check(definition: ExamDefinition, pool: list[PoolItem],
           candidates: dict[int, list[str]]) -> tuple[list[RuleCheck], list[str]]:
    known = {p.qid for p in pool}
    problems = [FIXED_MISSING % {"id": f.id} for f in definition.fixed if f.id not in known]
    slots = _slots(definition)
    assigned = _match_slots(slots, candidates, None)
    filled: dict[int, int] = {}
    for slot in assigned:
        filled[slots[slot]] = filled.get(slots[slot], 0) + 1
    checks = []
    for i, rule in enumerate(definition.rules):
        available = len(candidates[i])
        got = filled.get(i, 0)
        ok = got >= rule.count
        params = {"n": i + 1, "rule": rule.describe(), "count": rule.count, "available": available, "got": got}
        if available < rule.count:
            message = RULE_SHORT % params
        elif not ok:
            message = RULE_CONTENDED % params
        else:
            message = RULE_OK % params
        checks.append(RuleCheck(i, rule.describe(), available, rule.count, ok, message))
        if not ok:
            problems.append(message)
    return checks, problems


def check_rules(definition: ExamDefinition, pool: list[PoolItem]) -> tuple[list[RuleCheck], list[str]]:
    """Per-rule availability and overall problems (missing fixed ids, rules that cannot all be filled)."""
    candidates, _ = _candidates(definition, pool)
    return _check(definition, pool, candidates)


@dataclass(frozen=True)
class DrawPlan:
    """A blueprint matched against one pool, ready to draw papers from seeds.

    Filtering the pool per rule and checking that the rules can be filled cost far more than a
    draw and depend only on the blueprint and the pool, so a caller drawing many papers from an
    unchanged pool builds the plan once; :meth:`draw` then only shuffles and matches.
    """

    fixed: tuple[DrawnItem, ...]
    slots: tuple[int, ...]
    slot_points: tuple[float, ...]
    candidates: tuple[tuple[str, ...], ...]  # per rule, in pool order
    shuffle_questions: bool
    problems: tuple[str, ...]

    def drawable(self) -> frozenset[str]:
        """Every question some paper drawn from this plan could contain: fixed ids and each rule's candidates.

        The one answer to "which questions can this exam ask" (practice withholds exactly these
        while an exam that hides its key is open).
        """
        return frozenset([f.qid for f in self.fixed] + [qid for rule in self.candidates for qid in rule])

    def draw(self, seed: int) -> list[DrawnItem]:
        """The paper for ``seed``: fixed questions, then one draw per rule slot, in paper order.

        Raises ValueError naming the problem when the blueprint cannot be filled from the pool.
        """
        if self.problems:
            raise ValueError(";".join(self.problems))
        rng = random.Random(seed)
        assigned = _match_slots(self.slots, self.candidates, rng)
        drawn = list(self.fixed)
        for slot, rule_index in enumerate(self.slots):
            drawn.append(DrawnItem(assigned[slot], self.slot_points[slot], rule_index))
        if self.shuffle_questions:
            rng.shuffle(drawn)
        return drawn


def plan_draw(definition: ExamDefinition, pool: list[PoolItem]) -> DrawPlan:
    """The :class:`DrawPlan` of ``definition`` over ``pool``."""
    candidates, _ = _candidates(definition, pool)
    _, problems = _check(definition, pool, candidates)
    slots = _slots(definition)
    return DrawPlan(fixed=tuple(DrawnItem(f.id, f.points, None) for f in definition.fixed),
                    slots=tuple(slots),
                    slot_points=tuple(definition.rules[i].points for i in slots),
                    candidates=tuple(tuple(candidates[i]) for i in range(len(definition.rules))),
                    shuffle_questions=definition.shuffle_questions,
                    problems=tuple(problems))


def assemble(definition: ExamDefinition, pool: list[PoolItem], seed: int) -> list[DrawnItem]:
    """The paper for ``seed``: fixed questions, then one draw per rule slot, in paper order.

    Raises ValueError naming the problem when the blueprint cannot be filled from ``pool``.
    """
    return plan_draw(definition, pool).draw(seed)
