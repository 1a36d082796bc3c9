"""Each person's own state: stars, watched marks and notes (`user_state`), the visit times
(`user_meta`, moved out of `archive_meta`) and saved searches carry a `person`.

The person is the database role (`current_user`) on PostgreSQL and '' on SQLite. On PostgreSQL
the three tables get row-level security (forced, so that the tables' owner is held to it too)
with the policy `person = current_user`, and every role may use them: each sees and changes only
its own rows, even with psql. The marks kept so far on a shared archive were everyone's; they
become the tables' owner's (the role that created the archive, normally the organiser).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

PERSONAL_TABLES = ("user_state", "user_meta", "saved_searches")
VISIT_KEYS = ("visit_started", "new_since")


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    inspector = sa.inspect(bind)
    if "person" in {c["name"] for c in inspector.get_columns("user_state")}:
        return  # done by another desktop that took the migration lock first
    owner = _owner(bind) if postgres else ""
    op.create_table(
        "user_meta",
        sa.Column("person", sa.String(63), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    meta = sa.table("archive_meta", sa.column("key"), sa.column("value"))
    bind.execute(
        sa.text(
            "INSERT INTO user_meta (person, key, value) SELECT :owner, key, value"
            " FROM archive_meta WHERE key IN ('visit_started', 'new_since')"
        ),
        {"owner": owner},
    )
    op.execute(meta.delete().where(meta.c.key.in_(VISIT_KEYS)))
    if postgres:
        _upgrade_postgres(inspector, owner)
    else:
        _upgrade_sqlite()


def _owner(bind: sa.engine.Connection) -> str:
    """The role owning the archive's tables (the marks kept so far become theirs)."""
    return str(
        bind.scalar(
            sa.text(
                "SELECT tableowner FROM pg_tables"
                " WHERE schemaname = current_schema() AND tablename = 'user_state'"
            )
        )
    )


def _upgrade_sqlite() -> None:
    # SQLite cannot change a primary key or drop an unnamed constraint in place: each table is
    # copied into its new form, which then takes the old one's name.
    op.create_table(
        "user_state_0007",
        sa.Column("person", sa.String(63), primary_key=True, server_default=""),
        sa.Column("uid", sa.String(120), primary_key=True),
        sa.Column("starred", sa.Boolean, nullable=False),
        sa.Column("watched", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("last_opened", sa.DateTime, nullable=True),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.execute(
        "INSERT INTO user_state_0007 (person, uid, starred, watched, note, last_opened,"
        " updated_at) SELECT '', uid, starred, watched, note, last_opened, updated_at"
        " FROM user_state"
    )
    op.drop_table("user_state")
    op.rename_table("user_state_0007", "user_state")
    op.create_index("ix_user_state_starred", "user_state", ["starred"])
    op.create_index("ix_user_state_watched", "user_state", ["watched"])
    op.create_table(
        "saved_searches_0007",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person", sa.String(63), nullable=False, server_default=""),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("query", sa.Text, nullable=False, server_default=""),
        sa.Column("filters", sa.JSON, nullable=False),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("person", "name", name="uq_saved_searches_person_name"),
    )
    op.execute(
        "INSERT INTO saved_searches_0007 (id, person, name, query, filters, position,"
        " created_at) SELECT id, '', name, query, filters, position, created_at"
        " FROM saved_searches"
    )
    op.drop_table("saved_searches")
    op.rename_table("saved_searches_0007", "saved_searches")


def _upgrade_postgres(inspector: sa.Inspector, owner: str) -> None:
    for table in ("user_state", "saved_searches"):
        op.add_column(table, sa.Column("person", sa.String(63), nullable=True))
        op.execute(sa.text(f"UPDATE {table} SET person = :owner").bindparams(owner=owner))
        op.alter_column(table, "person", nullable=False, server_default=sa.text("CURRENT_USER"))
    op.alter_column("user_meta", "person", server_default=sa.text("CURRENT_USER"))
    primary = inspector.get_pk_constraint("user_state")["name"] or "user_state_pkey"
    op.drop_constraint(primary, "user_state", type_="primary")
    op.create_primary_key(primary, "user_state", ["person", "uid"])
    for unique in inspector.get_unique_constraints("saved_searches"):
        if unique["column_names"] == ["name"] and unique["name"]:
            op.drop_constraint(unique["name"], "saved_searches", type_="unique")
    op.create_unique_constraint(
        "uq_saved_searches_person_name", "saved_searches", ["person", "name"]
    )
    for table in PERSONAL_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY own_rows ON {table}"
            " USING (person = CURRENT_USER) WITH CHECK (person = CURRENT_USER)"
        )
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO PUBLIC")
    # Saving a search draws its id from the table's sequence.
    op.execute(
        "DO $$ BEGIN EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %s TO PUBLIC',"
        " pg_get_serial_sequence('saved_searches', 'id')); END $$"
    )


def downgrade() -> None:
    raise NotImplementedError("the per-person state cannot be folded back into one person's")
