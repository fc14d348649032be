"""Series, episodes and the download queue.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ACTIVE = "status IN ('downloading', 'paused', 'pending')"


def upgrade() -> None:
    op.create_table(
        "series",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("provider", sa.String(), nullable=False),
        sa.Column("source_url", sa.String(), nullable=False),
        sa.Column("folder", sa.String(), nullable=False),
        sa.Column("year", sa.Integer()),
        sa.Column("monitored", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("source_url", name="uq_series_source_url"),
    )
    op.create_table(
        "episode",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "series_id",
            sa.Integer(),
            sa.ForeignKey("series.id", ondelete="CASCADE", name="fk_episode_series_id_series"),
            nullable=False,
        ),
        sa.Column("season", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("size", sa.BigInteger()),
        sa.UniqueConstraint("series_id", "season", "number", name="uq_episode_series_id"),
    )
    op.create_index("ix_episode_series_id", "episode", ["series_id"])
    op.create_table(
        "download_queue",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "episode_id",
            sa.Integer(),
            sa.ForeignKey(
                "episode.id", ondelete="CASCADE", name="fk_download_queue_episode_id_episode"
            ),
            nullable=False,
        ),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("destination", sa.String(), nullable=False),
        sa.Column("bytes_done", sa.BigInteger(), nullable=False),
        sa.Column("bytes_total", sa.BigInteger()),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime()),
        sa.Column("finished_at", sa.DateTime()),
    )
    op.create_index(
        "uq_download_queue_active_episode",
        "download_queue",
        ["episode_id"],
        unique=True,
        sqlite_where=sa.text(ACTIVE),
    )
    op.create_index("ix_download_queue_status_position", "download_queue", ["status", "position"])


def downgrade() -> None:
    op.drop_table("download_queue")
    op.drop_table("episode")
    op.drop_table("series")
