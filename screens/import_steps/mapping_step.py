"""Step 2, 工作表和列: the sheet, the header row found, and what each file column is imported as."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Select, Static

from imports.columns import IGNORE, ColumnMapping, header_unit, import_label
from imports.header import column_letter
from imports.list_columns import MONEY_FIELDS, declared_unit
from imports.parse import ParsedFile
from imports.problems import UnknownColumn
from screens.import_steps.dialogs import NOT_IMPORTED, FieldPicker
from screens.widgets.text_table import TextTable
from workbench.domain.labels import IMPORT_KIND_LABELS, ImportKind

AUTOMATIC = "__auto__"
"""The profile choice meaning 「自动识别」: the synonym table only."""
SAMPLE_CELLS = 24
REQUIRED_LABELS = {"name": "名称", "uscc": "统一社会信用代码或注册号"}
KINDS = [("自动识别名录种类", AUTOMATIC), *[(label, kind) for kind, label in IMPORT_KIND_LABELS.items()]]
FIXED_COLUMNS = "经营数据和许可证名录的列按表头自动对应，不能逐列指定；如有列没认出，请把表头改成常用写法（如「营业收入（万元）」）后重新选择文件。"


def clip(value: Any, cells: int) -> str:
    """The value as text cut to `cells` terminal cells (CJK counts two), with … when cut."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # calamine reads every number as a float: 1.0 is the 1 that Excel shows
    text = "" if value is None else str(value).replace("\n", " ")
    if cell_len(text) <= cells:
        return text
    while cell_len(text) > cells - 1:
        text = text[:-1]
    return text + "…"


def target_label(mapping: ColumnMapping, index: int, parsed: ParsedFile | None = None) -> str:
    if index in mapping.fields:
        name = mapping.fields[index]
        if parsed is not None and parsed.kind is not ImportKind.REGISTER:
            unit = (declared_unit(mapping.headers[index]) or parsed.title_unit or 1) if name in MONEY_FIELDS else 1
            label = parsed.shape.label(name)
            return label + "，按万元换算" if unit == 10_000 else label
        label = import_label(name)
        return label + "，按万元换算" if mapping.units.get(index, 1) == 10_000 else label
    return NOT_IMPORTED if index in mapping.ignored else "未识别（不导入）"


def header_rows_text(rows: tuple[int, ...]) -> str:
    return f"第 {rows[0]} 行" if len(rows) == 1 else f"第 {rows[0]}-{rows[-1]} 行"


def notes_text(missing: list[str], unknown: list[UnknownColumn], parsed: ParsedFile | None = None) -> str:
    """Missing required fields first (they stop the import), then every column that will not be imported."""
    lines = []
    if missing:
        if parsed is not None and parsed.kind is not ImportKind.REGISTER:
            names = "、".join(parsed.shape.label(name) for name in missing)
        else:
            names = "、".join(REQUIRED_LABELS.get(name, import_label(name)) for name in missing)
        lines.append(f"缺少必需的列：{names}。请在上表中选中一列，按 Enter 指定。")
    for column in unknown:
        lines.append(f"{column.column} 列「{column.header}」：{column.reason}")
    return "\n".join(lines) if lines else "所有列都已对应。"


