"""`workbench sync out | in | back` as a person types them (issue 19): office file → package → laptop file
→ an edit → return package, and the refusals in one Chinese sentence."""

from __future__ import annotations

import shutil
from pathlib import Path

from openpyxl import load_workbook
from sqlmodel import Session, select
from sync_world import make_sync_world
from typer.testing import CliRunner

from imports.sync_back import read_return_package
from storage.audit import Actor
from storage.engine import make_engine
from storage.tables import Business
from workbench import cli
from workbench.services.register import update_business
from workbench.services.sync_laptop import laptop_officer

runner = CliRunner()


def _office(sqlite_template: Path, folder: Path) -> Path:
    path = folder / "office.db"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(str(path))
    with Session(engine) as session:
        make_sync_world(session)
    engine.dispose()
    return path


def test_office_to_laptop_and_back_on_the_command_line(sqlite_template: Path, tmp_path: Path) -> None:
    office = _office(sqlite_template, tmp_path)
    package = tmp_path / "外业包-张伟-2026-12-06.xlsx"
    out = runner.invoke(cli.app, ["--db", str(office), "sync", "out", "--office", "五马市场监管所", "--officer", "张伟", "-o", str(package)])
    assert out.exit_code == 0, out.output
    assert "已为 张伟 生成外业包：2 户市场主体" in out.output and "身份证号已部分隐藏" in out.output
    laptop = tmp_path / "笔记本" / "laptop.db"
    laptop.parent.mkdir()
    taken = runner.invoke(cli.app, ["sync", "in", str(package), "--db", str(laptop)])
    assert taken.exit_code == 0, taken.output
    assert "已建立本机工作库（张伟）：2 户市场主体" in taken.output
    engine = make_engine(str(laptop))
    with Session(engine) as session:
        assert laptop_officer(session) == "张伟"
        tea = session.exec(select(Business).where(Business.name == "阿香奶茶店")).one()
        from storage.audit import Actor

        me = Actor(who="张伟", device="笔记本", office_id=tea.office_id)
        update_business(session=session, actor=me, business_uuid=tea.uuid, base_version=tea.version,
                        changes={"employees": 5})
        session.commit()
    engine.dispose()
    again = runner.invoke(cli.app, ["sync", "in", str(package), "--db", str(laptop)])
    assert again.exit_code == 0, again.output
    assert "本机有 1 条修改尚未被所里收到，已保留" in again.output and "市场主体「阿香奶茶店」：从业人员" in again.output
    back = tmp_path / "回传包.xlsx"
    sent = runner.invoke(cli.app, ["sync", "back", "-o", str(back), "--db", str(laptop)])
    assert sent.exit_code == 0, sent.output
    assert "已生成回传包：1 处新增、修改或删除" in sent.output
    (change,) = read_return_package(back).changes
    assert (change.table, change.values, change.base) == ("business", {"employees": 5}, {"employees": None})
    # the readable side of the return package: what a person sees first
    sheet = load_workbook(back)["变更"]
    assert [cell.value for cell in sheet[2]][:6] == ["市场主体", "阿香奶茶店", "从业人员", None, "5", "修改"]


def test_refusals_are_one_chinese_sentence(sqlite_template: Path, tmp_path: Path) -> None:
    office = _office(sqlite_template, tmp_path)
    wrong = runner.invoke(cli.app, ["--db", str(office), "sync", "out", "--office", "五马市场监管所", "--officer", "李四", "-o", str(tmp_path / "x.xlsx")])
    assert wrong.exit_code == 1 and "没有名为「李四」的包联干部" in wrong.output
    missing = runner.invoke(cli.app, ["sync", "in", str(tmp_path / "没有.xlsx"), "--db", str(tmp_path / "l.db")])
    assert missing.exit_code == 1 and "找不到文件" in missing.output and "Traceback" not in missing.output
    package = tmp_path / "p.xlsx"
    assert runner.invoke(cli.app, ["--db", str(office), "sync", "out", "--office", "五马市场监管所", "--officer", "张伟", "-o", str(package)]).exit_code == 0
    into_office = runner.invoke(cli.app, ["sync", "in", str(package), "--db", str(office)])
    assert into_office.exit_code == 1 and "不是由外业包建立的笔记本库" in into_office.output
    not_laptop = runner.invoke(cli.app, ["sync", "back", "-o", str(tmp_path / "r.xlsx"), "--db", str(office)])
    assert not_laptop.exit_code == 1 and "回传包只能在读入过外业包的笔记本上生成" in not_laptop.output
    locked = tmp_path / "加密.xlsx"
    made = runner.invoke(cli.app, ["--db", str(office), "sync", "out", "--office", "五马市场监管所", "--officer", "张伟", "-o", str(locked),
                                   "--password", "secret-7"])
    assert made.exit_code == 0 and "已用密码加密并含完整身份证号" in made.output
    no_password = runner.invoke(cli.app, ["sync", "in", str(locked), "--db", str(tmp_path / "l.db")])
    assert no_password.exit_code == 1 and "已用密码加密：请用 --password" in no_password.output


def test_a_package_from_another_office_with_the_same_code_is_refused(tmp_path: Path) -> None:
    """Two 所 of one district made with `init --region 330302` share the code 330302: a 回传包 from 七都所's laptop
    brought to 五马所 is refused in one sentence (it was read as new businesses of 五马所), nothing written."""
    def office(name: str, officer: str) -> list[str]:
        base = ["--db", str(tmp_path / f"{name}.db")]
        made = runner.invoke(cli.app, [*base, "init", "--office", name, "--officer", officer, "--grid", "片区",
                                        "--region", "330302"])  # fmt: skip
        assert made.exit_code == 0, made.output
        return base

    wuma, qidu = office("五马市场监管所", "张伟"), office("七都市场监管所", "王五")
    engine = make_engine(str(tmp_path / "七都市场监管所.db"))
    with Session(engine) as session:
        session.add(Business(office_id=1, name="七都小吃店", reg_no="330302000003031", officer_id=1))
        session.commit()
    engine.dispose()
    package, laptop = tmp_path / "外业包-王五.xlsx", str(tmp_path / "laptop.db")
    assert runner.invoke(cli.app, [*qidu, "sync", "out", "--officer", "王五", "-o", str(package)]).exit_code == 0
    assert runner.invoke(cli.app, ["sync", "in", str(package), "--db", laptop]).exit_code == 0
    engine = make_engine(laptop)
    with Session(engine) as session:
        shop = session.exec(select(Business)).one()
        update_business(session=session, actor=_laptop_actor(session), business_uuid=shop.uuid,
                        base_version=shop.version, changes={"phone": "13900001111"})
        session.commit()
    engine.dispose()
    back = tmp_path / "回传包-王五.xlsx"
    assert runner.invoke(cli.app, ["sync", "back", "-o", str(back), "--db", laptop]).exit_code == 0
    before = (tmp_path / "五马市场监管所.db").read_bytes()
    refused = runner.invoke(cli.app, [*wuma, "sync", "apply", str(back)])
    assert refused.exit_code == 1
    assert "这个回传包来自另一个所的外业包（所代码同为 330302），不能在本所导入" in refused.output
    assert (tmp_path / "五马市场监管所.db").read_bytes() == before


def _laptop_actor(session: Session) -> Actor:
    from storage.tables import Office

    return Actor(who="王五", device="笔记本", office_id=session.exec(select(Office)).one().id)
