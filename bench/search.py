"""Search benchmark: Whoosh index vs SQLite FTS5 on synthetic archives of 1k/10k/100k talks.

Run: `.venv/bin/python bench/search.py [--sizes 1000,10000,100000] [--repeat N]`
(`make bench` runs every size). Each size runs in its own process so that peak memory is
that size's. Figures: build time, index size, peak memory, query latency p50/p95 of a fixed
query mix and of a query typed one key at a time (top 20 hits with highlights), the update
of one talk, and the same for FTS5 with ratios.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop_app.core.archive import Archive  # noqa: E402
from desktop_app.core.search import SearchIndex  # noqa: E402
from desktop_app.core.search.synthetic import synthetic_talks, write_synthetic_archive  # noqa: E402

# (label, Whoosh query, FTS5 query)
QUERY_MIX = [
    ("common word", "learning", "learning"),
    ("rare word", "catapult", "catapult"),
    ("two words", "gradient descent", "gradient descent"),
    ("phrase", '"neural networks"', '"neural networks"'),
    ("prefix", "regul*", "regul*"),
    ("fuzzy", "gradiant~", "gradiant"),  # FTS5 has no fuzzy terms: the plain word
    ("field", "title:kernel", "title:kernel"),
]
TYPED = "implicit regularization"
HITS = 20


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def keystrokes(text: str) -> list[str]:
    return [text[:n] for n in range(1, len(text) + 1)]


def fts5_typed(prefix: str) -> str | None:
    words = prefix.split()
    if not words:
        return None
    if not prefix.endswith(" "):
        if len(words[-1]) < 2:
            words = words[:-1]
        else:
            words[-1] += "*"
    return " ".join(words) or None


def run_size(size: int, repeat: int, workdir: Path) -> dict[str, Any]:
    result: dict[str, Any] = {"talks": size}
    source = write_synthetic_archive(workdir / "talks.jsonl", size)
    started = time.perf_counter()
    archive = Archive.open(workdir / "archive", import_bundled=False)
    archive.import_file(source)
    result["import_s"] = time.perf_counter() - started

    index = SearchIndex.open(archive, catch_up=False)
    started = time.perf_counter()
    index.rebuild()
    result["whoosh_build_s"] = time.perf_counter() - started
    assert index._path is not None
    result["whoosh_size_mb"] = folder_size(index._path) / 1e6
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    index.search("warm up")
    mix: list[float] = []
    per_kind: dict[str, list[float]] = {}
    # Cold figures: each query, and each typing of the query, starts without remembered
    # term scores (the ranker keeps them between keystrokes).
    for _ in range(repeat):
        for label, query, _fts in QUERY_MIX:
            index.drop_caches()
            answer = index.search(query, limit=HITS)
            mix.append(answer.elapsed_ms)
            per_kind.setdefault(label, []).append(answer.elapsed_ms)
    typed: list[float] = []
    for _ in range(repeat):
        index.drop_caches()
        for prefix in keystrokes(TYPED):
            typed.append(index.search(prefix, limit=HITS, as_you_type=True).elapsed_ms)
    result["whoosh_mix_ms"] = (percentile(mix, 0.5), percentile(mix, 0.95))
    result["whoosh_kinds_ms"] = {k: statistics.median(v) for k, v in per_kind.items()}
    result["whoosh_typed_ms"] = (percentile(typed, 0.5), percentile(typed, 0.95), max(typed))

    # One talk changed by another writer, then caught up: the incremental update alone.
    updates: list[float] = []
    with Archive.open(archive.folder, import_bundled=False) as other:
        for n in range(5):
            record = next(synthetic_talks(1, seed=n))
            record["uid"] = "synthetic-000001"
            one = workdir / f"one-{n}.jsonl"
            one.write_text(
                '{"kind": "archive", "format": "seminar-archive", "version": 1}\n'
                + json.dumps(record)
                + "\n",
                encoding="utf-8",
            )
            other.import_file(one)
            started = time.perf_counter()
            index.catch_up()
            updates.append((time.perf_counter() - started) * 1000)
    result["whoosh_update_ms"] = statistics.median(updates)
    index.close()

    result.update(run_fts5(archive, repeat, workdir))
    archive.close()
    return result


def run_fts5(archive: Archive, repeat: int, workdir: Path) -> dict[str, Any]:
    path = workdir / "fts5.sqlite3"
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute(
        "CREATE VIRTUAL TABLE talks USING fts5(uid UNINDEXED, title, speaker, abstract, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.executemany(
        "INSERT INTO talks VALUES (?, ?, ?, ?)",
        (
            (
                t.uid,
                t.title or "",
                " ; ".join(f"{s.name} {s.affiliation or ''}" for s in t.speakers),
                t.abstract or "",
            )
            for t in archive.iter_talks()
        ),
    )
    db.commit()
    build = time.perf_counter() - started

    def search(query: str) -> float:
        begun = time.perf_counter()
        try:
            db.execute("SELECT count(*) FROM talks WHERE talks MATCH ?", (query,)).fetchone()
            db.execute(
                "SELECT uid, highlight(talks, 1, '<mark>', '</mark>'), "
                "snippet(talks, 3, '<mark>', '</mark>', '…', 40) FROM talks "
                "WHERE talks MATCH ? ORDER BY rank LIMIT ?",
                (query, HITS),
            ).fetchall()
        except sqlite3.OperationalError:
            pass
        return (time.perf_counter() - begun) * 1000

    search("warm")
    mix = [search(fts) for _ in range(repeat) for _label, _q, fts in QUERY_MIX]
    typed = [
        search(q)
        for _ in range(repeat)
        for q in (fts5_typed(p) for p in keystrokes(TYPED))
        if q is not None
    ]
    size = path.stat().st_size
    db.close()
    return {
        "fts5_build_s": build,
        "fts5_size_mb": size / 1e6,
        "fts5_mix_ms": (percentile(mix, 0.5), percentile(mix, 0.95)),
        "fts5_typed_ms": (percentile(typed, 0.5), percentile(typed, 0.95), max(typed)),
    }


def print_table(rows: list[dict[str, Any]]) -> None:
    print()
    header = (
        "| talks | build s (Whoosh / FTS5) | index MB (W / F) | peak RSS MB | "
        "query mix p50/p95 ms (W) | (FTS5) | keystroke p50/p95/max ms (W) | (FTS5) | "
        "update 1 talk ms | ratio W/F mix p50 | ratio W/F keystroke p95 |"
    )
    print(header)
    print("|" + "---|" * 11)
    for r in rows:
        wm, fm = r["whoosh_mix_ms"], r["fts5_mix_ms"]
        wt, ft = r["whoosh_typed_ms"], r["fts5_typed_ms"]
        print(
            f"| {r['talks']:,} | {r['whoosh_build_s']:.1f} / {r['fts5_build_s']:.1f} "
            f"| {r['whoosh_size_mb']:.1f} / {r['fts5_size_mb']:.1f} | {r['peak_rss_mb']:.0f} "
            f"| {wm[0]:.1f} / {wm[1]:.1f} | {fm[0]:.1f} / {fm[1]:.1f} "
            f"| {wt[0]:.1f} / {wt[1]:.1f} / {wt[2]:.1f} | {ft[0]:.1f} / {ft[1]:.1f} / {ft[2]:.1f} "
            f"| {r['whoosh_update_ms']:.0f} | {wm[0] / max(fm[0], 1e-3):.1f}× "
            f"| {wt[1] / max(ft[1], 1e-3):.1f}× |"
        )
    print()
    print("Median latency per query kind, Whoosh (ms):")
    for r in rows:
        kinds = ", ".join(f"{k} {v:.1f}" for k, v in r["whoosh_kinds_ms"].items())
        print(f"  {r['talks']:,} talks: {kinds}")
    imports = ", ".join(f"{r['import_s']:.1f} s" for r in rows)
    print(f"  (import into the database: {imports})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated sizes")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of the query mix")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # one size, JSON out
    options = parser.parse_args()
    if options.one:
        workdir = Path(tempfile.mkdtemp(prefix="search-bench-"))
        try:
            print(json.dumps(run_size(options.one, options.repeat, workdir)))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        return 0
    rows = []
    for size in (int(s) for s in options.sizes.split(",") if s.strip()):
        print(f"{size:,} talks…", file=sys.stderr, flush=True)
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--repeat", str(options.repeat)],
            check=True,
            capture_output=True,
            text=True,
        )
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
