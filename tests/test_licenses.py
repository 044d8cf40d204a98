"""许可证 by hand on both engines: add, the checks and their sentences, renew (换证), cancel (注销), reminders."""

from __future__ import annotations

from datetime import date

import pytest
from service_world import World, make_world
from sqlmodel import Session, col, select

from storage.tables import ChangeLog, License
from workbench.domain.licenses import LICENSE_KINDS
from workbench.services.detail import business_detail
from workbench.services.errors import NotFound, SaveConflict, ValidationFailed
from workbench.services.licenses import add_license, cancel_license, license_line, renew_license
from workbench.services.reminders import todo_list

TODAY = date(2026, 11, 23)  # a Monday
FOOD = "食品经营许可证"


def _add(session: Session, world: World, **data: str) -> License:
    values = {"kind": FOOD, "number": "JY13303020012345", "issued_on": "2021-12-03",
              "expires_on": "2026-12-02", "scope": "热食类食品制售", "place": "温州市鹿城区五马街3号", **data}  # fmt: skip
    row = add_license(
        session, actor=world.actor, business_uuid=world.noodle_uuid, data=values, kinds=LICENSE_KINDS, today=TODAY
    )
    session.commit()
    return row


def _refusal(session: Session, world: World, **data: str) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        _add(session, world, **data)
    session.rollback()
    return refused.value.errors


def _log(session: Session, uuid: str) -> list[tuple[str, str, str | None, str | None]]:
    rows = session.exec(select(ChangeLog).where(col(ChangeLog.entity_uuid) == uuid).order_by(col(ChangeLog.id)))
    return [(row.action, row.field, row.old, row.new) for row in rows]


def test_an_added_licence_is_in_force_logged_and_shown(session: Session) -> None:
    world = make_world(session)
    row = _add(session, world, number=" ｊｙ１３３０３０２００１２３４５ ")  # full-width, as some input methods type it
    assert (row.status, row.number, row.version, row.renews_uuid, row.closed_on) == (
        "valid", "JY13303020012345", 1, None, None
    )
    assert len(row.uuid) == 36 and row.updated_by == "张伟" and row.device == "一号机"
    assert set(_log(session, row.uuid)) == {
        ("create", "status", None, "valid"),
        ("create", "kind", None, FOOD),
        ("create", "number", None, "JY13303020012345"),
        ("create", "issued_on", None, "2021-12-03"),
        ("create", "expires_on", None, "2026-12-02"),
        ("create", "scope", None, "热食类食品制售"),
        ("create", "place", None, "温州市鹿城区五马街3号"),
    }
    detail = business_detail(session=session, actor=world.actor, business_uuid=world.noodle_uuid)
    assert [(line.kind, line.number, line.status, line.scope) for line in detail.licenses] == [
        (FOOD, "JY13303020012345", "valid", "热食类食品制售")
    ]


def test_a_licence_without_an_end_is_long_term(session: Session) -> None:
    world = make_world(session)
    row = _add(session, world, kind="特种设备使用登记证", number="梯11浙C00123(21)", expires_on="")
    assert row.expires_on is None and row.number == "梯11浙C00123(21)"


def test_each_mistake_is_named_under_its_field(session: Session) -> None:
    world = make_world(session)
    assert _refusal(session, world, number="", issued_on="") == {
        "number": "请填写许可证编号（证上印的编号）",
        "issued_on": "发证日期不能为空",
    }
    assert _refusal(session, world, kind="营业执照") == {
        "kind": "许可证种类「营业执照」不在可选范围内：" + "、".join(LICENSE_KINDS)
    }
    assert _refusal(session, world, issued_on="2026-11-24") == {
        "issued_on": "发证日期「2026-11-24」晚于今天（2026-11-23），请核对后填写"
    }
    assert _refusal(session, world, issued_on="1899-12-30") == {
        "issued_on": "发证日期「1899-12-30」早于 1949 年 10 月 1 日，不可能是现有证照的发证日期，请核对年份"
    }
    assert _refusal(session, world, expires_on="2021-12-03") == {
        "expires_on": "有效期至「2021-12-03」应晚于发证日期「2021-12-03」，请核对"
    }
    assert _refusal(session, world, expires_on="2062-12-02") == {
        "expires_on": "有效期至「2062-12-02」距发证日期超过 30 年，请核对年份（长期有效的证照请不填有效期至）"
    }
    assert _refusal(session, world, expires_on="2026-02-30") == {
        "expires_on": "有效期至：日期「2026-02-30」不存在（2026 年 2 月没有 30 日，或月份有误）"
    }
    assert _refusal(session, world, scope="预" * 501) == {"scope": "许可项目最多 500 个字（现有 501 个）"}
    assert session.exec(select(License)).all() == []


