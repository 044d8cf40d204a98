"""An import plan or result in one Chinese paragraph, as the wizard and the CLI show it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from imports.columns import import_label

if TYPE_CHECKING:
    from imports.plan import ImportPlan
    from storage.tables_imports import ImportRecord

_ORDER = ("new", "update", "unchanged", "invalid", "duplicate_in_file", "name_match", "skipped_by_mode", "other_office")
_UNITS = {"new": "户", "update": "户", "unchanged": "户"}


def when(moment: datetime) -> str:
    """A moment in local time, to the minute."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M")


_RECORD_UNITS = {"figures": "条年度数据", "licenses": "张许可证"}  # import_record.kind; a register counts 户


def previous_text(record: ImportRecord) -> str:
    who = f"由{record.who}" if record.who else ""
    unit = _RECORD_UNITS.get(str(record.kind), "户")
    return f"这个文件已于 {when(record.imported_at)} {who}导入过（新增 {record.inserted} {unit}，更新 {record.updated} {unit}）"


def summary_text(plan: ImportPlan) -> str:
    from imports.plan import RowKind

    parts = [
        f"{RowKind(kind).label} {plan.counts[RowKind(kind)]:,} {_UNITS.get(kind, '行')}"
        for kind in _ORDER
        if plan.counts[RowKind(kind)] or kind in _UNITS
    ]
    text = (
        f"「{plan.file_name}」工作表「{plan.sheet}」共 {plan.rows_read:,} 行数据（导入方式：{plan.mode.label}）："
        + "，".join(parts)
        + "。"
    )
    changes = plan.counts[RowKind.NEW] + plan.counts[RowKind.UPDATE]
    if plan.previous_import is not None and not changes:
        # The same file again with nothing to change: one sentence; its warnings were told the first time.
        return (
            f"{previous_text(plan.previous_import)}，这次没有任何需要改动的内容，登记簿不会改动"
            f"（「{plan.file_name}」工作表「{plan.sheet}」共 {plan.rows_read:,} 行：" + "，".join(parts) + "）。"
        )
    if plan.previous_import is not None:
        text += previous_text(plan.previous_import) + "。"
    elif not changes:
        text += "没有需要写入的内容。"
    if plan.counts[RowKind.NAME_MATCH]:
        text += (
            f"有 {plan.counts[RowKind.NAME_MATCH]:,} 行没有代码，按名称和经营者找到了登记簿中的市场主体，"
            "确认无误后才会更新。"
        )
    if warnings := plan.warning_count():
        text += f"另有 {warnings:,} 处提示（如本所没有的网格名称、可能是2011版的行业代码）"
        text += "，这些行照常导入，请核对。" if changes else "，请核对。"
    if plan.other_offices:
        named = "、".join(f"{office} {count:,} 行" for office, count in plan.other_offices.most_common(4))
        more = "等" if len(plan.other_offices) > 4 else ""
        text += f"有 {plan.other_offices.total():,} 行的管辖单位是其他所（{named}{more}），不是本所的市场主体，不会导入。"
    if plan.possible_duplicates:
        text += f"有 {len(plan.possible_duplicates):,} 行与登记簿中名称、地址相同但代码不同的市场主体可能重复，请核对。"
    if plan.unknown_columns:
        names = "、".join(f"「{column.header}」" for column in plan.unknown_columns[:6])
        text += f"以下列不会导入：{names}{'等' if len(plan.unknown_columns) > 6 else ''}。"
    if plan.missing_fields:
        text += (
            "文件中没有找到" + "、".join(f"「{import_label(name)}」" for name in plan.missing_fields) + "列。"
        )
    return text


def repeats_without_changes(plan: ImportPlan) -> bool:
    """The same file imported before, and nothing in it to write now: its summary is all there is to say."""
    from imports.plan import RowKind

    return plan.previous_import is not None and not (plan.counts[RowKind.NEW] + plan.counts[RowKind.UPDATE])
