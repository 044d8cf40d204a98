"""The business fields staff see: Chinese label and group, in the order forms and the detail show them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    group: str
    kind: str = "text"  # text / date / int / money / bool / choice


BUSINESS_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "名称", "登记信息"),
    FieldSpec("uscc", "统一社会信用代码", "登记信息"),
    FieldSpec("reg_no", "注册号", "登记信息"),
    FieldSpec("kind", "主体类型", "登记信息", "choice"),
    FieldSpec("composition", "组成形式", "登记信息", "choice"),
    FieldSpec("registered_on", "成立日期", "登记信息", "date"),
    FieldSpec("status", "登记状态", "登记信息", "choice"),
    FieldSpec("industry_code", "行业代码", "登记信息"),
    FieldSpec("capital", "资金数额（元）", "登记信息", "money"),
    FieldSpec("operator", "经营者", "经营者与联系"),
    FieldSpec("id_number", "身份证号", "经营者与联系"),
    FieldSpec("phone", "联系电话", "经营者与联系"),
    FieldSpec("address", "经营场所", "经营者与联系"),
    FieldSpec("employees", "从业人员", "经营者与联系", "int"),
    FieldSpec("grid_id", "所属网格", "管理", "choice"),
    FieldSpec("officer_id", "包联干部", "管理", "choice"),
    FieldSpec("suspended", "歇业", "管理", "bool"),
    FieldSpec("suspended_from", "歇业起始", "管理", "date"),
    FieldSpec("suspended_until", "歇业截止", "管理", "date"),
    FieldSpec("abnormal", "经营异常", "管理", "bool"),
    FieldSpec("abnormal_since", "异常标记日期", "管理", "date"),
    FieldSpec("tags", "标签", "管理"),
)

FIELD_BY_NAME: dict[str, FieldSpec] = {spec.name: spec for spec in BUSINESS_FIELDS}

EXTRA_LABELS: dict[str, str] = {
    "industry_code_version": "行业代码版本",
    "": "（整条记录）",
    "first_loan_on": "首贷日期",
    "first_loan_bank": "首贷银行",
    "classification": "分型/规模",
    "override_tier": "人工认定分型",
    "override_reason": "人工认定理由",
}


def field_label(name: str) -> str:
    spec = FIELD_BY_NAME.get(name)
    return spec.label if spec else EXTRA_LABELS.get(name, name)
