"""Issue 19: `workbench sync apply` — the dry run's lines, the commit, a second import, and a refusal, on a
package kept as JSON and on a workbook read through the package reader (imports.sync_back)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from service_world import World, make_world
from sqlalchemy import Engine
from sqlmodel import Session
from sync_laptops import Laptop, business_values, rows_of, snapshot
from typer.testing import CliRunner

from workbench import cli
from workbench.domain.sync_json import package_to_json

runner = CliRunner()


@pytest.fixture
def world(sqlite_engine: Engine) -> World:
    with Session(sqlite_engine) as session:
        return make_world(session)


def test_dry_run_then_apply_then_again(
    sqlite_engine: Engine, sqlite_url: str, world: World, tmp_path: Path, wenzhou_clock: None
) -> None:
    """The package's time (18:00 UTC) is said in the office's local time."""
    laptop = Laptop(snapshot(sqlite_engine, world.actor.office_id), "张伟", "笔记本A")
    laptop.edit(world.noodle_uuid, tags="夜宵", employees=6)
    laptop.new_row("visit", {"visited_on": "2026-12-05", "finding": "正常经营"}, world.tea_uuid)
    path = tmp_path / "回传包.json"
    path.write_text(package_to_json(laptop.package()), encoding="utf-8")
    database = sqlite_url.removeprefix("sqlite:///")

    preview = runner.invoke(cli.app, ["--db", database, "sync", "apply", str(path), "--dry-run"])
    assert preview.exit_code == 0, preview.output
    assert "张伟（笔记本A，2026-12-07 02:00）的回传包共 2 条：新增 1 条，直接更新 1 条" in preview.output
    assert "回传包 第2行  市场主体：直接更新（更新 标签、从业人员）" in preview.output
    assert "回传包 第3行  走访记录：新增" in preview.output
    assert business_values(sqlite_engine, world.noodle_uuid)["tags"] == ""

    done = runner.invoke(cli.app, ["--db", database, "sync", "apply", str(path), "--officer", "李主任"])
    assert done.exit_code == 0, done.output
    assert "的回传包已导入，共 2 条" in done.output
    assert business_values(sqlite_engine, world.noodle_uuid)["tags"] == "夜宵"
    assert rows_of(sqlite_engine, "SELECT who FROM change_log WHERE entity = 'sync_package'") == [{"who": "李主任"}]

    again = runner.invoke(cli.app, ["--db", database, "sync", "apply", str(path)])
    assert again.exit_code == 0 and "导入过，本次没有任何更改" in again.output
    assert rows_of(sqlite_engine, "SELECT count(*) AS n FROM visit") == [{"n": 1}]


def test_a_refused_package_writes_nothing(sqlite_engine: Engine, sqlite_url: str, world: World, tmp_path: Path) -> None:
    laptop = Laptop(snapshot(sqlite_engine, world.actor.office_id), "张伟", "笔记本A")
    laptop.edit(world.noodle_uuid, phone="12345")
    path = tmp_path / "回传包.json"
    path.write_text(package_to_json(laptop.package()), encoding="utf-8")
    result = runner.invoke(cli.app, ["--db", sqlite_url.removeprefix("sqlite:///"), "sync", "apply", str(path)])
    assert result.exit_code == 1
    assert "错误：回传包 第2行「联系电话」的值「12345」有误" in result.output
    assert "整包未导入" in result.output
    assert business_values(sqlite_engine, world.noodle_uuid)["phone"] == "13800000001"


def test_a_workbook_goes_through_the_package_reader(
    sqlite_engine: Engine, sqlite_url: str, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The agreed seam: imports.sync_back.read_return_package(path) -> ReturnPackage (ValueError in Chinese)."""
    laptop = Laptop(snapshot(sqlite_engine, world.actor.office_id), "张伟", "笔记本A")
    laptop.edit(world.noodle_uuid, tags="夜宵")
    workbook = tmp_path / "回传包-张伟.xlsx"
    workbook.write_bytes(b"not read by the fake reader")
    read: list[Path] = []

    def read_return_package(path: Path) -> object:
        read.append(path)
        if path.name.startswith("坏"):
            raise ValueError("「回传包」工作表第 3 行「基础版本」的值「abc」不是整数")
        return laptop.package()

    reader = types.ModuleType("imports.sync_back")
    reader.read_return_package = read_return_package  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "imports.sync_back", reader)
    database = sqlite_url.removeprefix("sqlite:///")
    result = runner.invoke(cli.app, ["--db", database, "sync", "apply", str(workbook)])
    assert result.exit_code == 0, result.output
    assert read == [workbook] and business_values(sqlite_engine, world.noodle_uuid)["tags"] == "夜宵"
    broken = tmp_path / "坏回传包.xlsx"
    broken.write_bytes(b"x")
    refused = runner.invoke(cli.app, ["--db", database, "sync", "apply", str(broken)])
    assert refused.exit_code == 1 and "「基础版本」的值「abc」不是整数" in refused.output


