"""Every speaker's name folded (lower case, no accents), for the speaker filter.

SQLite's lower() and LIKE fold ASCII letters only: "şimşekli" did not find "Umut Şimşekli".
The folded name is computed in Python (`textfold.fold_name`) when a person is added.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop_app.core.textfold import fold_name

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_BATCH = 1000


def upgrade() -> None:
    connection = op.get_bind()
    inspector = sa.inspect(connection)
    # Present already in an archive marked with an older revision by hand (the tests do).
    if "folded_name" not in {column["name"] for column in inspector.get_columns("people")}:
        op.add_column(
            "people", sa.Column("folded_name", sa.Text, nullable=False, server_default="")
        )
    people = sa.table(
        "people",
        sa.column("id", sa.Integer),
        sa.column("name", sa.Text),
        sa.column("folded_name", sa.Text),
    )
    rows = connection.execute(sa.select(people.c.id, people.c.name)).all()
    for start in range(0, len(rows), _BATCH):
        batch = [
            {"pid": pid, "value": fold_name(name)} for pid, name in rows[start : start + _BATCH]
        ]
        connection.execute(
            people.update()
            .where(people.c.id == sa.bindparam("pid"))
            .values(folded_name=sa.bindparam("value")),
            batch,
        )
    if "ix_people_folded_name" not in {index["name"] for index in inspector.get_indexes("people")}:
        op.create_index("ix_people_folded_name", "people", ["folded_name"])


def downgrade() -> None:
    op.drop_index("ix_people_folded_name", table_name="people")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("folded_name")
