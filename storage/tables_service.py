"""Tables of service work (issue 6): support records, appeals and their steps, visits, follow-ups.

Feature tables live in their own modules; storage.tables imports them all so that one import
puts every table on SQLModel.metadata (Alembic, db copy and db check rely on that).
"""

from __future__ import annotations
