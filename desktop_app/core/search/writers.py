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
from array import array
from typing import Any

from whoosh import writing
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.util.numeric import byte_to_length, length_to_byte

from desktop_app.core.search.postings import Indexer, Posting, PostingTable, indexer

_PR_SET_PDEATHSIG = 1
JOIN_TIMEOUT = 5.0
RESULT_TIMEOUT = 5.0
MEMO_SIZE = 4096  # values of a field whose postings a writer remembers


class _Lengths:
    """A per-document reader that reads each field's lengths once, not once per posting."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._lengths: dict[str, list[int]] = {}

    def field_lengths(self, fieldname: str) -> list[int]:
        """The field's length in each document, by number (0 for none)."""
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            read = self._reader.doc_field_length
            count = self._reader.doc_count_all()
            lengths = self._lengths[fieldname] = [read(n, fieldname, 0) or 0 for n in range(count)]
        return lengths

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        return self.field_lengths(fieldname)[docnum] or default

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)


class SegmentWriter(writing.SegmentWriter):  # type: ignore[misc]
    """Whoosh's writer with its postings kept in memory by term instead of sorted on disk
    (`postings.PostingTable`), the index's text fields analysed without tokens, and field
    lengths read once per field when a segment is written."""

    def __init__(self, ix: Any, **options: Any) -> None:
        super().__init__(ix, **options)
        self.pool = PostingTable()
        self._indexers: dict[str, Indexer] = {}
        # Each field's length by document as the lengths column stores it, kept while
        # documents are added (None once a merge adds documents of another segment).
        self._doc_lengths: dict[str, array[int]] | None = {}
        # Term vectors and spelling words are left to Whoosh (the index has neither).
        self._plain = not any(f.vector or f.separate_spelling() for _n, f in self.schema.items())

    def per_document_reader(self) -> Any:
        return _Lengths(super().per_document_reader())

    def add_reader(self, reader: Any) -> None:
        self._doc_lengths = None
        super().add_reader(reader)

    def _indexer(self, fieldname: str, field: Any) -> Indexer:
        known = self._indexers.get(fieldname)
        if known is None:
            known = self._indexers[fieldname] = indexer(field) or _memoized(field)
        return known

    def _keep_length(self, fieldname: str, docnum: int, length: int) -> None:
        if self._doc_lengths is None:
            return
        lengths = self._doc_lengths.get(fieldname)
        if lengths is None:
            lengths = self._doc_lengths[fieldname] = array("I")
        if len(lengths) < docnum:
            lengths.extend(bytes(4 * (docnum - len(lengths))))
        lengths.append(_stored_length(length))

    def add_document(self, **fields: Any) -> None:
        """Whoosh's `add_document` for documents without boosts or custom stored values
        (the index's own), with the postings put in the table a field at a time."""
        if not self._plain or any(name.startswith("_") for name in fields):
            self._doc_lengths = None
            super().add_document(**fields)
            return
        self._check_state()
        schema = self.schema
        fieldnames = sorted(fields)
        self._check_fields(schema, fieldnames)
        docnum = self.docnum
        perdocwriter = self.perdocwriter
        table = self.pool
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    postings = self._indexer(fieldname, field)(value)
                    if field.scorable:
                        length = sum(p[1] for p in postings)
                        self._keep_length(fieldname, docnum, length)
                    table.add_document(fieldname, docnum, postings)
                perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(value))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths: Any = None
        if self.codec.length_stats:
            if self._doc_lengths is not None and self.docbase == 0:
                lengths = _KeptLengths(self._doc_lengths, self.docnum)
            else:
                lengths = self.per_document_reader()
        self.pool.write(self.fieldwriter, self.schema, lengths)
        self.fieldwriter.close()
        if lengths is not None:
            lengths.close()


def _stored_length(length: int) -> int:
    """A field length as the lengths column gives it back (a byte's approximation)."""
    return int(byte_to_length(length_to_byte(length))) if length else 0


class _KeptLengths:
    """Field lengths kept by the writer, read as `_Lengths` reads them from the segment."""

    def __init__(self, lengths: dict[str, array[int]], count: int) -> None:
        self._lengths = lengths
        self._count = count

    def field_lengths(self, fieldname: str) -> Any:
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            lengths = self._lengths[fieldname] = array("I")
        if len(lengths) < self._count:
            lengths.extend(bytes(4 * (self._count - len(lengths))))
        return lengths

    def close(self) -> None:
        pass


def _memoized(field: Any) -> Indexer:
    """`field.index`, remembering the postings of recent values (years, series…)."""
    known: dict[Any, list[Posting]] = {}

    def index(value: Any) -> list[Posting]:
        try:
            postings = known.get(value)
        except TypeError:  # a value that cannot be a key (a list)
            return list(field.index(value))
        if postings is None:
            if len(known) >= MEMO_SIZE:
                known.clear()
            postings = known[value] = list(field.index(value))
        return postings

    return index


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
