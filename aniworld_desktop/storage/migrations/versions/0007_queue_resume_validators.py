"""Resume validators: what the server said about a file when its part file began.

``etag`` and ``last_modified`` are the validators of the answer that began the queue item's
part file (a strong ETag, else Last-Modified), sent as ``If-Range`` on resume and compared with
the answer, so a file that changed on the server is fetched again instead of spliced. Both stay
NULL until the item's part began ('' when the server sent none). ``expected_size`` keeps the
size the source announced; ``bytes_total`` follows the server.

Rows from before keep NULL: a part they have is continued as before, when sizes agree.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs: SQLite does them in place, no table copy, existing rows keep their data.
    with op.batch_alter_table("download_queue", recreate="never") as batch:
        batch.add_column(sa.Column("expected_size", sa.BigInteger()))
        batch.add_column(sa.Column("etag", sa.Text()))
        batch.add_column(sa.Column("last_modified", sa.Text()))


def downgrade() -> None:
    with op.batch_alter_table("download_queue") as batch:
        for name in ("last_modified", "etag", "expected_size"):
            batch.drop_column(name)
