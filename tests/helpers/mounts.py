"""Small real file systems for disk trouble: a full tmpfs, a read-only one (root only)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def tmpfs(folder: Path, options: str) -> Iterator[bool]:
    """Mount a tmpfs with `options` (e.g. "size=1m" or "ro,size=1m") on `folder`; yields False
    when it cannot be mounted here (not root, no mount permission)."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        yield False
        return
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        yield False
        return
    try:
        yield True
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def char_device(folder: Path, name: str, major: int, minor: int) -> Path | None:
    """A character device node like /dev/null (1, 3) or /dev/full (1, 7) in `folder`, so that
    a test never writes to the system's own; None when nodes cannot be made or used here."""
    import stat

    path = folder / name
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(major, minor))
        with path.open("wb"):
            pass
    except OSError:
        return None
    return path


@contextmanager
def read_only(folder: Path) -> Iterator[str]:
    """Make the existing `folder` read-only while the block runs: bind-mounted read-only on
    itself as root (whom permission bits do not stop), else its permission bits. Yields how."""
    if os.geteuid() == 0:
        mounted = subprocess.run(
            ["mount", "--bind", str(folder), str(folder)], capture_output=True, check=False
        )
        if mounted.returncode == 0:
            try:
                subprocess.run(
                    ["mount", "-o", "remount,bind,ro", str(folder)], capture_output=True, check=True
                )
                yield "a read-only bind mount"
            finally:
                subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)
            return
    modes = {path: path.stat().st_mode for path in [folder, *folder.rglob("*")]}
    for path in modes:
        path.chmod(modes[path] & ~0o222)
    try:
        yield "permission bits"
    finally:
        for path, mode in modes.items():
            path.chmod(mode)
