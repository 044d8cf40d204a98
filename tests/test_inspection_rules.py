"""inspection.toml: the shipped 抽查事项清单 and result codes, the office's override, a broken override named."""

from __future__ import annotations

from pathlib import Path

from workbench.domain.inspection_rules import load_inspection_rules
from workbench.services.settings import OfficeSettings

# docs/rules.md §5.2, typed from the table (the publicity platform's codes and labels).
PLATFORM_CODES = {
    "1": "未发现问题", "B": "未按规定公示应当公示的信息", "C": "公示信息隐瞒真实情况弄虚作假",
    "6": "通过登记的住所（经营场所）无法联系", "D": "违反其他工商行政管理规定行为", "3": "违反食品药品管理相关规定",
    "4": "违反质量技术监督相关规定", "G": "违反公安部门相关规定", "5": "违反其他部门相关规定", "A": "发现问题待后续处理",
    "E": "发现问题经责令已改正", "F": "未发现开展本次抽查涉及的经营活动", "7": "已关闭停业或正在组织清算",
    "8": "不配合检查情节严重", "9": "注销", "10": "被吊销", "11": "被撤销", "12": "迁出",
}  # fmt: skip


def test_the_shipped_list_suits_a_market_supervision_office() -> None:
    rules = load_inspection_rules(None).rules
    names = " ".join(item.name for item in rules.items)
    for subject in ("年度报告", "登记事项", "食品经营", "价格", "广告", "计量", "特种设备"):
        assert subject in names
    kinds = {item.name: item.kind for item in rules.items}
    assert kinds["特种设备使用单位的检查"] == "重点" and kinds["企业年度报告公示信息的检查"] == "一般"
    assert all(item.department and item.basis for item in rules.items)
    assert {result.code: result.label for result in rules.results} == PLATFORM_CODES
    assert rules.result("b") is not None and rules.result("b").group == "违反工商行政管理相关规定"  # type: ignore[union-attr]
    assert (rules.publish_within_working_days, rules.inspectors_per_business) == (20, 2)


def test_a_result_is_found_as_an_inspection_list_writes_it() -> None:
    """The publicity platform's export and a clerk's list give the label, often with half-width brackets, or
    「代码 名称」 as `inspect codes` prints it; a full-width code letter too. Each is the code it names."""
    rules = load_inspection_rules(None).rules
    for typed, code in (("未发现问题", "1"), ("通过登记的住所(经营场所)无法联系", "6"), ("B 未按规定公示应当公示的信息", "B"),
                        ("Ｅ", "E"), (" 10 ", "10"), ("已关闭停业或正在组织清算", "7")):
        found = rules.result(typed)
        assert found is not None and found.code == code, typed
    assert rules.result("没有问题") is None


def test_risk_classes_come_from_tags() -> None:
    rules = load_inspection_rules(None).rules
    assert rules.risk_class_of("餐饮 高风险") == "D"
    assert rules.risk_class_of("A类") == "A"
    assert rules.risk_class_of("餐饮") == ""
    assert rules.risk_code("高风险") == "D" and rules.risk_code("c") == "C" and rules.risk_code("很高") is None


def test_the_offices_file_replaces_the_list_and_a_broken_one_keeps_the_last_good(tmp_path: Path) -> None:
    (tmp_path / "inspection.toml").write_text(
        'publish_within_working_days = 15\n[[items]]\nname = "农贸市场检查"\nkind = "重点"\ndepartment = "市场监管"\n'
        'basis = "《集贸市场计量监督管理办法》"\n',
        encoding="utf-8",
    )
    said: list[str] = []
    settings = OfficeSettings(tmp_path, report=lambda message, _seconds: said.append(message))
    rules = settings.inspection.rules
    assert [item.name for item in rules.items] == ["农贸市场检查"]
    assert rules.publish_within_working_days == 15 and len(rules.results) == 18
    (tmp_path / "inspection.toml").write_text('[[items]]\nname = "x"\nkind = "很重要"\ndepartment = "d"\n', encoding="utf-8")
    settings.reload()
    assert [item.name for item in settings.inspection.rules.items] == ["农贸市场检查"]
    assert len(said) == 1 and "kind 应是「一般」或「重点」" in said[0] and "inspection.toml" in said[0]
    assert "仍按上次有效的抽查清单办理" in said[0]
