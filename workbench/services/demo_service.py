"""The demo's year of service work: support records (some first loans), appeals in every state (some open,
some overdue, most closed, many with 回访), visits with follow-ups.

Called by demo.build_demo inside its transaction, after the businesses are in. The number of records
grows with the office and is capped, so a 1,000,000-business demo adds seconds, not minutes. The
licenses the demo already makes expire spread over five years, so some always fall inside the reminder
lead times. Deterministic for a seed and a day.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, insert, select, update
from sqlmodel import SQLModel

from workbench.domain import appeal_states as states
from workbench.domain.labels import BusinessStatus
from workbench.domain.service_lists import APPEAL_CATEGORIES, APPEAL_CHANNELS, FIRST_LOAN, VISIT_FINDINGS
from workbench.domain.working_days import DEFAULT_CALENDAR
from workbench.services.demo_service_text import APPEAL_TEXT, PURPOSES, REPLIES, SUPPORT, SURNAMES

WHO = "演示数据"
DEVICE = "demo"
SUPPORT_CAP, APPEAL_CAP, VISIT_CAP = 3000, 1500, 4000


@dataclass(frozen=True)
class ServiceDemoCounts:
    support: int
    first_loans: int
    appeals: int
    open_appeals: int
    visits: int
    follow_ups: int

    def __str__(self) -> str:
        return (
            f"帮扶记录 {self.support:,} 条（首贷 {self.first_loans:,} 户），诉求 {self.appeals:,} 件"
            f"（未办结 {self.open_appeals:,} 件），走访 {self.visits:,} 次（跟进事项 {self.follow_ups:,} 项）"
        )


def build_service_demo(
    connection: Connection,
    *,
    office_id: int,
    first_business_id: int,
    size: int,
    seed: int,
    today: date,
    stamp: datetime,
) -> ServiceDemoCounts:
    """Insert the year of service work for the demo office whose businesses are first_business_id.. on."""
    rng = random.Random(seed * 7919 + 6)
    maker = _Maker(connection, rng, office_id, today, stamp)
    businesses = maker.sample_businesses(first_business_id, size, 2 * (SUPPORT_CAP + APPEAL_CAP + VISIT_CAP))
    if not businesses:
        return ServiceDemoCounts(0, 0, 0, 0, 0, 0)
    support, loans = maker.support(businesses, _scaled(size, 15, 20, SUPPORT_CAP))
    appeals, still_open = maker.appeals(businesses, _scaled(size, 40, 12, APPEAL_CAP))
    visits, follow_ups = maker.visits(businesses, _scaled(size, 12, 20, VISIT_CAP))
    return ServiceDemoCounts(support, loans, appeals, still_open, visits, follow_ups)


def _scaled(size: int, per: int, least: int, cap: int) -> int:
    return min(max(size // per, least), cap)


class _Maker:
    def __init__(
        self, connection: Connection, rng: random.Random, office_id: int, today: date, stamp: datetime
    ):
        self.connection, self.rng, self.office_id, self.today, self.stamp = (
            connection,
            rng,
            office_id,
            today,
            stamp,
        )
        self.tables = SQLModel.metadata.tables
        self.log: list[dict[str, Any]] = []
        officers = self.tables["officer"]
        rows = connection.execute(
            select(officers.c.id, officers.c.name).where(officers.c.office_id == office_id)
        )
        self.officers = {row.id: row.name for row in rows}

    def travelling(self, at: datetime | None = None) -> dict[str, Any]:
        return {
            "uuid": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            "version": 1,
            "updated_at": at or self.stamp,
            "updated_by": WHO,
            "device": DEVICE,
            "office_id": self.office_id,
        }

    def sample_businesses(self, first_id: int, size: int, wanted: int) -> list[Any]:
        business = self.tables["business"]
        ids = self.rng.sample(range(first_id, first_id + size), min(size, wanted))
        rows: list[Any] = []
        for start in range(0, len(ids), 900):
            chunk = sorted(ids[start : start + 900])
            rows += self.connection.execute(
                select(business.c.id, business.c.uuid, business.c.officer_id, business.c.name)
                .where(and_(business.c.id.in_(chunk), business.c.status == BusinessStatus.ACTIVE))
                .order_by(business.c.id)
            ).all()
        self.rng.shuffle(rows)
        return rows

    def day_in_last_year(self) -> date:
        return self.today - timedelta(days=int(self.rng.random() ** 1.3 * 365))

    def at(self, day: date) -> datetime:
        return datetime(
            day.year,
            day.month,
            day.day,
            1 + int(self.rng.random() * 8),
            int(self.rng.random() * 60),
            tzinfo=UTC,
        )

    def support(self, businesses: list[Any], count: int) -> tuple[int, int]:
        kinds = list(SUPPORT)
        weights = [SUPPORT[kind][0] for kind in kinds]
        rows, loans = [], []
        for business in businesses[:count]:
            kind = self.rng.choices(kinds, weights)[0]
            _weight, basis, content, partners, amounts = SUPPORT[kind]
            given_on = self.day_in_last_year()
            amount = None if amounts is None else int(self.rng.uniform(*amounts) * 10) * 1000
            partner = self.rng.choice(partners)
            rows.append(
                {
                    **self.travelling(self.at(given_on)),
                    "business_id": business.id,
                    "kind": kind,
                    "given_on": given_on,
                    "officer_id": business.officer_id,
                    "basis": basis,
                    "content": content,
                    "amount_yuan": amount,
                    "partner": partner,
                    "outcome": "已完成" if given_on < self.today else "",
                }
            )
            if kind == FIRST_LOAN:
                loans.append({"key": business.id, "on": given_on, "bank": partner})
        self._insert("support_record", rows)
        if loans:
            business = self.tables["business"]
            self.connection.execute(
                update(business)
                .where(business.c.id == bindparam("key"))
                .values(first_loan_on=bindparam("on"), first_loan_bank=bindparam("bank")),
                loans,
            )
        return len(rows), len(loans)

    def appeals(self, businesses: list[Any], count: int) -> tuple[int, int]:
        categories = list(APPEAL_CATEGORIES)
        chosen = businesses[SUPPORT_CAP : SUPPORT_CAP + count] or businesses[:count]
        rows, plans = [], []
        for number, business in enumerate(chosen):
            category = self.rng.choice(categories)
            # one in ten arrived in the last days, so a new user sees work in every state
            recent = number % 10 == 0
            received = (
                self.today - timedelta(days=self.rng.randint(0, 8)) if recent else self.day_in_last_year()
            )
            deadline = DEFAULT_CALENDAR.add_working_days(received, APPEAL_CATEGORIES[category])
            walk = self._walk(received, deadline.day, number)
            unregistered = self.rng.random() < 0.1
            values = {
                **self.travelling(),
                "business_id": None if unregistered else business.id,
                "person_name": self.rng.choice(SURNAMES) + self.rng.choice(("先生", "女士"))
                if unregistered
                else "",
                "person_phone": f"139{self.rng.randrange(10**8):08d}" if unregistered else "",
                "channel": self.rng.choice(APPEAL_CHANNELS),
                "category": category,
                "description": APPEAL_TEXT[category],
                "officer_id": business.officer_id,
                "received_on": received,
                "deadline": deadline.day,
                "deadline_estimated": deadline.estimated,
                "state": walk[-1][1],
                "reply": "",
                "replied_on": None,
                "closed_on": None,
                "satisfaction": None,
                "followed_up_on": None,
            }
            for action, _state, day in walk:
                values.update(self._effect(action, day))
            values["version"] = len(walk)
            rows.append(values)
            plans.append((received, walk, business.officer_id))
        ids = self._insert("appeal", rows)
        steps = []
        for (received, walk, officer_id), appeal_id in zip(plans, ids, strict=True):
            before = ""
            for action, state, day in [(states.INTAKE, states.RECEIVED, received), *walk[1:]]:
                note = f"分派给{self.officers.get(officer_id, '')}" if action == states.ASSIGN else ""
                note = self.rng.choice(REPLIES) if action == states.REPLY else note
                at = self.at(day)
                steps.append(
                    {
                        **self.travelling(at),
                        "appeal_id": appeal_id,
                        "action": action,
                        "from_state": before,
                        "to_state": state,
                        "note": note,
                        "who": WHO,
                        "at": at,
                    }
                )
                before = state
        self._insert("appeal_step", steps)
        return len(rows), sum(1 for row in rows if row["state"] in states.OPEN_STATES)

    def _walk(self, received: date, deadline: date, number: int) -> list[tuple[str, str, date]]:
        """(action, state after, day) from intake on: appeals still in time stop at any state, older ones are
        mostly closed, and about 4% are left open past their deadline so the demo has overdue work."""
        walk = [(states.INTAKE, states.RECEIVED, received)]
        in_time = deadline >= self.today
        stuck = number % 23 == 0
        waiting = (
            number % 20 == 0 or (self.today - received).days < 2 or (in_time and self.rng.random() < 0.2)
        )
        if waiting and not stuck:
            return walk
        walk.append((states.ASSIGN, states.HANDLING, min(received + timedelta(days=1), self.today)))
        if stuck or (in_time and self.rng.random() < 0.4):
            return walk
        span = max(3, (deadline - received).days)
        reply_on = min(received + timedelta(days=self.rng.randint(2, span)), self.today)
        walk.append((states.REPLY, states.REPLIED, reply_on))
        close_on = min(reply_on + timedelta(days=self.rng.randint(0, 3)), self.today)
        if close_on >= self.today or (in_time and self.rng.random() < 0.5):
            return walk
        walk.append((states.CLOSE, states.CLOSED, close_on))
        follow_on = close_on + timedelta(days=self.rng.randint(3, 15))
        if follow_on < self.today and self.rng.random() < 0.7:
            walk.append((states.FOLLOW_UP, states.FOLLOWED_UP, follow_on))
        return walk

    def _effect(self, action: str, day: date) -> dict[str, Any]:
        if action == states.REPLY:
            return {"reply": self.rng.choice(REPLIES), "replied_on": day}
        if action == states.CLOSE:
            return {"closed_on": day}
        if action == states.FOLLOW_UP:
            satisfaction = self.rng.choices(("满意", "基本满意", "不满意"), (70, 22, 8))[0]
            return {"satisfaction": satisfaction, "followed_up_on": day}
        return {}

    def visits(self, businesses: list[Any], count: int) -> tuple[int, int]:
        start = SUPPORT_CAP + APPEAL_CAP
        chosen = businesses[start : start + count] or businesses[:count]
        rows, plans = [], []
        for business in chosen:
            visited_on = self.day_in_last_year()
            finding = self.rng.choices(VISIT_FINDINGS, (80, 5, 7, 3, 5))[0]
            name = self.officers.get(business.officer_id, "")
            rows.append(
                {
                    **self.travelling(self.at(visited_on)),
                    "business_id": business.id,
                    "visited_on": visited_on,
                    "officer_id": business.officer_id,
                    "officers_present": name,
                    "purpose": self.rng.choice(PURPOSES),
                    "finding": finding,
                    "notes": "经营正常，证照齐全" if finding == "正常经营" else f"现场{finding}",
                    "observed": "",
                }
            )
            plans.append(finding != "正常经营" or self.rng.random() < 0.1)
        ids = self._insert("visit", rows)
        follow_ups = []
        for row, visit_id, needs in zip(rows, ids, plans, strict=True):
            if not needs:
                continue
            due = row["visited_on"] + timedelta(days=self.rng.randint(5, 30))
            # Old follow-ups were nearly all done; the last month's are where the demo's overdue work is.
            done_share = 0.97 if (self.today - due).days > 30 else 0.6
            done = (
                due - timedelta(days=self.rng.randint(0, 4))
                if due < self.today and self.rng.random() < done_share
                else None
            )
            follow_ups.append(
                {
                    **self.travelling(),
                    "visit_id": visit_id,
                    "action": "复查经营状况",
                    "due_on": due,
                    "done_on": done,
                }
            )
        self._insert("visit_follow_up", follow_ups)
        return len(rows), len(follow_ups)

    def _insert(self, table_name: str, rows: list[dict[str, Any]]) -> list[int]:
        """Insert, log one 'create' per row, and return the new ids in row order (looked up by uuid)."""
        if not rows:
            return []
        table = self.tables[table_name]
        self.connection.execute(insert(table), rows)
        ids: dict[str, int] = {}
        uuids = [row["uuid"] for row in rows]
        for start in range(0, len(uuids), 900):
            found = self.connection.execute(
                select(table.c.uuid, table.c.id).where(table.c.uuid.in_(uuids[start : start + 900]))
            )
            ids.update({row.uuid: row.id for row in found})
        log = self.tables["change_log"]
        self.connection.execute(
            insert(log),
            [
                {
                    "office_id": self.office_id,
                    "entity": table_name,
                    "entity_uuid": row["uuid"],
                    "action": "create",
                    "field": "",
                    "old": None,
                    "new": None,
                    "who": WHO,
                    "at": self.stamp,
                    "device": DEVICE,
                }
                for row in rows
            ],
        )
        return [ids[row["uuid"]] for row in rows]
