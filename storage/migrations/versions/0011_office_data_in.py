"""Data other departments send (issue 15): a licence's life (renewed, cancelled, what it permits, where), the
kind of list an import read, and where a year's figures came from

- license.status: valid / renewed / cancelled (domain.labels.LicenseStatus); a renewal writes a new licence
  whose renews_uuid names the old one and sets the old one to renewed, so its history stays and its reminder
  ends. closed_on: the day it was renewed or cancelled.
- license.scope (许可项目) and license.place (经营场所), as the licence lists carry them.
- import_record.kind: register / figures / licenses (which list the file was).
- year_figures.source: 手工录入, or the file a list came from.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    with op.batch_alter_table("license") as batch:
        batch.add_column(sa.Column("status", _text(16), nullable=False, server_default="valid"))
        batch.add_column(sa.Column("scope", _text(500), nullable=False, server_default=""))
        batch.add_column(sa.Column("place", _text(300), nullable=False, server_default=""))
        batch.add_column(sa.Column("renews_uuid", _text(36), nullable=True))
        batch.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
    with op.batch_alter_table("import_record") as batch:
        batch.add_column(sa.Column("kind", _text(16), nullable=False, server_default="register"))
    with op.batch_alter_table("year_figures") as batch:
        batch.add_column(sa.Column("source", _text(255), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("year_figures") as batch:
        batch.drop_column("source")
    with op.batch_alter_table("import_record") as batch:
        batch.drop_column("kind")
    with op.batch_alter_table("license") as batch:
        for column in ("closed_on", "renews_uuid", "place", "scope", "status"):
            batch.drop_column(column)
