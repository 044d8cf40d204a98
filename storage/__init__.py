"""SQLModel tables, the engine factory, migrations, queries and the search index."""
