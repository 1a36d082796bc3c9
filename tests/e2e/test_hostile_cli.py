"""Hostile input through the real `seminar-archive` program, in subprocesses.

Every refusal is exit status 2 with `file:line` on stderr (never a traceback, never exit 1),
the archive unchanged (its export compared before and after). Time is the wall time of the
subprocess; memory is its peak resident set size, measured by a small parent process with
getrusage (tests/helpers/hostile.py: run_measured), against a baseline run of the same
program importing a one-talk file.
"""

from __future__ import annotations

import json
import re
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.core.hostile.expected import CORPUS as EXPECTED
from tests.core.hostile.expected import REFUSED
from tests.helpers.cli import SCRIPT, run_cli, run_json
from tests.helpers.files import talk_record, write_jsonl
from tests.helpers.hostile import CORPUS, MB, Run, deeply_nested, huge_field, huge_file
from tests.helpers.hostile import run_measured as measured

pytestmark = pytest.mark.e2e
SECONDS = 20.0  # per subprocess: start-up included, on a busy machine
SMALL_FILE_MB = 60.0  # peak memory over the baseline for a corpus file
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def cli(folder: Path, *arguments: str) -> list[str]:
    return [str(SCRIPT), "--data-dir", str(folder), *arguments]


def export_of(folder: Path) -> bytes:
    target = folder.parent / f"{folder.name}-export.jsonl"
    assert run_cli(folder, "export", "--with-user-state", "-o", str(target)).returncode == 0
    return target.read_bytes()


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> float:
    """Peak memory (MB) of importing a one-talk file into a fresh archive."""
    folder = tmp_path_factory.mktemp("baseline")
    small = write_jsonl(folder / "one.jsonl", [talk_record("baseline-1")])
    run = measured(cli(folder / "archive", "import", str(small)))
    assert run.returncode == 0, run.stderr
    return run.peak_rss_mb


def assert_refused(run: Run, path: Path, where: str = "") -> None:
    assert run.returncode == 2, (run.returncode, run.stderr)
    assert "Traceback" not in run.stderr
    assert f"{path}{where}" in run.stderr, run.stderr


def test_every_refused_file_of_the_corpus_is_exit_2_with_its_line(
    tmp_path: Path, baseline: float
) -> None:
    folder = tmp_path / "archive"
    before = export_of(folder)
    names = sorted(n for n, e in EXPECTED.items() if e.outcome == REFUSED and "playlist" not in n)
    with ThreadPoolExecutor(max_workers=4) as pool:  # refused imports never write
        runs = list(pool.map(lambda n: measured(cli(folder, "import", str(CORPUS / n))), names))
    for name, run in zip(names, runs, strict=True):
        assert_refused(run, CORPUS / name, EXPECTED[name].where)
        assert EXPECTED[name].text in run.stderr
        assert run.seconds < SECONDS, name
        assert run.peak_rss_mb < baseline + SMALL_FILE_MB, (name, run.peak_rss_mb)
    assert export_of(folder) == before


def test_lenient_and_clean_files_of_the_corpus_are_exit_0(tmp_path: Path, baseline: float) -> None:
    folder = tmp_path / "archive"
    names = sorted(n for n, e in EXPECTED.items() if e.outcome != REFUSED and "playlist" not in n)
    for name in names:
        run = measured(cli(folder, "import", str(CORPUS / name)))
        assert run.returncode == 0, (name, run.stderr)
        assert "Traceback" not in run.stderr
        for line in run.stderr.splitlines():  # each problem: file:line (or the file): message
            assert line.startswith(f"{CORPUS / name}"), line
        assert run.seconds < SECONDS
        assert run.peak_rss_mb < baseline + SMALL_FILE_MB, (name, run.peak_rss_mb)


@pytest.mark.parametrize("kind", ["jsonl", "ics", "researchseminars"])
def test_deep_and_huge_inputs_are_refused_in_bounded_time_and_memory(
    kind: str, tmp_path: Path, baseline: float
) -> None:
    folder = tmp_path / "archive"
    before = export_of(folder)
    cases = [
        deeply_nested(tmp_path, kind),
        huge_field(tmp_path, kind, 20 * MB if kind == "jsonl" else 10 * MB),
        huge_file(tmp_path, kind, 50 * MB),
    ]
    for path in cases:
        size_mb = path.stat().st_size / MB
        run = measured(cli(folder, "import", str(path)))
        assert "Traceback" not in run.stderr
        if run.returncode == 0:  # a feed: the broken event skipped, with its line
            skipped = rf"{re.escape(str(path))}:\d+: (event|talk \d+) skipped"
            assert re.search(skipped, run.stderr), run.stderr
        else:
            assert_refused(run, path)
        assert run.seconds < SECONDS + size_mb / 5, (path.name, run.seconds)
        # At most a few copies of what is read: a feed is never read past 16 MB.
        read_mb = size_mb if kind == "jsonl" else min(size_mb, 16)
        assert run.peak_rss_mb < baseline + 40 + 4 * read_mb, (path.name, run.peak_rss_mb)
        path.unlink()
    assert export_of(folder).count(b'"kind": "talk"') == before.count(b'"kind": "talk"') + (
        0 if kind == "jsonl" else 1  # the one good event or talk of the feeds
    )


