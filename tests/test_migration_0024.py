"""Migration 0024 on both engines: ix_year_figures_business_id and ix_classification_result_office_tier are gone
(a downgrade brings them back), and the lookups they served are served by the indexes left: year figures by
business through the unique (business_id, year) index, results by office through the effective-tier index."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, text

from storage.schema import _alembic_config, upgrade

GONE = {"year_figures": "ix_year_figures_business_id", "classification_result": "ix_classification_result_office_tier"}
UNIQUE_BY_YEAR = {"sqlite": "sqlite_autoindex_year_figures_1", "postgresql": "uq_year_figures_business_year"}

# The statements that looked year figures up by business (the recompute's read, the import's checks, the
# detail page, the code lookup): each must reach the rows through the unique (business_id, year) index.
BY_BUSINESS = [
    "SELECT id FROM year_figures WHERE business_id = 7 AND deleted_at IS NULL ORDER BY year DESC LIMIT 1",
    "SELECT business_id, year FROM year_figures WHERE business_id IN (3, 5, 7)",
    "SELECT * FROM year_figures WHERE business_id = 7 AND year = 2025",
    "SELECT b.id, y.revenue FROM business b JOIN year_figures y ON y.business_id = b.id WHERE b.id = 7",
]


def _indexes(engine: Engine) -> dict[str, set[str]]:
    sql = ("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :table" if engine.dialect.name == "sqlite"
           else "SELECT indexname FROM pg_indexes WHERE tablename = :table")  # fmt: skip
    with engine.connect() as connection:
        return {table: set(connection.execute(text(sql), {"table": table}).scalars()) for table in GONE}


def _downgrade(engine: Engine, revision: str) -> None:
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_0024_drops_the_two_indexes_and_a_downgrade_brings_them_back(engine: Engine) -> None:
    assert all(GONE[table] not in names for table, names in _indexes(engine).items())
    _downgrade(engine, "0023")
    assert all(GONE[table] in names for table, names in _indexes(engine).items())
    upgrade(engine)
    assert all(GONE[table] not in names for table, names in _indexes(engine).items())


def _plan(engine: Engine, sql: str) -> str:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return " ".join(str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
        connection.exec_driver_sql("SET enable_seqscan = off")  # the tables are empty: ask for the index path
        return " ".join(str(row[0]) for row in connection.exec_driver_sql(f"EXPLAIN {sql}"))


def test_year_figures_are_looked_up_by_business_through_the_unique_index(engine: Engine) -> None:
    for sql in BY_BUSINESS:
        plan = _plan(engine, sql)
        assert UNIQUE_BY_YEAR[engine.dialect.name] in plan, (sql, plan)


def test_results_of_an_office_are_still_found_through_an_office_index(engine: Engine) -> None:
    """The only use the computed-tier index had: results by office (its leading column), which the effective
    tier and size indexes, also led by office_id, serve as well."""
    for sql in ("SELECT business_id, tier, override_tier FROM classification_result WHERE office_id = 1",
                "SELECT business_id FROM classification_result "
                "WHERE office_id = 1 AND coalesce(override_tier, tier) = 'growth'"):  # fmt: skip
        plan = _plan(engine, sql)
        used = "USING INDEX ix_classification_result_office_" if engine.dialect.name == "sqlite" else "Index Cond: (office_id = 1)"
        assert used in plan, (sql, plan)
