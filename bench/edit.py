"""Edit benchmark: an edit, a revert and a merge of talks, until a search sees each.

Run: `.venv/bin/python bench/edit.py [--sizes 10000] [--edits 50]`.
For each archive size, N rounds of: an edit of a talk's title (a search then finds the new
word), its revert (the word is gone from the index), and a merge of another talk into it (the
gone talk no longer found). Each is followed by the search index catching up (the changed talks
re-indexed); p50/p95 of the change (the database write), of the index update, and of the whole.
Baseline from the same run: the same title change in an SQLite FTS5 table of the same talks
(UPDATE, then MATCH; its one figure in each column).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop_app.core.archive import Archive  # noqa: E402
from desktop_app.core.search import SearchIndex  # noqa: E402
from desktop_app.core.search.synthetic import write_synthetic_archive  # noqa: E402


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def fts5_baseline(archive: Archive, uids: list[str], edits: int) -> list[float]:
    """UPDATE one row's title in an FTS5 table of every talk, then MATCH the new word (ms)."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE talks USING fts5(uid UNINDEXED, title, abstract)")
    db.executemany(
        "INSERT INTO talks VALUES (?, ?, ?)",
        ((t.uid, t.title or "", t.abstract or "") for t in archive.iter_talks()),
    )
    db.commit()
    times = []
    for number in range(edits):
        uid = uids[number % len(uids)]
        word = f"zanzibarfts{number}"
        started = time.perf_counter()
        db.execute("UPDATE talks SET title = ? WHERE uid = ?", (f"Lectures {word}", uid))
        db.commit()
        found = db.execute("SELECT uid FROM talks WHERE talks MATCH ?", (word,)).fetchall()
        times.append((time.perf_counter() - started) * 1000)
        assert found == [(uid,)], found
    return times


def _row(size: int, what: str, write: list[float], update: list[float], whole: list[float]) -> str:
    def pair(values: list[float]) -> str:
        return f"{statistics.median(values):.1f} / {percentile(values, 0.95):.1f}"

    return f"| {size:,} | {what} | {pair(write)} | {pair(update)} | {pair(whole)} |"


def measure(folder: Path, size: int, edits: int) -> None:
    source = write_synthetic_archive(folder / f"talks{size}.jsonl", size)
    with Archive.open(folder / f"a{size}") as archive:
        archive.import_file(source)
        uids = archive.list_uids()[: 2 * edits]
        times: dict[str, tuple[list[float], list[float], list[float]]] = {
            what: ([], [], []) for what in ("edit", "revert", "merge")
        }

        def timed(what: str, change: Callable[[], object], check: Callable[[], None]) -> None:
            write, update, whole = times[what]
            started = time.perf_counter()
            change()
            written = time.perf_counter()
            index.catch_up()
            caught_up = time.perf_counter()
            check()
            done = time.perf_counter()
            write.append((written - started) * 1000)
            update.append((caught_up - written) * 1000)
            whole.append((done - started) * 1000)

        def found(word: str) -> list[str]:
            return [hit.uid for hit in index.search(word).hits]

        with SearchIndex.open(archive) as index:
            index.catch_up()
            for number in range(edits):
                uid, other = uids[number], uids[edits + number]
                word = f"zanzibar{number}"

                def shows(word: str, expected: list[str]) -> None:
                    assert found(word) == expected, (word, found(word))

                def gone(word: str, uid: str) -> None:
                    assert uid not in found(word), (word, uid)

                title = {"title": f"Lectures {word}"}
                timed("edit", partial(archive.edit_talk, uid, title), partial(shows, word, [uid]))
                revert = partial(archive.revert_field, uid, "title")
                timed("revert", revert, partial(shows, word, []))
                archive.edit_talk(other, {"title": f"Lectures merged{number}"})
                index.catch_up()
                merge = partial(archive.merge_talks, uid, other)
                timed("merge", merge, partial(gone, f"merged{number}", other))
        baseline = fts5_baseline(archive, uids[:edits], edits)
    for what, (write, update, whole) in times.items():
        print(_row(size, what, write, update, whole), flush=True)
    print(_row(size, "FTS5 baseline: update + match", baseline, baseline, baseline), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="synthetic archive sizes")
    parser.add_argument("--edits", type=int, default=50, help="edits per size")
    options = parser.parse_args()
    print(
        "| talks | change | written p50 / p95 ms | index caught up p50 / p95 ms "
        "| change to search p50 / p95 ms |"
    )
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as temporary:
        for size in (int(s) for s in options.sizes.split(",") if s):
            measure(Path(temporary), size, options.edits)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
