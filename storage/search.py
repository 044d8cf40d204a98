"""Business search: derived search columns, query terms, and the engine-specific index behind one seam.

What a query means is defined once, here, as plain SQL conditions on `business` (`term_condition`);
an engine's index (search_sqlite, search_pg) only finds candidate ids fast, and every candidate is
checked against that definition. So an index may return too much, never too little, and a term no
index can serve is still answered correctly, by the condition alone.

A query is split on whitespace; every term must match (AND). Each term is one of:

- code: ASCII letters and digits with at least one digit. Credit code (统一社会信用代码) or 注册号
  starts with it, or the phone number contains it.
- pinyin: ASCII letters only. 1-2 letters: a pinyin word starts with it (the initials or the full
  pinyin of the name or of the operator: `zs` finds 张三面馆). 3+ letters: the pinyin or initials
  contain it, or the name, operator or address contain it as Latin text (`ktv`).
- text: anything else. The name, operator or address contain it (ASCII case-insensitive).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, Protocol

from sqlalchemy import Connection, and_, literal, or_
from sqlalchemy.sql.elements import ColumnElement

from storage.tables import Business

if TYPE_CHECKING:
    from pypinyin import Style

TermKind = Literal["code", "pinyin", "text"]
NAME_PINYIN_MAX = 600  # Business.name_pinyin max_length
SEARCH_CHARS_MAX = 2000  # Business.search_chars max_length
_CODE = re.compile(r"[0-9a-z]*[0-9][0-9a-z]*")
_LETTERS = re.compile(r"[a-z]+")

# Surnames whose reading differs from the character's everyday reading (单 dan -> Shan).
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "解": "xie", "朴": "piao", "仇": "qiu", "区": "ou", "查": "zha",
    "盖": "ge", "乐": "yue", "缪": "miao", "秘": "bi", "繁": "po", "覃": "qin", "种": "chong",
    "折": "she", "员": "yun", "召": "shao", "隗": "wei", "翟": "zhai", "祭": "zhai", "能": "nai",
    "沈": "shen", "石": "shi", "薄": "bo", "宿": "su", "贾": "jia", "句": "gou", "阚": "kan",
    "盛": "sheng", "尉": "wei", "那": "na", "传": "chuan", "都": "du", "牟": "mu", "重": "chong",
    "藏": "zang", "于": "yu", "叶": "ye", "柏": "bai", "褚": "chu", "乜": "nie", "宁": "ning",
    "粘": "nian", "么": "yao", "蕃": "pi", "长": "chang", "率": "shuai", "冼": "xian", "洗": "xian",
    "便": "pian", "黑": "he", "蔚": "yu", "厍": "she", "角": "jue", "适": "kuo", "任": "ren",
}
COMPOUND_SURNAMES = {
    "尉迟": ("yu", "chi"), "万俟": ("mo", "qi"), "长孙": ("zhang", "sun"), "单于": ("chan", "yu"),
    "澹台": ("tan", "tai"), "令狐": ("ling", "hu"), "欧阳": ("ou", "yang"), "司马": ("si", "ma"),
    "上官": ("shang", "guan"), "诸葛": ("zhu", "ge"), "皇甫": ("huang", "fu"), "公孙": ("gong", "sun"),
    "慕容": ("mu", "rong"), "宇文": ("yu", "wen"), "夏侯": ("xia", "hou"), "轩辕": ("xuan", "yuan"),
    "端木": ("duan", "mu"), "南宫": ("nan", "gong"), "东方": ("dong", "fang"), "钟离": ("zhong", "li"),
    "闻人": ("wen", "ren"), "呼延": ("hu", "yan"), "赫连": ("he", "lian"), "鲜于": ("xian", "yu"),
    "申屠": ("shen", "tu"), "濮阳": ("pu", "yang"), "淳于": ("chun", "yu"), "司徒": ("si", "tu"),
    "司空": ("si", "kong"), "西门": ("xi", "men"), "独孤": ("du", "gu"), "拓跋": ("tuo", "ba"),
}


# Derived columns


def search_fields(name: str, operator: str, address: str) -> dict[str, str]:
    """The derived columns the search index reads: pinyin of name and operator, and character grams."""
    return {"name_pinyin": _name_pinyin(name, operator), "search_chars": _search_chars(name, operator, address)}


def _name_pinyin(name: str, operator: str) -> str:
    """`<name initials> <operator initials> <operator full> <name full>`: initials first, so that a
    name too long for the column loses the tail of its full pinyin, never a prefix people type."""
    name_full = _syllables(name, surname=False)
    operator_full = _syllables(operator, surname=True)
    words = [_initials(name_full), _initials(operator_full), "".join(operator_full), "".join(name_full)]
    return " ".join(word for word in words if word)[:NAME_PINYIN_MAX].rstrip()


def _initials(syllables: Sequence[str]) -> str:
    return "".join(syllable[0] for syllable in syllables)


def _search_chars(*fields: str) -> str:
    """Every word character and every pair of adjacent ones, once each, space separated."""
    grams: dict[str, None] = {}
    for field in fields:
        grams.update(dict.fromkeys(text_grams(field, pairs_only=False)))
    joined = " ".join(grams)
    if len(joined) <= SEARCH_CHARS_MAX:
        return joined
    return joined[: joined.rfind(" ", 0, SEARCH_CHARS_MAX + 1)]


def word_runs(text: str) -> list[str]:
    """Maximal runs of letters and digits (CJK included), lower-cased: what the gram index sees."""
    runs: list[str] = []
    start = None
    for index, char in enumerate(text):
        if char.isalnum():
            if start is None:
                start = index
        elif start is not None:
            runs.append(text[start:index].lower())
            start = None
    if start is not None:
        runs.append(text[start:].lower())
    return runs


def text_grams(text: str, *, pairs_only: bool) -> list[str]:
    """Single characters and adjacent pairs of each run; with pairs_only, a run of 2+ gives only pairs.

    A text containing a term contains every gram of the term (pairs_only=True), so the grams of a
    term select a superset of the rows that contain it.
    """
    grams: list[str] = []
    for run in word_runs(text):
        if not pairs_only or len(run) == 1:
            grams.extend(run)
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


# Pinyin: per-character cache, phrase context only for characters with several readings.


def _syllables(text: str, *, surname: bool) -> list[str]:
    """Toneless pinyin per Chinese character; ASCII letters and digits pass through, the rest drop."""
    syllables: list[str] = []
    start = 0
    if surname:
        start, syllables = _surname(text)
    run_start = None
    for index in range(start, len(text) + 1):
        char = text[index] if index < len(text) else ""
        if char and _char_readings(char):
            if run_start is None:
                run_start = index
            continue
        if run_start is not None:
            syllables.extend(_run_syllables(text[run_start:index]))
            run_start = None
        if char.isascii() and char.isalnum():
            syllables.append(char.lower())
    return syllables


def _surname(text: str) -> tuple[int, list[str]]:
    compound = COMPOUND_SURNAMES.get(text[:2])
    if compound:
        return 2, list(compound)
    reading = SURNAME_READINGS.get(text[:1])
    return (1, [reading]) if reading else (0, [])


def _run_syllables(run: str) -> list[str]:
    return [_reading_in_context(run, index) for index in range(len(run))]


def _reading_in_context(run: str, index: int) -> str:
    readings = _char_readings(run[index])
    if len(readings) == 1:
        return readings[0]
    for length in (4, 3, 2):
        for start in range(max(0, index - length + 1), min(index, len(run) - length) + 1):
            phrase = _phrase_syllables(run[start : start + length])
            if phrase:
                return phrase[index - start]
    return readings[0]


@lru_cache(maxsize=65536)
def _char_readings(char: str) -> tuple[str, ...]:
    """The toneless readings of a Chinese character, everyday reading first; () for anything else."""
    pypinyin, style = _pypinyin()
    if not ("\u3400" <= char <= "\u9fff" or "\U00020000" <= char <= "\U0003134f" or "\uf900" <= char <= "\ufaff"):
        return ()
    if ord(char) not in pypinyin.pinyin_dict.pinyin_dict:
        return ()
    readings = pypinyin.pinyin(char, style=style.NORMAL, heteronym=True)[0]
    return tuple(dict.fromkeys(_ascii_syllable(reading) for reading in readings if reading))


@lru_cache(maxsize=65536)
def _phrase_syllables(phrase: str) -> tuple[str, ...]:
    pypinyin, style = _pypinyin()
    if phrase not in pypinyin.constants.PHRASES_DICT:
        return ()
    return tuple(_ascii_syllable(s) for s in pypinyin.lazy_pinyin(phrase, style=style.NORMAL))


def _ascii_syllable(reading: str) -> str:
    """pypinyin writes ü as `v` in the NORMAL style already; anything else non-ASCII is dropped."""
    return "".join(char for char in reading.lower() if char.isascii() and char.isalnum())


@lru_cache(maxsize=1)
def _pypinyin() -> tuple[Any, type[Style]]:
    """pypinyin loads its dictionaries (~0.2 s) on first use, not when the register imports us."""
    import pypinyin
    import pypinyin.constants
    import pypinyin.pinyin_dict

    return pypinyin, pypinyin.Style


# Query terms and what they mean


@dataclass(frozen=True)
class Term:
    """One whitespace-separated piece of the search box, normalised (NFKC, lower-cased)."""

    kind: TermKind
    text: str


def parse_query(text: str) -> tuple[Term, ...]:
    """Split what was typed into terms; every term must match."""
    pieces = unicodedata.normalize("NFKC", text).lower().split()
    return tuple(Term(_kind(piece), piece) for piece in dict.fromkeys(pieces))


def _kind(piece: str) -> TermKind:
    if _CODE.fullmatch(piece):
        return "code"
    if _LETTERS.fullmatch(piece):
        return "pinyin"
    return "text"


def term_condition(term: Term) -> ColumnElement[bool]:
    """What the term means, as a condition on business: the same on every engine, index or not."""
    table: Any = Business
    q = term.text
    if term.kind == "code":
        code = q.upper()
        return or_(table.uscc.startswith(code, autoescape=True), table.reg_no.startswith(code, autoescape=True),
                   table.phone.contains(q, autoescape=True))
    if term.kind == "pinyin" and len(q) <= 2:
        return (literal(" ") + table.name_pinyin).contains(" " + q, autoescape=True)
    columns = [table.name, table.operator, table.address]
    if term.kind == "pinyin":
        columns.append(table.name_pinyin)
    return or_(*(column.icontains(q, autoescape=True) for column in columns))


def text_condition(terms: Iterable[Term]) -> ColumnElement[bool] | None:
    conditions = [term_condition(term) for term in terms]
    return and_(*conditions) if conditions else None


def code_range(prefix: str) -> tuple[str, str]:
    """[low, high) of the strings starting with an ASCII prefix, for a b-tree range scan."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


