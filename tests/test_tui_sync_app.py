"""Issue 19 in the app: the office makes a 外业包, a new laptop's database is made from it, the laptop's work
goes back as a 回传包 and the office imports it (dry run first, a confirm that counts only once the dry run
could be read, conflicts decided in 回传冲突处理): every step with keys typed without pauses, on real files
(the office on SQLite and PostgreSQL, the laptop a SQLite file)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import msoffcrypto
from sqlalchemy import Engine
from sqlmodel import Session, select
from sync_laptops import business_values
from sync_world import laptop_engine
from test_tui_support import Office_, build_app, build_office, palette_found, read_preview, settle, type_ahead
from textual.widgets import Button, Input, Static

from screens.sync_apply_dialog import ApplyDialog
from screens.sync_dialogs import FieldPackageDialog, ReceiveDialog, ReturnPackageDialog
from screens.sync_entries import FirstRunDialog
from screens.sync_review import SyncReviewScreen
from screens.todo_screen import TodoScreen
from screens.widgets.dialogs import ConfirmDialog
from storage.audit import Actor
from storage.engine import make_engine
from storage.tables import Business, ChangeLog, Office, Officer
from workbench.services.register import update_business

ZHANG = "鹿城区张记小吃店"
LI = "鹿城区李家便利店"
PASSWORD = "wufang1"


async def from_palette(pilot: Any, typed: str) -> None:
    """Ctrl+P, the command's words, Enter on the first line (the palette searches as a task: it waits)."""
    await palette_found(pilot, typed)
    await pilot.press("enter")
    await settle(pilot)


async def confirm_once_read(pilot: Any) -> None:
    """F8 on a dry run read, then 确认导入 in the question once it is read too."""
    await read_preview(pilot)
    await type_ahead(pilot, "f8")
    await settle(pilot)
    await read_preview(pilot)
    await type_ahead(pilot, "left", "enter")
    await settle(pilot)


def said(app: Any) -> str:
    return str(app.screen.query_one("#sync-outcome", Static).render())


def version_of(engine: Engine, uuid: str) -> int:
    with Session(engine) as session:
        return session.exec(select(Business.version).where(Business.uuid == uuid)).one()


