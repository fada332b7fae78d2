"""The case graders' feedback sentences as message ids, and a reader that splits stored feedback into them.

A case step's feedback is several sentences run together (a misconception, a count, a list of
cells, a hint), stored in Chinese with the attempt. :func:`pieces` recognises each sentence by
its template (with either width of punctuation) and returns the template with its parameters,
so that the web layer (``app.i18n.translate_case_feedback``) can show the catalogue's translation
with the same numbers; text it cannot read completely is shown as stored. The domain stays free of
Flask: the templates are marked with ``N_`` for extraction only.

This module is the one home of these sentences: a grader names a template by its constant (bound
where the template is listed) and writes it with :func:`say`, never as a literal of its own
(``tests/domain/cases/test_feedback_templates.py`` scans the graders for Chinese literals).

Templates without parameters are stored verbatim (a single ``%``); templates with parameters
use ``%%`` for a literal percent sign, as ``%`` formatting needs.
"""

from __future__ import annotations

import re

from ..marks import N_


#: Every sentence (or sentence part) a case grader writes, most specific first (matched in this order).
TEMPLATES: tuple[str, ...] = (
    # grading.py: shared by every case
    (ALL_CORRECT := N_("全部正确。")),
    (CHOICE_WRONG := N_("选择不正确。")),
    (WRONG := N_("不正确。")),
    (CORRECT := N_("正确。")),
    (UNANSWERED := N_("未作答。")),
    (UNREADABLE_NUMBER := N_("无法识别的数字。")),
    (FORMAT_SLIP_STEP := N_("格式错误扣本步一半的分数。")),
    (FORMAT_SLIP_ONCE := N_("格式错误整步只扣一次（扣半项的分数）。")),
    (RESULT_WRONG := N_("结果 %(value)s 不正确。")),
    (PARTIAL_CREDIT := N_("（本步得 %(percent)s%% 的分数）")),
    (COUNT_CORRECT := N_("共 %(total)s 项，%(ok)s 项正确。")),
    (UNREADABLE_NUMBERS := N_("无法识别：%(items)s（请填写数字）。")),
    (UNREADABLE_CLASSES := N_("无法识别：%(items)s（应填 A、B 或 C）。")),
    (UNREADABLE_KANO := N_("无法识别：%(items)s（应填 A、O、M、I、R 或 Q）。")),
    (UNREADABLE_SEGMENTS := N_("无法识别：%(items)s（请从规则表的 8 种客户类型中选择）。")),
    (UNREADABLE_IDS := N_("无法识别：%(items)s（请填写数据表中的客户编号，没有则填“无”）。")),
    (NOT_FILLED := N_("未填写：%(items)s。")),
    (WRONG_ITEMS := N_("不正确：%(items)s。")),
    (CHOOSE_OPTION := N_("请填写一个选项字母（%(keys)s）。")),
    (RANKING_ITEM_NOT_ID := N_("排序中的每一项应为客户编号。")),
    (UNKNOWN_ID := N_("未知的编号「%(item)s」。")),
    (REPEATED_ID := N_("编号 %(item)s 重复出现。")),
    (REPEATED_ROW := N_("行 %(item)s 重复出现。")),
    (UNKNOWN_COLUMNS := N_("未知的列：%(columns)s（应为 %(expected)s）。")),
    (HINT := N_("提示：")),
    (ROWS_EXPECTED := N_("答案应为一个表：{行编号: 值}。")),
    (ANSWERS_EXPECTED := N_("答案应为 JSON 对象：{\"步骤编号\": 答案}。")),
    (UNKNOWN_ROWS := N_("未知的行编号：%(items)s。")),
    (ROW_NOT_OBJECT := N_("行 %(item)s 应为 {列名: 值} 的对象。")),
    (RANKING_EXPECTED := N_("排序应为编号列表，如 [\"H03\", \"H01\", …] 或 \"H03 > H01 > …\"。")),
    # numbers.py: reading a number
    (NOT_YES_NO := N_("请填写数字，而不是是/否。")),
    (FINITE_NUMBER := N_("请填写有限的数字。")),
    (ONE_NUMBER := N_("请填写一个数字（如 26000、26,000 或 2.6万）。")),
    (INPUT_TOO_LONG := N_("输入过长，请只填写一个数字。")),
    (UNREADABLE_NUMBER_TEXT := N_("无法识别的数字「%(text)s」，请填写如 26000、26,000、2.6万 或 12.5%% 的形式。")),
    (NUMBER_TOO_LARGE := N_("数值过大。")),
    # abc_classification.py
    (ABC_HINT_CUMULATIVE := N_("按交易额从高到低排序，从第一名累加到该客户（含它自己），看累计交易额占全部交易额的比例。")),
    (ABC_EXCLUDED_SELF := N_("你只累计了排在该客户前面的客户，没有把它自己的交易额算进去；累计占比要从第一名累加到该客户本身（含它自己）。")),
    (ABC_BY_COUNT_CUMULATED := N_("你按交易次数排序并累计了；初分按交易额（贡献）排序和累计，交易次数和间隔在第 2 步用来校验 A 类客户。")),
    (ABC_BY_COUNT := N_("你按交易次数排序了；初分应按交易额从高到低排序，交易次数和间隔在第 2 步用来校验 A 类客户。")),
    (ABC_BY_HEADCOUNT := N_("你按客户人数比例（前 20%、30%、50%）划分了；本题按累计交易额占比划分。")),
    (ABC_A_RULE := N_("A 类客户应年交易不少于 %(count)s 次、平均交易间隔不超过 %(interval)s 天。")),
    (ABC_MISSED := N_("漏掉了 %(item)s（年交易 %(count)s 次、平均间隔 %(interval)s 天）")),
    (ABC_OWN_MISFITS := N_("按你第 1 步的初分结果判断，本步正确。")),
    (ABC_NOT_A := N_("%(item)s 初分不是 A 类，不需要校验")),
    (ABC_FITS_A := N_("%(item)s 年交易 %(count)s 次、平均间隔 %(interval)s 天，符合 A 类的要求")),
    (ABC_DECIMAL_SHARE := N_("你把占比写成了小数；占比要求以百分数填写（如 0.125 应写成 12.5）")),
    (ABC_SWAPPED_SHARES := N_("你把客户数占比和交易额占比弄反了")),
    (ABC_NOT_MOVED := N_("你没有把频率或间隔不符合要求的 A 类客户降为 B 类；评分卡按最终分类填写")),
    (ABC_HINT_SCORECARD := N_("客户数占比 = 该类客户数 ÷ 客户总数；交易额占比 = 该类交易额 ÷ 全部交易额，以百分数填写；"
                              "平均数 = 该类客户的次数（或间隔）之和 ÷ 该类客户数。")),
    (ABC_INCOMPLETE_FIRST := N_("（第 1 步初分不完整，本步按正确的初分判分。）")),
    (ABC_OWN_CLASSES := N_("按你第 1、2 步的分类结果计算，本项正确")),
    (ABC_SERVICE_REVERSED := N_("把资源用反了：A 类客户贡献最大，应得到最多的关注和资源，C 类才以低成本服务为主。")),
    (ABC_SERVICE_EQUAL := N_("ABC 分类的目的正是按客户价值差别化配置服务资源，而不是平均分配。")),
    (ABC_SERVICE_DROP := N_("C 类客户人数多、仍有贡献和成长潜力，应降低服务成本、加以培养，而不是一律放弃。")),
    # customer_value.py
    (CV_HINT_VALUE := N_("客户价值 = 每周交易次数 × 每次交易额 × 52 周 × 生命周期年数。")),
    (CV_HINT_WON := N_("新增客户数 = 听到赞美的人数 × 转化率 %(rate)s%%。")),
    (CV_HINT_GAINED := N_("带来的价值 = 新增忠实客户数 × 一位客户的终生价值。")),
    (CV_HINT_LOST := N_("流失客户数 = 听到抱怨的人数 × 转化率 %(rate)s%%。")),
    (CV_HINT_LOST_VALUE := N_("价值变化 = −流失客户数 × 一位客户的终生价值。")),
    (CV_50_WEEKS := N_("你按一年 50 周计算了；本题规定一年按 52 周计算。")),
    (CV_48_WEEKS := N_("你按一年 48 周（12 个月 × 4 周）计算了；本题规定一年按 52 周计算。")),
    (CV_ONE_YEAR := N_("你只算了一年的交易额，忘了乘以客户生命周期的年数。")),
    (CV_DAILY := N_("你把“每星期”当成了“每天”：一年按 52 周计算，不是 365 天。")),
    (CV_MONTHLY := N_("你按每月交易计算了；题目给的是每星期的交易次数，一年按 52 周。")),
    (CV_GAINED_NO_RATE := N_("你忘了 %(rate)s%% 的转化率：听到赞美的 %(people)s 人中只有一部分成为忠实客户。")),
    (CV_GAINED_NEGATIVE := N_("满意客户带来的是客户价值的增加，应为正数。")),
    (CV_GAINED_OWN := N_("按你第 1 步的结果 %(value)s 元和第 2 步的结果 %(people)s 人计算，本步方法正确，得分。")),
    (CV_LOST_POSITIVE := N_("方向错了：失去忠实客户是客户价值的减少，应记为负数。")),
    (CV_LOST_NO_RATE := N_("你忘了 %(rate)s%% 的转化率：听到抱怨的 %(people)s 人中只有一部分不再是忠实客户。")),
    (CV_LOST_NO_RATE_POSITIVE := N_("你忘了 %(rate)s%% 的转化率，而且价值的减少应记为负数。")),
    (CV_LOST_OWN := N_("按你第 1 步的结果 %(value)s 元和第 4 步的结果 %(people)s 人计算，本步方法正确，得分。")),
    (CV_LOST_OWN_POSITIVE := N_("按你前面的结果计算方法正确，但方向错了：失去忠实客户是价值的减少，应记为负数。")),
    (CV_WON_HEARD := N_("你数的是听到赞美的人数，而不是其中转化为忠实客户的人数（还要乘以转化率 %(rate)s%%）。")),
    (CV_LOST_HEARD := N_("你数的是听到抱怨的人数，而不是其中流失的忠实客户数（还要乘以转化率 %(rate)s%%）。")),
    (CV_LOST_NEGATIVE_COUNT := N_("人数填正数即可；本步按正确处理。")),
    (CV_ANALYSIS_GAIN := N_("方向错了：一位不满意客户使平台失去忠实客户，是价值的减少（负数），不会带来价值；"
                            "抱怨传给 %(q)s 人，赞美只传给 %(p)s 人，合计是净减少。")),
    (CV_ANALYSIS_IGNORE := N_("合计是净减少：一位不满意客户的抱怨（传给 %(q)s 人）带走的，比一位满意客户的口碑（传给 %(p)s 人）带来的更多，"
                              "投诉不能忽略。")),
    (CV_ANALYSIS_ZERO := N_("两者的影响并不相等：抱怨传给 %(q)s 人，赞美只传给 %(p)s 人，合计是净减少，不是相互抵消。")),
    (CV_ANALYSIS_LOSS := N_("合计是净减少。")),
    (CV_ANALYSIS_TABLE_SIGN := N_("你在动态分析表中把不满意客户的影响记成了正数，这正是结论方向错误的原因。本步按正确的方向判分，不随你前面的结果。")),
    (CV_TABLE_OWN := N_("与你前面步骤的结果一致，本格按你自己的结果判为正确")),
    (CV_TABLE_SIGN := N_("方向错了：失去忠实客户是减少，应记为负数。")),
    (CV_HINT_TABLE := N_("满意行为增加（正数），不满意行为减少（负数），合计为两行之和。")),
    (CV_NET_SIGN := N_("合计时把减少当成了增加：不满意客户的影响是负数，合计应为两行相加（正负相抵）。")),
    (CV_NET_OWN := N_("合计行等于你上面两行之和，方法正确")),
    # rfm.py
    (RFM_HINT_SCORES := N_("数一数严格差于该客户的人数 L，得分 = 1 + ⌊5L÷N⌋；注意 R 是天数越少越好。")),
    (RFM_TIES := N_("%(letter)s 列：数值相同的客户应得相同的分数（L 只数严格更差的客户）。")),
    (RFM_EQUAL_WIDTH := N_("%(letter)s 列：你按数值区间等宽划分了；本题按排名（L）五等分打分。")),
    (RFM_R_REVERSED := N_("R 的方向反了：最近一次交易距今天数越少，R 分越高。")),
    (RFM_REVERSED := N_("%(letter)s 的方向反了：数值越大，%(letter)s 分越高。")),
    (RFM_HINT_SEGMENTS := N_("得分 ≥ %(high)s 为高，否则为低，再查规则表。")),
    (RFM_SEGMENT_WRONG := N_("%(item)s：%(basis)s，不是「%(given)s」。")),
    (RFM_HIGH := N_("%(letter)s=%(value)s 为高")),
    (RFM_LOW := N_("%(letter)s=%(value)s 为低")),
    (RFM_OWN_SCORES := N_("按你第 1 步的 R、F、M 分数判断，类型正确")),
    # ltv.py
    (LTV_HINT_YEAR := N_("第 t 年的价值 = m × r^(t−1) ÷ (1+d)^t。")),
    (LTV_HINT_TOTAL := N_("总额 = 各年贴现期望价值之和。")),
    (LTV_OWN_TOTAL := N_("等于你第 1 步各年价值之和 %(value)s 元，本步方法正确，得分。")),
    (LTV_YEAR0 := N_("你从第 0 年开始贴现了（第 1 年没有贴现，或用了 (1+d)^(t−1)）；本题第 1 年也要除以 (1+d)^1。")),
    (LTV_NO_RETENTION := N_("你忘了客户保留率：第 t 年客户仍在的概率是 r^(t−1)，要乘进去。")),
    (LTV_RETENTION_T := N_("第 1 年客户一定还在（r^0 = 1），保留率的指数是 t−1，不是 t。")),
    (LTV_NO_DISCOUNT := N_("你没有贴现：第 t 年的价值要除以 (1+d)^t 折成现值。")),
    (LTV_SUBTRACT_DISCOUNT := N_("贴现是除以 (1+d)^t，不是乘以 (1−d)^t。")),
    (LTV_NAIVE := N_("你用了“每年利润 × 年数”（m × n）：这既忽略了客户流失（保留率），也忽略了货币的时间价值（贴现），"
                     "会明显高估终生价值（第 5 章例题中 1000 × 5 = 5000 元就高估了）。每年的价值要乘以 r^(t−1) 再除以 (1+d)^t。")),
    # scorecard.py
    (SC_AVERAGED := N_("你把五项特征平均了（每项 20%）；本题权重为 50%、20%、10%、10%、10%。")),
    (SC_SUMMED := N_("你把五项得分直接相加了，没有乘以权重。")),
    (SC_PERCENT_WEIGHTS := N_("权重要按百分数计算：50% 是 0.5，不是 50（你的结果大了 100 倍）。")),
    (SC_SWAPPED_WEIGHTS := N_("权重顺序弄反了：50% 属于“成本低贡献大”，20% 属于“资金增加潜力大”。")),
    (SC_HINT_WEIGHTED := N_("加权得分 = 0.5×成本低贡献大 + 0.2×资金增加潜力大 + 0.1×其余三项之和。")),
    (SC_MISSED := N_("漏掉了：%(items)s。")),
    (SC_PARTIAL_ORDER := N_("顺序不完全正确：最长的正确相对顺序包含 %(count)s 位客户，按比例得分。")),
    (SC_HINT_RANKING := N_("按加权得分从高到低排列，得分相同时编号小的在前。")),
    (SC_OWN_RANKING := N_("与你第 1 步的加权得分从高到低的顺序一致，本步方法正确，得分。")),
    (SC_REVERSED := N_("顺序反了：排名应按加权得分从高到低。")),
    (SC_FIRST_TRAIT_ONLY := N_("你只按“成本低贡献大”一项排序了；排名应按五项的加权得分。")),
    (SC_WRONG_SCORES := N_("排名依据的得分有误：")),
    # satisfaction.py
    (SAT_HINT_RATE := N_("满意率 = 4 分和 5 分的问卷数 ÷ 问卷总数。")),
    (SAT_HINT_NPS := N_("NPS = 9–10 分的比例 − 0–6 分的比例。")),
    (SAT_ONLY_5 := N_("你只算了“非常满意”（5 分）；满意率包括 4 分和 5 分。")),
    (SAT_COUNTS_3 := N_("3 分是“一般”，不算满意；满意率只包括 4 分和 5 分。")),
    (SAT_DECIMAL := N_("你填的是小数；请以百分数填写（如 0.625 应写成 62.5）。")),
    (SAT_COUNT := N_("你填的是满意的人数；满意率要除以问卷总数。")),
    (NPS_PASSIVES := N_("7–8 分是中立者，不是推荐者；推荐者只包括 9–10 分。")),
    (NPS_SIX := N_("6 分也属于贬损者；贬损者是 0–6 分。")),
    (NPS_NO_DETRACTORS := N_("你只算了推荐者的比例，还要减去贬损者（0–6 分）的比例。")),
    (NPS_REVERSED := N_("减反了：NPS = 推荐者比例 − 贬损者比例。")),
    (NPS_DECIMAL := N_("你填的是小数；NPS 以百分点填写（如 −0.125 应写成 −12.5）。")),
    (NPS_COUNTS := N_("你用的是人数之差；NPS 是两类人数占比之差（百分点）。")),
    (KANO_DECIMAL := N_("你填的是小数；占比请以百分数填写")),
    (KANO_HINT := N_("先用 Kano 评价表把每份问卷归类，再数各类的问卷数 ÷ 问卷总数。")),
    (KANO_TRANSPOSED := N_("你把评价表的行和列弄反了：行是正向问题（提供时）的回答，列是反向问题（不提供时）的回答。")),
    (KANO_EXCLUDED := N_("分母应为全部问卷数（包括 R 和 Q），你排除了反向和可疑问卷。")),
    (KANO_HINT_CATEGORY := N_("归类取占比最大的类别（占比相同时按 M、O、A、I、R、Q 的顺序）。")),
    (KANO_OWN := N_("与你第 3 步占比最大的类别一致，本项按你自己的结果判为正确")),
    # A misconception or carried-forward note with the cells it concerns (grading.Tally): tried last.
    (WITH_ITEMS := N_("%(message)s（%(items)s）。")),
    # rubric.py, platform_strengths.py, presales_pitch.py: the written tasks graded by a rubric
    (RUBRIC_PENDING := N_("其余 %(points)s 分由教师按评分标准评定。")),
    (RUBRIC_TEACHER := N_("教师评分 %(score)s / %(max)s 分。")),
    (RUBRIC_EMPTY_MANUAL := N_("没有作答，教师评分的各项也记 0 分。")),
    (STRENGTHS_SENTENCES_OK := N_("共 %(count)s 句，符合三句话的要求。")),
    (STRENGTHS_SENTENCES_WRONG := N_("共 %(count)s 句，题目要求写三句话，本项不得分。")),
    (STRENGTHS_LENGTH_OK := N_("共 %(count)s 字，没有超过 %(limit)s 字。")),
    (STRENGTHS_LENGTH_OVER := N_("共 %(count)s 字，超过了 %(limit)s 字的限制，本项不得分。")),
    (STRENGTHS_ELEMENTS_BOTH := N_("写到了平台的服务和盈利方式。")),
    (STRENGTHS_NO_SERVICE := N_("没有写到平台提供的服务（如信息发布、匹配、跟踪、结算），本项扣一半。")),
    (STRENGTHS_NO_REVENUE := N_("没有写到平台靠什么盈利（如会员费、广告费、佣金、增值服务费），本项扣一半。")),
    (STRENGTHS_NEITHER := N_("没有写到平台提供的服务，也没有写到平台靠什么盈利，本项不得分。")),
    (PITCH_TABLE_FULL := N_("表格已全部填写（共 %(total)s 格）。")),
    (PITCH_TABLE_PARTLY := N_("共 %(total)s 格，已填写 %(done)s 格。未填写：%(items)s。")),
    (PITCH_TARGETS_DISTINCT := N_("列出了三类不同的目标客户。")),
    (PITCH_TARGETS_TOO_FEW := N_("只列出了 %(count)s 类目标客户，题目要求分析三类。")),
    (PITCH_TARGETS_REPEATED := N_("有两类客户的类型写得相同，应列出三类不同的目标客户。")),
)

