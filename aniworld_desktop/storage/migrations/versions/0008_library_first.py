"""Library first: a series without a source, monitor modes, TMDB match state, monitored episodes.

``series.provider`` and ``series.source_url`` become optional (NULL: a local series, a folder of
the library without a source), which SQLite can only do by copying the table. Existing series
keep everything and get the monitor mode ``all``, so nothing changes for them; a series that
already has a TMDB id is ``matched``. Every existing episode is monitored.

Copying ``series`` means dropping the old table, and with foreign keys on (the app turns them on
for every connection, and ``PRAGMA foreign_keys`` cannot change inside the migration's
transaction) SQLite deletes the rows that refer to it on the way, by their ``ON DELETE
CASCADE``: every episode and, through them, every queue entry. So those are set aside in
temporary tables first and put back, with their ids, once the new table is in place.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# The tables whose rows refer to each table (directly or through another), farthest first:
# set aside in this order, put back in the reverse one.
_CHILDREN = {"series": ("download_queue", "episode"), "episode": ("download_queue",)}


def _copy(table: str, change: Callable[[BatchOperations], None]) -> None:
    """Copy ``table`` with ``change`` applied, keeping every row of every table."""
    children = _CHILDREN[table]
    for child in children:
        op.execute(f"CREATE TEMP TABLE _kept_{child} AS SELECT * FROM {child}")
        op.execute(f"DELETE FROM {child}")
    with op.batch_alter_table(table, recreate="always") as batch:
        change(batch)
    for child in reversed(children):
        op.execute(f"INSERT INTO {child} SELECT * FROM temp._kept_{child}")
        op.execute(f"DROP TABLE temp._kept_{child}")


def _library_first(batch: BatchOperations) -> None:
    batch.alter_column("provider", existing_type=sa.String(), nullable=True)
    batch.alter_column("source_url", existing_type=sa.String(), nullable=True)
    batch.add_column(sa.Column("monitor_mode", sa.Text(), nullable=False, server_default="all"))
    batch.add_column(sa.Column("monitor_season", sa.Integer()))
    batch.add_column(
        sa.Column("match_state", sa.Text(), nullable=False, server_default="unmatched")
    )
    batch.add_column(sa.Column("tmdb_confidence", sa.Float()))
    batch.add_column(sa.Column("match_note", sa.Text(), nullable=False, server_default=""))
    batch.add_column(sa.Column("genres", sa.Text(), nullable=False, server_default=""))
    batch.add_column(sa.Column("premiered", sa.Date()))
    batch.add_column(sa.Column("status", sa.Text(), nullable=False, server_default=""))


def _as_before(batch: BatchOperations) -> None:
    for name in (
        "status", "premiered", "genres", "match_note", "tmdb_confidence", "match_state",
        "monitor_season", "monitor_mode",
    ):  # fmt: skip
        batch.drop_column(name)
    batch.alter_column("source_url", existing_type=sa.String(), nullable=False)
    batch.alter_column("provider", existing_type=sa.String(), nullable=False)


def upgrade() -> None:
    # A plain ADD COLUMN (in place), before the episodes are set aside, so they carry it.
    with op.batch_alter_table("episode", recreate="never") as batch:
        batch.add_column(
            sa.Column("monitored", sa.Boolean(), nullable=False, server_default=sa.text("1"))
        )
    _copy("series", _library_first)
    op.execute("UPDATE series SET match_state = 'matched' WHERE tmdb_id IS NOT NULL")


def downgrade() -> None:
    # A local series has no place in the old schema: it goes, with its catalogue (the files
    # on disk stay, and a scan of a newer version follows their folder again).
    op.execute(
        "DELETE FROM download_queue WHERE episode_id IN (SELECT episode.id FROM episode"
        " JOIN series ON series.id = episode.series_id WHERE series.provider IS NULL)"
    )
    op.execute(
        "DELETE FROM episode WHERE series_id IN (SELECT id FROM series WHERE provider IS NULL)"
    )
    op.execute("DELETE FROM series WHERE provider IS NULL")
    _copy("series", _as_before)
    _copy("episode", lambda batch: batch.drop_column("monitored"))
