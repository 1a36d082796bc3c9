"""`export` and `export-ics` to targets that are not plain files in a writable folder: exit 2
with a message and no partial file; devices and FIFOs written in place, never renamed over.

Device nodes like /dev/null and /dev/full are made in the test's folder (the system's are
never written); full and read-only disks are real tmpfs mounts (root), else skipped here
(tests/core/hostile/test_safe_write.py injects the same failures in-process).
"""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import pytest

from tests.helpers.cli import run_cli
from tests.helpers.mounts import char_device, tmpfs

pytestmark = pytest.mark.e2e
COMMANDS = [("export",), ("export-ics", "--series", "owml")]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("targets") / "archive"
    assert run_cli(folder, "stats").returncode == 0
    return folder


def parts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_folder_is_exit_2_with_a_message(
    command: tuple[str, ...], data_dir: Path, tmp_path: Path
) -> None:
    result = run_cli(data_dir, *command, "-o", str(tmp_path / "missing" / "out"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", COMMANDS)
def test_devices_are_written_in_place_and_stay_devices(
    command: tuple[str, ...], data_dir: Path, tmp_path: Path
) -> None:
    null = char_device(tmp_path, "null", 1, 3)
    full = char_device(tmp_path, "full", 1, 7)
    if null is None or full is None:
        pytest.skip("device nodes cannot be made here")
    assert run_cli(data_dir, *command, "-o", str(null)).returncode == 0
    result = run_cli(data_dir, *command, "-o", str(full))
    assert result.returncode == 2
    assert "No space left on device" in result.stderr
    assert stat.S_ISCHR(null.stat().st_mode) and stat.S_ISCHR(full.stat().st_mode)
    assert parts(tmp_path) == []


@pytest.mark.parametrize("command", COMMANDS)
def test_a_symlink_stays_a_link_to_the_new_file(
    command: tuple[str, ...], data_dir: Path, tmp_path: Path
) -> None:
    real = tmp_path / "real"
    real.write_text("old")
    link = tmp_path / "link"
    link.symlink_to(real)
    assert run_cli(data_dir, *command, "-o", str(link)).returncode == 0
    assert link.is_symlink() and real.stat().st_size > 1000
    assert parts(tmp_path) == []


@pytest.mark.parametrize("command", COMMANDS)
def test_fifos_are_written_in_place_or_refused_without_a_reader(
    command: tuple[str, ...], data_dir: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    started = time.monotonic()
    result = run_cli(data_dir, *command, "-o", str(fifo), timeout=60)
    assert result.returncode == 2 and "nothing reads" in result.stderr
    assert time.monotonic() - started < 30
    received: list[int] = []

    def read() -> None:
        with fifo.open("rb") as stream:
            received.append(len(stream.read()))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    time.sleep(0.2)  # the reader opens first; the program finds it there
    assert run_cli(data_dir, *command, "-o", str(fifo), timeout=60).returncode == 0
    reader.join(timeout=30)
    assert received and received[0] > 1000
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_full_disk_is_exit_2_and_leaves_no_part(
    command: tuple[str, ...], data_dir: Path, tmp_path: Path
) -> None:
    disk = tmp_path / "disk"
    with tmpfs(disk, "size=64k") as mounted:
        if not mounted:
            pytest.skip("a small tmpfs cannot be mounted here (not root)")
        (disk / "out").write_text("old")
        (disk / "filler").write_bytes(b"x" * 48 * 1024)  # some 12 kB stay free
        result = run_cli(data_dir, *command, "-o", str(disk / "out"))
        assert result.returncode == 2
        assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
        assert (disk / "out").read_text() == "old"
        assert parts(disk) == []


@pytest.mark.parametrize("command", COMMANDS)
def test_a_read_only_folder_is_exit_2(
    command: tuple[str, ...], data_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "readonly"
    with tmpfs(folder, "ro,size=64k") as mounted:
        if not mounted:
            pytest.skip("a read-only tmpfs cannot be mounted here (not root)")
        result = run_cli(data_dir, *command, "-o", str(folder / "out"))
        assert result.returncode == 2
        assert "Read-only file system" in result.stderr
        assert list(folder.iterdir()) == []