def test_a_real_return_package_from_sync_back_is_applied_at_the_office(sqlite_template: Path, tmp_path: Path) -> None:
    """End to end through syncout's writer and reader: sync out → sync in → an edit and a visit on the laptop
    → sync back → sync apply at the office (dry run, commit, again)."""
    import shutil

    from sync_world import make_sync_world

    from storage.audit import Actor
    from storage.engine import make_engine
    from storage.tables import Business
    from workbench.services.register import update_business as edit
    from workbench.services.visits import record_visit

    office = tmp_path / "office.db"
    shutil.copyfile(sqlite_template, office)
    engine = make_engine(str(office))
    with Session(engine) as session:
        make_sync_world(session)
    package = tmp_path / "外业包.xlsx"
    out = runner.invoke(cli.app, ["--db", str(office), "sync", "out", "--office", "五马市场监管所", "--officer", "张伟",
                                  "-o", str(package)])
    assert out.exit_code == 0, out.output
    laptop = tmp_path / "laptop.db"
    assert runner.invoke(cli.app, ["sync", "in", str(package), "--db", str(laptop)]).exit_code == 0
    laptop_engine = make_engine(str(laptop))
    from sqlmodel import select

    with Session(laptop_engine) as session:
        tea = session.exec(select(Business).where(Business.name == "阿香奶茶店")).one()
        me = Actor(who="张伟", device="笔记本", office_id=tea.office_id)
        edit(session=session, actor=me, business_uuid=tea.uuid, base_version=tea.version, changes={"employees": 5})
        record_visit(session, actor=me, business_uuid=tea.uuid,
                     data={"visited_on": "2026-12-05", "finding": "正常经营", "notes": "笔记本上记的"})
        session.commit()
        tea_uuid = tea.uuid
    laptop_engine.dispose()
    back = tmp_path / "回传包.xlsx"
    sent = runner.invoke(cli.app, ["sync", "back", "-o", str(back), "--db", str(laptop)])
    assert sent.exit_code == 0, sent.output

    preview = runner.invoke(cli.app, ["--db", str(office), "sync", "apply", str(back), "--dry-run"])
    assert preview.exit_code == 0, preview.output
    assert "市场主体：直接更新（更新 从业人员）" in preview.output and "走访记录：新增" in preview.output
    done = runner.invoke(cli.app, ["--db", str(office), "sync", "apply", str(back), "--officer", "张伟"])
    assert done.exit_code == 0, done.output
    assert "的回传包已导入" in done.output
    assert business_values(engine, tea_uuid)["employees"] == 5
    notes = rows_of(engine, "SELECT v.notes FROM visit v JOIN business b ON b.id = v.business_id WHERE b.uuid = :u",
                    u=tea_uuid)
    assert {"notes": "笔记本上记的"} in notes
    again = runner.invoke(cli.app, ["--db", str(office), "sync", "apply", str(back)])
    assert again.exit_code == 0 and "导入过，本次没有任何更改" in again.output
    engine.dispose()


def test_a_business_offered_as_the_same_is_not_listed_as_every_field_updated(
    sqlite_engine: Engine, sqlite_url: str, world: World, tmp_path: Path
) -> None:
    """The officer's street find that the county's list registered meanwhile: the dry run says it waits for a
    person to merge or register it, not 「更新 统一社会信用代码、注册号、名称…」 (nothing is updated before that)."""
    laptop = Laptop(snapshot(sqlite_engine, world.actor.office_id), "张伟", "笔记本A")
    noodle = business_values(sqlite_engine, world.noodle_uuid)
    laptop.new_row("business", {"name": noodle["name"], "operator": noodle["operator"], "address": noodle["address"],
                                "phone": "13611112222", "employees": 2})
    path = tmp_path / "回传包.json"
    path.write_text(package_to_json(laptop.package()), encoding="utf-8")
    preview = runner.invoke(cli.app, ["--db", sqlite_url.removeprefix("sqlite:///"), "sync", "apply", str(path),
                                      "--dry-run"])  # fmt: skip
    assert preview.exit_code == 0, preview.output
    assert f"市场主体：疑似同一户（本所已有「{noodle['name']}」，在回传冲突处理中决定合并或单独登记）" in preview.output
    assert "更新 名称" not in preview.output
