"""SIGKILL of a real process at random moments of an import, a sync, a run of edits and notes:
afterwards the archive opens, the index check passes (repairing itself), everything committed
before the kill is there, nothing half-applied is visible, and search agrees with the database.

The moments are drawn from a seeded generator (SEED below, or $CRASH_SEED): each test kills at
several moments in one run.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from desktop_app.core.archive import Archive
from desktop_app.core.records import TalkFilter
from desktop_app.core.search import SearchIndex
from desktop_app.core.search.synthetic import write_synthetic_archive

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
SEED = int(os.environ.get("CRASH_SEED", "20261204"))
TALKS = 2000
LAWRENCE = "talk-6b047156a771"


def _run_and_kill(arguments: list[str], delay: float) -> int:
    """Start `python -c …` or the CLI, SIGKILL it after `delay` seconds (or let it finish)."""
    process = subprocess.Popen(
        arguments, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    return process.returncode


def _cli(folder: Path, *arguments: str) -> list[str]:
    return [sys.executable, "-m", "desktop_app", "--data-dir", str(folder), *arguments]


def _consistent(folder: Path) -> Archive:
    """Open after a crash: the index repairs itself and agrees with the database."""
    archive = Archive.open(folder)
    with SearchIndex.open(archive) as index:
        index.catch_up()
        assert index.check().ok, index.check().describe()
        everything = index.search("seminar OR talk OR learning OR the", limit=100_000).total
        assert everything <= archive.count_talks()
    return archive


def test_kill_during_imports_applies_each_file_whole_or_not_at_all(tmp_path: Path) -> None:
    moments = random.Random(SEED).sample([0.3, 0.6, 0.9, 1.2, 1.6, 2.0, 2.5, 3.0], 4)
    source = write_synthetic_archive(tmp_path / "talks.jsonl", TALKS)
    for number, delay in enumerate(moments):
        folder = tmp_path / f"a{number}"
        with Archive.open(folder) as archive:
            archive.set_user_state(LAWRENCE, starred=True, note="before the crash")
            before = archive.count_talks()
        _run_and_kill(_cli(folder, "import", str(source)), delay)
        with _consistent(folder) as archive:
            assert archive.count_talks() in (before, before + TALKS), delay
            state = archive.get_talk(LAWRENCE).user
            assert state.starred and state.note == "before the crash"


def test_kill_during_a_sync_applies_a_source_whole_or_not_at_all(tmp_path: Path) -> None:
    moments = random.Random(SEED + 1).sample([0.3, 0.6, 0.9, 1.2, 1.6, 2.0, 2.5, 3.0], 4)
    source = write_synthetic_archive(tmp_path / "feed.jsonl", TALKS, seed=3)
    for number, delay in enumerate(moments):
        folder = tmp_path / f"s{number}"
        with Archive.open(folder) as archive:
            archive.add_source("followed", str(source), "file")
            archive.set_user_state(LAWRENCE, watched=True, note="mine")
        _run_and_kill(_cli(folder, "sync"), delay)
        with _consistent(folder) as archive:
            followed = archive.count_talks(TalkFilter(series="followed"))
            assert followed in (0, TALKS), delay
            [info] = archive.sources()
            assert (info.last_status == "new") == (followed == TALKS)
            assert archive.get_talk(LAWRENCE).user.note == "mine"


EDITS = textwrap.dedent(
    """
    import sys
    from desktop_app.core.archive import Archive
    archive = Archive.open(sys.argv[1])
    uids = archive.list_uids()
    for number in range(100000):
        uid = uids[number % len(uids)]
        archive.edit_talk(uid, {"title": f"Edited {number}", "tags": [f"t{number}"]})
        archive.set_user_state(uid, note=f"note {number}")
        print(number, uid, flush=True)
    """
)


def test_kill_during_edits_and_notes_loses_nothing_committed(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    Archive.open(folder).close()
    moments = random.Random(SEED + 2).sample([0.4, 0.8, 1.2, 1.7, 2.3], 3)
    for delay in moments:
        process = subprocess.Popen(
            [sys.executable, "-c", EDITS, str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        out, _ = process.communicate(timeout=30)
        done = [line.split() for line in out.splitlines() if line.strip()]
        with _consistent(folder) as archive:
            for number, uid in ((int(n), u) for n, u in done[-20:]):
                talk = archive.get_talk(uid)
                edits = archive.talk_edits(uid)
                # What was printed had committed; a later edit of the same talk may follow.
                assert talk.talk.title is not None and talk.talk.title.startswith("Edited ")
                shown = int(talk.talk.title.split()[1])
                assert shown >= number
                assert edits["title"] == talk.talk.title  # never half-applied
                assert talk.talk.tags == (f"t{shown}",)
                assert (talk.talk.field_provenance or {}).get("title") == "edited"
                assert talk.user.note.startswith("note ")
                with SearchIndex.open(archive) as index:
                    index.catch_up()
                    hits = [h.uid for h in index.search(f'"Edited {shown}"', limit=5).hits]
                    assert uid in hits
