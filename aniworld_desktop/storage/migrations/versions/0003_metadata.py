"""Metadata: the TMDB id and metadata state of a series, and a cache of API replies.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "http_cache",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_http_cache"),
    )
    # Plain ADD COLUMNs: SQLite does them in place, no table copy, existing rows keep their data.
    with op.batch_alter_table("series", recreate="never") as batch:
        batch.add_column(sa.Column("tmdb_id", sa.Integer()))
        batch.add_column(sa.Column("metadata_state", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("metadata_error", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("series") as batch:
        for name in ("metadata_error", "metadata_state", "tmdb_id"):
            batch.drop_column(name)
    op.drop_table("http_cache")
