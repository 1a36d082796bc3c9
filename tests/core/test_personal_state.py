"""Each person's own state on a shared PostgreSQL archive: stars, watched marks, notes, visits
and saved searches belong to the database role that made them, and no other member sees them,
through the app or with plain SQL (row-level security), the tables' owner included."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from desktop_app.core import db
from desktop_app.core.archive import Archive
from desktop_app.core.errors import ArchiveError
from desktop_app.core.records import TalkFilter
from desktop_app.core.saved import SavedSearches
from tests.helpers.cli import run_cli
from tests.helpers.files import bundled_records, talk_record, write_jsonl
from tests.helpers.postgres import PostgresServer

MEMBERS = ("organiser", "alice", "bob")
UIDS = [f"group-talk-{n}" for n in range(6)]


@dataclass
class Group:
    """A department archive: a database owned by the organiser's role (not a superuser),
    created by the organiser's desktop, members granted what docs/shared-archive.md says."""

    server: PostgresServer
    database: str
    passwords: dict[str, str]
    root: Path

    def url(self, role: str) -> str:
        return (
            f"postgresql+psycopg://{role}:{self.passwords[role]}"
            f"@127.0.0.1:{self.server.port}/{self.database}"
        )

    def open(self, role: str) -> Archive:
        return Archive.open(self.root / role, database_url=self.url(role), import_bundled=False)

    def sql(self, role: str, statement: str) -> list[tuple[object, ...]]:
        """Run one statement as `role` with plain psycopg (what psql would do)."""
        with psycopg.connect(make_url(self.url(role)).set(drivername="postgresql").render_as_string(
            hide_password=False
        ), autocommit=True) as connection:  # fmt: skip
            cursor = connection.execute(statement)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []


