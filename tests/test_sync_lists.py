"""Issue 19: a return package's support types, appeal channels and categories, visit results and licence kinds
are checked against the office's own lists (service.toml through OfficeSettings), as the office's forms are:
an unknown one is a row problem naming the row, the field and the value, and nothing is written."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from service_world import World, make_world
from sqlalchemy import Engine
from sqlmodel import Session
from sync_laptops import Laptop, rows_of, snapshot
from test_sync_scenario import table_dump
from typer.testing import CliRunner

from storage.audit import Actor
from workbench import cli, locations
from workbench.domain.service_lists import DEFAULT_LISTS
from workbench.domain.sync_json import package_to_json
from workbench.services.gateway import Gateway
from workbench.services.sync_plan import PackageRefused

runner = CliRunner()


@pytest.fixture
def world(engine: Engine) -> World:
    with Session(engine) as session:
        return make_world(session)


@pytest.fixture
def office(world: World) -> Actor:
    return Actor(who="李主任", device="所里终端", office_id=world.actor.office_id)


def _laptop(engine: Engine, world: World) -> Laptop:
    return Laptop(snapshot(engine, world.actor.office_id), "张伟", "笔记本A")


def test_values_not_on_the_offices_lists_are_row_problems(engine: Engine, world: World, office: Actor) -> None:
    laptop = _laptop(engine, world)
    laptop.new_row("support_record", {"kind": "送锦旗", "given_on": "2026-12-05", "content": "表彰"}, world.noodle_uuid)
    laptop.new_row("appeal", {"channel": "微信", "category": "融资需求", "description": "想贷款",
                              "received_on": "2026-12-05", "deadline": "2026-12-19", "state": "received"},
                   world.noodle_uuid)
    laptop.new_row("visit", {"visited_on": "2026-12-05", "finding": "很好"}, world.tea_uuid)
    laptop.new_row("license", {"kind": "烟草专卖许可证", "number": "330302001"}, world.tea_uuid)
    laptop.new_row("visit", {"visited_on": "2026-12-06", "finding": "正常经营"}, world.noodle_uuid)  # a good row
    package = laptop.package()
    desk = Gateway(engine).sync
    plan = desk.dry_run(office, package, DEFAULT_LISTS)
    assert plan.errors == (
        "回传包 第3行「渠道」的值「微信」有误：不在本所的渠道清单中（可选：窗口、电话、走访、12345转办、12315转办、线上），"
        "请改为其中一项，或先在 service.toml 中加入",
        "回传包 第4行「走访结果」的值「很好」有误：不在本所的走访结果清单中（可选：正常经营、未开业、已停业、查无下落、其他），"
        "请改为其中一项，或先在 service.toml 中加入",
        "回传包 第2行「帮扶类型」的值「送锦旗」有误：不在本所的帮扶类型清单中（可选：融资/首贷、信用贷款、培训/入市第一课、"
        "法律服务、经营场所、政策兑现、技术/质量服务、线上经营、其他），请改为其中一项，或先在 service.toml 中加入",
        "回传包 第5行「许可证种类」的值「烟草专卖许可证」有误：不在本所的许可证种类清单中（可选：食品经营许可证、小餐饮登记证、"
        "食品小作坊登记证、食品生产许可证、药品经营许可证、医疗器械经营许可证、特种设备使用登记证、特种行业许可证、"
        "烟草专卖零售许可证），请改为其中一项，或先在 service.toml 中加入",
    )
    assert [row.where for row in plan.rows] == ["回传包 第6行"]  # the good row still shows in the dry run
    before = table_dump(engine)
    with pytest.raises(PackageRefused, match="回传包有 4 处数据有误，整包未导入"):
        desk.apply(office, package, lists=DEFAULT_LISTS)
    assert table_dump(engine) == before
    # An office whose lists hold them takes the same package.
    lists = replace(DEFAULT_LISTS, support_types=(*DEFAULT_LISTS.support_types, "送锦旗"),
                    appeal_channels=(*DEFAULT_LISTS.appeal_channels, "微信"),
                    visit_findings=(*DEFAULT_LISTS.visit_findings, "很好"),
                    license_kinds=(*DEFAULT_LISTS.license_kinds, "烟草专卖许可证"))
    assert desk.dry_run(office, package, lists).errors == ()
    result = desk.apply(office, package, lists=lists)
    assert result.counts == {"insert": 5}
    assert rows_of(engine, "SELECT kind FROM support_record") == [{"kind": "送锦旗"}]


def test_only_what_the_laptop_set_is_checked(engine: Engine, world: World, office: Actor) -> None:
    """An old value the office has since dropped stays; a renewal may keep its licence's old kind."""
    desk = Gateway(engine).sync
    first = _laptop(engine, world)
    support = first.new_row("support_record", {"kind": "旧类型", "given_on": "2026-11-05", "content": "对接"},
                            world.noodle_uuid)
    old = first.new_row("license", {"kind": "旧证种", "number": "A1"}, world.noodle_uuid)
    desk.apply(office, first.package())  # no lists given: as before, unchecked
    second = _laptop(engine, world)
    second.changes[("support_record", support)] = replace(
        next(iter(first.changes.values())), values={"outcome": "已放款"}, base={"outcome": None}, base_version=1)
    second.new_row("license", {"kind": "旧证种", "number": "A2", "renews_uuid": old}, world.noodle_uuid)
    package = second.package()
    assert desk.dry_run(office, package, DEFAULT_LISTS).errors == ()
    assert desk.apply(office, package, lists=DEFAULT_LISTS).counts == {"apply": 1, "insert": 1}


def test_the_cli_checks_against_the_lists_in_the_config_folder(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path
) -> None:
    with Session(sqlite_engine) as session:
        world = make_world(session)
    laptop = _laptop(sqlite_engine, world)
    laptop.new_row("support_record", {"kind": "送锦旗", "given_on": "2026-12-05", "content": "表彰"}, world.noodle_uuid)
    path = tmp_path / "回传包.json"
    path.write_text(package_to_json(laptop.package()), encoding="utf-8")
    database = sqlite_url.removeprefix("sqlite:///")
    refused = runner.invoke(cli.app, ["--db", database, "sync", "apply", str(path)])
    assert refused.exit_code == 1
    assert "错误：回传包 第2行「帮扶类型」的值「送锦旗」有误：不在本所的帮扶类型清单中" in refused.output
    folder = locations.config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "service.toml").write_text('support_types = ["送锦旗", "其他"]\n', encoding="utf-8")
    done = runner.invoke(cli.app, ["--db", database, "sync", "apply", str(path)])
    assert done.exit_code == 0, done.output
    assert rows_of(sqlite_engine, "SELECT kind FROM support_record") == [{"kind": "送锦旗"}]
