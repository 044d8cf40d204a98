"""The Chinese word for every field that travels in a sync package (issue 19): the field package's column
headers, the return package's 项目 column, the office's dry run, its errors and the conflict review all name
a field by this one source, so a person reads the same word in the workbook and on the screen.

A business's fields are named by the business row's declaration (workbench.domain.business_fields); the
other travelling tables' fields here. The words are the field package's headers: a package already written
is read back by its headers, so a word here must not change once packages carry it.
"""

from __future__ import annotations

from workbench.domain.business_fields import field_label

TABLE_FIELD_LABELS: dict[str, dict[str, str]] = {
    "grid": {"name": "名称", "township_code": "乡镇街道代码"},
    "officer": {"name": "姓名", "phone": "电话", "grid_id": "网格", "active": "在岗"},
    "license": {
        "business_id": "所属市场主体", "kind": "许可证种类", "number": "证号", "issued_on": "发证日期",
        "expires_on": "有效期至", "status": "状态", "scope": "许可项目", "place": "经营场所",
        "renews_uuid": "换发自（原证 uuid）", "closed_on": "换证或注销日期",
    },
    "year_figures": {
        "business_id": "所属市场主体", "year": "年度", "revenue": "营业收入（元）", "tax_paid": "纳税额（元）",
        "employees": "从业人员", "insured_staff": "参保人数", "source": "来源",
    },
    "classification_result": {
        "business_id": "所属市场主体", "tier": "三型", "size_class": "规模", "rule_version": "规则版本",
        "inputs": "分型依据数据", "explanation": "分型说明", "size_explanation": "规模说明",
        "computed_at": "计算时间", "override_tier": "人工认定分型", "override_reason": "认定理由",
        "override_by": "认定人", "override_at": "认定时间",
    },
    "appeal": {
        "business_id": "所属市场主体", "person_name": "诉求人", "person_phone": "诉求人电话", "channel": "渠道",
        "category": "类别", "description": "诉求内容", "officer_id": "承办干部", "received_on": "受理日期",
        "deadline": "办理期限", "deadline_estimated": "期限为估算", "state": "状态", "reply": "答复内容",
        "replied_on": "答复日期", "closed_on": "办结日期", "satisfaction": "满意度", "followed_up_on": "回访日期",
    },
    "appeal_step": {
        "appeal_id": "所属诉求", "action": "办理动作", "from_state": "原状态", "to_state": "新状态",
        "note": "办理记录", "who": "办理人", "at": "办理时间",
    },
    "support_record": {
        "business_id": "所属市场主体", "kind": "帮扶类型", "given_on": "帮扶日期", "officer_id": "帮扶干部",
        "basis": "依据", "content": "帮扶内容", "amount_yuan": "金额（元）", "partner": "合作单位", "outcome": "成效",
    },
    "visit": {
        "business_id": "所属市场主体", "visited_on": "走访日期", "officer_id": "记录干部",
        "officers_present": "走访人员", "purpose": "走访事由", "finding": "走访结果", "notes": "情况记录",
        "observed": "现场核实的变更",
    },
    "visit_follow_up": {"visit_id": "所属走访", "action": "跟进事项", "due_on": "期限", "done_on": "完成日期"},
    # 双随机 (issue 20): what a laptop shows of the draws its officer inspects in; only results come back.
    "inspector": {
        "name": "姓名", "unit": "所在单位", "own_office": "本所人员", "officer_id": "对应干部", "cert_no": "执法证号",
        "cert_expires_on": "执法证有效期至", "line": "执法门类", "active": "在岗",
    },
    "inspection_task": {
        "name": "任务名称", "source": "任务来源", "departments": "联合抽查部门", "scope": "抽查范围（筛选条件）",
        "ratio": "抽查比例（%）", "count": "抽查户数", "class_ratios": "分类抽查比例", "per_business": "每户检查人数",
        "starts_on": "开始日期", "ends_on": "结束日期",
    },
    "inspection_task_item": {
        "task_id": "所属抽查任务", "name": "抽查事项", "kind": "事项类别", "department": "责任部门", "basis": "检查依据",
    },
    "inspection_draw": {
        "task_id": "所属抽查任务", "seed": "随机种子", "generator": "随机算法", "population_count": "抽取范围户数",
        "population_hash": "抽取范围指纹", "rules": "抽取规则", "status": "状态", "drawn_at": "抽取时间",
        "redraw_reason": "重抽理由", "replaces_uuid": "取代的抽取（uuid）",
    },
    "inspection_pair": {
        "draw_id": "所属抽取", "position": "抽中顺序", "business_id": "所属市场主体", "risk_class": "风险分类",
        "inspector_uuids": "检查人员（uuid）", "skipped": "跳过的配对",
    },
    "inspection_result": {
        "task_id": "所属抽查任务", "business_id": "所属市场主体", "codes": "抽查结果代码", "inspected_on": "检查日期",
        "inspectors": "检查人员", "notes": "检查情况", "follow_up": "后续处置", "follow_up_due": "整改期限",
        "follow_up_done_on": "整改完成日期", "publish_by": "公示期限", "published_on": "公示日期",
    },
}
# Not a column a package sets, but a person decides on it: a row deleted on one side (a tombstone).
DELETED_LABEL = "删除"


def sync_field_label(table: str, field: str) -> str:
    """联系电话, 走访结果, 所属市场主体 …; the field's own name only for a field no table here has (a newer
    package's column, named as it came)."""
    if field == "deleted_at":
        return DELETED_LABEL
    if table == "business":
        return field_label(field)
    return TABLE_FIELD_LABELS.get(table, {}).get(field, field)
