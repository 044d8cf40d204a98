"""The two forms of the 检查人员名录: an inspector (who, where from, 执法证) and a 回避 relation; Ctrl+S saves.

Each saves with one gateway call (one transaction, logged in the change log); a refusal shows under its field
in one Chinese sentence, and Esc with something typed asks 放弃? (screens.service_dialog).
"""

from __future__ import annotations

from typing import Any

from screens.service_dialog import DialogField, DialogValues, HoldsWhileSaving
from storage.audit import Actor
from workbench.services.inspectors import RECUSAL_KINDS, InspectorLine

KINDS = (("本所人员", True), ("外单位人员", False))


class InspectorDialog(HoldsWhileSaving):
    """A new inspector (line None) or the highlighted one; dismisses with the inspector's name."""

    def __init__(self, officers: list[tuple[str, int]], line: InspectorLine | None) -> None:
        self.line = line
        self.TITLE_TEXT = "新增检查人员" if line is None else f"修改检查人员「{line.name}」"
        expires = line.cert_expires_on.isoformat() if line and line.cert_expires_on else ""
        fields = (
            DialogField("name", "姓名", default=line.name if line else ""),
            DialogField("own_office", "人员类别", KINDS, default=line.own_office if line else True),
            DialogField("unit", "所在单位", default=line.unit if line else "",
                        placeholder="外单位必填，如 鹿城区卫生健康局；本所人员可不填"),
            DialogField("officer_id", "包联干部", tuple(officers), default=line.officer_id if line else None, blank=True),
            DialogField("cert_no", "执法证号", default=line.cert_no if line else "", placeholder="照证件抄写"),
            DialogField("cert_expires_on", "有效期至", default=expires, placeholder="如 2028-06-30"),
            DialogField("line", "执法门类", default=line.line if line else "", placeholder="如 食品安全、综合执法"),
        )  # fmt: skip
        context = ("本所人员可关联其包联干部身份：他包联的户不会派他去查。没有执法证号或证已过期的人不会被抽到"
                   if line is None else "")  # fmt: skip
        super().__init__(context, fields)

    def write(self, actor: Actor, values: DialogValues) -> Any:
        return self.workbench.gateway.inspection.save_inspector(actor, self.line, values)


class RecusalDialog(HoldsWhileSaving):
    """A relation of the highlighted inspector with a business found by what is typed; dismisses with its name."""

    TITLE_TEXT = "登记回避关系"

    def __init__(self, line: InspectorLine) -> None:
        self.line = line
        fields = (
            DialogField("business", "市场主体", placeholder="名称中的字、统一社会信用代码或注册号"),
            DialogField("kind", "回避原因", tuple((kind, kind) for kind in RECUSAL_KINDS), default=RECUSAL_KINDS[0]),
            DialogField("note", "说明", placeholder="如：其妻弟经营；2024 年曾处罚"),
        )
        super().__init__(f"{line.name} 今后不会被派去检查这户。多户相符时会列出，请多写几个字或填代码", fields)

    def write(self, actor: Actor, values: DialogValues) -> Any:
        return self.workbench.gateway.inspection.add_recusal(
            actor, self.line.uuid, str(values["business"]), str(values["kind"] or ""), str(values["note"])
        )