async def office_writes_field_package(engine: Engine, folder: Path, home: Path) -> Path:
    app = build_app(engine, folder, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await from_palette(pilot, "生成外业包")
        assert isinstance(app.screen, FieldPackageDialog)
        suggested = home / f"外业包-王芳-{date.today():%Y-%m-%d}.xlsx"
        assert app.screen.query_one("#sync-path", Input).value == str(suggested)
        # officer (王芳, the user) → grid (全部) → file (as suggested) → password, and Enter: typed at once
        await type_ahead(pilot, "tab", "tab", "tab", *PASSWORD, "enter")
        await settle(pilot)
        assert "已生成外业包：2户市场主体" in said(app)
        assert "已用密码加密，含完整身份证号" in said(app)
        assert str(suggested) in said(app).replace("\n", "")
        await type_ahead(pilot, "enter")  # 完成
        await settle(pilot)
        assert isinstance(app.screen, TodoScreen)
    with suggested.open("rb") as handle:
        assert msoffcrypto.OfficeFile(handle).is_encrypted()  # Excel's own encryption, not a plain workbook
    return suggested


async def laptop_takes_package_and_sends_work_back(laptop: Engine, folder: Path, package: Path) -> Path:
    app = build_app(laptop, folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FirstRunDialog)  # an empty database: quit, or make it from a 外业包
        await type_ahead(pilot, "right", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReceiveDialog)
        assert app.screen.query_one("#sync-path", Input).value == str(package)  # the newest 外业包 at home
        await type_ahead(pilot, "tab", *"wrong12", "enter")
        await settle(pilot)
        assert said(app) == f"「{package.name}」的密码不对：请核对生成外业包时设的密码（区分大小写）"
        await type_ahead(pilot, "ctrl+u", *PASSWORD, "enter")
        await settle(pilot)
        assert said(app).startswith("已建立本机工作库（王芳）：2户市场主体")
        await type_ahead(pilot, "enter")
        await settle(pilot)
        assert app.officer is not None and app.officer.name == "王芳"  # the laptop starts as the package's officer
        assert isinstance(app.screen, TodoScreen)
        # The officer's day out: 张记's phone changed at the door, 李家's tags noted.
        with Session(laptop) as session:
            held = {row.name: row for row in session.exec(select(Business))}
            on_laptop = Actor("王芳", "王芳的笔记本", held[ZHANG].office_id)
            update_business(session=session, actor=on_laptop, business_uuid=held[ZHANG].uuid,
                            base_version=held[ZHANG].version, changes={"phone": "13899990000"})
            update_business(session=session, actor=on_laptop, business_uuid=held[LI].uuid,
                            base_version=held[LI].version, changes={"tags": "夜市"})
            session.commit()
        await from_palette(pilot, "生成回传包")
        assert isinstance(app.screen, ReturnPackageDialog)
        target = Path(app.screen.query_one("#sync-path", Input).value)
        assert target.parent == package.parent and target.name.startswith("回传包-王芳-")
        await type_ahead(pilot, "enter")  # no password: the laptop holds whole ID numbers (a protected 外业包)
        await settle(pilot)
        assert "本机的修改含完整身份证号，回传包必须加密：请在「密码」一栏设置密码（至少6位），并把密码另行告知所里" in said(app)
        assert not target.exists()
        await type_ahead(pilot, "tab", *PASSWORD, "enter")
        await settle(pilot)
        assert said(app).startswith("已生成回传包：2处新增、修改或删除")
        assert "已用密码加密，含完整身份证号" in said(app)
        assert target.is_file()
    with target.open("rb") as handle:
        assert msoffcrypto.OfficeFile(handle).is_encrypted()
    return target


async def office_applies_return_package(engine: Engine, folder: Path, office: Office_, package: Path) -> None:
    zhang, li = office.business_uuids[ZHANG], office.business_uuids[LI]
    with Session(engine) as session:  # meanwhile at the office 陈静 changed 张记's phone too
        update_business(session=session, actor=Actor("陈静", "所里终端", office.office_id), business_uuid=zhang,
                        base_version=version_of(engine, zhang), changes={"phone": "13811112222"})
        session.commit()
    app = build_app(engine, folder, remember="陈静")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await from_palette(pilot, "导入回传包")
        assert isinstance(app.screen, ApplyDialog)
        # the file's name, Enter (dry run), and F8 at once: F8 came before the dry run could be read
        await type_ahead(pilot, *package.name, "tab", *PASSWORD, "enter", "f8")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ApplyDialog)
        assert any("请先看完预览再确认" in str(item.message) for item in app._notifications)
        lines = str(dialog.query_one("#sync-preview-lines", Static).render())
        assert "的回传包共 2 条：直接更新 1 条，有冲突 1 条" in lines
        assert "市场主体：有冲突（冲突 联系电话）" in lines
        assert "市场主体：直接更新（更新 标签）" in lines
        assert business_values(engine, li)["tags"] != "夜市"  # a dry run writes nothing
        await read_preview(pilot)
        await type_ahead(pilot, "f8")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await read_preview(pilot)
        await type_ahead(pilot, "left", "enter")
        await settle(pilot)
        assert app.screen is dialog
        assert "有1项等待人工处理" in said(app)
        assert str(dialog.query_one("#sync-start", Button).label) == "处理冲突"
        assert business_values(engine, li)["tags"] == "夜市"
        assert business_values(engine, zhang)["phone"] == "13811112222"  # the office's value until decided
        await type_ahead(pilot, "enter", "l")  # 处理冲突, then 采用外业值 on the one item
        await settle(pilot)
        assert isinstance(app.screen, SyncReviewScreen)
        assert "没有待处理的回传冲突" in str(app.screen.query_one("#sync-summary", Static).render())
        assert business_values(engine, zhang)["phone"] == "13899990000"
        # The same package again: the dry run says so, and nothing can be confirmed.
        await type_ahead(pilot, "escape")
        await settle(pilot)
        await from_palette(pilot, "导入回传包")
        await type_ahead(pilot, *package.name, "tab", *PASSWORD, "enter")
        await settle(pilot)
        assert "导入过，本次没有任何更改" in str(app.screen.query_one("#sync-preview-lines", Static).render())
        assert not app.screen.query_one("#sync-start", Button).display
    with Session(engine) as session:
        logged = session.exec(select(ChangeLog.action).where(ChangeLog.entity == "sync_package")).all()
    assert "export" in logged  # the field package was logged when it was written


