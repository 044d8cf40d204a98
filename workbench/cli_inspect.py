"""`workbench inspect`: 双随机、一公开 from the command line.

    inspect task create 名称 --item 1 --item 5 --ratio 5 --from 2026-12-01 --to 2026-12-31 [范围、分类比例 …]
    inspect task list
    inspect draw 任务 [--seed N] [--dry-run] [--reason 重抽理由]
    inspect verify 任务
    inspect result 任务 主体 --code B --code E --date … [--follow-up 责令整改] …   (cli_inspect_results)
    inspect results 任务 -o 结果.xlsx;  inspect publish 任务 -o 公示.xlsx [--published-on 日期]
    inspect items / codes / inspectors / inspector-add / recuse                     (cli_inspect_people)
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from workbench.cli_inspect_common import (
    OfficeOption,
    TaskArgument,
    WhoOption,
    inspection_settings,
    parse_day,
    run,
)
from workbench.cli_output import say, say_table

inspect_app = typer.Typer(help="双随机、一公开：抽查任务、随机抽取与核验、检查人员、结果与公示。", no_args_is_help=True)
task_app = typer.Typer(help="抽查任务：新建、列出。", no_args_is_help=True)
inspect_app.add_typer(task_app, name="task")
SHOWN = 20  # drawn businesses printed; the rest are in `inspect results -o`


def register(app: typer.Typer) -> None:
    """Add `workbench inspect …` to the main app."""
    from workbench import cli_inspect_people, cli_inspect_results

    cli_inspect_people.register(inspect_app)
    cli_inspect_results.register(inspect_app)
    app.add_typer(inspect_app, name="inspect")


@task_app.command("create")
def create_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="任务名称")],
    starts: Annotated[str, typer.Option("--from", help="开始日期")],
    ends: Annotated[str, typer.Option("--to", help="结束日期（检查结束日，公示期限从这天起算）")],
    item: Annotated[list[str], typer.Option("--item", help="抽查事项：编号或名称，可写多次（inspect items 可查）")],
    source: Annotated[str, typer.Option("--source", help="任务来源：年度计划 / 专项 / 投诉举报转")] = "年度计划",
    department: Annotated[list[str] | None, typer.Option("--department", help="参加部门，联合抽查写多次")] = None,
    ratio: Annotated[str, typer.Option("--ratio", help="抽查比例（百分之几，如 5）")] = "",
    count: Annotated[int | None, typer.Option("--count", help="抽查户数（代替比例）")] = None,
    class_ratio: Annotated[list[str] | None, typer.Option(
        "--class-ratio", help="某一信用风险分类的比例，如 D=30 或 高风险=30，可写多次")] = None,  # fmt: skip
    per_business: Annotated[int | None, typer.Option("--per-business", help="每户检查人员数（默认 2）")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="范围：主体类型（个体工商户 / 企业 / 合作社）")] = None,
    status: Annotated[str | None, typer.Option("--status", help="范围：登记状态（默认 存续）")] = None,
    grid: Annotated[str | None, typer.Option("--grid", help="范围：网格")] = None,
    tier: Annotated[str | None, typer.Option("--tier", help="范围：三型（生存型 / 成长型 / 发展型）")] = None,
    size: Annotated[str | None, typer.Option("--size", help="范围：规模（大型 / 中型 / 小型 / 微型）")] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="范围：带这个标签的主体")] = None,
    industry: Annotated[list[str] | None, typer.Option(
        "--industry", help="范围：行业代码（GB/T 4754，门类字母如 H、大类如 62、中小类如 5224，含其下各类）或行业名称（如 餐饮、便利店），可写多次")] = None,
    license_kind: Annotated[str | None, typer.Option(
        "--license", help="范围：持有这种许可证（任务开始日有效、未注销），如 食品经营许可证")] = None,
    risk_class: Annotated[list[str] | None, typer.Option(
        "--risk-class", help="范围：只抽这些信用风险分类（A/B/C/D 或 高风险 等），可写多次")] = None,
    zero_figures: Annotated[bool, typer.Option(
        "--zero-figures", help="范围：只抽最近一年经营数据（营收、纳税、从业人数、参保人数）全为 0 的主体")] = False,
    office: OfficeOption = None,
    who: WhoOption = None,
) -> None:
    """新建抽查任务：事项、范围、比例（或户数）、每户检查人员、起止日期。"""
    from workbench.services.inspection_tasks import TaskSpec, create_task

    settings = inspection_settings()
    rules = settings.inspection.rules
    license_kinds = settings.service.lists.license_kinds
    chosen = []
    for typed in item:
        found = rules.item(typed)
        if found is None:
            say(f"抽查事项「{typed}」不在清单中（用 workbench inspect items 查看编号和名称）", err=True)
            raise typer.Exit(1)
        chosen.append(found)
    class_ratios: dict[str, str] = {}
    for written in class_ratio or []:
        label, _sep, value = written.replace("＝", "=").partition("=")
        code = rules.risk_code(label)
        if code is None or not value.strip():
            known = "、".join(f"{risk.code}（{risk.label}）" for risk in rules.risk_classes)
            say(f"分类比例「{written}」看不懂：应写成 分类=比例，如 D=30；分类可用 {known}", err=True)
            raise typer.Exit(1)
        class_ratios[code] = value.strip().removesuffix("%")
    starts_on, ends_on = parse_day(starts, "--from"), parse_day(ends, "--to")
    assert starts_on is not None and ends_on is not None

    def work(session: Any, actor: Any) -> str:
        from workbench.services.errors import ValidationFailed

        scope, problems = _scope(session, actor, kind, status, grid, tier, size, tag)
        scope.update(industry=industry, license_kind=license_kind, zero_figures=zero_figures,
                     risk_class=[rules.risk_code(typed) or typed for typed in risk_class or ()])  # fmt: skip
        spec = TaskSpec(
            name, source, chosen, starts_on, ends_on, tuple(department or ()), scope, ratio, count, class_ratios,
            per_business or rules.inspectors_per_business,
        )  # fmt: skip
        try:
            task = create_task(session, actor=actor, spec=spec, risk_codes=[risk.code for risk in rules.risk_classes],
                               license_kinds=license_kinds)  # fmt: skip
        except ValidationFailed as refused:  # every mistake at once: the scope's and the task's
            raise ValidationFailed({**problems, **refused.errors}) from None
        if problems:
            raise ValidationFailed(problems)
        return (f"已新建抽查任务 {task.id}「{task.name}」：{task.ratio_text()}，每户 {task.per_business} 名检查人员；"
                f"范围：{task.scope_text(**_namers(session, actor, rules))}")  # fmt: skip

    say(run(ctx, office, who, work))


@task_app.command("list")
def list_command(ctx: typer.Context, office: OfficeOption = None) -> None:
    """列出本所的抽查任务及其抽取状态。"""
    from workbench.services.inspection_draws import current_draw
    from workbench.services.inspection_tasks import list_tasks

    rules = inspection_settings().inspection.rules

    def work(session: Any, actor: Any) -> list[tuple[object, ...]]:
        rows: list[tuple[object, ...]] = []
        namers = _namers(session, actor, rules)
        for task in list_tasks(session, actor=actor):
            draw = current_draw(session, actor, task)
            state = f"已抽取（种子 {draw.seed}）" if draw else "未抽取"
            rows.append((task.id, task.name, task.source, "、".join(task.departments), task.scope_text(**namers),
                         task.ratio_text(), f"{task.starts_on} 至 {task.ends_on}", state))  # fmt: skip
        return rows

    rows = run(ctx, office, None, work, commit=False)
    if not rows:
        say("还没有抽查任务（用 workbench inspect task create 新建）")
        return
    say_table(("编号", "名称", "来源", "部门", "范围", "比例/户数", "起止", "抽取"), rows)


@inspect_app.command("draw")
def draw_command(
    ctx: typer.Context,
    task: TaskArgument,
    seed: Annotated[str | None, typer.Option("--seed", help="随机种子（不给则随机产生并记录）")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只试抽、显示结果，不记录")] = False,
    reason: Annotated[str, typer.Option("--reason", help="重抽理由（任务已抽取时必须给出）")] = "",
    office: OfficeOption = None,
    who: WhoOption = None,
) -> None:
    """随机抽取检查对象并匹配检查人员；不加 --dry-run 即记录并锁定（之后只能写明理由重抽）。"""
    from workbench.services.inspection_draws import draw_task
    from workbench.services.inspection_tasks import find_task

    settings = inspection_settings()
    loaded = settings.inspection

    def work(session: Any, actor: Any) -> Any:
        found = find_task(session, actor=actor, which=task)
        drawn = draw_task(session, actor=actor, task=found, rules=loaded.rules, rules_version=loaded.version,
                          seed=seed, dry_run=dry_run, redraw_reason=reason)  # fmt: skip
        return drawn, found.scope_text(**_namers(session, actor, loaded.rules))

    report, scope_text = run(ctx, office, who, work, commit=not dry_run)
    _say_draw(report, dry_run, loaded.rules, scope_text)
    if report.problems or report.shortage:
        raise typer.Exit(1)


def _say_draw(report: Any, dry_run: bool, rules: Any, scope_text: str) -> None:
    say(f"任务「{report.task.name}」：名录库 {report.population_count:,} 户（指纹 {report.population_hash[:16]}…），"
        f"种子 {report.seed}")  # fmt: skip
    say(f"  范围：{scope_text}")
    for cls, (members, drawn) in sorted(report.quotas.items()):
        say(f"  {rules.risk_label(cls)}：{members:,} 户中抽 {drawn:,} 户")
    for name, why in report.excluded:
        say(f"  未入抽的检查人员：{name}（{why}）")
    if report.shortage:
        say(f"无法抽取，本次没有记录：{report.shortage}；请先用 workbench inspect inspectors 查看名录，"
            "inspector-add 添加或补全检查人员后再抽", err=True)  # fmt: skip
        return
    if report.problems:
        say(f"有 {len(report.problems)} 户无法匹配检查人员，本次没有记录：", err=True)
        for sentence in report.problems[:SHOWN]:
            say(f"  {sentence}", err=True)
        return
    say_table(("序号", "市场主体", "检查人员", "回避记录"), [
        (line.position, line.business.label, "、".join(line.inspectors),
         "；".join(f"{name}（{why}）" for name, why in line.skipped) or "-")
        for line in report.lines[:SHOWN]
    ])  # fmt: skip
    if len(report.lines) > SHOWN:
        say(f"  ……共 {len(report.lines):,} 户（全部名单用 workbench inspect results 任务 -o 文件 导出）")
    if dry_run:
        say("以上为试抽，没有记录；确认无误后去掉 --dry-run 再抽一次（同一种子结果相同）")
    elif report.replaced_uuid:
        say(f"已重抽并锁定 {len(report.lines):,} 户；第一次抽取的结果已保留备查")
    else:
        say(f"已抽取并锁定 {len(report.lines):,} 户；可用 workbench inspect verify 核验")


@inspect_app.command("verify")
def verify_command(ctx: typer.Context, task: TaskArgument, office: OfficeOption = None) -> None:
    """按记录的种子和规则重抽一遍，与记录比对；名录库变化也会指出。"""
    from workbench.services.inspection_tasks import find_task
    from workbench.services.inspection_verify import verify_task

    rules = inspection_settings().inspection.rules

    def work(session: Any, actor: Any) -> Any:
        return verify_task(session, actor=actor, task=find_task(session, actor=actor, which=task), rules=rules)

    report = run(ctx, office, None, work, commit=False)
    if report.ok:
        say(f"核验一致：任务「{report.task.name}」按种子 {report.seed} 重抽，{report.recorded_count:,} 户名录库与记录的抽取结果完全相同")
        return
    if not report.population_same:
        say(f"名录库已变化：抽取时 {report.recorded_count:,} 户，现在按同一范围有 {report.current_count:,} 户"
            "（户数相同时为主体增减、注销或标签变化）；抽中的名单无法按现有名录库重现", err=True)  # fmt: skip
    for text in report.differences:
        say(f"  {text}", err=True)
    raise typer.Exit(1)


def _namers(session: Any, actor: Any, rules: Any) -> dict[str, Any]:
    """How a scope names its grid and its credit-risk classes (inspection_scope.scope_words)."""
    from workbench.services.office import grids

    names = {choice.id: choice.name for choice in grids(session=session, office_id=actor.office_id)}
    return {"grid_name": names.get, "risk_label": rules.risk_label}


def _scope(session: Any, actor: Any, kind: str | None, status: str | None, grid: str | None, tier: str | None,
           size: str | None, tag: str | None) -> tuple[dict[str, Any], dict[str, str]]:  # fmt: skip
    """The scope options as the task stores them, and a Chinese sentence per option that names nothing."""
    from workbench.domain.labels import normalise_kind, normalise_status
    from workbench.domain.list_filters import size_code, tier_code
    from workbench.services.office import grids

    scope: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for key, typed, read, what in (("kind", kind, normalise_kind, "主体类型"), ("status", status, normalise_status, "登记状态"),
                                   ("tier", tier, tier_code, "三型"), ("size_class", size, size_code, "规模")):  # fmt: skip
        if typed:
            value = read(typed)
            if value is None:
                problems[key] = f"{what}「{typed}」无法识别"
            else:
                scope[key] = value
    if grid:
        found = [choice.id for choice in grids(session=session, office_id=actor.office_id) if choice.name == grid.strip()]
        if not found:
            problems["grid"] = f"本所没有网格「{grid}」"
        else:
            scope["grid_id"] = found[0]
    if tag:
        scope["tag"] = tag.strip()
    return scope, problems
