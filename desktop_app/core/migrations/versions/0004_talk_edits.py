"""The edit layer: the user's typed facts per talk and field, their history, and merges.

`talks.source_record` keeps the source's facts of a talk that has edits (so that a field can be
reverted and a re-import updates the source layer only).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if "source_record" not in {column["name"] for column in inspector.get_columns("talks")}:
        op.add_column("talks", sa.Column("source_record", sa.JSON, nullable=True))
    tables = set(inspector.get_table_names())
    if "talk_edits" not in tables:
        op.create_table(
            "talk_edits",
            sa.Column("uid", sa.String(120), primary_key=True),
            sa.Column("field", sa.String(32), primary_key=True),
            sa.Column("value", sa.JSON, nullable=True),
            sa.Column("edited_at", sa.DateTime, nullable=False),
            sa.Column("by", sa.String(32), nullable=False, server_default="edited"),
        )
    if "talk_history" not in tables:
        op.create_table(
            "talk_history",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("uid", sa.String(120), nullable=False, index=True),
            sa.Column("field", sa.String(32), nullable=False),
            sa.Column("old", sa.JSON, nullable=True),
            sa.Column("new", sa.JSON, nullable=True),
            sa.Column("at", sa.DateTime, nullable=False),
            sa.Column("by", sa.String(32), nullable=False),
        )
    if "talk_merges" not in tables:
        op.create_table(
            "talk_merges",
            sa.Column("gone_uid", sa.String(120), primary_key=True),
            sa.Column("kept_uid", sa.String(120), nullable=False, index=True),
            sa.Column("merged_at", sa.DateTime, nullable=False),
        )


def downgrade() -> None:
    op.drop_table("talk_merges")
    op.drop_table("talk_history")
    op.drop_table("talk_edits")
    with op.batch_alter_table("talks") as batch:
        batch.drop_column("source_record")