#: How a listing of cells ends when it is cut short (grading._listing): `` 等 12 项``.
LISTING_MORE = N_("%(shown)s 等 %(count)s 项")

_KNOWN = frozenset(TEMPLATES) | {LISTING_MORE}


def say(template: str, **params: object) -> str:
    """``template`` (one of :data:`TEMPLATES`, or :data:`LISTING_MORE`) filled in with ``params``: the Chinese sentence a grader stores.

    Raises ``ValueError`` for any other text, so that a sentence cannot reach stored feedback
    without a template that :func:`pieces` (and the English catalogue) can read.
    """
    if template not in _KNOWN:
        raise ValueError(f"not a case feedback template: {template!r}")
    return template % params if "%(" in template else template


_FULL_TO_HALF = {"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "？": "?", "！": "!"}
#: Sentence separators a grader puts between parts that carry no full stop of their own.
SEPARATORS = ("。", "；")
_PATTERNS: list[tuple[str, re.Pattern[str]]] = []


def _pattern(template: str) -> re.Pattern[str]:
    """A regex for ``template`` filled in: parameters never cross a sentence end, punctuation of either width."""
    has_params = "%(" in template
    pattern = ""
    seen: set[str] = set()
    for piece in re.split(r"(%\(\w+\)s)", template):
        placeholder = re.fullmatch(r"%\((\w+)\)s", piece)
        if placeholder:
            name = placeholder.group(1)
            if name in seen:
                pattern += f"(?P={name})"
            else:
                seen.add(name)
                # A misconception may hold a ；, never a 。; other parameters hold neither.
                pattern += rf"(?P<{name}>[^。]+?)" if name == "message" else rf"(?P<{name}>[^。；]+?)"
            continue
        if has_params:
            piece = piece.replace("%%", "%")
        for char in piece:
            half = _FULL_TO_HALF.get(char)
            pattern += f"[{char}{re.escape(half)}]" if half else re.escape(char)
    return re.compile(pattern, re.DOTALL)


def pieces(text: str) -> list[tuple[str, dict[str, str]]] | None:
    """Split stored case feedback into ``(template, params)`` pieces, in order; None when a part is unknown.

    A separator between parts (``。`` or ``；``) is returned as ``(separator, {})``. A template that
    matches but leaves a rest no template reads is given up for the next one (a misconception is
    both a sentence of its own and the head of a listing such as ``…（C01、C02）。``).
    """
    if not _PATTERNS:
        _PATTERNS.extend((t, _pattern(t)) for t in TEMPLATES)
    return _split(text.strip(), 0)


def _split(text: str, pos: int) -> list[tuple[str, dict[str, str]]] | None:
    if pos == len(text):
        return []
    if pos and text[pos] in SEPARATORS:
        rest = _split(text, pos + 1)
        return None if rest is None else [(text[pos], {}), *rest]
    for template, pattern in _PATTERNS:
        match = pattern.match(text, pos)
        if match and match.end() > pos:
            message = match.groupdict().get("message")
            if message is not None and _split(message + "。", 0) is None:
                continue  # a listing names a known misconception, nothing else
            rest = _split(text, match.end())
            if rest is not None:
                return [(template, match.groupdict()), *rest]
    return None
