"""SQLite search speed (issue 2): no schema change turned out to be needed (plans and a warm-up did it); kept as a no-op

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 18:15:00
"""

from collections.abc import Sequence

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
