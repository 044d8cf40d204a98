"""A real 回传包 for the app's tests (issue 19), made through the screens' own gateway (imports.file_gateway)
without the screens: the office's 外业包 for 王芳, a new laptop database read from it, 李家's tags changed
there, and the laptop's 回传包 — files in `folder`."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select
from sync_world import laptop_engine
from test_tui_support import Office_

from imports.file_gateway import FileGateway
from storage.audit import Actor
from storage.tables import Business
from workbench.services.register import update_business
from workbench.services.settings import OfficeSettings

LI = "鹿城区李家便利店"


def make_return_package(office_engine: Engine, office: Office_, sqlite_template: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    settings = OfficeSettings(folder / "config")
    actor = Actor("王芳", "所里终端", office.office_id, office.officer_ids["王芳"])
    field = FileGateway(office_engine).write_field_package(
        actor, officer_id=office.officer_ids["王芳"], officer="王芳", grid_id=None, path=folder / "外业包.xlsx",
        password=None, lists=settings.service.lists, settings_folder=None, progress=lambda done, total: None,
    )
    laptop = laptop_engine(sqlite_template, folder)
    try:
        files = FileGateway(laptop)
        files.receive_field_package(field.path, password=None, device="王芳的笔记本", settings_folder=None,
                                    progress=lambda done, total: None)
        with Session(laptop) as session:
            li = session.exec(select(Business).where(Business.name == LI)).one()
            update_business(session=session, actor=Actor("王芳", "王芳的笔记本", li.office_id), business_uuid=li.uuid,
                            base_version=li.version, changes={"tags": "夜市"})
            session.commit()
        return files.write_return_package(folder / "回传包-王芳.xlsx", device="王芳的笔记本").path
    finally:
        laptop.dispose()
