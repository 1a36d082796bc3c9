"""Edit benchmark: an edit of one talk, until a search finds its new words.

Run: `.venv/bin/python bench/edit.py [--sizes 10000] [--edits 50]`.
For each archive size, N edits of a talk's title, each followed by the search index catching
up with it (the one talk re-indexed) and a search for the new word; p50/p95 of the edit
(the database write), of the index update, and of the whole. Baseline from the same run: the
same title change in an SQLite FTS5 table of the same talks (UPDATE, then MATCH).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
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


def measure(folder: Path, size: int, edits: int) -> None:
    source = write_synthetic_archive(folder / f"talks{size}.jsonl", size)
    with Archive.open(folder / f"a{size}") as archive:
        archive.import_file(source)
        uids = archive.list_uids()[:edits]
        with SearchIndex.open(archive) as index:
            index.catch_up()
            write, update, whole = [], [], []
            for number in range(edits):
                uid = uids[number % len(uids)]
                word = f"zanzibar{number}"
                started = time.perf_counter()
                archive.edit_talk(uid, {"title": f"Lectures {word}"})
                written = time.perf_counter()
                index.catch_up()
                caught_up = time.perf_counter()
                hits = [hit.uid for hit in index.search(word).hits]
                done = time.perf_counter()
                assert hits == [uid], (word, hits)
                write.append((written - started) * 1000)
                update.append((caught_up - written) * 1000)
                whole.append((done - started) * 1000)
        baseline = fts5_baseline(archive, uids, edits)
    print(
        f"| {size:,} | "
        f"{statistics.median(write):.1f} / {percentile(write, 0.95):.1f} | "
        f"{statistics.median(update):.1f} / {percentile(update, 0.95):.1f} | "
        f"{statistics.median(whole):.1f} / {percentile(whole, 0.95):.1f} | "
        f"{statistics.median(baseline):.1f} / {percentile(baseline, 0.95):.1f} |",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="synthetic archive sizes")
    parser.add_argument("--edits", type=int, default=50, help="edits per size")
    options = parser.parse_args()
    print(
        "| talks | edit written p50 / p95 ms | index caught up p50 / p95 ms "
        "| edit to found p50 / p95 ms | FTS5 update + match p50 / p95 ms |"
    )
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as temporary:
        for size in (int(s) for s in options.sizes.split(",") if s):
            measure(Path(temporary), size, options.edits)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
