"""Tables of the Excel import: one record per import run (who, when, file, mode, counts).

Feature tables live in their own modules; storage.tables imports them all so that one import
puts every table on SQLModel.metadata (Alembic, db copy and db check rely on that).
"""

from __future__ import annotations
