"""Index writers: Whoosh's segment writer with cheaper field lengths, and a multiprocess
writer that is safe to cancel and to crash.

When a segment is written, Whoosh looks up the document's field length for every posting,
each a seek and read in the lengths file: a large part of a build, more as segments grow.
`SegmentWriter` reads each field's lengths once instead.

Whoosh's `MpWriter` hands batches of documents to worker processes, each writing its own
segment. As shipped, cancelling it leaves the workers waiting for work forever (and the
interpreter waiting for them at exit), and a parent killed with SIGKILL leaves them behind.
Here the workers are daemons that die with the thread that started them (Linux), and
cancelling terminates them.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
from typing import Any

from whoosh import writing
from whoosh.multiproc import MpWriter, SubWriterTask

_PR_SET_PDEATHSIG = 1
JOIN_TIMEOUT = 5.0
RESULT_TIMEOUT = 5.0


class _Lengths:
    """A per-document reader that reads each field's lengths once, not once per posting."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._lengths: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            read = self._reader.doc_field_length
            count = self._reader.doc_count_all()
            lengths = self._lengths[fieldname] = [read(n, fieldname, 0) for n in range(count)]
        return lengths[docnum] or default

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)


class SegmentWriter(writing.SegmentWriter):  # type: ignore[misc]
    """Whoosh's writer, with field lengths read once per field when a segment is written."""

    def per_document_reader(self) -> Any:
        return _Lengths(super().per_document_reader())


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when its parent goes (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


class _Worker(SubWriterTask):  # type: ignore[misc]
    """One worker process: writes the documents of the job files it is given, one segment."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.parent = os.getpid()
        self.daemon = True

    def run(self) -> None:
        _die_with_parent(self.parent)
        ix = self.storage.open_index(self.indexname)
        # The parent holds the index's lock for the whole build.
        writer = self.writer = SegmentWriter(ix, _lk=False, **self.kwargs)
        while True:
            job = self.jobqueue.get()
            if job is None:
                break
            self._process_file(*job)
        segment = writer._finalize_segment()
        self.resultqueue.put((None, writer.pool.fieldnames, segment), timeout=RESULT_TIMEOUT)


class ParallelWriter(MpWriter):  # type: ignore[misc]
    """An index writer that spreads documents over worker processes, one segment each."""

    def __init__(self, ix: Any, procs: int, **options: Any) -> None:
        super().__init__(ix, procs=procs, multisegment=True, **options)

    def _new_task(self) -> Any:
        task = _Worker(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        self.tasks.append(task)
        task.start()
        return task

    def cancel(self) -> None:
        for task in self.tasks:
            task.terminate()
        for task in self.tasks:
            task.join(JOIN_TIMEOUT)
        super().cancel()
