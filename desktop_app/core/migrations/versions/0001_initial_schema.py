"""The first schema: series, talks, speakers, links, tags, user state, meta."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archive_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "series",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(120), nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("short_name", sa.Text),
        sa.Column("homepage", sa.Text),
        sa.Column("timezone", sa.String(64)),
        sa.Column("schedule", sa.Text),
        sa.Column("description", sa.Text),
        sa.Column("provenance", sa.JSON),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("affiliation", sa.Text),
    )
    op.create_table(
        "talks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uid", sa.String(120), nullable=False, unique=True),
        sa.Column("series_id", sa.Integer, sa.ForeignKey("series.id"), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("sort_title", sa.Text, nullable=False),
        sa.Column("start_utc", sa.DateTime),
        sa.Column("timezone", sa.String(64)),
        sa.Column("start_year", sa.Integer),
        sa.Column("duration_minutes", sa.Integer),
        sa.Column("abstract", sa.Text),
        sa.Column("bio", sa.Text),
        sa.Column("extra", sa.Text),
        sa.Column("join_url", sa.Text),
        sa.Column("recording_url", sa.Text),
        sa.Column("cancelled", sa.Boolean, nullable=False),
        sa.Column("provenance", sa.JSON),
        sa.Column("field_provenance", sa.JSON),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("source_key", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("source", "source_key", name="uq_talks_source_key"),
    )
    op.create_index("ix_talks_start", "talks", ["start_utc", "id"])
    op.create_index("ix_talks_series_start", "talks", ["series_id", "start_utc"])
    op.create_index("ix_talks_sort_title", "talks", ["sort_title"])
    op.create_index("ix_talks_start_year", "talks", ["start_year"])
    op.create_index("ix_talks_generation", "talks", ["generation"])
    op.create_table(
        "talk_speakers",
        sa.Column(
            "talk_id", sa.Integer, sa.ForeignKey("talks.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id"), nullable=False),
        sa.Column("affiliation", sa.Text),
    )
    op.create_index("ix_talk_speakers_person_id", "talk_speakers", ["person_id"])
    op.create_table(
        "links",
        sa.Column(
            "talk_id", sa.Integer, sa.ForeignKey("talks.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("label", sa.Text),
    )
    op.create_table(
        "talk_tags",
        sa.Column(
            "talk_id", sa.Integer, sa.ForeignKey("talks.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("tag", sa.Text, nullable=False),
    )
    op.create_index("ix_talk_tags_tag", "talk_tags", ["tag"])
    op.create_table(
        "deleted_talks",
        sa.Column("uid", sa.String(120), primary_key=True),
        sa.Column("generation", sa.Integer, nullable=False),
    )
    op.create_index("ix_deleted_talks_generation", "deleted_talks", ["generation"])
    op.create_table(
        "user_state",
        sa.Column("uid", sa.String(120), primary_key=True),
        sa.Column("starred", sa.Boolean, nullable=False),
        sa.Column("watched", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("last_opened", sa.DateTime),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_user_state_starred", "user_state", ["starred"])
    op.create_index("ix_user_state_watched", "user_state", ["watched"])


def downgrade() -> None:
    for table in (
        "user_state",
        "deleted_talks",
        "talk_tags",
        "links",
        "talk_speakers",
        "talks",
        "people",
        "series",
        "archive_meta",
    ):
        op.drop_table(table)
