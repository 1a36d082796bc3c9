"""Hostile inputs too big to commit, written at run time (tests/fixtures/hostile/README.md),
and a subprocess runner that measures time and peak memory."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.helpers.files import FIXTURES, talk_record

CORPUS = FIXTURES / "hostile"
MB = 2**20
DEPTH = 100_000
HEADER = {"kind": "archive", "format": "seminar-archive", "version": 1}
_ICS_HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hostile//EN\r\nX-WR-CALNAME:Hostile\r\n"
_GOOD_EVENT = (
    "BEGIN:VEVENT\r\nUID:good-1@hostile\r\nDTSTART:20240105T150000Z\r\n"
    "SUMMARY:A good talk\r\nEND:VEVENT\r\n"
)


def _answer(talks: list[Any]) -> dict[str, Any]:
    return {"code": "success", "properties": {"shortname": "HOST", "name": "Host"}, "talks": talks}


def _rs_talk(**fields: Any) -> dict[str, Any]:
    talk = {"seminar_id": "HOST", "seminar_ctr": 1, "title": "A talk", "speaker": "Ada Example"}
    talk.update(start_time="2024-01-05 15:00:00+00:00", **fields)
    return talk


def _playlist(entries: list[Any]) -> dict[str, Any]:
    return {"_type": "playlist", "id": "PLhostile", "title": "Hostile", "entries": entries}


def _entry(**fields: Any) -> dict[str, Any]:
    return {"ie_key": "Youtube", "id": "AAAAAAAAAA1", "title": "A video", **fields}


# ------------------------------------------------------------------ nesting


def deeply_nested(folder: Path, kind: str) -> Path:
    """An input nested DEPTH levels deep (lists in JSON, components in iCalendar)."""
    if kind == "jsonl":
        inner = "[" * DEPTH + "]" * DEPTH
        record = json.dumps(talk_record("hostile-deep"))[:-1] + f', "provenance": {inner}}}'
        return _write(folder / "deep.jsonl", json.dumps(HEADER) + "\n" + record + "\n")
    if kind == "ics":
        nested = "BEGIN:X-DEEP\r\n" * DEPTH + "END:X-DEEP\r\n" * DEPTH
        event = f"BEGIN:VEVENT\r\nUID:deep@hostile\r\nDTSTART:20240112T150000Z\r\n{nested}"
        text = f"{_ICS_HEAD}{_GOOD_EVENT}{event}END:VEVENT\r\nEND:VCALENDAR\r\n"
        return _write(folder / "deep.ics", text)
    inner = '{"a":' * DEPTH + "1" + "}" * DEPTH
    document = _answer([_rs_talk()]) if kind == "researchseminars" else _playlist([_entry()])
    text = json.dumps(document)[:-1] + f', "extra": {inner}}}'
    return _write(folder / f"deep_{kind}.json", text)


# ------------------------------------------------------------------ size


def huge_field(folder: Path, kind: str, size: int = 20 * MB) -> Path:
    """A valid input with one field of `size` characters (an abstract, a DESCRIPTION…)."""
    blob = ("lorem ipsum " * (size // 12 + 1))[:size]
    if kind == "jsonl":
        text = json.dumps(HEADER) + "\n" + json.dumps(talk_record("hostile-big", abstract=blob))
        return _write(folder / "huge_field.jsonl", text + "\n")
    if kind == "ics":
        event = (
            f"BEGIN:VEVENT\r\nUID:big@hostile\r\nDTSTART:20240112T150000Z\r\nDESCRIPTION:{blob}\r\n"
        )
        return _write(folder / "huge_field.ics", f"{_ICS_HEAD}{_GOOD_EVENT}{event}END:VEVENT\r\n")
    if kind == "researchseminars":
        text = json.dumps(_answer([_rs_talk(seminar_ctr=2), _rs_talk(abstract=blob)]))
        return _write(folder / "huge_field_researchseminars.json", text)
    text = json.dumps(_playlist([_entry(), _entry(id="AAAAAAAAAA2", title=blob)]))
    return _write(folder / "huge_field_playlist.json", text)


def huge_file(folder: Path, kind: str, size: int = 50 * MB) -> Path:
    """A file of `size` bytes: valid records, and a bad one at the very end (exchange format),
    or simply more than any feed may be."""
    path = folder / {"jsonl": "huge.jsonl", "ics": "huge.ics"}.get(kind, f"huge_{kind}.json")
    with path.open("w", encoding="utf-8", newline="") as stream:
        if kind == "jsonl":
            stream.write(json.dumps(HEADER) + "\n")
        elif kind == "ics":
            stream.write(_ICS_HEAD)
        else:
            stream.write(
                '{"code": "success", "results": [' if kind != "playlist" else '{"entries": ['
            )
        number = 0
        while stream.tell() < size:
            number += 1
            stream.write(_one_record(kind, number))
        if kind == "jsonl":
            stream.write(json.dumps(talk_record("hostile-last", duration_minutes="sixty")) + "\n")
        elif kind == "ics":
            stream.write("END:VCALENDAR\r\n")
        else:
            stream.write("{}]}")
    return path


def _one_record(kind: str, number: int) -> str:
    abstract = f"Talk number {number}. " + "Words of an abstract about learning. " * 40
    if kind == "jsonl":
        return json.dumps(talk_record(f"hostile-{number}", abstract=abstract)) + "\n"
    if kind == "ics":
        return (
            f"BEGIN:VEVENT\r\nUID:{number}@hostile\r\nDTSTART:20240105T150000Z\r\n"
            f"SUMMARY:Talk {number}\r\nDESCRIPTION:{abstract}\r\nEND:VEVENT\r\n"
        )
    if kind == "playlist":
        return json.dumps(_entry(id=f"A{number:010d}"[-11:], title=abstract)) + ","
    return json.dumps(_rs_talk(seminar_ctr=number, abstract=abstract)) + ","


# ------------------------------------------------------------------ measured runs


@dataclass(frozen=True)
class Run:
    """A finished subprocess: its exit status, output and cost."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float  # the child's own maximum resident set size (wait4's ru_maxrss)


_MARK = "@@measured "
# A small process runs the command and reports its exit status and peak RSS: measured from
# the test process itself, a forked child would count the test's own memory until it execs.
_RUNNER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    f"sys.stderr.write('\\n{_MARK}%d %d\\n' % (code, peak))\n"
)


def run_measured(arguments: list[str], timeout: float = 120) -> Run:
    """Run a command; its exit status, output, wall time and peak memory (the maximum
    resident set size of that process alone, from getrusage). After `timeout` seconds it is
    killed and AssertionError raised."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("SEMINAR_ARCHIVE_HOME", None)
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-c", _RUNNER, *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise AssertionError(f"{arguments} still ran after {timeout} s") from None
    seconds = time.monotonic() - started
    stderr, _, report = stderr.rpartition(_MARK)
    code, peak = (int(part) for part in report.split())
    scale = MB if sys.platform == "darwin" else 1024  # bytes on macOS, kilobytes elsewhere
    return Run(code, stdout, stderr.rstrip("\n"), seconds, peak / scale)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path
