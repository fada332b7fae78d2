"""The platforms the written pre-sales tasks are about, with a model answer for each task.

The textbook platform is the one of the Hunan vocational skills exam 3-1-1 (seed 004): 湖南省物流
公共信息平台. The source gives only its background (founded with the backing of the provincial
development and reform commission and the provincial logistics and purchasing federation, the only
strategic partner of China Telecom's Hunan branch in logistics, Hunan's largest and most influential
logistics information website); the exam expects students to browse the site for the rest. The
services and fees below are therefore a practice profile written for the course, and the page says
so. The other platforms are invented (虚构) so that generated variants differ.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .base import Case
from .model import TEXTBOOK, Variant


@dataclass(frozen=True)
class Platform:
    """A platform to describe and to sell: its profile (Markdown) and the two model answers."""

    id: str
    name: str
    #: Markdown paragraphs: who runs it, how it works, services and fees.
    profile: str
    #: Model answer of the three-sentence task.
    strengths: str
    #: Model answer of the target-customer table: three rows of (type, traits, needs).
    targets: tuple[tuple[str, str, str], ...]
    #: Model answer of the pitch table, by row id of :data:`PITCH_ROWS`.
    pitch: dict[str, str]


HUNAN = Platform(
    id="hunan-logistics",
    name="湖南物流公共信息平台",
    profile="""**背景（考试原题）**：湖南省物流公共信息平台有限公司由湖南省发展和改革委员会倡导、湖南省物流与采购联合会支持成立，是中国电信湖南分公司在物流领域唯一的战略合作伙伴。平台的门户网站是湖南规模最大、影响力最强的综合性物流信息网站。

**平台资料（练习用）**：考试时要求登录网站了解平台；资料中没有网站内容，以下服务和收费方式是为练习编写的示例资料，不是该平台的官方信息。

- 运作方式：第三方公共信息平台，把发货的企业、承运的物流企业和货车车主连接在一起，信息公开、交易留痕。
- 服务：货源和车源信息发布与智能匹配；车辆定位和货物在途跟踪；企业和司机诚信认证；网上交易与运费结算；物流资讯和政策发布。
- 收费：基础信息免费浏览；会员按年交会员费，可优先发布和查看信息；网站广告位收费；定位、短信提醒等增值服务按次或按月收费；通过平台成交的运单收取少量佣金。""",
    strengths="平台由政府倡导、行业协会支持并与电信合作，是湖南最大的第三方物流公共信息平台。"
              "提供货源车源发布与匹配、在途跟踪、诚信认证和网上结算等一站式服务。"
              "靠会员费、广告费、增值服务费和交易佣金盈利。",
    targets=(
        ("货主企业（生产制造、商贸企业）", "发货频繁，重视运费和时效，临时找车难", "快速找到可靠车辆，降低运费，随时掌握货物位置"),
        ("运输公司和第三方物流企业", "有车队和固定线路，回程空驶多", "稳定的货源，提高车辆利用率，开拓新客户"),
        ("个体货车司机（车主）", "单车经营，找货靠熟人和配货站，担心运费被拖欠", "就近找到回程货，运费结算有保障"),
    ),
    pitch={
        "target": "货主企业（中小型生产制造企业）",
        "reason": "数量多、发货频繁，是平台交易的主要来源；找车难、运费高的问题明显，平台的车源匹配和在途跟踪正好能解决。",
        "needs": "想尽快找到可靠的车辆，希望降低运费；担心货物丢失、司机不守信，也担心平台收费高。",
        "opening": "王经理您好，我是湖南物流公共信息平台的客户顾问小李。听说贵公司每周都往广州发货，想和您聊聊怎样找车更快、运费更省，耽误您五分钟可以吗？",
        "solution": "您在平台发布货源后，系统会按线路和车型为您匹配经过诚信认证的车辆，很多是回程车，运费一般比临时找车低；发车后可以在手机上随时查看车辆位置，运费通过平台结算，更有保障。",
        "closing": "您担心费用的话，基础信息可以免费使用，会员也可以先试用一个月，不满意随时停用。要不我现在帮您注册账号，下周的货先在平台上发一单试试？",
    },
)

FARM = Platform(
    id="farm-supply",
    name="湘果鲜农产品供应链平台",
    profile="""**平台资料**（虚构的企业，仅供练习）：湘果鲜农产品供应链平台是长沙一家企业建立的 B2B 平台，一头连接湖南各地的农民合作社和种植大户，一头连接城市里的超市、餐馆和单位食堂。

