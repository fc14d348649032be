"""An index on download_queue.episode_id for every status.

The partial unique index covers active rows only, and SQLite cannot use it for a query whose
status list is bound parameters; the per-series counts then scanned the whole queue once per
episode (100,000 x 100,000 rows: a query that never ended).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_download_queue_episode_id", "download_queue", ["episode_id"])


def downgrade() -> None:
    op.drop_index("ix_download_queue_episode_id", table_name="download_queue")