@pytest.fixture(scope="session")
def member_passwords(postgres_server: PostgresServer) -> dict[str, str]:
    """The organiser's and two members' roles, plain logins (no superuser, no BYPASSRLS)."""
    passwords = {role: secrets.token_hex(8) for role in MEMBERS}
    postgres_server.admin_sql(
        *(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'" for role, password in passwords.items())
    )
    return passwords


@pytest.fixture
def group(
    postgres_server: PostgresServer, member_passwords: dict[str, str], tmp_path: Path
) -> Iterator[Group]:
    name = f"group_{secrets.token_hex(4)}"
    postgres_server.admin_sql(
        f"CREATE DATABASE {name} OWNER organiser ENCODING 'UTF8' TEMPLATE template0"
    )
    group = Group(postgres_server, name, member_passwords, tmp_path)
    talks = [bundled_records("series")[0], *(talk_record(uid) for uid in UIDS)]
    with group.open("organiser") as archive:  # creates the tables: the organiser owns them
        archive.import_file(write_jsonl(tmp_path / "talks.jsonl", talks))
    group.sql(  # alice also writes; bob only reads (his own marks need no grant: 0007's)
        "organiser",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO alice;"
        " GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO alice;"
        " GRANT SELECT ON ALL TABLES IN SCHEMA public TO bob",
    )
    yield group
    postgres_server.drop_database(name)


def starred(archive: Archive) -> list[str]:
    return sorted(archive.list_uids(TalkFilter(starred=True)))


def test_a_members_marks_and_notes_are_never_another_members(group: Group) -> None:
    with group.open("alice") as alice, group.open("bob") as bob:
        alice.set_user_state(UIDS[0], starred=True, note="alice's note")
        alice.set_user_state(UIDS[1], watched=True)
        assert starred(alice) == [UIDS[0]]
        assert starred(bob) == []
        for uid in UIDS[:2]:
            user = bob.get_talk(uid).user
            assert (user.starred, user.watched, user.note) == (False, False, "")
        assert not any(row.starred or row.watched for row in bob.list_talks())
        assert bob.count_talks(TalkFilter(watched=True)) == 0
        assert bob.statistics().starred == bob.statistics().watched == 0
        facets = bob.facet_counts()
        assert (facets.starred, facets.watched) == (0, 0)
        # Both keep their own, on the same talk too.
        bob.set_user_state(UIDS[0], note="bob's note")
        bob.set_user_state(UIDS[2], starred=True)
        assert starred(alice) == [UIDS[0]] and starred(bob) == [UIDS[2]]
        assert alice.get_talk(UIDS[0]).user.note == "alice's note"
        assert bob.get_talk(UIDS[0]).user.note == "bob's note"
        assert alice.statistics().starred == 1 and alice.statistics().watched == 1
        assert alice.facet_counts().starred == 1
    with group.open("organiser") as organiser:  # the tables' owner, and the curator
        assert starred(organiser) == []
        assert organiser.get_talk(UIDS[0]).user.note == ""


def test_the_database_itself_keeps_each_persons_rows_from_the_others(group: Group) -> None:
    with group.open("alice") as alice:
        alice.set_user_state(UIDS[0], starred=True, note="private")
        alice.begin_visit()
        SavedSearches(alice).save("Mine", "example")
    for role in ("bob", "organiser"):  # the organiser owns the tables: held to the policy too
        for table in ("user_state", "user_meta", "saved_searches"):
            assert group.sql(role, f"SELECT * FROM {table}") == [], (role, table)
        group.sql(role, "UPDATE user_state SET note = 'overwritten'")
        group.sql(role, "DELETE FROM user_state")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            group.sql(
                role,
                "INSERT INTO user_state (person, uid, starred, watched, note, updated_at)"
                f" VALUES ('alice', '{UIDS[1]}', true, false, 'forged', now())",
            )
    assert group.sql("alice", "SELECT person, uid, note FROM user_state") == [
        ("alice", UIDS[0], "private")
    ]
    assert [row[0] for row in group.sql("alice", "SELECT key FROM user_meta ORDER BY key")] == [
        "new_since",
        "visit_started",
    ]
    with group.open("alice") as alice:
        assert alice.get_talk(UIDS[0]).user.note == "private"


def test_visits_and_saved_searches_are_each_persons(group: Group) -> None:
    with group.open("alice") as alice, group.open("bob") as bob:
        alice.begin_visit()
        bob.begin_visit()
        alice.begin_visit()  # alice's second visit: the talks are no longer new for her
        assert alice.count_talks(TalkFilter(new=True)) == 0
        SavedSearches(alice).save("Reading list", "example", TalkFilter(starred=True))
        assert SavedSearches(bob).all() == []
        SavedSearches(bob).save("Reading list", "other")  # the same name, his own
        assert [s.query for s in SavedSearches(alice).all()] == ["example"]
        assert [s.query for s in SavedSearches(bob).all()] == ["other"]


def test_export_with_my_marks_exports_only_mine(group: Group) -> None:
    with group.open("alice") as alice, group.open("bob") as bob:
        alice.set_user_state(UIDS[0], starred=True, note="alice's")
        bob.set_user_state(UIDS[1], watched=True, note="bob's")
        SavedSearches(bob).save("Bob's search", "other")
    result = run_cli(
        group.root / "cli", "--db", group.url("alice"), "export", "--with-user-state", "-o", "-"
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    users = {r["uid"]: r["user"] for r in records if r.get("kind") == "talk" and "user" in r}
    assert users == {UIDS[0]: {"starred": True, "watched": False, "note": "alice's"}}
    assert [r for r in records if r.get("kind") == "saved_search"] == []
    # Imported by bob, alice's marks become bob's own (and stay alice's).
    exported = group.root / "alice.jsonl"
    exported.write_text(result.stdout, encoding="utf-8")
    with group.open("bob") as bob:
        bob.import_file(exported)
        assert starred(bob) == [UIDS[0]]
        assert bob.get_talk(UIDS[1]).user.note == "bob's"
    with group.open("alice") as alice:
        assert starred(alice) == [UIDS[0]]
        assert alice.get_talk(UIDS[1]).user.note == ""


def test_a_merge_brings_every_members_marks_to_the_kept_talk(group: Group) -> None:
    with group.open("alice") as alice, group.open("bob") as bob:
        alice.set_user_state(UIDS[4], starred=True, note="alice on the gone talk")
        bob.set_user_state(UIDS[4], watched=True, note="bob on the gone talk")
        with group.open("organiser") as organiser:
            organiser.merge_talks(UIDS[3], UIDS[4])
        for member in (alice, bob):
            member.begin_visit()  # each person's marks follow the merge at their next visit
            member.begin_visit()  # and only once
        assert starred(alice) == [UIDS[3]]
        assert alice.get_talk(UIDS[3]).user.note == "alice on the gone talk"
        assert bob.get_talk(UIDS[3]).user.watched
        assert bob.get_talk(UIDS[3]).user.note == "bob on the gone talk"
        assert not bob.get_talk(UIDS[3]).user.starred


def test_a_shared_archive_of_schema_0006_gives_the_marks_so_far_to_the_tables_owner(
    group: Group,
) -> None:
    """An archive made before 0007: its marks (everyone's until then) become the owner's."""
    from alembic import command
    from alembic.config import Config

    name = f"old_{secrets.token_hex(4)}"
    group.server.admin_sql(f"CREATE DATABASE {name} OWNER organiser TEMPLATE template0")
    old = Group(group.server, name, group.passwords, group.root / "old")
    try:
        engine = db.make_engine(old.url("organiser"))
        config = Config()
        config.set_main_option("script_location", str(db.MIGRATIONS_DIR))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0006")
        engine.dispose()
        old.sql(
            "organiser",
            "INSERT INTO user_state (uid, starred, watched, note, updated_at)"
            " VALUES ('some-talk', true, false, 'kept', now());"
            " INSERT INTO archive_meta (key, value) VALUES"
            " ('visit_started', '2024-01-02 00:00:00'), ('new_since', '2024-01-01 00:00:00');"
            " INSERT INTO saved_searches (name, query, filters, position, created_at)"
            " VALUES ('Old search', 'kernels', '{}', 1, now())",
        )
        with old.open("organiser") as archive:
            assert db.schema_revision(archive.engine) == db.SCHEMA_REVISION
            assert [s.name for s in SavedSearches(archive).all()] == ["Old search"]
        assert old.sql("organiser", "SELECT person, uid, note FROM user_state") == [
            ("organiser", "some-talk", "kept")
        ]
        assert old.sql("organiser", "SELECT person, key FROM user_meta ORDER BY key") == [
            ("organiser", "new_since"),
            ("organiser", "visit_started"),
        ]
        assert old.sql("organiser", "SELECT key FROM archive_meta WHERE key LIKE '%visit%'") == []
        forced = old.sql(
            "organiser",
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class"
            " WHERE relname IN ('user_state', 'user_meta', 'saved_searches') ORDER BY relname",
        )
        assert forced == [(table, True, True) for table in sorted(
            ("user_state", "user_meta", "saved_searches"))]  # fmt: skip
    finally:
        group.server.drop_database(name)


def test_a_member_opening_an_archive_due_for_an_upgrade_is_told_to_ask_the_organiser(
    group: Group,
) -> None:
    """Bob only reads: the upgrade's first change (here the schema's stamp, as the tables
    are already as 0007 makes them) is refused to him by PostgreSQL."""
    group.sql("organiser", "UPDATE alembic_version SET version_num = '0006'")
    with pytest.raises(ArchiveError, match="organiser") as raised:
        group.open("bob")
    assert "Nothing was changed" in raised.value.detail
    assert group.passwords["bob"] not in str(raised.value)
    assert group.sql("organiser", "SELECT version_num FROM alembic_version") == [("0006",)]


def test_the_history_names_the_member_who_saved_each_change(group: Group) -> None:
    with group.open("organiser") as organiser, group.open("alice") as alice:
        organiser.edit_talk(UIDS[0], {"title": "The organiser's title"})
        alice.edit_talk(UIDS[0], {"title": "Alice's title"})
    with group.open("bob") as bob:  # a reader sees who saved what
        history = bob.talk_history(UIDS[0])
    assert [(e.new, e.who) for e in history] == [
        ("The organiser's title", "organiser"),
        ("Alice's title", "alice"),
    ]
    assert history[1].as_json()["who"] == "alice"