class MappingStep(Vertical):
    """Another sheet, a saved profile or a column given another field asks the wizard to read the file again."""

    class ReadAgain(Message):
        """Read the file again with this sheet, profile and (hand-made) mapping: None lets the synonyms decide."""

        def __init__(self, sheet: str, profile: str | None, mapping: ColumnMapping | None,
                     kind: ImportKind | None = None) -> None:
            super().__init__()
            self.sheet = sheet
            self.profile = profile
            self.mapping = mapping
            self.kind = kind
            """The kind of list the person chose (None: told from the headers)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.parsed: ParsedFile | None = None
        self.profile: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="import-file-info", markup=False)
        with Horizontal(id="import-choices"):
            yield Select(KINDS, allow_blank=False, value=AUTOMATIC, id="import-kind", compact=True,
                         tooltip="名录种类：登记名录、经营数据或许可证")  # fmt: skip
            yield Select(
                [("（未读取）", "")], allow_blank=False, id="import-sheet", compact=True, tooltip="工作表"
            )
            yield Select(
                [("自动识别列", AUTOMATIC)],
                allow_blank=False,
                value=AUTOMATIC,
                id="import-profile",
                compact=True,
                tooltip="列对应方案",
            )
        table: DataTable[str] = TextTable(id="import-columns", cursor_type="row", zebra_stripes=True)
        table.add_columns("列", "文件中的表头", "导入为", "第一行数据")
        yield table
        yield Static("", id="import-mapping-notes", markup=False)

    def show(self, parsed: ParsedFile, sample: list[Any], profiles: list[str], profile: str | None) -> None:
        """Fill the step from a freshly read file; keeps the cursor on the same column."""
        self.parsed, self.profile = parsed, profile
        how = "按表头识别为" if parsed.kind_detected else "按"
        info = (f"{parsed.path.name}（{parsed.sniffed.description}）  {how}{parsed.shape.title}"
                f"{'' if parsed.kind_detected else '读取'}  表头在{header_rows_text(parsed.header_rows)}")
        if parsed.sniffed.note:
            info += f"\n{parsed.sniffed.note}"
        self.query_one("#import-file-info", Static).update(info)
        self._set_options(
            "#import-sheet",
            [
                (sheet.name if sheet.visible else f"{sheet.name}（隐藏）", sheet.name)
                for sheet in parsed.sheets
            ],
            parsed.sheet,
        )
        self._set_options(
            "#import-profile",
            [("自动识别列", AUTOMATIC), *[(name, name) for name in profiles]],
            profile or AUTOMATIC,
        )
        self._set_options("#import-kind", KINDS, AUTOMATIC if parsed.kind_detected else parsed.kind.value)
        self.query_one("#import-sheet", Select).disabled = len(parsed.sheets) < 2
        self.query_one("#import-profile", Select).disabled = parsed.kind is not ImportKind.REGISTER
        self._fill_table(parsed.mapping, sample)
        self.query_one("#import-mapping-notes", Static).update(
            notes_text(parsed.missing_fields, parsed.unknown_columns, parsed)
        )

    def chosen_kind(self) -> ImportKind | None:
        value = self.query_one("#import-kind", Select).value
        return None if value == AUTOMATIC else ImportKind(str(value))

    def _set_options(self, selector: str, options: list[tuple[str, str]], value: str) -> None:
        select: Select[str] = self.query_one(selector, Select)
        with select.prevent(Select.Changed):
            select.set_options(options)
            select.value = value

    def _fill_table(self, mapping: ColumnMapping, sample: list[Any]) -> None:
        table: DataTable[str] = self.query_one("#import-columns", DataTable)
        cursor = table.cursor_row
        table.clear()
        for index, header in enumerate(mapping.headers):
            if not header and index not in mapping.fields:
                continue
            value = sample[index] if index < len(sample) else ""
            table.add_row(
                column_letter(index),
                clip(header, 20),
                target_label(mapping, index, self.parsed),
                clip(value, SAMPLE_CELLS),
                key=str(index),
            )
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))

    @on(Select.Changed, "#import-sheet")
    def _sheet_changed(self, event: Select.Changed) -> None:
        event.stop()
        if self.parsed is not None and event.value != self.parsed.sheet:
            self.post_message(self.ReadAgain(str(event.value), self.profile, None, self.chosen_kind()))

    @on(Select.Changed, "#import-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        event.stop()
        if self.parsed is not None:
            kind = self.chosen_kind()
            profile = self.profile if kind in (None, ImportKind.REGISTER) else None
            self.post_message(self.ReadAgain(self.parsed.sheet, profile, None, kind))

    @on(Select.Changed, "#import-profile")
    def _profile_changed(self, event: Select.Changed) -> None:
        event.stop()
        chosen = None if event.value == AUTOMATIC else str(event.value)
        if self.parsed is not None and chosen != self.profile:
            self.post_message(self.ReadAgain(self.parsed.sheet, chosen, None, self.chosen_kind()))

    @on(DataTable.RowSelected, "#import-columns")
    def _column_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.parsed is None or event.row_key.value is None:
            return
        parsed, index = self.parsed, int(event.row_key.value)
        if parsed.kind is not ImportKind.REGISTER:
            self.app.notify(FIXED_COLUMNS, timeout=8)
            return
        mapping = parsed.mapping
        current = mapping.fields.get(index, IGNORE if index in mapping.ignored else None)

        def chosen(field: str | None) -> None:
            if field is not None:
                self.post_message(self.ReadAgain(parsed.sheet, self.profile, remapped(mapping, index, field),
                                                 ImportKind.REGISTER))

        letter = str(event.data_table.get_row(event.row_key)[0])
        self.app.push_screen(FieldPicker(letter, mapping.headers[index], current), chosen)


def remapped(mapping: ColumnMapping, index: int, field: str) -> ColumnMapping:
    """The mapping with column `index` now holding `field` (IGNORE: 不导入); a column that held it lets go."""
    fields = {column: name for column, name in mapping.fields.items() if column != index and name != field}
    ignored = set(mapping.ignored) - {index}
    units = {column: unit for column, unit in mapping.units.items() if column in fields}
    if field == IGNORE:
        ignored.add(index)
    else:
        fields[index] = field
        units[index] = header_unit(mapping.headers[index])
    return ColumnMapping(headers=list(mapping.headers), fields=fields, units=units, ignored=ignored)
