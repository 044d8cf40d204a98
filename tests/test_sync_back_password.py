"""A laptop loaded from a password-protected 外业包 holds whole ID numbers: its 回传包 must be encrypted too
(`workbench sync back --password`), its manifest says 含完整身份证号 = 是, and the office reads it with
`sync apply --password`. The whole loop on real files, the laptop a SQLite file, the office on both engines."""

from __future__ import annotations

import shutil
from pathlib import Path

import msoffcrypto
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session, select
from sync_world import ID_NUMBER, make_sync_world
from typer.testing import CliRunner

from imports.sync_back import read_return_package
from storage.audit import Actor
from storage.engine import make_engine
from storage.tables import Business
from workbench import cli
from workbench.services.register import create_business, update_business

runner = CliRunner()
PASSWORD = "wuma-2026"
CHANGED_ID = "330304198507074565"  # 面馆's operator's number corrected at the door
NEW_ID = "330302199002021232"  # a shop opened since the 外业包
REFUSED = "本机的修改含完整身份证号，回传包必须加密：请用 --password 设置密码（至少 6 位），并把密码另行告知所里"


def _office(engine: Engine) -> None:
    with Session(engine) as session:
        make_sync_world(session)


def _out(office_url: str, package: Path, *password: str) -> None:
    made = runner.invoke(cli.app, ["--db", office_url, "sync", "out", "--office", "五马市场监管所", "--officer", "张伟",
                                   "-o", str(package), *password])
    assert made.exit_code == 0, made.output


def _laptop(sqlite_template: Path, folder: Path, package: Path, *password: str) -> Path:
    laptop = folder / "笔记本.db"
    shutil.copyfile(sqlite_template, laptop)
    taken = runner.invoke(cli.app, ["sync", "in", str(package), "--db", str(laptop), *password])
    assert taken.exit_code == 0, taken.output
    return laptop


def _masked_laptop(office_url: str, engine: Engine, sqlite_template: Path, folder: Path) -> Path:
    """The office, a plain (masked) 外业包 for 张伟, and his laptop loaded from it."""
    _office(engine)
    package = folder / "外业包-张伟.xlsx"
    _out(office_url, package)
    return _laptop(sqlite_template, folder, package)


def _edit_on_laptop(laptop: Path, changes: dict[str, object], new_id: str | None) -> str:
    """The officer's day out: 面馆 changed, and (with new_id) a new shop with its operator's ID number."""
    engine = make_engine(str(laptop))
    try:
        with Session(engine) as session:
            noodle = session.exec(select(Business).where(Business.id_number.is_not(None))).first()  # type: ignore[union-attr]
            assert noodle is not None
            me = Actor(who="张伟", device="笔记本", office_id=noodle.office_id)
            update_business(session=session, actor=me, business_uuid=noodle.uuid, base_version=noodle.version,
                            changes=changes)
            if new_id is not None:
                officer_id = noodle.officer_id
                create_business(session=session, actor=me, data={
                    "name": "新开早餐店", "operator": "李娜", "address": "温州市鹿城区五马街9号",
                    "officer_id": officer_id, "id_number": new_id})
            session.commit()
            return noodle.uuid
    finally:
        engine.dispose()


def _office_ids(engine: Engine) -> dict[str, str | None]:
    with Session(engine) as session:
        return {row.name: row.id_number for row in session.exec(select(Business))}


