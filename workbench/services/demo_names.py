"""Demo people, shop names and addresses: Faker zh_CN pools, drawn per row with a seeded random.Random.

Faker is slow per call (~25 µs a name), so it only fills pools once; rows combine pool entries with
cheap `rng.random()` picks. Surname weights are Faker's national ones tilted towards Wenzhou (陈 林 叶 潘
金 池 缪 …), with 单 曾 解 朴 仇 kept common enough that pinyin surname search (shan, zeng, xie, piao,
qiu) has something to find. Road names are a short hand-made list of Lucheng streets for flavour, not a
gazetteer.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Sequence
from itertools import accumulate

from faker import Faker
from faker.providers.person.zh_CN import Provider as PersonProvider

SURNAME_TILT = {
    "陈": 3.0,
    "林": 4.0,
    "黄": 1.5,
    "叶": 5.0,
    "郑": 2.0,
    "潘": 3.0,
    "金": 4.0,
    "池": 10.0,
    "季": 4.0,
    "缪": 8.0,
    "戴": 3.0,
    "蔡": 2.0,
    "谢": 1.5,
    "周": 1.3,
    "胡": 1.5,
    "吴": 1.5,
    "徐": 1.2,
    "王": 0.9,
    "李": 0.6,
    "张": 0.7,
    "刘": 0.5,
    "杨": 0.7,
    "赵": 0.5,
    "单": 5.0,
    "曾": 1.5,
    "解": 5.0,
    "朴": 10.0,
    "仇": 6.0,
}
TRADE_NAMES = (
    "鑫源",
    "恒丰",
    "顺发",
    "永盛",
    "宏达",
    "金诚",
    "佳美",
    "华联",
    "利民",
    "万隆",
    "瑞丰",
    "东升",
    "明辉",
    "福满",
    "百姓",
    "兴旺",
    "鸿运",
    "天成",
    "嘉禾",
    "盛世",
    "聚福",
    "友谊",
    "新华",
    "瓯江",
    "江心",
    "鹿城",
    "五福",
    "和顺",
    "好运来",
    "家家乐",
    "一品",
    "老街",
    "小城",
    "阿福",
    "金鼎",
    "翔宇",
    "海纳",
    "信达",
    "德胜",
    "中兴",
    "汇丰源",
    "美佳",
    "欣欣",
    "乐购",
    "百味",
    "鲜丰",
    "红日",
    "星辰",
    "开元",
    "正大",
    "凯旋",
    "博雅",
    "优品",
    "锦程",
    "立信",
    "惠民",
    "富源",
    "众鑫",
    "隆盛",
    "同心",
    "绿源",
    "丰收",
)
CITY = "温州市"
ROADS = {
    "五马街道": ("五马街", "解放街", "公园路", "府前街", "仓桥街", "县前头", "鼓楼街", "墨池坊", "蝉街"),
    "松台街道": ("信河街", "广场路", "胜利路", "九山路", "百里坊", "府学巷", "纱帽河", "矮凳桥"),
    "南汇街道": ("锦绣路", "车站大道", "南塘街", "划龙桥路", "汤家桥路", "市府路", "府东路"),
    "滨江街道": ("江滨东路", "望江东路", "会展路", "温州大道", "东游路", "锦江路"),
    "蒲鞋市街道": ("人民东路", "黎明东路", "学院中路", "将军桥", "新城大道", "飞霞北路"),
    "大南街道": ("人民中路", "大南路", "飞霞南路", "百里东路", "小南路", "勤奋路"),
    "南郊街道": ("学院西路", "牛山北路", "锦春路", "勤奋路", "黎明西路", "南站路"),
    "广化街道": ("广化路", "西山东路", "上陡门路", "车站大道", "锦春路", "西山西路"),
    "双屿街道": ("鞋都大道", "鞋都一路", "鞋都二路", "双屿路", "104国道", "嵇师路"),
    "仰义街道": ("仰义路", "后京路", "岭下路", "蟾钟路"),
    "丰门街道": ("丰门路", "牛山北路", "鹿城路", "龙腾路"),
    "七都街道": ("七都大道", "樟里路", "涂田路"),
    "藤桥镇": ("藤桥路", "潘桥路", "渔渡路"),
    "山福镇": ("山福路", "驿头路"),
}
VILLAGES = ("上村", "下村", "垟头", "岙底", "溪口", "石埠", "横渎", "汇头", "山根", "渡头", "前庄", "后垟")
BUILDINGS = ("商厦", "大厦", "广场", "花园", "公寓", "小区")


def _cumulative(weights: list[float]) -> list[float]:
    total = sum(weights)
    return [value / total for value in accumulate(weights)]


class People:
    """Surnames and given names; `person()` returns (surname, given, male)."""

    def __init__(self, faker: Faker, rng: random.Random) -> None:
        self.rng = rng
        base: dict[str, float] = dict(PersonProvider.last_names)
        self.surnames = list(base)
        self._surname_cum = _cumulative([base[s] * SURNAME_TILT.get(s, 1.0) for s in self.surnames])
        self.male = self._given_names(PersonProvider.first_names_male, faker.first_name_male)
        self.female = self._given_names(PersonProvider.first_names_female, faker.first_name_female)

    def _given_names(self, listed: Sequence[str], draw: Callable[[], str]) -> list[str]:
        singles = [name for name in listed if len(name) == 1]
        pool = [draw() for _ in range(600)]
        # Most real given names have two characters; Faker's zh_CN list has mostly one.
        while len(pool) < 1500:
            first, second = self.rng.choice(singles), self.rng.choice(singles)
            if first != second:
                pool.append(first + second)
        return pool

    def surname(self) -> str:
        return self.surnames[bisect(self._surname_cum, self.rng.random())]

    def person(self) -> tuple[str, str, bool]:
        rng = self.rng
        male = rng.random() < 0.62
        pool = self.male if male else self.female
        return self.surname(), pool[int(rng.random() * len(pool))], male


def shop_name(rng: random.Random, ending: str, surname: str, given: str, male: bool, county: str) -> str:
    """A household's name as staff see it: 鹿城区张三面馆, 阿强水果店, 老王五金店, 丽丽美甲店 …"""
    pick = rng.random()
    trade = TRADE_NAMES[int(rng.random() * len(TRADE_NAMES))]
    if pick < 0.14:
        return f"{county}{surname}{given}{ending}"
    if pick < 0.24:
        return f"{CITY}{county}{surname}记{ending}"
    if pick < 0.32:
        return f"{CITY}{county}{trade}{ending}"
    if pick < 0.40:
        return f"阿{given[-1]}{ending}"
    if pick < 0.47:
        return f"老{surname}{ending}"
    if pick < 0.52 and not male:
        return f"{given[-1]}{given[-1]}{ending}"
    if pick < 0.62:
        return f"{surname}记{ending}"
    if pick < 0.97:
        return f"{trade}{ending}"
    return f"{surname}{given}"  # no 字号 registered: the register shows the operator's name


