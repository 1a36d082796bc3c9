"""SIGKILL in the middle of a full reindex: the next open repairs, searches answer the same."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_app.core.archive import Archive
from desktop_app.core.search import SearchIndex
from desktop_app.core.search.synthetic import write_synthetic_archive

QUERIES = ["gradient descent", '"neural networks"', "regulari*", "kernel OR transformer"]
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def _answers(index: SearchIndex) -> dict[str, list[str]]:
    return {q: [h.uid for h in index.search(q, limit=20).hits] for q in QUERIES}


def _synthetic_archive(folder: Path, talks: int) -> None:
    source = write_synthetic_archive(folder.parent / f"synthetic-{talks}.jsonl", talks)
    with Archive.open(folder, import_bundled=False) as archive:
        archive.import_file(source)


def _kill_mid_reindex(folder: Path) -> None:
    """Start `reindex` in a real process and SIGKILL it once its new index has files."""
    index_root = folder / "index"
    before = {p.name for p in index_root.glob("ix-*")}
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop_app", "--data-dir", str(folder), "reindex"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            building = [p for p in index_root.glob("ix-*") if p.name not in before]
            if building and any(building[0].iterdir()):
                time.sleep(1.0)  # well inside the build (it takes many seconds)
                break
            assert process.poll() is None, "reindex ended before it could be killed"
            time.sleep(0.05)
        assert process.poll() is None, "reindex ended before it could be killed"
        workers = _children(process.pid)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    # Worker processes of a parallel build die with it.
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if _alive(pid)]


def _children(pid: int) -> list[int]:
    listing = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in listing.read_text().split()] if listing.exists() else []


def _alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        state = next(ln for ln in status.read_text().splitlines() if ln.startswith("State:"))
    except (OSError, StopIteration):
        return False
    return "Z" not in state.split()[1]  # a zombie has ended; only its exit status is left


def _crash_and_recover(tmp_path: Path, talks: int) -> None:
    folder = tmp_path / "archive"
    _synthetic_archive(folder, talks)
    with Archive.open(folder) as archive, SearchIndex.open(archive) as index:
        expected = _answers(index)
    _kill_mid_reindex(folder)
    assert len(list((folder / "index").glob("ix-*"))) == 2  # the old index and a partial one
    with Archive.open(folder) as archive, SearchIndex.open(archive) as index:
        assert index.check().ok
        assert _answers(index) == expected
    assert len(list((folder / "index").glob("ix-*"))) == 1


def _crash_first_build_and_recover(tmp_path: Path, talks: int) -> None:
    folder = tmp_path / "archive"
    _synthetic_archive(folder, talks)
    _kill_mid_reindex(folder)
    with Archive.open(folder) as archive, SearchIndex.open(archive) as index:
        assert index.check().ok
        assert _answers(index)["gradient descent"]


def test_kill_during_reindex_keeps_the_old_index(tmp_path: Path) -> None:
    _crash_and_recover(tmp_path, 2000)


def test_kill_during_the_first_build_is_repaired_on_open(tmp_path: Path) -> None:
    _crash_first_build_and_recover(tmp_path, 2000)


@pytest.mark.slow
def test_kill_during_reindex_of_10k_talks(tmp_path: Path) -> None:
    _crash_and_recover(tmp_path, 10_000)