- 运作方式：产地直采、集中分拣，再用冷链车配送到城市客户，减少中间批发环节。
- 服务：产地直采和集中采购；冷链仓储和城市配送；农药残留检测和产品溯源；线上订单管理和账期结算。
- 收费：按成交额收取 3% 的交易佣金；冷链仓储和配送按重量收取服务费；合作社开设店铺和做推广要交年费。""",
    strengths="平台是连接湖南产地合作社和城市餐饮、超市的农产品 B2B 供应链平台。"
              "提供产地直采、冷链配送、质量检测溯源和账期结算服务。"
              "收入来自交易佣金、冷链服务费和供应商年费。",
    targets=(
        ("餐馆和单位食堂", "每天采购，品种多、数量不大，重视新鲜和准时", "稳定供应新鲜蔬果，按时送到，价格透明"),
        ("连锁超市和社区生鲜店", "采购量大，对品质和包装要求高", "货源稳定、品质一致，可以追溯产地"),
        ("农民合作社和种植大户", "产量大，销售渠道少，怕压价和压款", "找到稳定的城市买家，及时收到货款"),
    ),
    pitch={
        "target": "餐馆和单位食堂",
        "reason": "数量多、天天采购，复购率高；他们最怕菜不新鲜、送货不准时，这正是平台的冷链配送和产地直采能解决的。",
        "needs": "需要每天按时送到新鲜的蔬菜水果，希望价格稳定；担心换供应商后质量不稳定。",
        "opening": "张老板您好，我是湘果鲜的客户经理小周。看到您店里生意这么好，每天备菜一定很辛苦，想跟您聊聊怎样让进货更省心，您看现在方便吗？",
        "solution": "我们从产地直接采购，冷链车每天早上七点前送到店里，每批菜都有检测报告，扫码就能查产地；价格每周公布，月底统一结算，您不用天天去市场。",
        "closing": "您担心质量不稳定的话，可以先试订一周，哪一批不满意都可以退换。我先帮您按今天的菜单下一张试订单，明早就送到，好吗？",
    },
)

SAAS = Platform(
    id="smb-saas",
    name="星城企服云平台",
    profile="""**平台资料**（虚构的企业，仅供练习）：星城企服云平台是面向中小微企业的在线软件服务（SaaS）平台，企业用浏览器或手机就能使用，不必自己买服务器、请技术人员。

- 运作方式：软件放在云端，企业按账号订阅，平台负责维护和升级。
- 服务：客户管理（CRM）、进销存、电子发票、线上培训，以及帮助企业把旧数据迁移上来。
- 收费：按账号和年份收取订阅费；数据迁移和定制开发另收服务费；短信群发、电子签章等增值模块单独收费。""",
    strengths="平台是面向中小微企业的云端软件服务平台，按需订阅，不用自建机房。"
              "提供客户管理、进销存、电子发票和线上培训等服务。"
              "收入来自账号订阅费、定制开发服务费和增值模块收费。",
    targets=(
        ("小微商贸企业", "人员少，客户和库存靠表格管理，预算有限", "用得起、学得会的客户和库存管理工具"),
        ("连锁门店和加盟店", "门店分散，总部难以掌握各店的销售和库存", "各门店数据实时汇总，统一管理会员"),
        ("代理记账公司", "服务很多小企业，开票和对账工作量大", "批量开电子发票，减少手工对账"),
    ),
    pitch={
        "target": "小微商贸企业",
        "reason": "数量最多，信息化程度低，用表格管理客户和库存的问题明显；平台按账号订阅、价格低，正适合他们。",
        "needs": "想随时查到库存和欠款，不想花钱买服务器和请技术人员；担心软件难学、数据不安全。",
        "opening": "刘总您好，我是星城企服云的顾问小陈。很多像您这样的商贸公司都在为对账和盘点头疼，想请教一下，您现在的客户和库存是怎么管理的？",
        "solution": "我们的系统在手机上就能用，开单后库存和应收款自动更新，月底不用再手工对账；按账号订阅，一个账号一年的费用不到一台电脑的价格，数据每天自动备份。",
        "closing": "您担心员工学不会的话，我们有免费的线上培训，还可以先试用十五天。要不今天我先帮您开通试用账号，把上个月的订单导进去看看效果？",
    },
)

#: Every platform, the textbook one first.
PLATFORMS: tuple[Platform, ...] = (HUNAN, FARM, SAAS)
TEXTBOOK_PLATFORM = HUNAN

#: Rows of the pitch table: ``(row id, Chinese label)``.
PITCH_ROWS = (
    ("target", "选定的客户类型"),
    ("reason", "选择理由"),
    ("needs", "客户的需求与顾虑"),
    ("opening", "开场白"),
    ("solution", "服务介绍（对应客户需求）"),
    ("closing", "异议处理与促成"),
)


def platform(platform_id: object) -> Platform:
    """The platform with this id (the textbook platform for an unknown id)."""
    return next((p for p in PLATFORMS if p.id == platform_id), TEXTBOOK_PLATFORM)


class PlatformCase(Case):
    """A written task about one platform (ch09): a random platform per variant, the exam's own as the
    fixed variant. Subclasses write the task for a platform in ``_make``."""

    chapter = "ch09-communication-selling"
    textbook_label = "考试原题数据"

    def build(self, rng: random.Random, seed: int | str) -> Variant:
        """A variant about one of the platforms."""
        return self._make(seed, rng.choice(PLATFORMS))

    def textbook(self) -> Variant:
        """The exam's own platform, 湖南物流公共信息平台."""
        return self._make(TEXTBOOK, TEXTBOOK_PLATFORM)

    def _make(self, seed: int | str, found: Platform) -> Variant:
        raise NotImplementedError
