"""Export targets that are not plain files in a writable folder: a message and no partial
file; devices and FIFOs written in place, never renamed over; a full disk leaves no `.part`.

Device nodes like /dev/null and /dev/full are made in the test's own folder (never the
system's); the full and read-only disks are real tmpfs mounts where the test runs as root,
else an injected OSError(ENOSPC) and a read-only folder (chmod) stand in for them.
"""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path
from typing import IO

import pytest

from desktop_app.core.errors import InputError
from desktop_app.core.safe_write import write_bytes_file, write_file, write_text_file
from tests.helpers.mounts import char_device, tmpfs

DATA = b"the archive\n" * 1000


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_a_new_file_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    assert write_text_file(target, lambda s: s.write("é\n")) == 2
    assert target.read_bytes() == "é\n".encode()
    assert leftovers(tmp_path) == []


def test_an_existing_file_keeps_its_mode_and_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_bytes_file(target, DATA)
    assert target.read_bytes() == DATA
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_missing_folder_is_a_message(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        write_bytes_file(tmp_path / "missing" / "out.jsonl", DATA)
    assert list(tmp_path.iterdir()) == []


def test_a_folder_is_a_message(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder"):
        write_bytes_file(tmp_path, DATA)


def test_a_symlink_stays_and_its_target_is_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.jsonl"
    real.write_bytes(b"old")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    write_bytes_file(link, DATA)
    assert link.is_symlink() and link.resolve() == real
    assert real.read_bytes() == DATA
    dangling = tmp_path / "dangling.jsonl"
    dangling.symlink_to(tmp_path / "new.jsonl")
    write_bytes_file(dangling, DATA)
    assert dangling.is_symlink() and (tmp_path / "new.jsonl").read_bytes() == DATA


def test_a_fifo_without_reader_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="nothing reads"):
        write_bytes_file(fifo, DATA)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_fifo_with_a_reader_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    ready = threading.Event()

    def read() -> None:
        with fifo.open("rb") as stream:
            ready.set()
            received.append(stream.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    while not ready.is_set():  # the writer opens once the reader has it open
        try:
            write_bytes_file(fifo, DATA)
            break
        except InputError:
            ready.wait(0.01)
    reader.join(timeout=10)
    assert received == [DATA]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.fixture
def devices(tmp_path: Path) -> tuple[Path, Path]:
    null = char_device(tmp_path, "null", 1, 3)
    full = char_device(tmp_path, "full", 1, 7)
    if null is None or full is None:
        pytest.skip("device nodes cannot be made here (not root, or a nodev file system)")
    return null, full


def test_a_null_device_is_written_in_place(devices: tuple[Path, Path]) -> None:
    null, _ = devices
    write_bytes_file(null, DATA)
    assert stat.S_ISCHR(null.stat().st_mode)
    assert leftovers(null.parent) == []


def test_a_full_device_is_a_message_and_stays_a_device(devices: tuple[Path, Path]) -> None:
    _, full = devices
    with pytest.raises(InputError, match="No space left on device"):
        write_bytes_file(full, DATA)
    assert stat.S_ISCHR(full.stat().st_mode)
    link = full.parent / "to-full"
    link.symlink_to(full)
    with pytest.raises(InputError, match="No space left on device"):
        write_bytes_file(link, DATA)
    assert link.is_symlink() and stat.S_ISCHR(full.stat().st_mode)


def test_a_full_disk_leaves_the_old_file_and_no_part(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    big = b"x" * (2 * 2**20)
    with tmpfs(disk, "size=1m") as mounted:
        target = disk / "out.jsonl"
        target.write_bytes(b"old")
        if mounted:
            with pytest.raises(InputError, match="No space left on device"):
                write_bytes_file(target, big)
        else:  # no tmpfs here: the same failure, injected

            def fill(stream: IO[bytes]) -> None:
                stream.write(big[:1000])
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            with pytest.raises(InputError, match="No space left on device"):
                write_file(target, fill)
        assert target.read_bytes() == b"old"
        assert leftovers(disk) == []


def test_a_read_only_folder_is_a_message(tmp_path: Path) -> None:
    folder = tmp_path / "readonly"
    with tmpfs(folder, "ro,size=1m") as mounted:
        if not mounted:
            folder.chmod(0o555)
            if os.access(folder, os.W_OK):
                pytest.skip("the folder stays writable (root without a mount)")
        try:
            with pytest.raises(InputError, match="cannot be written"):
                write_bytes_file(folder / "out.jsonl", DATA)
            assert list(folder.iterdir()) == []
        finally:
            if not mounted:
                folder.chmod(0o755)