async def whole_trip(office_engine: Engine, tmp_path: Path, sqlite_template: Path) -> None:
    office = build_office(office_engine)
    home = Path.home()
    home.mkdir(parents=True, exist_ok=True)
    package = await office_writes_field_package(office_engine, tmp_path / "office-1", home)
    laptop = laptop_engine(sqlite_template, tmp_path)
    try:
        back = await laptop_takes_package_and_sends_work_back(laptop, tmp_path / "laptop", package)
    finally:
        laptop.dispose()
    await office_applies_return_package(office_engine, tmp_path / "office-2", office, back)


async def test_a_field_trip_in_the_app_office_on_sqlite(
    sqlite_engine: Engine, tmp_path: Path, sqlite_template: Path
) -> None:
    await whole_trip(sqlite_engine, tmp_path, sqlite_template)


async def test_a_field_trip_in_the_app_office_on_postgresql(
    pg_engine: Engine, tmp_path: Path, sqlite_template: Path
) -> None:
    await whole_trip(pg_engine, tmp_path, sqlite_template)


async def test_the_import_wizard_offers_to_import_a_return_package_picked_as_a_list(
    sqlite_engine: Engine, tmp_path: Path, sqlite_template: Path
) -> None:
    from sync_app_world import make_return_package
    from test_tui_import import open_wizard
    from test_tui_import import settle as settle_wizard

    office = build_office(sqlite_engine)
    made = make_return_package(sqlite_engine, office, sqlite_template, tmp_path / "trip")
    downloads = Path.home() / "Downloads"
    downloads.mkdir(parents=True)
    package = downloads / made.name
    package.write_bytes(made.read_bytes())  # as it arrives: a file in Downloads
    app = build_app(sqlite_engine, tmp_path, remember="陈静")
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot)
        await type_ahead(pilot, "down", "enter")
        await settle_wizard(pilot)
        assert isinstance(app.screen, ConfirmDialog)  # not the column mapping of a list
        assert f"「{package.name}」是回传包" in app.screen.question
        assert wizard.step == "file"
        await type_ahead(pilot, "left", "enter", "enter")  # 导入回传包, then Enter in the path box: the dry run
        await settle_wizard(pilot)
        assert isinstance(app.screen, ApplyDialog)
        assert app.screen.query_one("#sync-path", Input).value == str(package)
        assert "的回传包共 1 条：直接更新 1 条" in str(app.screen.query_one("#sync-preview-lines", Static).render())
        assert not any(screen is wizard for screen in app.screen_stack)
        before = app.data_version
        await confirm_once_read(pilot)
        assert said(app).startswith("王芳")  # the apply's own sentence: who sent it, what was done
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert app.data_version > before  # the screens below re-read what the package changed
    assert business_values(sqlite_engine, office.business_uuids[LI])["tags"] == "夜市"