def test_a_protected_trip_comes_back_protected(
    engine_url: str, engine: Engine, sqlite_template: Path, tmp_path: Path
) -> None:
    _office(engine)
    package = tmp_path / "外业包-张伟.xlsx"
    _out(engine_url, package, "--password", PASSWORD)
    laptop = _laptop(sqlite_template, tmp_path, package, "--password", PASSWORD)
    _edit_on_laptop(laptop, {"id_number": CHANGED_ID}, NEW_ID)
    back = tmp_path / "回传包-张伟.xlsx"

    refused = runner.invoke(cli.app, ["sync", "back", "-o", str(back), "--db", str(laptop)])
    assert refused.exit_code == 1 and REFUSED in refused.output and "Traceback" not in refused.output
    assert not back.exists()
    short = runner.invoke(cli.app, ["sync", "back", "-o", str(back), "--db", str(laptop), "--password", "12345"])
    assert short.exit_code == 1 and "密码太短（5 位）：请用至少 6 位的密码，没有生成回传包" in short.output
    assert not back.exists()

    sent = runner.invoke(cli.app, ["sync", "back", "-o", str(back), "--db", str(laptop), "--password", PASSWORD])
    assert sent.exit_code == 0, sent.output
    assert "回传包已用密码加密并含完整身份证号" in sent.output
    with back.open("rb") as handle:
        assert msoffcrypto.OfficeFile(handle).is_encrypted()
    with pytest.raises(Exception):  # noqa: B017 - any refusal: the file is no plain workbook without the password
        load_workbook(back)
    assert CHANGED_ID.encode() not in back.read_bytes() and NEW_ID.encode() not in back.read_bytes()
    package_read = read_return_package(back, PASSWORD)
    assert package_read.manifest.personal_data
    assert {change.values.get("id_number") for change in package_read.changes} == {CHANGED_ID, NEW_ID}

    missing = runner.invoke(cli.app, ["--db", engine_url, "sync", "apply", str(back)])
    assert missing.exit_code == 1 and "已用密码加密：请用 --password" in missing.output
    wrong = runner.invoke(cli.app, ["--db", engine_url, "sync", "apply", str(back), "--password", "wrong-pw"])
    assert wrong.exit_code == 1 and "的密码不对：请核对生成回传包时设的密码（区分大小写）" in wrong.output
    assert ID_NUMBER in _office_ids(engine).values() and NEW_ID not in _office_ids(engine).values()  # nothing yet

    applied = runner.invoke(cli.app, ["--db", engine_url, "sync", "apply", str(back), "--password", PASSWORD,
                                      "--officer", "李主任"])
    assert applied.exit_code == 0, applied.output
    ids = _office_ids(engine)
    assert ids["新开早餐店"] == NEW_ID
    assert CHANGED_ID in ids.values() and ID_NUMBER not in ids.values()


def test_a_masked_trip_needs_a_password_only_for_a_whole_id_number(
    engine_url: str, engine: Engine, sqlite_template: Path, tmp_path: Path
) -> None:
    laptop = _masked_laptop(engine_url, engine, sqlite_template, tmp_path)
    _edit_on_laptop(laptop, {"employees": 7}, None)
    plain = tmp_path / "回传包-无身份证号.xlsx"
    sent = runner.invoke(cli.app, ["sync", "back", "-o", str(plain), "--db", str(laptop)])
    assert sent.exit_code == 0, sent.output
    assert "加密" not in sent.output
    assert not read_return_package(plain).manifest.personal_data
    load_workbook(plain)  # as today: a plain workbook

    _edit_on_laptop(laptop, {"id_number": CHANGED_ID}, None)  # the whole number typed on a masked laptop
    back = tmp_path / "回传包-身份证号.xlsx"
    refused = runner.invoke(cli.app, ["sync", "back", "-o", str(back), "--db", str(laptop)])
    assert refused.exit_code == 1 and REFUSED in refused.output and not back.exists()
    sent = runner.invoke(cli.app, ["sync", "back", "-o", str(back), "--db", str(laptop), "--password", PASSWORD])
    assert sent.exit_code == 0, sent.output
    assert read_return_package(back, PASSWORD).manifest.personal_data
    applied = runner.invoke(cli.app, ["--db", engine_url, "sync", "apply", str(back), "--password", PASSWORD,
                                      "--officer", "李主任"])
    assert applied.exit_code == 0, applied.output
    assert CHANGED_ID in _office_ids(engine).values()


def test_a_password_given_without_id_numbers_still_encrypts(
    engine_url: str, engine: Engine, sqlite_template: Path, tmp_path: Path
) -> None:
    laptop = _masked_laptop(engine_url, engine, sqlite_template, tmp_path)
    _edit_on_laptop(laptop, {"employees": 7}, None)
    back = tmp_path / "回传包.xlsx"
    sent = runner.invoke(cli.app, ["sync", "back", "-o", str(back), "--db", str(laptop), "--password", PASSWORD])
    assert sent.exit_code == 0, sent.output
    assert "回传包已用密码加密：请把密码另行告知所里" in sent.output
    with back.open("rb") as handle:
        assert msoffcrypto.OfficeFile(handle).is_encrypted()
    assert not read_return_package(back, PASSWORD).manifest.personal_data