# The engine seam


class SearchBackend(Protocol):
    """An engine's search index: finds candidate ids fast; the caller checks them against term_condition."""

    def candidate_ids(self, connection: Connection, term: Term, limit: int) -> list[int] | None:
        """Ids of rows that may match (any office, tombstones too), or None when more than `limit` may
        match or no index serves the term."""
        ...

    def ids_condition(self, ids: Sequence[int]) -> ColumnElement[bool]:
        """business.id is one of `ids`, written so that a few thousand ids cost one parameter."""
        ...

    def rebuild(self, connection: Connection) -> None:
        """Rebuild the index from the business table and refresh the planner's statistics."""
        ...


def backend_for(connection: Connection) -> SearchBackend:
    if connection.dialect.name == "sqlite":
        from storage.search_sqlite import SqliteSearch

        return SqliteSearch()
    if connection.dialect.name == "postgresql":
        from storage.search_pg import PgSearch

        return PgSearch.for_connection(connection)
    raise NotImplementedError(f"no search index for {connection.dialect.name}")


def rebuild_index(connection: Connection) -> None:
    """After a bulk load: rebuild what the triggers / indexes would have kept, and ANALYZE."""
    backend_for(connection).rebuild(connection)


@dataclass(frozen=True)
class TextPlan:
    """How to answer a query text: the exact condition, and when the matches are few, who they can be."""

    terms: tuple[Term, ...]
    condition: ColumnElement[bool] | None
    candidates: tuple[int, ...] | None


SPARSE_LIMIT = 5000


def plan_text(connection: Connection, text: str, sparse_limit: int = SPARSE_LIMIT) -> TextPlan:
    """Ask the index for each term's candidates; the fewest (if few enough) drive the query."""
    terms = parse_query(text)
    backend = backend_for(connection) if terms else None
    best: list[int] | None = None
    for term in sorted(terms, key=lambda t: -len(t.text)):
        assert backend is not None
        ids = backend.candidate_ids(connection, term, sparse_limit if best is None else len(best))
        if ids is not None and (best is None or len(ids) < len(best)):
            best = ids
    return TextPlan(terms, text_condition(terms), None if best is None else tuple(best))


def match_ids_clause(connection: Connection, text: str) -> ColumnElement[bool] | None:
    """A condition on business for a query text (None for a blank query), using the index when it helps."""
    plan = plan_text(connection, text)
    if plan.condition is None or plan.candidates is None:
        return plan.condition
    return and_(backend_for(connection).ids_condition(plan.candidates), plan.condition)