async def test_the_import_wizard_offers_to_refresh_a_laptop_from_a_field_package(
    sqlite_engine: Engine, tmp_path: Path, sqlite_template: Path
) -> None:
    from sync_app_world import make_return_package
    from test_tui_import import open_wizard
    from test_tui_import import settle as settle_wizard

    office = build_office(sqlite_engine)
    make_return_package(sqlite_engine, office, sqlite_template, tmp_path / "trip")
    engine = make_engine(f"sqlite:///{tmp_path / 'trip' / 'laptop.db'}")  # the laptop the helper read it into
    downloads = Path.home() / "Downloads"
    downloads.mkdir(parents=True)
    (downloads / "外业包.xlsx").write_bytes((tmp_path / "trip" / "外业包.xlsx").read_bytes())
    try:
        app = build_app(engine, tmp_path, remember="王芳")
        async with app.run_test(size=(80, 24)) as pilot:
            await open_wizard(pilot)
            await type_ahead(pilot, "down", "enter")
            await settle_wizard(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            assert "要用它更新本机（王芳）的工作库吗" in app.screen.question
            await type_ahead(pilot, "left", "enter", "enter")
            await settle_wizard(pilot)
            assert isinstance(app.screen, ReceiveDialog)
            assert said(app).startswith("已更新本机工作库（王芳）")
            assert "本机有1条修改尚未被所里收到，已保留" in said(app)  # 李家's tags, not yet sent back
            assert "市场主体「鹿城区李家便利店」：标签" in said(app)
    finally:
        engine.dispose()


async def test_a_wrong_file_or_another_offices_package_is_refused_in_one_sentence_naming_it(
    sqlite_engine: Engine, tmp_path: Path, sqlite_template: Path
) -> None:
    from sync_app_world import make_return_package

    from imports.sample_register import write_messy_xlsx

    elsewhere = laptop_engine(sqlite_template, tmp_path)  # another office's database, a file of its own
    try:
        made = make_return_package(elsewhere, build_office(elsewhere), sqlite_template, tmp_path / "trip")
    finally:
        elsewhere.dispose()
    other = Path.home() / "其他所的回传包.xlsx"
    other.parent.mkdir(parents=True, exist_ok=True)
    other.write_bytes(made.read_bytes())
    register = Path.home() / "登记名录.xlsx"
    write_messy_xlsx(register, 3)
    with Session(sqlite_engine) as session:  # this office has another code than the package's
        session.add(Office(code="330302009", name="南汇市场监管所"))
        session.commit()
    with Session(sqlite_engine) as session:
        office_id = session.exec(select(Office.id)).one()
        session.add(Officer(office_id=office_id, name="郑敏"))
        session.commit()
    app = build_app(sqlite_engine, tmp_path / "app", remember="郑敏")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_sync("apply")
        await settle(pilot)
        await type_ahead(pilot, *register.name, "enter")
        await settle(pilot)
        assert said(app) == "「登记名录.xlsx」不是工作台的回传包（没有「清单」表）：请选择工作台生成的回传包"
        await type_ahead(pilot, "ctrl+u", *str(other), "enter")
        await settle(pilot)
        assert said(app) == "「其他所的回传包.xlsx」：这个回传包属于其他所（所代码330302001），本所代码是330302009，不能导入"
        assert app.screen.query_one("#sync-path", Input).display  # the form stays, for another file


async def test_the_import_wizard_path_leads_on_to_the_conflicts_and_back(
    engine: Engine, tmp_path: Path, sqlite_template: Path
) -> None:
    """A 回传包 picked in the import wizard whose change clashes with the office's: 处理冲突 opens 回传冲突处理,
    the decision is written, and Esc goes back to the screen the wizard was opened from (not the wizard)."""
    from sync_app_world import make_return_package
    from test_tui_import import open_wizard
    from test_tui_import import settle as settle_wizard

    office = build_office(engine)
    li = office.business_uuids[LI]
    made = make_return_package(engine, office, sqlite_template, tmp_path / "trip")
    with Session(engine) as session:  # meanwhile at the office 陈静 noted other tags for 李家
        update_business(session=session, actor=Actor("陈静", "所里终端", office.office_id), business_uuid=li,
                        base_version=version_of(engine, li), changes={"tags": "早市"})
        session.commit()
    downloads = Path.home() / "Downloads"
    downloads.mkdir(parents=True)
    (downloads / made.name).write_bytes(made.read_bytes())
    app = build_app(engine, tmp_path, remember="陈静")
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot)
        below = app.screen_stack[-2]
        await type_ahead(pilot, "down", "enter")
        await settle_wizard(pilot)
        await type_ahead(pilot, "left", "enter", "enter")  # 导入回传包, then the dry run
        await settle_wizard(pilot)
        assert isinstance(app.screen, ApplyDialog)
        assert "有冲突 1 条" in str(app.screen.query_one("#sync-preview-lines", Static).render())
        await confirm_once_read(pilot)
        assert "有1项等待人工处理" in said(app)
        assert business_values(engine, li)["tags"] == "早市"  # the office's value until decided
        await type_ahead(pilot, "enter", "l")  # 处理冲突, then 采用外业值
        await settle(pilot)
        assert isinstance(app.screen, SyncReviewScreen)
        assert "没有待处理的回传冲突" in str(app.screen.query_one("#sync-summary", Static).render())
        assert business_values(engine, li)["tags"] == "夜市"
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert app.screen is below
        assert not any(screen is wizard for screen in app.screen_stack)
