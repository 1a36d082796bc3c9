"""The talk history names who saved each change (the member, on a shared archive); an edited
start is kept as an instant with its offset."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("talk_history")}
    if "person" not in columns:
        # '' for the changes made before: an SQLite archive's one person, or not known.
        op.add_column(
            "talk_history",
            sa.Column("person", sa.String(63), nullable=False, server_default=""),
        )
    _start_edits_with_offsets()


def _start_edits_with_offsets() -> None:
    """Edited starts were kept as wall-clock time in the talk's zone: a source that later
    changed the zone (or dropped it) moved them. Each becomes the instant it meant."""
    bind = op.get_bind()
    edits = sa.table(
        "talk_edits", sa.column("uid", sa.String), sa.column("field", sa.String),
        sa.column("value", sa.JSON),
    )  # fmt: skip
    talks = sa.table("talks", sa.column("uid", sa.String), sa.column("timezone", sa.String))
    found = bind.execute(
        sa.select(edits.c.uid, edits.c.value, talks.c.timezone)
        .join(talks, talks.c.uid == edits.c.uid)
        .where(edits.c.field == "start")
    ).all()
    for uid, value, zone in found:
        if not isinstance(value, str) or not zone:
            continue
        try:
            wall = datetime.fromisoformat(value)
            if wall.tzinfo is not None:
                continue
            instant = wall.replace(tzinfo=ZoneInfo(zone)).isoformat()
        except (ValueError, ZoneInfoNotFoundError):
            continue  # left as it was: read as before
        bind.execute(
            edits.update().where(edits.c.uid == uid, edits.c.field == "start").values(value=instant)
        )


def downgrade() -> None:
    with op.batch_alter_table("talk_history") as batch:
        batch.drop_column("person")
