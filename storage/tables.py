"""The tables: every row that travels has uuid, version, updated_at, updated_by and device."""

from __future__ import annotations

import uuid as uuid_module
from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from workbench.domain.labels import BusinessKind, BusinessStatus, LicenseStatus


def new_uuid() -> str:
    return str(uuid_module.uuid4())


class Travelling(SQLModel):
    """Columns that make a row safe to exchange between machines (docs/architecture.md, data principles)."""

    uuid: str = Field(default_factory=new_uuid, max_length=36, unique=True, index=True)
    version: int = Field(default=1)
    updated_at: datetime | None = Field(default=None)
    updated_by: str = Field(default="", max_length=64)
    device: str = Field(default="", max_length=64)
    deleted_at: datetime | None = Field(default=None, description="tombstone: set instead of deleting")


class Office(Travelling, table=True):
    """A 市场监管所; every business row carries its office key."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, index=True)
    name: str = Field(max_length=100)
    region_code: str = Field(default="", max_length=6)


class Grid(Travelling, table=True):
    """A 网格 / 片区 inside the office's territory."""

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id", index=True)
    name: str = Field(max_length=100)
    township_code: str = Field(default="", max_length=12)


class Officer(Travelling, table=True):
    """A 包联干部: businesses are assigned to one."""

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id", index=True)
    name: str = Field(max_length=50)
    phone: str = Field(default="", max_length=32)
    grid_id: int | None = Field(default=None, foreign_key="grid.id")
    active: bool = Field(default=True)


