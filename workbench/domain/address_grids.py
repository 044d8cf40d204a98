"""地址→网格表: which 网格 a business belongs to, from a keyword of its address (a street, a community, a road).

The office keeps the table as a small text file in the config folder (`workbench locate`), one line per
keyword: `关键词,网格`. A clerk edits it in Notepad or Excel, so it is read as UTF-8 (with or without BOM)
or, failing that, as the GBK that Excel on a Chinese Windows writes; a comma, a Chinese comma or a tab
separates the two; lines starting with # are comments.

An address that holds several keywords goes to the grid of the LONGEST one (温州市鹿城区五马街道公园路8号
holds 五马街道 and 五马街道公园路: the second, more particular one wins); keywords of equal length: the one
written first in the file. An address that holds none stays 未分派.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from workbench.domain.rule_files import RulesError

FILE_NAME = "address_grids.csv"
EXAMPLE_NAME = "address_grids.example.csv"
_SEPARATORS = (",", "，", "\t")
_HEADER_WORDS = ("关键词", "网格")


@dataclass(frozen=True)
class AddressGridTable:
    """Keyword -> grid name, longest keyword first (ties in file order); `source` names the file."""

    entries: tuple[tuple[str, str], ...] = ()
    source: str = ""

    def grid_for(self, address: str | None) -> str | None:
        """The grid name of the longest keyword the address holds, None when it holds none."""
        if not address:
            return None
        text = normalise(address)
        for keyword, grid in self.entries:
            if keyword in text:
                return grid
        return None

    @property
    def grid_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(grid for _keyword, grid in self.entries))


NO_TABLE = AddressGridTable()


def normalise(text: str) -> str:
    """Full-width letters and digits as half-width, no spaces: 公园路８号 and 公园路 8号 read alike."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def parse_table(text: str, source: str) -> AddressGridTable:
    """The table in `text` (a file's content); a line that is not `关键词,网格` is a RulesError naming it."""
    found: dict[str, tuple[str, int]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = _split(line)
        if parts is None:
            raise RulesError(f"地址网格表 {source} 第 {number} 行「{line}」应写成「关键词,网格」（中间用逗号隔开）")
        keyword, grid = normalise(parts[0]), " ".join(unicodedata.normalize("NFKC", parts[1]).split())
        if not found and (keyword, grid) == _HEADER_WORDS:
            continue
        if not keyword or not grid:
            raise RulesError(f"地址网格表 {source} 第 {number} 行「{line}」缺少{'关键词' if not keyword else '网格'}")
        if keyword in found and found[keyword][0] != grid:
            first_grid, first_line = found[keyword]
            raise RulesError(
                f"地址网格表 {source} 第 {number} 行：关键词「{keyword}」在第 {first_line} 行已对应「{first_grid}」，"
                f"这里又对应「{grid}」，请只留一行"
            )
        found.setdefault(keyword, (grid, number))
    ordered = sorted(found.items(), key=lambda item: (-len(item[0]), item[1][1]))
    return AddressGridTable(tuple((keyword, grid) for keyword, (grid, _line) in ordered), source)


def _split(line: str) -> tuple[str, str] | None:
    cuts = [index for separator in _SEPARATORS if (index := line.find(separator)) >= 0]
    if not cuts:
        return None
    cut = min(cuts)
    return line[:cut].strip(), line[cut + 1 :].strip().strip(",，\t").strip()


def example_path() -> Path:
    """The commented example the package ships (workbench/rules), to copy into the config folder."""
    from importlib import resources

    return Path(str(resources.files("workbench") / "rules" / EXAMPLE_NAME))


def load_table(folder: Path | None) -> AddressGridTable:
    """The office's table in `folder` (NO_TABLE when the file is not there); RulesError when unreadable."""
    path = folder / FILE_NAME if folder is not None else None
    if path is None or not path.is_file():
        return NO_TABLE
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RulesError(f"地址网格表 {path} 无法读取（{error.strerror or error}）") from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as error:
            raise RulesError(f"地址网格表 {path} 既不是 UTF-8 也不是 GBK 编码，请用记事本「另存为 UTF-8」") from error
    return parse_table(text, str(path))


def table_text(entries: list[tuple[str, str]], heading: str) -> str:
    """A table file's content (the demo writes one): a comment heading, the header line, one line per entry."""
    comment = "".join(f"# {line}\n" for line in heading.splitlines())
    return comment + "关键词,网格\n" + "".join(f"{keyword},{grid}\n" for keyword, grid in entries)
