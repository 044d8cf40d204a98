"""`workbench inspect items / codes / inspectors / inspector-add / recuse`: the lists behind a draw."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from workbench.cli_inspect_common import OfficeOption, WhoOption, inspection_settings, run
from workbench.cli_output import say, say_table


def register(app: typer.Typer) -> None:
    app.command("items")(items_command)
    app.command("codes")(codes_command)
    app.command("inspectors")(inspectors_command)
    app.command("inspector-add")(add_command)
    app.command("recuse")(recuse_command)


def items_command() -> None:
    """抽查事项清单（一般 / 重点、责任部门、依据）；在配置文件夹放 inspection.toml 可改。"""
    loaded = inspection_settings().inspection
    say_table(("编号", "抽查事项", "类别", "部门", "依据"),
              [(n, item.name, item.kind, item.department, item.basis) for n, item in enumerate(loaded.rules.items, 1)])  # fmt: skip
    say(f"（清单版本 {loaded.version}，来自 {'、'.join(str(path) for path in loaded.sources)}）")


def codes_command() -> None:
    """抽查结果代码（公示系统口径，可多选）。"""
    rules = inspection_settings().inspection.rules
    say_table(("代码", "抽查结果", "归类"), [(code.code, code.label, code.group or "-") for code in rules.results])


def inspectors_command(ctx: typer.Context, office: OfficeOption = None) -> None:
    """执法检查人员名录：单位、执法证号及有效期、执法门类、能否参加抽取。"""
    from workbench.services.inspectors import list_inspectors

    lines = run(ctx, office, None, lambda session, actor: list_inspectors(session, actor=actor), commit=False)
    if not lines:
        say("检查人员名录还是空的（用 workbench inspect inspector-add 添加）")
        return
    today = date.today()
    say_table(("姓名", "单位", "本所", "执法证号", "有效期至", "执法门类", "今天能否抽取"), [
        (line.name, line.unit, "是" if line.own_office else "否", line.cert_no or "-", line.cert_expires_on or "-",
         line.line or "-", line.drawable_problem(today) or "可以")
        for line in lines
    ])  # fmt: skip


def add_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="姓名")],
    cert: Annotated[str, typer.Option("--cert", help="执法证号")] = "",
    expires: Annotated[str, typer.Option("--expires", help="执法证有效期至，如 2028-06-30")] = "",
    unit: Annotated[str, typer.Option("--unit", help="所在单位（其他部门人员必填）")] = "",
    partner: Annotated[bool, typer.Option("--partner", help="其他部门的人员（不是本所的）")] = False,
    officer: Annotated[str | None, typer.Option("--officer", help="本所包联干部中的姓名（用于包联回避）")] = None,
    line: Annotated[str, typer.Option("--line", help="执法门类")] = "",
    office: OfficeOption = None,
    who: WhoOption = None,
) -> None:
    """添加一名检查人员；没有执法证号或有效期已过的人不会被抽到。"""
    from workbench.services.inspectors import add_inspector

    def work(session: Any, actor: Any) -> str:
        added = add_inspector(session, actor=actor, data={
            "name": name, "cert_no": cert, "cert_expires_on": expires, "unit": unit, "own_office": not partner,
            "officer": officer, "line": line,
        })  # fmt: skip
        return f"已添加检查人员「{added.name}」（{added.unit}）"

    say(run(ctx, office, who, work))


def recuse_command(
    ctx: typer.Context,
    inspector: Annotated[str, typer.Argument(help="检查人员姓名或执法证号")],
    business: Annotated[str, typer.Argument(help="市场主体：统一社会信用代码、注册号或名称")],
    kind: Annotated[str, typer.Option("--kind", help="回避原因：亲属 / 曾经处罚 / 自报利害关系")],
    note: Annotated[str, typer.Option("--note", help="说明")] = "",
    office: OfficeOption = None,
    who: WhoOption = None,
) -> None:
    """登记回避关系：这名检查人员今后不会被派去检查这户。"""
    from sqlmodel import col, or_, select

    from storage.tables import Business
    from workbench.services.errors import NotFound
    from workbench.services.inspectors import add_recusal, find_inspector

    def work(session: Any, actor: Any) -> str:
        person = find_inspector(session, actor=actor, name_or_cert=inspector)
        text = business.strip()
        found = session.exec(select(Business).where(
            col(Business.office_id) == actor.office_id, col(Business.deleted_at).is_(None),
            or_(col(Business.uscc) == text.upper(), col(Business.reg_no) == text, col(Business.name) == text),
        )).all()  # fmt: skip
        if len(found) != 1:
            raise NotFound(f"本所找不到唯一的市场主体「{text}」（{len(found)} 户相符），请改用统一社会信用代码")
        add_recusal(session, actor=actor, inspector_uuid=person.uuid, business_uuid=found[0].uuid, kind=kind, note=note)
        return f"已登记：{person.name} 与「{found[0].name}」须回避（{kind}）"

    say(run(ctx, office, who, work))