class Business(Travelling, table=True):
    """A 市场主体. Keyed by uscc when it has one; the legacy 注册号 is kept in reg_no."""

    __table_args__ = (
        Index(
            "ux_business_uscc_live",
            "uscc",
            unique=True,
            sqlite_where=text("uscc IS NOT NULL AND deleted_at IS NULL"),
            postgresql_where=text("uscc IS NOT NULL AND deleted_at IS NULL"),
        ),
        Index("ix_business_office_name", "office_id", "name"),
        Index("ix_business_office_registered", "office_id", "registered_on"),
        Index("ix_business_office_officer", "office_id", "officer_id"),
        Index("ix_business_office_grid", "office_id", "grid_id"),
        Index("ix_business_office_status", "office_id", "status"),
        Index("ix_business_suspended_until", "suspended_until"),  # 歇业 ending: the to-do list (issue 6)
        Index("ix_business_officer_address", "officer_id", "address"),  # today's route, in walking order
        Index("ix_business_reg_no", "reg_no"),
        Index("ix_business_phone", "phone"),
        # The monthly report's 迁入 and 首贷户 lists (issue 18): the month's few rows, not a scan of the register.
        # Partial (only the rows with the date), so no planner takes them for "moved_in_on IS NULL" (every
        # business registered here) in place of the 成立日期 index.
        Index("ix_business_office_moved_in", "office_id", "moved_in_on",
              sqlite_where=text("moved_in_on IS NOT NULL"), postgresql_where=text("moved_in_on IS NOT NULL")),
        Index("ix_business_office_first_loan", "office_id", "first_loan_on",
              sqlite_where=text("first_loan_on IS NOT NULL"), postgresql_where=text("first_loan_on IS NOT NULL")),
        # The 双随机 draw's population (issue 20, migration 0018): an office's live businesses of a status in
        # uuid order, with their tags (credit-risk classes), read from the index alone at a million rows
        # (deleted_at is a column too: SQLite reads the table for a column the query names that is not one;
        # after uuid, because PostgreSQL does not take "IS NULL" as an equality that keeps uuid order).
        Index("ix_business_draw_population", "office_id", "status", "uuid", "deleted_at", "tags",
              sqlite_where=text("deleted_at IS NULL"), postgresql_where=text("deleted_at IS NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    uscc: str | None = Field(default=None, max_length=18)
    reg_no: str | None = Field(default=None, max_length=50)
    name: str = Field(max_length=200)
    kind: str = Field(
        default=BusinessKind.HOUSEHOLD, max_length=16, description="individual / enterprise / cooperative"
    )
    composition: str | None = Field(default=None, max_length=8, description="个人经营 / 家庭经营")
    operator: str = Field(default="", max_length=100)
    id_number: str | None = Field(default=None, max_length=18)
    phone: str = Field(default="", max_length=32)
    address: str = Field(default="", max_length=300)
    grid_id: int | None = Field(default=None, foreign_key="grid.id")
    officer_id: int | None = Field(default=None, foreign_key="officer.id")
    industry_code: str | None = Field(default=None, max_length=5)
    industry_code_version: str = Field(default="2017", max_length=4)
    registered_on: date | None = Field(default=None)
    status: str = Field(default=BusinessStatus.ACTIVE, max_length=24, description="docs/rules.md §6.3, see domain.labels")
    suspended: bool = Field(default=False, description="歇业: a flag, status stays 存续")
    suspended_from: date | None = Field(default=None)
    suspended_until: date | None = Field(default=None)
    abnormal: bool = Field(default=False, description="经营异常")
    abnormal_since: date | None = Field(default=None)
    capital: int | None = Field(default=None, sa_column=Column(BigInteger), description="资金数额, yuan")
    employees: int | None = Field(default=None)
    tags: str = Field(default="", max_length=300, description="space-separated tags")
    # 首贷户 (issue 6, migration 0006): set by a support record of type 融资/首贷; the bank is its source.
    first_loan_on: date | None = Field(default=None)
    first_loan_bank: str | None = Field(default=None, max_length=100)
    # Dates of status changes (issue 18, migration 0014): from registration lists or set with the status.
    deregistered_on: date | None = Field(default=None, description="注销日期")
    revoked_on: date | None = Field(default=None, description="吊销日期")
    cancelled_on: date | None = Field(default=None, description="撤销日期")
    moved_out_on: date | None = Field(default=None, description="迁出日期")
    moved_in_on: date | None = Field(default=None, description="迁入日期")
    approved_on: date | None = Field(default=None, description="核准日期: the last registration approved")
    name_pinyin: str = Field(default="", max_length=600, description="search only: full pinyin and initials")
    search_chars: str = Field(default="", max_length=2000, description="search only: one token per character")


class License(Travelling, table=True):
    """A 许可证 held by a business."""

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id", index=True)
    business_id: int = Field(foreign_key="business.id", index=True)
    kind: str = Field(max_length=50)
    number: str = Field(default="", max_length=64, index=True)
    issued_on: date | None = Field(default=None)
    expires_on: date | None = Field(default=None, index=True)
    status: str = Field(
        default=LicenseStatus.VALID, max_length=16, sa_column_kwargs={"server_default": "valid"},
        description="domain.labels.LicenseStatus",
    )
    scope: str = Field(default="", max_length=500, sa_column_kwargs={"server_default": ""}, description="许可项目")
    place: str = Field(default="", max_length=300, sa_column_kwargs={"server_default": ""}, description="经营场所")
    renews_uuid: str | None = Field(default=None, max_length=36, description="the licence this one renews")
    closed_on: date | None = Field(default=None, description="the day it was renewed or cancelled")


class YearFigures(Travelling, table=True):
    """One business, one year: revenue, tax paid (yuan), employees, insured staff."""

    __tablename__ = "year_figures"
    __table_args__ = (UniqueConstraint("business_id", "year", name="uq_year_figures_business_year"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id", index=True)
    business_id: int = Field(foreign_key="business.id")  # looked up by uq_year_figures_business_year (0024)
    year: int
    revenue: int | None = Field(default=None, sa_column=Column(BigInteger))
    tax_paid: int | None = Field(default=None, sa_column=Column(BigInteger))
    employees: int | None = Field(default=None)
    insured_staff: int | None = Field(default=None)
    source: str = Field(
        default="", max_length=255, sa_column_kwargs={"server_default": ""}, description="手工录入 or the list's file"
    )


class PeriodFigures(Travelling, table=True):
    """One business, one run of months of a year (a 季度 or 月度 row of a tax list), kept so that the quarters
    of a year that arrive in separate lists add up instead of replacing each other. A year's figures are
    made from its periods once they cover the whole year or the year has ended (imports.period_merge); until
    then the periods are shown but neither classify nor count as the year's figures."""

    __tablename__ = "period_figures"
    __table_args__ = (
        UniqueConstraint("business_id", "year", "first_month", "last_month", name="uq_period_figures_business_period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id", index=True)
    business_id: int = Field(foreign_key="business.id")
    year: int
    first_month: int
    last_month: int
    revenue: int | None = Field(default=None, sa_column=Column(BigInteger))
    tax_paid: int | None = Field(default=None, sa_column=Column(BigInteger))
    employees: int | None = Field(default=None)
    insured_staff: int | None = Field(default=None)
    source: str = Field(default="", max_length=255, description="the list's file")


class ChangeLog(SQLModel, table=True):
    """Append-only: one row per changed field, written in the same transaction as the change."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_entity", "entity_uuid", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int | None = Field(default=None, index=True)
    entity: str = Field(max_length=32)
    entity_uuid: str = Field(max_length=36)
    action: str = Field(max_length=16, description="create / update / delete / export")
    field: str = Field(default="", max_length=64)
    old: str | None = Field(default=None)
    new: str | None = Field(default=None)
    who: str = Field(default="", max_length=64)
    at: datetime
    device: str = Field(default="", max_length=64)


class IndustryCode(SQLModel, table=True):
    """GB/T 4754 codes (2017, and 2011 which old registers still carry)."""

    __tablename__ = "industry_code"

    version: str = Field(primary_key=True, max_length=4)
    code: str = Field(primary_key=True, max_length=5)
    name: str = Field(max_length=100)
    level: int
    parent: str | None = Field(default=None, max_length=5)


class Division(SQLModel, table=True):
    """Administrative division codes (GB/T 2260) with history."""

    code: str = Field(primary_key=True, max_length=6)
    start_year: int = Field(primary_key=True, description="a code can be reused: history rows differ here")
    name: str = Field(max_length=100)
    parent: str | None = Field(default=None, max_length=6)
    end_year: int | None = Field(default=None, description="None while current")
    successor_codes: str = Field(default="", max_length=100)


# Feature tables live in their own modules (they import Travelling from here): importing them last
# puts every table on the metadata for whoever imports storage.tables.
from storage import (  # noqa: E402
    tables_classification,  # noqa: F401
    tables_distinctions,  # noqa: F401
    tables_imports,  # noqa: F401
    tables_inspection,  # noqa: F401
    tables_report,  # noqa: F401
    tables_service,  # noqa: F401
    tables_sync,  # noqa: F401
    tables_sync_apply,  # noqa: F401
)
