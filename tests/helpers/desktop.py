"""Running the checkout's make targets as another user, and listing what they leave behind."""

from __future__ import annotations

import os
import struct
import subprocess
from pathlib import Path

from tests.helpers.files import REPO


def make(target: str, home: Path, data: Path, *variables: str) -> str:
    """Run a make target of the checkout as a user with this home and data folder."""
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(data)}
    for name in ("XDG_BIN_HOME", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(name, None)
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", target, *variables],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def listing(*roots: Path) -> dict[str, bytes | str | None]:
    """Every folder (None), symbolic link (its target) and file (its bytes) under `roots`."""
    found: dict[str, bytes | str | None] = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_symlink():
                found[str(path)] = os.readlink(path)
            elif path.is_dir():
                found[str(path)] = None
            else:
                found[str(path)] = path.read_bytes()
    return found


def png_size(path: Path) -> tuple[int, int]:
    """The width and height in a PNG file's header."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def write_calendar(path: Path, events: int) -> Path:
    """A calendar file of `events` one-hour talks, each with its own UID."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Example//Seminar feed//EN"]
    for number in range(1, events + 1):
        lines += [
            "BEGIN:VEVENT",
            f"UID:opened-{number}@example.org",
            "DTSTAMP:20250101T000000Z",
            f"DTSTART:202503{number:02d}T160000Z",
            f"DTEND:202503{number:02d}T170000Z",
            f"SUMMARY:Opened talk {number}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path
