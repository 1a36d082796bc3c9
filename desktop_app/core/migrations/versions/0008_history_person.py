"""The talk history names who saved each change (the member, on a shared archive)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("talk_history")}
    if "person" in columns:
        return
    # '' for the changes made before: an SQLite archive's one person, or not known.
    op.add_column(
        "talk_history",
        sa.Column("person", sa.String(63), nullable=False, server_default=""),
    )


def downgrade() -> None:
    with op.batch_alter_table("talk_history") as batch:
        batch.drop_column("person")
