"""Pinyin of names for search: full and initials, with surnames read as surnames (单 shan, 曾 zeng), and
the other common readings of polyphonic characters, so a name is found however an officer reads it.

A reading counts as common when pypinyin's phrase dictionary uses it (曾 zeng in 曾祖, 长 chang in 长短,
重 chong in 重庆): the character-level heteronym lists hold many rare readings (鹿 lv, 餐 sun) that would only
make searches noisy. pypinyin has no surname mode (the JavaScript pinyin package has one), so the readings
characters take as surnames stay a list here; they apply where a surname stands: the first characters of an
operator's name.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import product
from operator import itemgetter
from pathlib import Path

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
    others: dict[str, tuple[str, ...]]  # character -> its other readings in those phrases (曾 -> zeng)
    finder: re.Pattern[str]  # matches any character of `several`


def pypinyin_dictionaries() -> tuple[dict[int, str], dict[str, list[list[str]]]]:
    """pypinyin's character and phrase dictionaries (its pinyin_dict and PHRASES_DICT), read from the JSON
    files they are loaded from, without importing the package: `import pypinyin` also builds its word
    segmenter and converter (~0.4 s of every import's start), none of which is used here."""
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:  # never: pypinyin is a dependency
        raise ModuleNotFoundError("pypinyin")
    folder = Path(next(iter(spec.submodule_search_locations)))
    if not (folder / "pinyin_dict.json").is_file() or not (folder / "phrases_dict.json").is_file():
        return _imported_dictionaries()  # a pypinyin that keeps them otherwise: the slower, sure way
    characters = json.loads((folder / "pinyin_dict.json").read_text(encoding="utf-8"))
    phrases = {} if os.environ.get("PYPINYIN_NO_PHRASES") else json.loads(
        (folder / "phrases_dict.json").read_text(encoding="utf-8")
    )  # fmt: skip
    return {int(codepoint): readings for codepoint, readings in characters.items()}, phrases


def _imported_dictionaries() -> tuple[dict[int, str], dict[str, list[list[str]]]]:
    """The same dictionaries through pypinyin's own modules (which import the whole package first)."""
    from pypinyin.phrases_dict import phrases_dict
    from pypinyin.pinyin_dict import pinyin_dict

    return dict(pinyin_dict), dict(phrases_dict)


def load_tables() -> None:
    """Build the tables now, not at the first name read: a process about to fork workers that read names
    builds them once for all (forked, they share its copy; else each builds its own, ~50 MB a worker)."""
    _readings()


def unload_tables() -> None:
    """Let the tables go (~50 MB): built ahead for work that did not come; the next name read builds them."""
    _readings.cache_clear()


@lru_cache(maxsize=1)
def _readings() -> _Readings:
    """Built once from pypinyin's dictionaries (~0.3 s), at first use rather than at import."""
    pinyin_dict, phrase_dict = pypinyin_dictionaries()

    full, initial = _Table(), _Table()
    for codepoint, readings in pinyin_dict.items():
        reading = _ascii_syllable(readings.split(",")[0])
        if reading:
            full[codepoint], initial[codepoint] = reading, reading[0]
    for char in "0123456789abcdefghijklmnopqrstuvwxyz":
        full[ord(char)] = full[ord(char.upper())] = initial[ord(char)] = initial[ord(char.upper())] = char
    first = itemgetter(0)
    listed = {  # map() in C: these loops run over every phrase of the dictionary at each process's start
        phrase: tuple(map(_ascii_syllable, map(first, syllables)))
        for phrase, syllables in phrase_dict.items()
        if 2 <= len(phrase) <= 4 and len(syllables) == len(phrase)
    }
    spaced = {codepoint: reading + " " for codepoint, reading in full.items() if reading}
    found: set[str] = set()
    for phrase, syllables in listed.items():
        # Most phrases read every character its everyday way: one translate tells, in C.
        if phrase.translate(spaced) != " ".join(syllables) + " ":
            found.update(c for c, s in zip(phrase, syllables, strict=True) if s and s != full.get(ord(c)))
    several = frozenset(found)
    phrases = {phrase: syllables for phrase, syllables in listed.items() if not several.isdisjoint(phrase)}
    finder = re.compile("[" + "".join(sorted(map(re.escape, several))) + "]")
    return _Readings(full, initial, several, phrases, _other_common_readings(phrases, several, full), finder)


def _other_common_readings(
    phrases: dict[str, tuple[str, ...]], several: frozenset[str], full: _Table
) -> dict[str, tuple[str, ...]]:
    """Per polyphonic character, its readings other than the everyday one that at least COMMON_SHARE of
    the dictionary's phrases with that character use (曾 zeng 10 of 19; 大 dai only 3 of 1,247: not common)."""
    uses: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for phrase, syllables in phrases.items():  # every dictionary phrase holding a polyphonic character
        for char, syllable in zip(phrase, syllables, strict=True):
            if syllable and char in several:
                uses[char][syllable] += 1
    others: dict[str, tuple[str, ...]] = {}
    for char, counts in uses.items():
        total = sum(counts.values())
        common = sorted(s for s, n in counts.items() if s != full.get(ord(char)) and n >= COMMON_SHARE * total)
        if common:
            others[char] = tuple(common)
    return others


@cache
def _ascii_syllable(reading: str) -> str:
    """The syllable without tone marks, ASCII letters and digits only. Cached: the dictionaries hold ~1,500
    distinct syllables in 180,000 places, and building the tables is part of every import's start."""
    plain = reading.translate(_TONELESS)
    if plain.isascii() and plain.isalnum():  # nearly every syllable: nothing to drop
        return plain
    return "".join(char for char in plain if char.isascii() and char.isalnum())


def pinyin(text: str) -> tuple[str, str]:
    """(initials, full pinyin) of a text: ASCII letters and digits pass through, other symbols drop; a
    polyphonic character reads as the dictionary phrase around it says (行 in 银行), else its everyday way."""
    return all_pinyin(text)[0]


def _reading_in_context(text: str, index: int, phrases: dict[str, tuple[str, ...]]) -> str | None:
    """The reading a dictionary phrase around the character gives it (longest phrase first)."""
    for length in (4, 3, 2):
        for start in range(max(0, index - length + 1), min(index, len(text) - length) + 1):
            phrase = phrases.get(text[start : start + length])
            if phrase:
                return phrase[index - start]
    return None


COMMON_SHARE = 0.1  # a reading used by at least this share of a character's dictionary phrases is common
MAX_READINGS = 8  # whole alternative readings of one text; past it, one character's reading changes at a time


def all_pinyin(text: str) -> list[tuple[str, str]]:
    """(initials, full pinyin) of a text as pinyin() reads it, then as its polyphonic characters read
    their other common ways: 老曾理发店 is lao ceng li fa dian, and lao zeng li fa dian too.

    Every combination while there are at most MAX_READINGS of them; past that, each character's other
    readings one at a time. A character inside a dictionary phrase keeps the phrase's reading (行 in 银行
    is only hang, 重 in 重庆 only chong).
    """
    readings = _readings()
    overrides: dict[int, str] = {}
    choices: list[tuple[int, tuple[str, ...]]] = []
    for match in readings.finder.finditer(text):  # only the polyphonic characters, found in C
        index, char = match.start(), match.group()
        in_phrase = _reading_in_context(text, index, readings.phrases)
        if in_phrase:
            if in_phrase != readings.full[ord(char)]:
                overrides[index] = in_phrase
        elif char in readings.others:
            choices.append((index, readings.others[char]))
    if not overrides and not choices:  # most names: every character read its everyday way
        return [(text.translate(readings.initial), text.translate(readings.full))]
    base = [readings.full[ord(char)] for char in text]
    for index, syllable in overrides.items():
        base[index] = syllable
    combinations = 1
    for _index, options in choices:
        combinations *= len(options) + 1
    if combinations <= MAX_READINGS:
        positions = [index for index, _options in choices]
        variants = [
            _replaced(base, dict(zip(positions, picks, strict=True)))
            for picks in product(*((None, *options) for _index, options in choices))
        ][1:]
    else:
        variants = [_replaced(base, {index: option}) for index, options in choices for option in options]
    return [_words(base), *(_words(variant) for variant in variants)]


def alternate_pinyin(text: str) -> list[tuple[str, str]]:
    """The readings all_pinyin gives after the first."""
    return all_pinyin(text)[1:]


def _replaced(base: list[str | None], changes: dict[int, str | None]) -> list[str | None]:
    return [changes.get(index) or syllable for index, syllable in enumerate(base)]


def _words(syllables: list[str | None]) -> tuple[str, str]:
    present = [syllable for syllable in syllables if syllable]
    return "".join(s[0] for s in present), "".join(present)


@lru_cache(maxsize=16384)
def operator_readings_of(operator: str) -> tuple[tuple[str, str], ...]:
    """Every (initials, full pinyin) of a person's name: the surname read as a surname first (单 shan),
    then read the everyday way too, and the given name's polyphonic characters read their other common
    ways (曾乐: zeng le, ceng le, zeng yue …), so an officer finds the person however they read it."""
    main = operator_pinyin(operator)
    found = dict.fromkeys([main, *all_pinyin(operator)])
    surname, rest = _surname(operator)
    if surname is not None:
        for initials, full in alternate_pinyin(rest):
            found["".join(s[0] for s in surname) + initials, "".join(surname) + full] = None
    return tuple(found)


def _surname(operator: str) -> tuple[tuple[str, ...] | None, str]:
    """The surname's syllables when it is read differently as a surname, and the rest of the name."""
    if operator[:2] in COMPOUND_SURNAMES:
        return COMPOUND_SURNAMES[operator[:2]], operator[2:]
    if operator[:1] in SURNAME_READINGS:
        return (SURNAME_READINGS[operator[0]],), operator[1:]
    return None, operator


@lru_cache(maxsize=16384)
def operator_pinyin(operator: str) -> tuple[str, str]:
    """(initials, full pinyin) of a person's name, the surname read as a surname (单 shan, 曾 zeng)."""
    surname, rest = _surname(operator)
    if surname is None:
        return pinyin(operator)
    initials, full = pinyin(rest)
    return "".join(s[0] for s in surname) + initials, "".join(surname) + full
