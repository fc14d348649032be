"""A failed queue row remembers whether the failure was the source's for good (404, 410...).

Such an episode is not queued again by every run; retrying it by hand, or a new URL for it in
the catalogue, brings it back.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("download_queue", recreate="never") as batch:
        batch.add_column(
            sa.Column("permanent", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("download_queue") as batch:
        batch.drop_column("permanent")
