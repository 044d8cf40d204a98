"""The sheets of a field package (外业包): one per travelling table, Chinese headers a person can read first,
the machine columns (uuid, version, the referenced rows' uuids) grouped at the end. Who changed a row last
and when stays at the office (its change log): a cell costs time, and the laptop keeps its own stamps.

Each SheetColumn turns a plain value (workbench.services.sync_rows) into a cell and a cell back into the
plain value, so the package's reader rebuilds exactly what its writer was given: stored codes are shown as
their Chinese words (个体工商户, 存续, 办理中) and read back to the codes; dates are dates; times are ISO text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from imports.sheet_writer import Kind
from workbench.domain.appeal_states import ACTION_LABELS, STATE_LABELS
from workbench.domain.business_fields import BUSINESS_ROW
from workbench.domain.labels import KIND_LABELS, LICENSE_STATUS_LABELS, STATUS_LABELS
from workbench.domain.list_filters import SIZE_LABELS, TIER_LABELS
from workbench.domain.sync_labels import sync_field_label
from workbench.domain.sync_model import Scalar
from workbench.services.sync_rows import DATA_SPECS, REFERENCE_SPECS, SyncSpec

FORMAT_MARK = "workbench-sync-1"  # the manifest's first line: what tells a package from any workbook

_CHOICES: dict[tuple[str, str], dict[str, str]] = {
    ("business", "kind"): dict(KIND_LABELS),
    ("business", "status"): dict(STATUS_LABELS),
    ("license", "status"): dict(LICENSE_STATUS_LABELS),
    ("appeal", "state"): STATE_LABELS,
    ("appeal_step", "action"): ACTION_LABELS,
    ("appeal_step", "from_state"): STATE_LABELS,
    ("appeal_step", "to_state"): STATE_LABELS,
    ("classification_result", "tier"): TIER_LABELS,
    ("classification_result", "override_tier"): TIER_LABELS,
    ("classification_result", "size_class"): SIZE_LABELS,
    ("inspection_draw", "status"): {"confirmed": "已确认", "superseded": "已被重抽取代"},
}
_CODES = frozenset({
    "uscc", "reg_no", "id_number", "phone", "industry_code", "industry_code_version", "number", "person_phone",
    "township_code", "renews_uuid", "rule_version", "cert_no", "seed", "population_hash", "replaces_uuid",
    "inspector_uuids", "codes",
})
_MONEY = frozenset({"capital", "revenue", "tax_paid", "amount_yuan"})
YES, NO = "是", "否"
_BUSINESS_ORDER = {spec.name: index for index, spec in enumerate(BUSINESS_ROW)}


@dataclass(frozen=True)
class SheetColumn:
    key: str  # the plain value's key (a machine column: uuid, version, grid_uuid ...)
    header: str
    kind: Kind
    to_cell: Callable[[Scalar], Any]
    from_cell: Callable[[Any], Scalar]
    machine: bool = False


@dataclass(frozen=True)
class SheetLayout:
    spec: SyncSpec
    title: str
    columns: tuple[SheetColumn, ...]
    # (human header, referenced table, key): the referenced row's name shown beside its uuid
    reference_names: tuple[tuple[str, str, str], ...]
    names_first: bool  # 所属市场主体 first on a child's sheet; a business's 网格 / 包联干部 after its own columns

    @property
    def columns_by_key(self) -> dict[str, SheetColumn]:
        return {column.key: column for column in self.columns}

    @property
    def human_count(self) -> int:
        return sum(1 for column in self.columns if not column.machine)

    @property
    def headers(self) -> list[str]:
        names = [header for header, _table, _key in self.reference_names]
        human = [column.header for column in self.columns if not column.machine]
        machine = [column.header for column in self.columns if column.machine]
        return [*names, *human, *machine] if self.names_first else [*human, *names, *machine]


def _text_back(nullable: bool) -> Callable[[Any], Scalar]:
    empty: Scalar = None if nullable else ""

    def back(cell: Any) -> Scalar:
        if cell is None or cell == "":
            return empty
        if isinstance(cell, float) and cell.is_integer():
            return str(int(cell))  # a code typed into Excel as a number
        return cell if isinstance(cell, str) else str(cell)

    return back


def _int_back(cell: Any) -> Scalar:
    if cell is None or cell == "":
        return None
    if isinstance(cell, str):
        cell = float(cell.replace(",", "").strip())
    number = float(cell)
    return int(number) if number.is_integer() else number


def _date_back(cell: Any) -> Scalar:
    if cell is None or cell == "":
        return None
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return date.fromisoformat(str(cell).strip()[:10]).isoformat()


def _bool_back(nullable: bool) -> Callable[[Any], Scalar]:
    def back(cell: Any) -> Scalar:
        if cell is None or cell == "":
            return None if nullable else False
        if isinstance(cell, bool):
            return cell
        return str(cell).strip() in (YES, "1", "TRUE", "True", "true", "Y", "y")

    return back


def _same(value: Scalar) -> Any:
    return value


def _date_cell(value: Scalar) -> Any:
    return None if value is None else date.fromisoformat(str(value))


def _bool_cell(nullable: bool) -> Callable[[Scalar], Any]:
    """是 / 否; a flag that cannot be unknown (歇业, 经营异常) shows only 是: an empty cell is 否, as a person
    reads a list of flags, and 5,000 businesses write 10,000 cells fewer."""
    def to_cell(value: Scalar) -> Any:
        if value is None:
            return None
        return YES if value else (NO if nullable else None)

    return to_cell


def _choice(labels: dict[str, str], nullable: bool) -> tuple[Callable[[Scalar], Any], Callable[[Any], Scalar]]:
    codes = {label: code for code, label in labels.items()}
    text_back = _text_back(nullable)

    def to_cell(value: Scalar) -> Any:
        return None if value is None else labels.get(str(value), value)

    def back(cell: Any) -> Scalar:
        text = text_back(cell)
        return codes.get(text.strip(), text) if isinstance(text, str) else text

    return to_cell, back


def _data_column(spec: SyncSpec, name: str, header: str) -> SheetColumn:
    kind = spec.kind_of(name)
    nullable = bool(spec.table.c[name].nullable)
    if kind == "date":
        return SheetColumn(name, header, "date", _date_cell, _date_back)
    if kind == "bool":
        return SheetColumn(name, header, "text", _bool_cell(nullable), _bool_back(nullable))
    if kind == "datetime":
        return SheetColumn(name, header, "text", _same, _text_back(True))
    python_type = spec.table.c[name].type.python_type
    if python_type is int:
        return SheetColumn(name, header, "money" if name in _MONEY else "count", _same, _int_back)
    labels = _CHOICES.get((spec.name, name))
    if labels is not None:
        to_cell, back = _choice(labels, nullable)
        return SheetColumn(name, header, "text", to_cell, back)
    return SheetColumn(name, header, "code" if name in _CODES else "text", _same, _text_back(nullable))


def _label(spec: SyncSpec, name: str) -> str:
    return sync_field_label(spec.name, name)


def _uuid_header(column: str) -> str:
    """A foreign key's machine column: grid_id holds the grid's uuid, so its header says grid_uuid."""
    return column.removesuffix("_id") + "_uuid"


def layout(spec: SyncSpec) -> SheetLayout:
    names_in_order = [name for name in spec.columns if name not in spec.references]
    if spec.name == "business":  # the form's order: 名称 first, as every list of businesses shows it
        names_in_order.sort(key=lambda name: _BUSINESS_ORDER.get(name, len(_BUSINESS_ORDER)))
    human = tuple(_data_column(spec, name, _label(spec, name)) for name in names_in_order)
    machine = (
        SheetColumn("uuid", "uuid", "code", _same, _text_back(False), True),
        SheetColumn("version", "version", "count", _same, _int_back, True),
        *(SheetColumn(name, _uuid_header(name), "code", _same, _text_back(True), True)
          for name in spec.columns if name in spec.references),
    )
    names = tuple((_label(spec, name), spec.references[name], name)
                  for name in spec.columns if name in spec.references)
    return SheetLayout(spec, spec.label, human + machine, names, spec.name != "business")


LAYOUTS = tuple(layout(spec) for spec in (*DATA_SPECS, *REFERENCE_SPECS))
LAYOUT_BY_TABLE = {item.spec.name: item for item in LAYOUTS}


def key_label(table: str, key: str) -> str:
    """The Chinese word for a value's key in a RowChange: 联系电话, 走访结果, 所属市场主体 (business_uuid)."""
    spec = LAYOUT_BY_TABLE[table].spec
    column = next((name for name, value_key in zip(spec.columns, spec.keys, strict=True) if value_key == key), key)
    return _label(spec, column)
