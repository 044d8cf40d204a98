"""规模测算: the size-class calculator (like MIIT's 中小企业规模类型自测), answering as the figures are typed."""

from __future__ import annotations

import unicodedata

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from screens.widgets.industry_picker import IndustryInput, IndustryMatches
from workbench.domain.reference import industry_name
from workbench.domain.size_class import SizeVerdict, classify_size

FIELDS = (
    ("industry", "行业代码", "GB/T 4754，如 5211 或 C"),
    ("employees", "从业人员", "人"),
    ("revenue", "营业收入", "万元"),
    ("assets", "资产总额", "万元"),
)


def parse_figure(raw: str, label: str) -> float | None:
    """Blank -> None; full-width digits and thousands commas are fine; anything else is refused in Chinese."""
    text = unicodedata.normalize("NFKC", raw).replace(",", "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{label}「{raw.strip()}」不是数字") from None
    if value < 0:
        raise ValueError(f"{label}不能是负数")
    return value


class SizeDialog(ModalScreen[None]):
    """Four inputs; the verdict with a reason per indicator updates on every keystroke. Esc closes."""

    BINDINGS = [Binding("escape", "close", "关闭", id="size.close")]
    DEFAULT_CSS = """
    SizeDialog .size-dialog { width: 80; }
    SizeDialog .size-line { height: 1; }
    SizeDialog .size-line Label { width: 10; }
    SizeDialog .size-line Input { width: 24; }
    SizeDialog .size-unit { width: 1fr; color: $text-muted; padding-left: 1; }
    SizeDialog #size-verdict { margin-top: 1; height: auto; }
    SizeDialog IndustryMatches { margin-left: 10; }
    """

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog size-dialog"):
            yield Label("规模测算（中小企业划型标准）", classes="dialog-title")
            for name, label, unit in FIELDS:
                matches = IndustryMatches(id="size-industry-matches") if name == "industry" else None
                with Horizontal(classes="size-line"):
                    yield Label(label)
                    if matches is not None:  # 行业 by name too: 「小吃」 offers 6291 小吃服务
                        yield IndustryInput(matches, id=f"size-{name}", compact=True, select_on_focus=False)
                    else:
                        yield Input(id=f"size-{name}", compact=True, select_on_focus=False)
                    yield Static(unit, classes="size-unit")
                if matches is not None:
                    yield matches
            yield Static("填写行业代码和指标后显示结果", id="size-verdict")
            yield Static("Tab 下一项    Esc 关闭    不填的指标不参与测算", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#size-industry", Input).focus()

    def on_input_changed(self, _event: Input.Changed) -> None:
        self.query_one("#size-verdict", Static).update(self.verdict_text())

    def verdict_text(self) -> Text:
        values = {name: self.query_one(f"#size-{name}", Input).value for name, _, _ in FIELDS}
        code = values["industry"].strip().upper()
        if not code:
            return Text("请填写行业代码", style="dim")
        try:
            numbers = {name: parse_figure(values[name], label) for name, label, _ in FIELDS[1:]}
        except ValueError as problem:
            return Text(str(problem), style="red")
        verdict = classify_size(
            code, employees=numbers["employees"], revenue_wan=numbers["revenue"], assets_wan=numbers["assets"]
        )
        return render_verdict(code, verdict)

    def action_close(self) -> None:
        self.dismiss(None)


def render_verdict(code: str, verdict: SizeVerdict) -> Text:
    """结果：小型 (bold), the industry row, then one line per indicator and note, and the source."""
    name = industry_name(code) or ""
    text = Text.assemble(
        ("结果：", "dim"), (verdict.size_class.label if verdict.size_class else "无法划型", "bold")
    )
    if verdict.row is not None:
        text.append(f"    {code} {name}：按「{verdict.row.name}」划型", "dim")
    for reason in verdict.reasons:
        text.append(f"\n  · {reason.text}")
    for note in verdict.notes:
        text.append(f"\n  · {note}", "dim" if "忽略" in note else "")
    text.append(f"\n依据：{verdict.source}", "dim")
    return text