def test_a_second_licence_in_force_with_the_same_kind_and_number_is_refused(session: Session) -> None:
    world = make_world(session)
    first = _add(session, world)
    assert _refusal(session, world, number="jy13303020012345") == {
        "number": "该户已有编号为「JY13303020012345」的食品经营许可证（有效期至 2026-12-02），不能重复登记；"
        "换发新证请在原证上办理换证"
    }
    _add(session, world, kind="小餐饮登记证")  # the same number on another kind is another certificate
    cancel_license(session, actor=world.actor, license_uuid=first.uuid, base_version=1, today=TODAY)
    session.commit()
    _add(session, world)  # once the first is cancelled, the number may be entered again
    assert len(session.exec(select(License)).all()) == 3


def test_a_renewal_closes_the_old_licence_and_keeps_its_history(session: Session) -> None:
    world = make_world(session)
    old = _add(session, world)
    new = renew_license(
        session, actor=world.actor, license_uuid=old.uuid, base_version=1, kinds=LICENSE_KINDS, today=TODAY,
        data={"kind": FOOD, "number": "JY13303020098765", "issued_on": "2026-11-20", "expires_on": "2031-11-19",
              "scope": "热食类食品制售", "place": "温州市鹿城区五马街3号"},
    )  # fmt: skip
    session.commit()
    session.refresh(old)
    assert (old.status, old.closed_on, old.version) == ("renewed", date(2026, 11, 20), 2)
    assert (new.status, new.renews_uuid, new.number, new.expires_on) == (
        "valid", old.uuid, "JY13303020098765", date(2031, 11, 19)
    )
    assert _log(session, old.uuid)[-2:] == [
        ("update", "status", "valid", "renewed"),
        ("update", "closed_on", None, "2026-11-20"),
    ]
    assert ("create", "renews_uuid", None, old.uuid) in _log(session, new.uuid)
    detail = business_detail(session=session, actor=world.actor, business_uuid=world.noodle_uuid)
    assert [(line.number, line.status, line.renews_uuid) for line in detail.licenses] == [
        ("JY13303020098765", "valid", old.uuid),
        ("JY13303020012345", "renewed", None),
    ]


def test_a_renewal_may_keep_the_number_but_not_go_back_in_time(session: Session) -> None:
    world = make_world(session)
    old = _add(session, world)
    data = {"kind": FOOD, "number": old.number, "issued_on": "2021-12-03", "expires_on": "2031-11-19"}
    with pytest.raises(ValidationFailed) as refused:
        renew_license(session, actor=world.actor, license_uuid=old.uuid, base_version=1, data=data,
                      kinds=LICENSE_KINDS, today=TODAY)  # fmt: skip
    assert refused.value.errors == {"issued_on": "新证的发证日期应晚于原证的发证日期「2021-12-03」，请核对"}
    session.rollback()
    new = renew_license(session, actor=world.actor, license_uuid=old.uuid, base_version=1,
                        data={**data, "issued_on": "2026-11-23"}, kinds=LICENSE_KINDS, today=TODAY)  # fmt: skip
    session.commit()
    assert new.number == old.number and new.status == "valid"


def test_a_closed_licence_is_neither_renewed_nor_cancelled_again(session: Session) -> None:
    world = make_world(session)
    old = _add(session, world)
    cancel_license(session, actor=world.actor, license_uuid=old.uuid, base_version=1, today=TODAY)
    session.commit()
    session.refresh(old)
    assert (old.status, old.closed_on, old.version) == ("cancelled", TODAY, 2)
    assert _log(session, old.uuid)[-2:] == [
        ("update", "status", "valid", "cancelled"),
        ("update", "closed_on", None, "2026-11-23"),
    ]
    with pytest.raises(ValidationFailed) as refused:
        cancel_license(session, actor=world.actor, license_uuid=old.uuid, base_version=2, today=TODAY)
    assert refused.value.errors == {"license": "这张食品经营许可证已于 2026-11-23 注销，不能再注销"}
    data = {"kind": FOOD, "number": "JY2", "issued_on": "2026-11-23"}
    with pytest.raises(ValidationFailed) as refused:
        renew_license(session, actor=world.actor, license_uuid=old.uuid, base_version=2, data=data,
                      kinds=LICENSE_KINDS, today=TODAY)  # fmt: skip
    assert refused.value.errors == {"license": "这张食品经营许可证已于 2026-11-23 注销，不能再换证"}


