"""Sources a series publishes in (feeds, researchseminars.org, playlists, files), which talks
each brought, talks a feed dropped, and the review list of proposed merges and recordings."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if "removed_by_source" not in {c["name"] for c in inspector.get_columns("talks")}:
        op.add_column(
            "talks",
            sa.Column("removed_by_source", sa.Boolean, nullable=False, server_default=sa.false()),
        )
    tables = set(inspector.get_table_names())
    if "sources" not in tables:
        op.create_table(
            "sources",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("series_id", sa.Integer, sa.ForeignKey("series.id"), nullable=False),
            sa.Column("kind", sa.String(32), nullable=False),
            sa.Column("url", sa.Text, nullable=False),
            sa.Column("etag", sa.Text),
            sa.Column("last_modified", sa.Text),
            sa.Column("last_status", sa.String(16)),
            sa.Column("last_sync", sa.DateTime),
            sa.Column("last_error", sa.Text),
            sa.Column("created_at", sa.DateTime, nullable=False),
        )
        op.create_index("ix_sources_series_id", "sources", ["series_id"])
    if "talk_sources" not in tables:
        op.create_table(
            "talk_sources",
            sa.Column("uid", sa.String(120), primary_key=True),
            sa.Column(
                "source_id",
                sa.Integer,
                sa.ForeignKey("sources.id", ondelete="CASCADE"),
                primary_key=True,
            ),
            sa.Column("seen_at", sa.DateTime, nullable=False),
        )
        op.create_index("ix_talk_sources_source_id", "talk_sources", ["source_id"])
    if "review_items" not in tables:
        op.create_table(
            "review_items",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("kind", sa.String(16), nullable=False),
            sa.Column("uids", sa.JSON, nullable=False),
            sa.Column("recording_url", sa.Text),
            sa.Column("score", sa.Float, nullable=False, server_default="0"),
            sa.Column("reason", sa.Text, nullable=False, server_default=""),
            sa.Column("status", sa.String(16), nullable=False, server_default="open"),
            sa.Column("created_at", sa.DateTime, nullable=False),
        )
        op.create_index("ix_review_items_status", "review_items", ["status"])


def downgrade() -> None:
    op.drop_table("review_items")
    op.drop_table("talk_sources")
    op.drop_table("sources")
    with op.batch_alter_table("talks") as batch:
        batch.drop_column("removed_by_source")
