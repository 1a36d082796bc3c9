"""Bad exchange files: a clear message naming file, line and field; nothing changes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from desktop_app.core.archive import Archive
from desktop_app.core.errors import InputError
from tests.helpers.files import talk_record, write_jsonl


def export_text(archive: Archive) -> str:
    stream = io.StringIO()
    archive.export_jsonl(stream)
    return stream.getvalue()


def good_lines(count: int = 3) -> list[str]:
    return [json.dumps(talk_record(f"ok-{n}")) for n in range(count)]


BAD_FILES: dict[str, tuple[bytes, str]] = {
    "truncated JSON line": (
        ("\n".join(good_lines()) + '\n{"kind": "talk", "uid": "x", "ser').encode(),
        r":4: not valid JSON",
    ),
    "wrong type": (
        (
            "\n".join([*good_lines(), json.dumps(talk_record("bad", duration_minutes="sixty"))])
        ).encode(),
        r":4 field 'duration_minutes'",
    ),
    "unknown field": (
        ("\n".join([*good_lines(1), json.dumps(talk_record("bad", colour="red"))])).encode(),
        r":2 field 'colour': unknown field",
    ),
    "non-UTF-8 bytes": (
        ("\n".join(good_lines(2)) + "\n").encode() + b'{"kind": "talk", "title": "caf\xe9"}\n',
        r":3: not UTF-8",
    ),
    "unknown time zone": (
        json.dumps(talk_record("bad", timezone="Mars/Olympus")).encode(),
        r":1 field 'timezone'",
    ),
    "javascript recording": (
        json.dumps(talk_record("bad", recording_url="javascript:alert(1)")).encode(),
        r":1 field 'recording_url'",
    ),
    "unknown link kind": (
        json.dumps(
            talk_record("bad", links=[{"kind": "pdf", "url": "https://x.org", "label": None}])
        ).encode(),
        r":1 field 'links\[0\].kind'",
    ),
    "duplicate uid": (
        ("\n".join([good_lines(1)[0], good_lines(1)[0]])).encode(),
        r":2 field 'uid': repeats line 1",
    ),
    "unknown series": (
        json.dumps(talk_record("bad", series="no-such-series")).encode(),
        r"names series 'no-such-series'",
    ),
    "newer format version": (
        b'{"kind": "archive", "format": "seminar-archive", "version": 2}\n',
        r"format version 2",
    ),
    "not an object": (b"[1, 2, 3]\n", r":1: a record must be a JSON object"),
    "empty file": (b"", r"the file is empty"),
    "only blank lines": (b"\n  \n\n", r"the file is empty"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_refused_with_its_line_and_nothing_changes(
    case: str, archive: Archive, tmp_path: Path
) -> None:
    content, message = BAD_FILES[case]
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    before = export_text(archive)
    with pytest.raises(InputError, match=message) as raised:
        archive.import_file(path)
    assert str(path) in str(raised.value)
    assert export_text(archive) == before


def test_a_folder_is_refused(archive: Archive, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder"):
        archive.import_file(tmp_path)


def test_a_missing_file_is_refused(archive: Archive, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        archive.import_file(tmp_path / "missing.jsonl")


def test_one_bad_line_refuses_the_good_lines_too(archive: Archive, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "mixed.jsonl", [talk_record("good-1"), talk_record("bad", start="soon")]
    )
    with pytest.raises(InputError, match=r":2 field 'start'"):
        archive.import_file(path)
    with pytest.raises(Exception, match="no talk"):
        archive.get_talk("good-1")
