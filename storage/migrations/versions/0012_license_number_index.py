"""An index on license.number (issue 15): a licence list is matched to the stored licences by number

Importing a 许可证 list looks each chunk's numbers up among the stored licences (same number: an update);
without an index every chunk read every licence of the database (50,000 licences into a register with
hundreds of thousands of licences: a full scan per 500 numbers).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 02:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_license_number", "license", ["number"])


def downgrade() -> None:
    op.drop_index("ix_license_number", table_name="license")
