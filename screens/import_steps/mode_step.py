"""Step 3, 导入方式: insert only, update only or both; and whether rows without a code may match by name."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, RadioSet, Select, Static

from screens.import_steps.assign_choice import AssignChoice
from screens.widgets.ticks import TickBox, TickRadio
from workbench.domain.labels import ImportKind
from workbench.services.assignment import AssignmentRequest

MODES: tuple[tuple[str, str, str], ...] = (
    ("insert_and_update", "新增并更新", "库里没有的新增，已有的按文件更新"),
    ("insert_only", "仅新增", "只新增库里没有的主体，已有的不改"),
    ("update_only", "仅更新", "只更新库里已有的主体，不新增"),
)
"""(mode value, label, what it does); the values are those of imports.plan.ImportMode."""
LICENSE_KINDS = ("食品经营许可证", "食品生产许可证", "小餐饮登记证", "药品经营许可证", "医疗器械经营许可证",
                 "特种设备使用登记证", "烟草专卖零售许可证")
"""The licence kinds offered when a licence list neither names nor shows (JY / SC) a licence's kind."""
UNNAMED_KIND = "__none__"


class ModeStep(Vertical):
    """A RadioSet of modes (first is the default) and the 名称+经营者 matching checkbox; for a licence list
    instead the kind of licence its rows are when the list does not say."""

    def compose(self) -> ComposeResult:
        yield Static("许可证名录中没有「许可证类型」、编号也不是 JY / SC 开头的行，按这种许可证导入：",
                     classes="import-hint licence-only")  # fmt: skip
        yield Select([("不指定（这些行列为有错误）", UNNAMED_KIND), *[(kind, kind) for kind in LICENSE_KINDS]],
                     allow_blank=False, value=UNNAMED_KIND, id="import-license-kind", classes="licence-only")  # fmt: skip
        yield Static("导入方式（方向键选择，Enter 或空格选定）", classes="import-hint register-only")
        with RadioSet(id="import-mode", classes="register-only"):
            for index, (_value, label, meaning) in enumerate(MODES):
                yield TickRadio(f"{label}：{meaning}", value=index == 0)
        yield Static(
            "没有统一社会信用代码和注册号的行：按名称和经营者找到的主体默认只列出、不更新。",
            classes="import-hint register-only",
        )
        yield TickBox(
            "也按「名称+经营者」对应已有主体并更新（列在「将更新」中，请核对）",
            id="import-by-name",
            classes="register-only",
        )
        yield AssignChoice(id="import-assign-choice", classes="register-only")
        yield Static("按 F8 开始试导入：只检查、不写入。", classes="import-hint")

    def mode(self) -> str:
        pressed = self.query_one("#import-mode", RadioSet).pressed_index
        return MODES[max(pressed, 0)][0]

    def match_by_name(self) -> bool:
        return self.query_one("#import-by-name", Checkbox).value

    def assignment(self) -> AssignmentRequest:
        return self.query_one(AssignChoice).request()

    def configure(self, kind: ImportKind) -> None:
        """The registration list's choices, or the licence list's."""
        for widget in self.query(".register-only"):
            widget.display = kind is ImportKind.REGISTER
        for widget in self.query(".licence-only"):
            widget.display = kind is ImportKind.LICENSES

    def license_kind(self) -> str | None:
        value = self.query_one("#import-license-kind", Select).value
        return None if value == UNNAMED_KIND else str(value)
