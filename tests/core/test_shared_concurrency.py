"""Two desktops on one PostgreSQL archive: one's index catches up with the other's changes
without a rebuild, and two processes importing and editing at once lose no update."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_app.core.archive import Archive
from desktop_app.core.search import SearchIndex
from tests.conftest import postgres_folder
from tests.helpers.cli import run_cli
from tests.helpers.files import bundled_records, talk_record, write_jsonl
from tests.helpers.postgres import PostgresServer

WORKER = """
import sys
from pathlib import Path
from desktop_app.core.archive import Archive
folder, name, uids = Path(sys.argv[1]), sys.argv[2], sys.argv[3].split(",")
shared = sys.argv[4]
with Archive.open(folder, import_bundled=False) as archive:
    for number, uid in enumerate(uids):
        archive.edit_talk(uid, {"title": f"{name} edit {number}"})
        archive.edit_talk(shared, {"abstract": f"{name} abstract {number}"})  # both edit one field
        archive.set_user_state(uid, starred=True)
        if number % 10 == 0:
            archive.import_file(Path(sys.argv[5]) / f"{name}-{number}.jsonl")
"""


@pytest.fixture
def shared_folder(
    request: pytest.FixtureRequest, postgres_server: PostgresServer, tmp_path: Path
) -> Path:
    """An archive folder on a new PostgreSQL database holding the bundled talks."""
    return postgres_folder(request, tmp_path / "desktop-a", bundled=True)


def test_a_second_desktops_changes_are_caught_up_without_a_rebuild(shared_folder: Path) -> None:
    talks = bundled_records("talk")[:100]
    changed = [{**t, "title": f"Zyxwvut revised {t['uid']}"} for t in talks]
    file = write_jsonl(shared_folder.parent / "changed.jsonl", changed)
    with Archive.open(shared_folder) as archive, SearchIndex.open(archive) as index:
        before = index.generation
        result = run_cli(shared_folder, "import", str(file))  # another process
        assert result.returncode == 0, result.stderr
        assert index.behind()
        started = time.perf_counter()
        index.catch_up()
        elapsed = time.perf_counter() - started
        started = time.perf_counter()
        list(archive.iter_talks(archive.changes_since(before or 0)[0]))
        reading = time.perf_counter() - started
        assert index.generation == archive.generation() > (before or 0)
        assert index.search("zyxwvut").total == 100
        print(f"caught up 100 talks in {elapsed * 1000:.0f} ms ({reading * 1000:.0f} ms reading)")
        # The goal is 1 s in all (285-315 ms measured with the other core busy, see
        # docs/shared-archive.md); the database's part is pinned to it, the total is given
        # room for a far busier machine: a timing here is a guard, not the benchmark.
        assert reading < 1.0, f"reading 100 changed talks took {reading:.2f} s"
        assert elapsed < 5.0, f"catching up 100 talks took {elapsed:.2f} s"


def test_two_processes_importing_and_editing_at_once_lose_no_update(shared_folder: Path) -> None:
    uids = [t["uid"] for t in bundled_records("talk")]
    shared_uid = uids[-1]
    halves = {"a": uids[:60], "b": uids[60:120]}
    files = shared_folder.parent / "files"
    files.mkdir()
    for name in halves:
        for number in range(0, 60, 10):
            write_jsonl(files / f"{name}-{number}.jsonl", [talk_record(f"new-{name}-{number}")])
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                str(shared_folder),
                name,
                ",".join(mine),
                shared_uid,
                str(files),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, mine in halves.items()
    ]
    for worker in workers:
        _out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
    with Archive.open(shared_folder) as archive:
        titles = {row.uid: row.title for row in archive.iter_talks()}
        for name, mine in halves.items():
            for number, uid in enumerate(mine):
                assert titles[uid] == f"{name} edit {number}"  # every edit kept: 120
        assert sum(1 for uid in titles if uid.startswith("new-")) == 12  # every import
        assert len(archive.list_uids(_starred())) == 120  # every star
        # The same field saved by both: the later save wins, every save is in the history.
        bios = [e for e in archive.talk_history(shared_uid) if e.field == "abstract"]
        assert len(bios) == 120
        assert archive.get_talk(shared_uid).talk.abstract == bios[-1].new


def _starred() -> object:
    from desktop_app.core.records import TalkFilter

    return TalkFilter(starred=True)
