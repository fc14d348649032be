"""Alembic environment: runs on the connection the app hands over (see storage.database)."""

from alembic import context

from aniworld_desktop.storage.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "Migrations run from the app: aniworld_desktop.storage.database.migrate_file()"
    )

# The connection is inside the app's transaction (an explicit BEGIN): every migration of the
# upgrade, DDL included, commits together or not at all.
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table.
)
with context.begin_transaction():
    context.run_migrations()
