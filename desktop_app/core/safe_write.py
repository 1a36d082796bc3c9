"""Writing an export file whole or not at all, and never over what is not a file.

A regular file (or a new one) is written to a temporary file beside it, flushed to disk and
renamed over the target, so a full disk, a crash or an error leaves the old file (or none)
and never a part of the new one; the temporary file is removed on failure. A symbolic link
is followed: the file it points to is replaced and the link stays. A target that exists and is
not a regular file (`/dev/null`, `/dev/full`, a FIFO, a terminal) is written in place, never
renamed over: a rename would replace the device node with a plain file. A FIFO without a
reader is refused rather than waited for. Every failure is an InputError naming the target.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import IO, TypeVar

from desktop_app.core.errors import InputError

T = TypeVar("T")
PART_SUFFIX = ".part"


def write_text_file(target: Path, fill: Callable[[IO[str]], T]) -> T:
    """Write UTF-8 text (LF line ends) that `fill` writes to the stream; returns its result."""

    def binary(stream: IO[bytes]) -> T:
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="\n")
        try:
            result = fill(text)
            text.flush()
        finally:
            text.detach()
        return result

    return write_file(target, binary)


def write_bytes_file(target: Path, data: bytes) -> None:
    """Write `data` to `target`."""
    write_file(target, lambda stream: stream.write(data))


def write_file(target: Path, fill: Callable[[IO[bytes]], T]) -> T:
    """Write what `fill` writes to the binary stream it is given (see the module)."""
    if target.is_dir():
        raise InputError(f"{target}: is a folder; name a file to write")
    real = Path(os.path.realpath(target))
    try:
        status: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise _failure(target, error) from None
    if status is not None and not stat.S_ISREG(status.st_mode):
        return _write_in_place(target, real, status, fill)
    if not real.parent.is_dir():
        raise InputError(f"{target}: cannot be written: the folder {real.parent} does not exist")
    return _write_beside(target, real, status, fill)


def _write_beside(
    target: Path, real: Path, status: os.stat_result | None, fill: Callable[[IO[bytes]], T]
) -> T:
    temporary = real.with_name(f".{real.name}.{secrets.token_hex(4)}{PART_SUFFIX}")
    try:
        # 0o666 and O_EXCL: the user's umask applies, and nothing else is ever overwritten.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        raise _failure(target, error) from None
    try:
        with os.fdopen(descriptor, "wb") as stream:
            result = fill(stream)
            stream.flush()
            os.fsync(stream.fileno())
        if status is not None:
            os.chmod(temporary, stat.S_IMODE(status.st_mode))
        os.replace(temporary, real)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise _failure(target, error) from None
        raise
    return result


def _write_in_place(
    target: Path, real: Path, status: os.stat_result, fill: Callable[[IO[bytes]], T]
) -> T:
    fifo = stat.S_ISFIFO(status.st_mode)
    try:
        # A FIFO opened without a reader would block for ever: opened non-blocking, it fails.
        descriptor = os.open(real, os.O_WRONLY | (os.O_NONBLOCK if fifo else 0))
    except OSError as error:
        if fifo and error.errno == errno.ENXIO:
            message = f"{target}: a FIFO that nothing reads; start its reader first"
            raise InputError(message) from None
        raise _failure(target, error) from None
    if fifo:
        os.set_blocking(descriptor, True)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            return fill(stream)
    except OSError as error:
        raise _failure(target, error) from None


def _failure(target: Path, error: OSError) -> InputError:
    reason = error.strerror or str(error)
    if error.errno == errno.ENOSPC:
        reason += "; nothing was written"
    return InputError(f"{target}: cannot be written ({reason})")