def test_dev_zero_is_refused_at_once(tmp_path: Path, baseline: float) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    run = measured(cli(tmp_path / "archive", "import", "/dev/zero"), timeout=60)
    assert_refused(run, Path("/dev/zero"))
    assert "not a text file" in run.stderr
    assert run.peak_rss_mb < baseline + 20


def test_import_of_several_files_is_one_decision(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    good = write_jsonl(tmp_path / "A.jsonl", [talk_record("several-a")])
    bad = write_jsonl(tmp_path / "B.jsonl", [talk_record("several-b", title=5)])
    result = run_cli(folder, "import", str(good), str(bad))
    assert result.returncode == 2
    assert f"{bad}:1 field 'title'" in result.stderr
    assert "nothing was imported from any of the 2 files" in result.stderr
    assert run_cli(folder, "show", "several-a").returncode == 2  # A was not kept
    feed = CORPUS / "bom.ics"
    answer = run_json(folder, "import", str(good), str(feed))
    assert answer["added"] == 2
    assert "one decision" in run_cli(folder, "import", "--help").stdout


def test_check_agrees_after_a_cli_import(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    assert run_cli(folder, "reindex").returncode == 0
    path = write_jsonl(tmp_path / "new.jsonl", [talk_record("checked-1")])
    assert run_cli(folder, "import", str(path)).returncode == 0
    result = run_cli(folder, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "index and database agree" in result.stdout
    assert "catching up" in result.stderr
    assert run_json(folder, "check")["caught_up"] is False  # now in step


def test_control_characters_never_reach_the_terminal_or_the_calendar(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    assert run_cli(folder, "import", str(CORPUS / "controls_in_title.jsonl")).returncode == 0
    assert run_cli(folder, "import", str(CORPUS / "controls.ics")).returncode == 0
    for arguments in (("show", "hostile-ctl"), ("list", "--series", "owml"), ("search", "red")):
        result = run_cli(folder, *arguments)
        assert result.returncode == 0
        assert not CONTROL.search(result.stdout), (arguments, result.stdout)
    calendar = tmp_path / "out.ics"
    result = run_cli(folder, "export-ics", "hostile-ctl", "--series", "owml", "-o", str(calendar))
    assert result.returncode == 0, result.stderr
    assert not CONTROL.search(calendar.read_bytes().replace(b"\r\n", b"").decode())


def test_a_talk_in_year_9999_does_not_crash_any_command(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    assert run_cli(folder, "stats").returncode == 0
    uid = "talk-6b047156a771"  # an owml talk; its date moved to the last day of year 9999
    with sqlite3.connect(folder / "archive.sqlite3") as db:  # as an old version could store it
        db.execute(
            "UPDATE talks SET start_utc = '9999-12-31 23:30:00.000000', timezone = "
            "'Europe/Berlin' WHERE uid = ?",
            (uid,),
        )
    target = tmp_path / "owml.ics"
    result = run_cli(folder, "export-ics", "--series", "owml", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert f"{uid}: left out: its date is outside" in result.stderr
    assert b"BEGIN:VEVENT" in target.read_bytes()
    for arguments in (("show", uid), ("list",), ("export", "-o", str(tmp_path / "all.jsonl"))):
        result = run_cli(folder, *arguments)
        assert result.returncode == 0 and "Traceback" not in result.stderr, arguments


def test_a_search_of_many_words_is_cut_and_says_so(tmp_path: Path) -> None:
    words = " ".join(["learning", "gradient~2", "neural*", "kernel"] * 300)
    answer = run_json(tmp_path / "archive", "search", words)
    assert answer["query"] == words
    assert "only the first 32 were searched" in answer["message"]


@pytest.mark.slow
def test_the_largest_feed_accepted_imports_in_bounded_time_and_memory(
    tmp_path: Path, baseline: float
) -> None:
    """Just under the 16 MB a feed may have: every event imported, time and memory bounded."""
    feed = huge_file(tmp_path, "ics", 15 * MB)
    events = feed.read_bytes().count(b"BEGIN:VEVENT")
    run = measured(cli(tmp_path / "archive", "import", str(feed), "--json"), timeout=600)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["added"] == events
    assert run.seconds < 300, run.seconds
    assert run.peak_rss_mb < baseline + 600, run.peak_rss_mb
    print(
        f"15 MB feed, {events} events: {run.seconds:.0f} s, "
        f"peak {run.peak_rss_mb:.0f} MB (baseline {baseline:.0f} MB)"
    )
