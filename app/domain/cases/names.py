"""Invented Chinese names for the customers in generated data sets (no real companies)."""

from __future__ import annotations

import random

CITIES = ["长沙", "株洲", "湘潭", "衡阳", "岳阳", "常德", "益阳", "郴州", "永州", "怀化", "娄底", "邵阳", "张家界", "浏阳", "醴陵", "宁乡"]
WORDS = ["顺达", "恒通", "众诚", "远航", "鑫源", "华宇", "通利", "捷运", "安泰", "宏远", "盛世", "天佑", "金桥", "湘运",
         "诚信", "飞驰", "星辰", "正和", "万里", "联创", "新港", "兴旺", "和顺", "永盛", "佳和", "利民", "嘉禾", "瑞丰",
         "润通", "骏达", "快捷", "宝通", "中恒", "长隆", "富源", "德信"]
SUFFIXES = ["物流有限公司", "货运有限公司", "供应链管理有限公司", "运输有限公司", "仓储有限公司", "商贸有限公司",
            "快运有限公司", "冷链物流有限公司"]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞云琳晨浩宇婷欣怡"


def company_names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct invented company names of logistics-platform customers."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = rng.choice(CITIES) + rng.choice(WORDS) + rng.choice(SUFFIXES)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def person_names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct invented Chinese personal names."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names
