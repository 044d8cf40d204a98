"""Alembic environment: the connection is always handed in by storage.schema (no URL in a file)."""

from alembic import context
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers the tables on the metadata)

target_metadata = SQLModel.metadata


# The search index (migration 0002) is written by hand per engine; autogenerate must not drop it.
_SEARCH_OBJECTS = (
    "business_fts", "business_grams", "business_pinyin", "business_codes", "business_initials", "ix_business_search_",
)


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    return not (name or "").startswith(_SEARCH_OBJECTS)


def run_migrations() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
