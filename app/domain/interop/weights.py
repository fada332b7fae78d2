"""Turn Moodle's weighted answers into bank fields, the same way for GIFT and Moodle XML.

Moodle gives every answer a fraction (1 = full credit, negative = penalty). The bank has no
per-answer credit, so these helpers keep the full-credit answers, work out the question type,
and report every loss as a warning. They raise ``Unexpressible`` when nothing usable remains.
"""

from __future__ import annotations

import hashlib
import random

from .common import LETTERS, Unexpressible, format_number

FULL = 0.9999  # fractions are written with 7 decimals, so "full credit" is compared loosely
_PARTIAL_MATCH = 0.005


def choice_fields(texts: list[str], fractions: list[float], single: bool,
                  keys: list[str], meta: dict | None) -> tuple[dict, list[str]]:
    """(question fields, warnings) for a Moodle multiple-choice question."""
    if len(texts) < 2:
        raise Unexpressible("选择题至少需要两个选项")
    weights = dict(zip(keys, fractions))
    fields: dict = {"options": dict(zip(keys, texts))}
    warnings: list[str] = []
    if single:
        full = [key for key, weight in weights.items() if weight >= FULL]
        if len(full) != 1:
            raise Unexpressible(f"单选题应恰好有一个满分选项,这道题有 {len(full)} 个")
        fields.update(type="single", answer=full[0])
        if any(weight != 0 for key, weight in weights.items() if key != full[0]):
            warnings.append("单选题中其他选项的部分得分或扣分已忽略")
        return fields, warnings
    right = [key for key, weight in weights.items() if weight > 0]
    if not right:
        raise Unexpressible("多选题没有得分的选项")
    fields.update(type="multiple", answer=right)
    share = 1 / len(right)
    exact = all(abs(weights[key] - share) < _PARTIAL_MATCH for key in right) and all(
        abs(weight + share) < _PARTIAL_MATCH for key, weight in weights.items() if key not in right)
    if not exact and not (meta and "scoring" in meta):
        warnings.append("选项权重与本平台的部分得分规则不同,已按本平台规则导入"
                        "(选对一项得 1/k,选错一项扣 1/k)")
    return fields, warnings


def full_credit_forms(entries: list[tuple[str, float, bool]]) -> tuple[list[str], list[str]]:
    """(accepted forms, warnings) from short answers given as (form, fraction, has wildcard)."""
    forms: list[str] = []
    warnings: list[str] = []
    for form, fraction, wildcard in entries:
        if fraction < FULL:
            if fraction > 0:
                warnings.append(f"部分得分的答案“{form}”已忽略")
        elif wildcard:
            warnings.append(f"含通配符 * 的答案“{form}”无法表达,已忽略")
        elif form and form not in forms:
            forms.append(form)
    if not forms:
        raise Unexpressible("填空题没有可用的满分答案")
    return forms, warnings


def numeric_answer(entries: list[tuple[int | float, int | float | None, float]]
                   ) -> tuple[tuple[int | float, int | float | None], list[str]]:
    """((answer, tolerance), warnings) from numeric answers given as (value, tolerance, fraction)."""
    chosen = None
    warnings: list[str] = []
    for value, tolerance, fraction in entries:
        if fraction >= FULL and chosen is None:
            chosen = (value, tolerance)
        elif fraction > 0:
            warnings.append(f"其他得分答案 {format_number(value)} 已忽略")
    if chosen is None:
        raise Unexpressible("数值题没有满分答案")
    return chosen, warnings


def shuffled_keys(count: int, seed_text: str) -> list[str]:
    """Option keys for ordering items listed in the right order: a stable, non-trivial shuffle.

    Moodle lists ordering items in their right order; giving them the keys A, B, C… in that
    order would make the answer always ``[A, B, C, …]``, so the keys are permuted by a seed
    derived from the question, the same way on every import.
    """
    keys = list(LETTERS[:count])
    if count < 2:
        return keys
    seed = int(hashlib.sha256(seed_text.encode("utf-8")).hexdigest()[:16], 16)
    rng = random.Random(seed)
    shuffled = keys[:]
    while shuffled == keys:
        rng.shuffle(shuffled)
    return shuffled
