"""The business row, declared once: every column a 市场主体 carries beyond the travelling stamp, with its
Chinese label, form group, kind, default, length limit, and whether it is personal data, editable, read
from a registration list and carried to other machines.

Everything else derives from BUSINESS_ROW: the form and the detail (BUSINESS_FIELDS, in this order), the
register service (EDITABLE_FIELDS), validation (max_length, via workbench.services.business_validation),
the import (IMPORTED_FIELDS, NEW_BUSINESS_DEFAULTS: the order of a new row's values), the commit and the
demo (their column lists), and the export (labels, personal). storage/tables.py Business keeps the SQL
column definitions; tests/test_business_row.py pins that the two agree (names, defaults, lengths).
docs/architecture.md ("The business row") says how to add a field.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from workbench.domain.labels import BusinessKind, BusinessStatus

FORM_GROUPS = ("登记信息", "经营者与联系", "管理")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    group: str = ""  # the form's and the detail's group; "" = not on the form
    kind: str = "text"  # text / date / int / money / bool / choice
    default: Any = None  # what a new business holds when nobody gives a value (the table's default)
    max_length: int | None = None  # text columns: the column's length (storage.tables.Business)
    personal: bool = False  # 个人信息: masked in exports unless the person asks for it in full (logged)
    editable: bool = True  # the register service (form, and later sync) may set it
    imported: bool = False  # a registration list may carry it: compared, updated and inserted by the import
    travels: bool = True  # carried to other machines; False: derived locally (the search columns)


_ID, _SHOP, _MANAGE = FORM_GROUPS

BUSINESS_ROW: tuple[FieldSpec, ...] = (
    FieldSpec("name", "名称", _ID, max_length=200, imported=True),
    FieldSpec("uscc", "统一社会信用代码", _ID, max_length=18, imported=True),
    FieldSpec("reg_no", "注册号", _ID, max_length=50, imported=True),
    FieldSpec("kind", "主体类型", _ID, "choice", BusinessKind.HOUSEHOLD, 16, imported=True),
    FieldSpec("composition", "组成形式", _ID, "choice", max_length=8, imported=True),
    FieldSpec("registered_on", "成立日期", _ID, "date", imported=True),
    FieldSpec("status", "登记状态", _ID, "choice", BusinessStatus.ACTIVE, 24, imported=True),
    FieldSpec("industry_code", "行业代码", _ID, max_length=5, imported=True),
    FieldSpec("capital", "资金数额（元）", _ID, "money", imported=True),
    FieldSpec("operator", "经营者", _SHOP, default="", max_length=100, imported=True),
    FieldSpec("id_number", "身份证号", _SHOP, max_length=18, personal=True, imported=True),
    FieldSpec("phone", "联系电话", _SHOP, default="", max_length=32, personal=True, imported=True),
    FieldSpec("address", "经营场所", _SHOP, default="", max_length=300, imported=True),
    FieldSpec("employees", "从业人员", _SHOP, "int", imported=True),
    FieldSpec("grid_id", "所属网格", _MANAGE, "choice", imported=True),
    FieldSpec("officer_id", "包联干部", _MANAGE, "choice", imported=True),
    FieldSpec("suspended", "歇业", _MANAGE, "bool", False, imported=True),
    FieldSpec("suspended_from", "歇业起始", _MANAGE, "date"),
    FieldSpec("suspended_until", "歇业截止", _MANAGE, "date"),
    FieldSpec("abnormal", "经营异常", _MANAGE, "bool", False),
    FieldSpec("abnormal_since", "异常标记日期", _MANAGE, "date"),
    FieldSpec("tags", "标签", _MANAGE, default="", max_length=300),
    # Not on the form: set with the industry code, by a support record, or derived for search.
    FieldSpec("industry_code_version", "行业代码版本", default="2017", max_length=4, imported=True),
    FieldSpec("first_loan_on", "首贷日期", kind="date", editable=False),
    # The dates of status changes (issue 18, migration 0014): read from registration lists, and set by the
    # register service when a person changes the status (STATUS_DATE_FIELDS). The monthly report counts exits
    # and moves by them. Not on the form (it is full at 80x24); the detail's history shows the change.
    FieldSpec("deregistered_on", "注销日期", kind="date", imported=True),
    FieldSpec("revoked_on", "吊销日期", kind="date", imported=True),
    FieldSpec("cancelled_on", "撤销日期", kind="date", imported=True),
    FieldSpec("moved_out_on", "迁出日期", kind="date", imported=True),
    FieldSpec("moved_in_on", "迁入日期", kind="date", imported=True),
    FieldSpec("approved_on", "核准日期", kind="date", imported=True),
    FieldSpec("first_loan_bank", "首贷银行", max_length=100, editable=False),
    FieldSpec("name_pinyin", "名称拼音", default="", max_length=600, editable=False, travels=False),
    FieldSpec("search_chars", "检索字", default="", max_length=2000, editable=False, travels=False),
)

FIELD_BY_NAME: dict[str, FieldSpec] = {spec.name: spec for spec in BUSINESS_ROW}
# What the form and the detail show, group by group, in this order.
BUSINESS_FIELDS: tuple[FieldSpec, ...] = tuple(spec for spec in BUSINESS_ROW if spec.group)
EDITABLE_FIELDS: tuple[str, ...] = tuple(spec.name for spec in BUSINESS_ROW if spec.editable)
# The fields an import reads, compares and inserts; a new business's values go in this order.
IMPORTED_FIELDS: tuple[str, ...] = tuple(spec.name for spec in BUSINESS_ROW if spec.imported)
NEW_BUSINESS_DEFAULTS: tuple[tuple[str, Any], ...] = tuple(
    (name, FIELD_BY_NAME[name].default) for name in IMPORTED_FIELDS
)
# The stored columns a new business takes its default for when the import does not give them.
NOT_IMPORTED_DEFAULTS: tuple[tuple[str, Any], ...] = tuple(
    (spec.name, spec.default)
    for spec in BUSINESS_ROW
    if not spec.imported and spec.travels and spec.default is not None
)
PERSONAL_FIELDS = frozenset(spec.name for spec in BUSINESS_ROW if spec.personal)
MAX_LENGTHS: dict[str, int] = {
    spec.name: spec.max_length for spec in BUSINESS_ROW if spec.max_length is not None
}
SEARCH_SOURCES = ("name", "operator", "address")
# The status a person sets -> the date column that records when (the register service fills it with the
# date given, else today). 吊销后注销 is a 注销: its day is the 注销日期. 存续 and 其他 have no date of their own;
# 迁入 is no status (a business that moved in is 存续), so moved_in_on comes only from a list or the sync.
STATUS_DATE_FIELDS: dict[str, str] = {
    BusinessStatus.DEREGISTERED: "deregistered_on",
    BusinessStatus.REVOKED_DEREGISTERED: "deregistered_on",
    BusinessStatus.REVOKED: "revoked_on",
    BusinessStatus.CANCELLED: "cancelled_on",
    BusinessStatus.MOVED_OUT: "moved_out_on",
}  # what storage.search.search_fields derives from

EXTRA_LABELS: dict[str, str] = {
    "": "（整条记录）",
    "classification": "分型/规模",
    "override_tier": "人工认定分型",
    "override_reason": "人工认定理由",
}


def row_class(typename: str, fields: Iterable[str]) -> Any:
    """A namedtuple class of these fields (some of the declaration's, in its order): rows made and read by
    name that go to the driver as the tuples they are. Typed Any: its fields are known only at run time."""
    return namedtuple(typename, tuple(fields))  # type: ignore[misc]


def field_label(name: str) -> str:
    spec = FIELD_BY_NAME.get(name)
    return spec.label if spec else EXTRA_LABELS.get(name, name)


def operator_label(kind: str | None) -> str:
    """What the operator column holds for a kind: a household's 经营者, an enterprise's or cooperative's
    法定代表人 (the register keeps both in `operator`)."""
    return "经营者" if kind in (None, BusinessKind.HOUSEHOLD) else "法定代表人"


REQUIRED_WHEN_NEW: dict[str, tuple[str, ...]] = {
    BusinessKind.HOUSEHOLD: ("operator", "address", "registered_on"),
    BusinessKind.ENTERPRISE: ("operator",),
    BusinessKind.COOPERATIVE: ("operator",),
}
"""What a business entered by hand must have, by kind: a household's registration names its 经营者, 经营场所
and 成立日期; an enterprise's or cooperative's its 法定代表人. Not asked of imported registration lists,
whose rows are often incomplete (workbench.services.business_validation.validate_business)."""