def test_a_stale_version_is_a_conflict_and_another_office_sees_nothing(session: Session) -> None:
    world = make_world(session)
    old = _add(session, world)
    cancel_license(session, actor=world.actor, license_uuid=old.uuid, base_version=1, today=TODAY)
    session.rollback()  # nothing written: the version is still 1
    _add(session, world, kind="小餐饮登记证")
    with pytest.raises(SaveConflict):
        cancel_license(session, actor=world.actor, license_uuid=old.uuid, base_version=7, today=TODAY)
    session.rollback()
    with pytest.raises(NotFound):
        license_line(session, actor=world.other_actor, license_uuid=old.uuid)
    with pytest.raises(NotFound):
        cancel_license(session, actor=world.other_actor, license_uuid=old.uuid, base_version=1, today=TODAY)
    line = license_line(session, actor=world.actor, license_uuid=old.uuid)
    assert (line.business_name, line.business_uuid, line.version) == ("老街兰州拉面馆", world.noodle_uuid, 1)


def test_reminders_count_only_licences_in_force(session: Session) -> None:
    world = make_world(session)
    # Expires in 10 days (2026-12-03 is 8 working days on): inside the 15-working-day point.
    soon = _add(session, world, issued_on="2021-12-04", expires_on="2026-12-03")
    other = _add(session, world, kind="小餐饮登记证", number="XC2021001", issued_on="2023-12-04",
                 expires_on="2026-12-03")  # fmt: skip

    def minded() -> list[str | None]:
        items = todo_list(session, actor=world.actor, today=TODAY)
        return [item.license_uuid for item in items if item.kind == "licence"]

    assert sorted(minded(), key=str) == sorted([soon.uuid, other.uuid])
    renew_license(session, actor=world.actor, license_uuid=soon.uuid, base_version=1, kinds=LICENSE_KINDS,
                  today=TODAY, data={"kind": FOOD, "number": soon.number, "issued_on": "2026-11-23",
                                     "expires_on": "2031-11-22"})  # fmt: skip
    session.commit()
    assert minded() == [other.uuid]
    cancel_license(session, actor=world.actor, license_uuid=other.uuid, base_version=1, today=TODAY)
    session.commit()
    assert minded() == []


def test_the_kinds_are_the_offices_list_when_it_writes_one() -> None:
    from workbench.domain.service_lists import parse_service_lists

    assert parse_service_lists("").license_kinds[:2] == ("食品经营许可证", "小餐饮登记证")
    own = parse_service_lists('license_kinds = ["食品经营许可证", " 食品小作坊登记证 "]')
    assert own.license_kinds == ("食品经营许可证", "食品小作坊登记证")
    # Spelt as licence_lead_times beside it in the same file: read too.
    assert parse_service_lists('licence_kinds = ["药品经营许可证"]').license_kinds == ("药品经营许可证",)
    with pytest.raises(ValueError, match=r'service.toml：license_kinds 应写成不为空的文字列表，如 \["窗口", "电话"\]'):
        parse_service_lists("license_kinds = []")


def test_the_standing_a_person_reads() -> None:
    from workbench.domain.licenses import license_standing

    assert [license_standing("valid", day, TODAY) for day in (None, date(2026, 12, 24), date(2026, 12, 23),
                                                            TODAY, date(2026, 11, 22))] == [
        "有效", "有效", "即将到期", "即将到期", "已过期"
    ]  # fmt: skip
    assert license_standing("renewed", date(2026, 12, 1), TODAY) == "已换证"
    assert license_standing("cancelled", None, TODAY) == "已注销"


def test_the_timeline_tells_each_licences_life(session: Session) -> None:
    from workbench.services.timeline import business_timeline

    world = make_world(session)
    old = _add(session, world)
    renew_license(session, actor=world.actor, license_uuid=old.uuid, base_version=1, kinds=LICENSE_KINDS,
                  today=TODAY, data={"kind": FOOD, "number": "JY13303020098765", "issued_on": "2026-11-20",
                                     "expires_on": "2031-11-19"})  # fmt: skip
    lift = _add(session, world, kind="特种设备使用登记证", number="梯11浙C00123(21)", issued_on="2021-03-05",
                expires_on="")  # fmt: skip
    cancel_license(session, actor=world.actor, license_uuid=lift.uuid, base_version=1, today=TODAY)
    session.commit()
    entries = business_timeline(session, actor=world.actor, business_uuid=world.noodle_uuid, kinds=["license"])
    assert [(entry.on, entry.title, entry.detail, entry.who) for entry in entries] == [
        (TODAY, "已注销：特种设备使用登记证", "编号 梯11浙C00123(21)", "张伟"),
        (date(2026, 11, 20), "换证：食品经营许可证",
         "原证 JY13303020012345 换发为 食品经营许可证 JY13303020098765，有效期至 2031-11-19", "张伟"),
        (date(2021, 12, 3), "发证：食品经营许可证", "编号 JY13303020012345，有效期至 2026-12-02", ""),
        (date(2021, 3, 5), "发证：特种设备使用登记证", "编号 梯11浙C00123(21)，有效期至 长期", ""),
    ]  # fmt: skip