def enterprise_name(rng: random.Random, words: str) -> str:
    trade = TRADE_NAMES[int(rng.random() * len(TRADE_NAMES))]
    pick = rng.random()
    if pick < 0.55:
        return f"温州{trade}{words}有限公司"
    if pick < 0.85:
        return f"{CITY}{trade}{words}有限公司"
    if pick < 0.97:
        return f"浙江{trade}{words}有限公司"
    return f"温州{trade}{words}股份有限公司"


def cooperative_name(rng: random.Random, county: str, place: str, words: str) -> str:
    stem = place if rng.random() < 0.5 else TRADE_NAMES[int(rng.random() * len(TRADE_NAMES))]
    return f"{CITY}{county}{stem}{words}专业合作社"


class Addresses:
    """Addresses inside the office's townships: 温州市鹿城区五马街道解放街123号 and the like."""

    def __init__(self, faker: Faker, rng: random.Random, county: str, townships: list[str]) -> None:
        self.rng = rng
        self.county = county
        spare = tuple(faker.unique.street_name() for _ in range(6))
        self.roads = {name: ROADS.get(name, spare) for name in townships}

    def address(self, township: str) -> str:
        rng = self.rng
        pick = rng.random()
        number = 1 + int(rng.random() ** 2 * 480)
        head = f"{CITY}{self.county}{township}"
        if township.endswith("镇") and pick < 0.45:
            return f"{head}{VILLAGES[int(rng.random() * len(VILLAGES))]}村{number}号"
        roads = self.roads[township]
        road = roads[int(rng.random() * len(roads))]
        if pick < 0.62:
            return f"{head}{road}{number}号"
        if pick < 0.80:
            return f"{head}{road}{number}号{1 + int(rng.random() * 3)}楼店面"
        building = BUILDINGS[int(rng.random() * len(BUILDINGS))]
        room = f"{1 + int(rng.random() * 18)}{1 + int(rng.random() * 8):02d}"
        return f"{head}{road}{number}号{road[:2]}{building}{room}室"
