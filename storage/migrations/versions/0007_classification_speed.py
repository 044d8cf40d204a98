"""classification recompute speed (issue 5): no schema change was needed

The recompute's speed work (session 3) changed only how rows are read, decided and written: the stored
inputs JSON, explanations and every table stay as they were, so results written before and after compare
byte for byte. The revision stays in the chain as a no-op so the numbering of later revisions holds.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 18:15:00
"""

from collections.abc import Sequence

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
