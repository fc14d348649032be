"""SQLite storage: the async engine, the tables, migrations and repositories."""
