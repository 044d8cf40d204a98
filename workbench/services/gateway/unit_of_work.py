"""The one place a screen's action opens its transaction: a read, or a write that commits or rolls back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlmodel import Session


class UnitOfWork:
    """Sessions on the office database. Every facade method runs in one of these and nothing outlives it."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads; nothing is committed."""
        with Session(self._engine) as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session whose work commits when the block ends; an exception rolls all of it back."""
        with Session(self._engine) as session:
            yield session
            session.commit()

    @contextmanager
    def connection_for_warm_up(self) -> Iterator[Connection]:
        """A bare connection, for the search warm-up that reads index pages and writes nothing."""
        with self._engine.connect() as connection:
            yield connection
