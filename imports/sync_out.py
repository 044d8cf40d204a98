"""The field package (外业包, issue 19): one officer's businesses and what goes with them, as a workbook a
person can read, that a laptop turns into its own database (`workbench sync out`).

Written like every export (imports.export): beside its name, logged in the change log and in sync_package,
then put in place, so a failed package leaves no file and no log row. ID numbers are masked unless a password
is given, which encrypts the workbook with Excel's own encryption; phones travel (officers call businesses).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from imports.export import ExportFailed, logged_file, xlsx_path
from imports.fast_xlsx import FastBook
from imports.sync_sheets import LAYOUT_BY_TABLE, LAYOUTS
from imports.sync_workbook import (
    encrypt_file,
    plain_sheet,
    write_base,
    write_info,
    write_manifest,
    write_table,
)
from storage.audit import Actor, log_changes, utc_now
from storage.schema import SCHEMA_HEAD
from storage.tables import new_uuid
from storage.tables_sync import SyncPackage
from workbench.domain.personal_ids import mask_id_number
from workbench.domain.service_lists import ServiceLists
from workbench.domain.sync_model import PackageManifest, Scalar
from workbench.services.sync_select import FieldSelection

LISTS_SHEET = "参考清单"
RULES_SHEET = "规则文件"
# inspection.toml: the result codes and time limits a laptop records 双随机 results with (issue 20)
RULE_FILES = ("service.toml", "holidays.toml", "classification.toml", "candidates.toml", "address_grids.csv",
              "inspection.toml")
MIN_PASSWORD = 6


@dataclass(frozen=True)
class FieldPackageResult:
    path: Path
    package_id: str
    businesses: int
    rows: int
    personal_data: bool
    inspected_only: int = 0  # businesses carried only as the officer's 双随机 inspections (not their 包联)
    inspection_tasks: int = 0

    @property
    def inspection_note(self) -> str:
        """（含双随机抽查任务 1 个，其中 3 户为抽查对象） or nothing."""
        if not self.inspection_tasks:
            return ""
        others = f"，其中 {self.inspected_only:,} 户为他人包联的抽查对象" if self.inspected_only else ""
        return f"（含双随机抽查任务 {self.inspection_tasks} 个{others}）"


def field_package_name(officer: str, at: datetime) -> str:
    return f"外业包-{officer}-{at.astimezone():%Y-%m-%d}.xlsx"


def write_field_package(
    *, session: Session, actor: Actor, selection: FieldSelection, path: str | Path, device_id: str,
    lists: ServiceLists, settings_folder: Path | None = None, password: str | None = None,
    progress: Callable[[int, int], None] | None = None, at: datetime | None = None,
) -> FieldPackageResult:
    """Write the package, log it (change log + sync_package) and commit; the file exists only if logged."""
    if password is not None and len(password) < MIN_PASSWORD:
        raise ExportFailed(f"密码太短（{len(password)} 位）：请用至少 {MIN_PASSWORD} 位的密码，没有生成外业包")
    at = at or utc_now()
    given = Path(path).expanduser()
    target = given / field_package_name(selection.officer, at) if given.is_dir() else xlsx_path(given)
    personal = password is not None
    manifest = PackageManifest(
        package_id=new_uuid(), kind="field", office_code=selection.office.code, officer=selection.officer,
        device=device_id, created_at=at.replace(tzinfo=None).isoformat(),
        schema_version=SCHEMA_HEAD, row_count=selection.row_count, personal_data=personal,
    )
    with logged_file(session, target) as partial:
        _write(partial, selection, manifest, actor, lists, settings_folder, progress)
        if password is not None:
            encrypt_file(partial, password)
        _log(session, actor, selection, manifest, target.name, at)
    return FieldPackageResult(target, manifest.package_id, selection.businesses, selection.row_count, personal,
                              selection.inspected_only, len(selection.rows["inspection_task"]))


def _write(
    path: Path, selection: FieldSelection, manifest: PackageManifest, actor: Actor, lists: ServiceLists,
    settings_folder: Path | None, progress: Callable[[int, int], None] | None,
) -> None:
    names = _names(selection)
    total = selection.row_count
    done = 0

    def step(rows: int) -> None:
        nonlocal done
        done += rows
        if progress is not None:
            progress(done, total)

    masks = {} if manifest.personal_data else {"id_number": mask_id_number}
    with FastBook(path) as book:
        write_info(book, _info_lines(selection, manifest, actor))
        for item in LAYOUTS:
            rows = selection.rows[item.spec.name]
            write_table(book, item, rows, names, masks if item.spec.name == "business" else None, step)
        _write_lists(book, lists)
        _write_rule_files(book, settings_folder)
        write_base(book, {name: rows for name, rows in selection.rows.items() if name not in ("grid", "officer")},
                   masks)
        counts = [(LAYOUT_BY_TABLE[name].title, len(rows)) for name, rows in selection.rows.items()]
        extra: dict[str, Scalar] = {"office_name": selection.office.name, "office_uuid": selection.office.uuid,
                 "businesses": selection.businesses}
        write_manifest(book, manifest, extra, counts)


def _names(selection: FieldSelection) -> dict[str, dict[str, str]]:
    """What a person sees beside a referenced row's uuid: a business's, officer's or grid's name."""
    def named(table: str, make: Callable[[Mapping[str, Scalar]], str]) -> dict[str, str]:
        return {row.uuid: make(row.values) for row in selection.rows[table]}

    return {
        "grid": named("grid", lambda v: str(v["name"])),
        "officer": named("officer", lambda v: str(v["name"])),
        "business": named("business", lambda v: str(v["name"])),
        "appeal": named("appeal", lambda v: f"{v['received_on']} {v['category']}"),
        "visit": named("visit", lambda v: f"{v['visited_on']} {v['purpose'] or v['finding']}"),
        "inspection_task": named("inspection_task", lambda v: str(v["name"])),
        "inspection_draw": named("inspection_draw", lambda v: f"{str(v['drawn_at'])[:10]} 抽取（种子 {v['seed']}）"),
    }


def _info_lines(selection: FieldSelection, manifest: PackageManifest, actor: Actor) -> list[tuple[str, str]]:
    personal = (
        "含完整身份证号：本包已用密码加密，生成已记入变更记录，请妥善保管、用后删除"
        if manifest.personal_data else "身份证号只显示前 6 位和后 4 位；联系电话完整（便于联系经营者）"
    )
    whose = f"{selection.office.name} · {selection.officer} 负责的 {selection.own_businesses:,} 户市场主体"
    if selection.inspected_only:
        whose += f"，另有双随机抽查对象 {selection.inspected_only:,} 户（由其他干部包联，只供录入检查结果）"
    tasks = len(selection.rows["inspection_task"])
    inspections = [("双随机", f"本人作为检查人员参加的 {tasks} 个抽查任务的抽中名单（{len(selection.rows['inspection_pair'])} 户）"
                              "和已录入的结果；在笔记本上只能录入检查结果，不能抽取或重抽；回避关系和配对时跳过的人员不随包带出；"
                              "双随机各表在 Excel 里的手工修改不会读回")
                   ] if tasks else []
    return [
        ("外业包", whose),
        ("生成时间", manifest.created_at.replace("T", " ")[:19]),
        ("生成人", actor.who),
        ("生成终端", manifest.device),
        ("个人信息", personal),
        ("怎么用", "在笔记本电脑上运行 workbench sync in 本文件，建立或更新本机的工作库；外出走访后用 "
                   "workbench sync back 生成回传包交回所里"),
        ("注意", "每张表最后几列（uuid 起）供程序核对，请勿修改；「清单」表记着每张表的行数，缺行的包会被拒收"),
        ("手工修改", "没有笔记本时，也可以直接在 Excel 或 WPS 里修改本文件，交回所里用 workbench sync apply 本文件 导入："
                     "可以改单元格、在表的末尾加行（uuid 和 version 留空）；直接删掉的行不算删除，要删除一条记录，"
                     "请在该表最后加一列「删除」，在那一行填「是」"),
        *inspections,
    ]


def _write_lists(book: FastBook, lists: ServiceLists) -> None:
    sheet = plain_sheet(book, LISTS_SHEET, ["清单", "值", "补充"], [12, 24, 14])
    lines: list[tuple[str, str, object]] = [
        *(("帮扶类型", name, None) for name in lists.support_types),
        *(("诉求渠道", name, None) for name in lists.appeal_channels),
        *(("诉求类别", name, f"{days} 个工作日") for name, days in lists.appeal_categories.items()),
        *(("走访结果", name, None) for name in lists.visit_findings),
        *(("满意度", name, None) for name in lists.satisfaction_levels),
        *(("许可证种类", name, None) for name in lists.license_kinds),
    ]
    for row, (what, value, extra) in enumerate(lines, start=2):
        sheet.row(row, [what, value, extra], ["text", "text", "text"])


def _write_rule_files(book: FastBook, folder: Path | None) -> None:
    """The office's own settings files (those it has; the rest are the program's shipped defaults)."""
    sheet = plain_sheet(book, RULES_SHEET, ["文件", "内容"], [22, 100])
    row = 1
    for name in RULE_FILES:
        path = folder / name if folder is not None else None
        if path is None or not path.is_file():
            continue
        row += 1
        sheet.row(row, [name, path.read_text(encoding="utf-8-sig")], ["text", "text"])


def _log(session: Session, actor: Actor, selection: FieldSelection, manifest: PackageManifest, file_name: str,
         at: datetime) -> None:
    personal = "完整身份证号（密码保护）" if manifest.personal_data else "身份证号已部分隐藏"
    changes = {
        "file": (None, file_name), "officer": (None, selection.officer), "businesses": (None, selection.businesses),
        "rows": (None, selection.row_count), "personal_data": (None, personal),
    }
    log_changes(session, actor, "sync_package", manifest.package_id, "export", changes, at)
    session.add(SyncPackage(
        office_id=actor.office_id, package_id=manifest.package_id, kind="field", direction="written",
        file_name=file_name, officer=selection.officer, source_device=manifest.device, created_at=at,
        businesses=selection.businesses, rows=selection.row_count, personal_data=manifest.personal_data,
        updated_at=at, updated_by=actor.who, device=actor.device,
    ))
