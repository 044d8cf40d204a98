"""Pinyin of names for search: full and initials, with surnames read as surnames (单 shan, 曾 zeng)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# Surnames whose reading differs from the character's everyday reading (单 dan -> Shan).
SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "朴": "piao",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "盖": "ge",
    "乐": "yue",
    "缪": "miao",
    "秘": "bi",
    "繁": "po",
    "覃": "qin",
    "种": "chong",
    "折": "she",
    "员": "yun",
    "召": "shao",
    "隗": "wei",
    "翟": "zhai",
    "祭": "zhai",
    "能": "nai",
    "沈": "shen",
    "石": "shi",
    "薄": "bo",
    "宿": "su",
    "贾": "jia",
    "句": "gou",
    "阚": "kan",
    "盛": "sheng",
    "尉": "wei",
    "那": "na",
    "传": "chuan",
    "都": "du",
    "牟": "mu",
    "重": "chong",
    "藏": "zang",
    "于": "yu",
    "叶": "ye",
    "柏": "bai",
    "褚": "chu",
    "乜": "nie",
    "宁": "ning",
    "粘": "nian",
    "么": "yao",
    "蕃": "pi",
    "长": "chang",
    "率": "shuai",
    "冼": "xian",
    "洗": "xian",
    "便": "pian",
    "黑": "he",
    "蔚": "yu",
    "厍": "she",
    "角": "jue",
    "适": "kuo",
    "任": "ren",
}
COMPOUND_SURNAMES = {
    "尉迟": ("yu", "chi"),
    "万俟": ("mo", "qi"),
    "长孙": ("zhang", "sun"),
    "单于": ("chan", "yu"),
    "澹台": ("tan", "tai"),
    "令狐": ("ling", "hu"),
    "欧阳": ("ou", "yang"),
    "司马": ("si", "ma"),
    "上官": ("shang", "guan"),
    "诸葛": ("zhu", "ge"),
    "皇甫": ("huang", "fu"),
    "公孙": ("gong", "sun"),
    "慕容": ("mu", "rong"),
    "宇文": ("yu", "wen"),
    "夏侯": ("xia", "hou"),
    "轩辕": ("xuan", "yuan"),
    "端木": ("duan", "mu"),
    "南宫": ("nan", "gong"),
    "东方": ("dong", "fang"),
    "钟离": ("zhong", "li"),
    "闻人": ("wen", "ren"),
    "呼延": ("hu", "yan"),
    "赫连": ("he", "lian"),
    "鲜于": ("xian", "yu"),
    "申屠": ("shen", "tu"),
    "濮阳": ("pu", "yang"),
    "淳于": ("chun", "yu"),
    "司徒": ("si", "tu"),
    "司空": ("si", "kong"),
    "西门": ("xi", "men"),
    "独孤": ("du", "gu"),
    "拓跋": ("tuo", "ba"),
}


# Pinyin. Most characters have one reading: str.translate maps a whole name in C. Only a name holding
# a character with several readings (行 xing/hang) goes character by character, asking the phrase
# dictionary around it; a person's surname has its own readings (单 shan, 曾 zeng).

_TONELESS = str.maketrans(
    {
        tone: plain
        for plain, tones in {
            "a": "āáǎà",
            "e": "ēéěèếềê",
            "i": "īíǐì",
            "o": "ōóǒò",
            "u": "ūúǔù",
            "v": "ǖǘǚǜü",
            "m": "ḿ",
            "n": "ńňǹ",
        }.items()
        for tone in tones
    }
)


class _Table(dict[int, "str | None"]):
    """A str.translate table: characters not listed (punctuation, rare symbols) are dropped."""

    def __missing__(self, codepoint: int) -> None:
        self[codepoint] = None
        return None


@dataclass(frozen=True)
class _Readings:
    full: _Table  # codepoint -> everyday reading (ASCII letters and digits map to themselves)
    initial: _Table  # codepoint -> first letter of it
    several: frozenset[str]  # characters that some dictionary phrase reads otherwise (行 in 银行)
    phrases: dict[str, tuple[str, ...]]  # those phrases -> their syllables


@lru_cache(maxsize=1)
def _readings() -> _Readings:
    """Built once from pypinyin's dictionaries (~0.3 s), at first use rather than at import."""
    from pypinyin.constants import PHRASES_DICT
    from pypinyin.pinyin_dict import pinyin_dict

    full, initial = _Table(), _Table()
    for codepoint, readings in pinyin_dict.items():
        reading = _ascii_syllable(readings.split(",")[0])
        if reading:
            full[codepoint], initial[codepoint] = reading, reading[0]
    for char in "0123456789abcdefghijklmnopqrstuvwxyz":
        full[ord(char)] = full[ord(char.upper())] = initial[ord(char)] = initial[ord(char.upper())] = char
    listed = {
        phrase: tuple(_ascii_syllable(s[0]) for s in syllables)
        for phrase, syllables in PHRASES_DICT.items()
        if 2 <= len(phrase) <= 4 and len(syllables) == len(phrase)
    }
    several = frozenset(
        c
        for phrase, syllables in listed.items()
        for c, s in zip(phrase, syllables, strict=True)
        if s and s != full.get(ord(c))
    )
    phrases = {phrase: syllables for phrase, syllables in listed.items() if not several.isdisjoint(phrase)}
    return _Readings(full, initial, several, phrases)


def _ascii_syllable(reading: str) -> str:
    return "".join(char for char in reading.translate(_TONELESS) if char.isascii() and char.isalnum())


def pinyin(text: str) -> tuple[str, str]:
    """(initials, full pinyin) of a text: ASCII letters and digits pass through, other symbols drop."""
    readings = _readings()
    if readings.several.isdisjoint(text):
        return text.translate(readings.initial), text.translate(readings.full)
    syllables = [syllable for syllable in _syllables(text, readings) if syllable]
    return "".join(s[0] for s in syllables), "".join(syllables)


def _syllables(text: str, readings: _Readings) -> list[str | None]:
    syllables = [readings.full[ord(char)] for char in text]
    for index, char in enumerate(text):
        if char in readings.several:
            syllables[index] = _reading_in_context(text, index, readings.phrases) or syllables[index]
    return syllables


def _reading_in_context(text: str, index: int, phrases: dict[str, tuple[str, ...]]) -> str | None:
    """The reading a dictionary phrase around the character gives it (longest phrase first)."""
    for length in (4, 3, 2):
        for start in range(max(0, index - length + 1), min(index, len(text) - length) + 1):
            phrase = phrases.get(text[start : start + length])
            if phrase:
                return phrase[index - start]
    return None


@lru_cache(maxsize=16384)
def operator_pinyin(operator: str) -> tuple[str, str]:
    """(initials, full pinyin) of a person's name, the surname read as a surname (单 shan, 曾 zeng)."""
    surname: tuple[str, ...] | None = COMPOUND_SURNAMES.get(operator[:2])
    rest = operator[2:]
    if surname is None and operator[:1] in SURNAME_READINGS:
        surname, rest = (SURNAME_READINGS[operator[0]],), operator[1:]
    if surname is None:
        return pinyin(operator)
    initials, full = pinyin(rest)
    return "".join(s[0] for s in surname) + initials, "".join(surname) + full
