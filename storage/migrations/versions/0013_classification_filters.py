"""The list's 三型 and 规模 filters at a million businesses (issue 16): two indexes on classification_result

- ix_classification_result_office_effective_tier (office_id, coalesce(override_tier, tier)): the tier staff
  see (a manual 认定 over the computed one). It gives both planners the expression's statistics (PostgreSQL
  guessed 0.5 % of rows for any tier, and chose a 1.2 s plan for 未分派 + 成长型) and lets a rare tier
  (发展型) be read from the index instead of probing every business.
- ix_classification_result_office_size (office_id, size_class): 小型 is 0.1 % of households; SQLite walked a
  million businesses (4.6 s) to fill a page of them.
Measured before and after in docs/benchmarks.md (list filters).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 02:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_classification_result_office_effective_tier",
        "classification_result",
        ["office_id", sa.text("coalesce(override_tier, tier)")],
    )
    op.create_index("ix_classification_result_office_size", "classification_result", ["office_id", "size_class"])


def downgrade() -> None:
    op.drop_index("ix_classification_result_office_size", table_name="classification_result")
    op.drop_index("ix_classification_result_office_effective_tier", table_name="classification_result")
