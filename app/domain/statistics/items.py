"""Per-question statistics: facility, discrimination, point-biserial, distractors and flags."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.marks import N_
from app.domain.questions.presented import LETTERED_TYPES
from app.domain.statistics.inputs import CleanAttempt
from app.domain.statistics.measures import mean, pearson
from app.domain.statistics.model import Flag, ItemStatistics, OptionCount, QuestionInfo

# Types whose lettered options are analysed as distractors (QuestionType.lettered).
CHOICE_TYPES = LETTERED_TYPES
FEW_RESPONSES = 10
TOO_EASY = 0.95
TOO_HARD = 0.2


NEGATIVE_DISCRIMINATION = N_("区分度为负：高分组答对率低于低分组，请检查答案是否有误")
TOO_EASY_MESSAGE = N_("题目过易：难度系数（得分率）高于 0.95，几乎人人答对，区分作用很小")
TOO_HARD_MESSAGE = N_("题目过难：难度系数（得分率）低于 0.2，请检查题目是否超纲、表述不清或答案有误")
FEW_RESPONSES_MESSAGE = N_("作答人数过少（%(n)d 人，少于 %(min)d 人）：统计结果不可靠，仅供参考")
DISTRACTOR_MESSAGE = N_("干扰项 %(options)s 被高分组选择的比例高于低分组：请检查该选项是否也可判为正确，或题干、选项是否有歧义")
# Every flag message, for the web layer to recognise and translate (app.i18n.translate_stored).
FLAG_MESSAGES = (NEGATIVE_DISCRIMINATION, TOO_EASY_MESSAGE, TOO_HARD_MESSAGE, FEW_RESPONSES_MESSAGE,
                 DISTRACTOR_MESSAGE)


def _few_responses(n: int) -> Flag:
    return Flag("few_responses", FEW_RESPONSES_MESSAGE % {"n": n, "min": FEW_RESPONSES})


def _distractor_flag(options: Sequence[str]) -> Flag:
    return Flag("distractor_attracts_upper", DISTRACTOR_MESSAGE % {"options": "、".join(options)})


def _distractors(
    qid: str,
    info: QuestionInfo,
    attempts: Sequence[CleanAttempt],
    seen: Sequence[int],
    upper: Sequence[int],
    lower: Sequence[int],
) -> tuple[tuple[OptionCount, ...], int]:
    """Option counts over the attempts in ``seen``; missing choices count as omitted."""
    chosen = {index: attempts[index].choices.get(qid, frozenset()) for index in seen}
    rows = []
    for option in info.options:
        up = sum(option in chosen[index] for index in upper)
        low = sum(option in chosen[index] for index in lower)
        is_key = option in info.key
        # Proportions, not counts: with random draws the groups may see a question unequally.
        flagged = not is_key and bool(upper) and bool(lower) and up / len(upper) > low / len(lower)
        count = sum(option in picked for picked in chosen.values())
        rows.append(OptionCount(option, is_key, count, up, low, flagged))
    omitted = sum(not picked for picked in chosen.values())
    return tuple(rows), omitted


def _flags(
    n: int,
    facility: float | None,
    discrimination: float | None,
    distractors: Sequence[OptionCount] | None,
) -> tuple[Flag, ...]:
    flags = []
    if n < FEW_RESPONSES:
        flags.append(_few_responses(n))
    if discrimination is not None and discrimination < 0:
        flags.append(Flag("negative_discrimination", NEGATIVE_DISCRIMINATION))
    if facility is not None and facility > TOO_EASY:
        flags.append(Flag("too_easy", TOO_EASY_MESSAGE))
    if facility is not None and facility < TOO_HARD:
        flags.append(Flag("too_hard", TOO_HARD_MESSAGE))
    attracting = [row.option for row in distractors or () if row.flagged]
    if attracting:
        flags.append(_distractor_flag(attracting))
    return tuple(flags)


def item_statistics(
    qid: str,
    info: QuestionInfo,
    attempts: Sequence[CleanAttempt],
    upper: frozenset[int],
    lower: frozenset[int],
) -> ItemStatistics:
    """Statistics of question ``qid`` over the attempts that contain a graded score for it.

    ``upper`` and ``lower`` are the indexes (into ``attempts``) of the 27 % groups.
    """
    seen = [index for index, attempt in enumerate(attempts) if qid in attempt.scores]
    scores = [attempts[index].scores[qid][0] for index in seen]
    fractions = [score / attempts[index].scores[qid][1] for index, score in zip(seen, scores)]
    totals = [attempts[index].total for index in seen]
    rests = [total - score for total, score in zip(totals, scores)]
    upper_seen = [index for index in seen if index in upper]
    lower_seen = [index for index in seen if index in lower]

    def group_facility(group: Sequence[int]) -> float | None:
        return mean([score / top for score, top in (attempts[i].scores[qid] for i in group)])

    up, low = group_facility(upper_seen), group_facility(lower_seen)
    discrimination = None if up is None or low is None else up - low
    facility = mean(fractions)
    maxes = [attempts[index].scores[qid][1] for index in seen]

    distractors: tuple[OptionCount, ...] | None = None
    omitted: int | None = None
    if info.type in CHOICE_TYPES and info.options:
        distractors, omitted = _distractors(qid, info, attempts, seen, upper_seen, lower_seen)

    return ItemStatistics(
        id=qid,
        type=info.type,
        n=len(seen),
        pending=sum(qid in attempt.pending for attempt in attempts),
        max_score=info.max_score if info.max_score is not None else max(maxes, default=None),
        mean_score=mean(scores),
        facility=facility,
        discrimination=discrimination,
        point_biserial=pearson(scores, rests),
        point_biserial_uncorrected=pearson(scores, totals),
        upper_n=len(upper_seen),
        lower_n=len(lower_seen),
        distractors=distractors,
        omitted=omitted,
        flags=_flags(len(seen), facility, discrimination, distractors),
    )
