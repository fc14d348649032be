"""Library: series metadata and refresh state; episode kind, dates, references and files on disk.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs: SQLite does them in place, no table copy, existing rows keep their data.
    with op.batch_alter_table("series", recreate="never") as batch:
        batch.add_column(sa.Column("description", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("poster_url", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("fanart_url", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("etag", sa.String()))
        batch.add_column(sa.Column("last_modified", sa.String()))
        batch.add_column(sa.Column("refreshed_at", sa.DateTime()))
        batch.add_column(sa.Column("refresh_error", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("episode", recreate="never") as batch:
        batch.add_column(sa.Column("absolute", sa.Integer()))
        batch.add_column(sa.Column("air_date", sa.Date()))
        batch.add_column(sa.Column("kind", sa.String(8), nullable=False, server_default="full"))
        batch.add_column(sa.Column("guid", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("description", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("image_url", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("file_path", sa.String()))
        batch.add_column(sa.Column("file_size", sa.BigInteger()))


def downgrade() -> None:
    with op.batch_alter_table("episode") as batch:
        for name in (
            "file_size", "file_path", "image_url", "description", "guid", "kind", "air_date",
            "absolute",
        ):  # fmt: skip
            batch.drop_column(name)
    with op.batch_alter_table("series") as batch:
        for name in (
            "refresh_error", "refreshed_at", "last_modified", "etag", "fanart_url", "poster_url",
            "description",
        ):  # fmt: skip
            batch.drop_column(name)
