"""Tables of 名特优新 distinctions, negative-list events, pools and 个转企 events (issue 5).

Feature tables live in their own modules; storage.tables imports them all so that one import
puts every table on SQLModel.metadata (Alembic, db copy and db check rely on that).
"""

from __future__ import annotations
