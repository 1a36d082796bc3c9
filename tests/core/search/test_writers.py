"""The index's segment writer writes what Whoosh's own writer writes, faster.

`writers.SegmentWriter` keeps postings in memory by term (`postings.PostingTable`) and
analyses the index's text fields without tokens; Whoosh's `SegmentWriter` sorts tuples on
disk and analyses through tokens. The same documents must give the same segment files (the
postings decoded alike), and the same postings after a merge.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import writing

from desktop_app.core.archive import Archive
from desktop_app.core.search import storage
from desktop_app.core.search.postings import PostingTable, indexer
from desktop_app.core.search.schema import build_schema, talk_document
from desktop_app.core.search.synthetic import write_synthetic_archive
from desktop_app.core.search.writers import SegmentWriter


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The bundled talks and 400 synthetic ones (common words fill several blocks)."""
    folder = tmp_path_factory.mktemp("writers")
    with Archive.open(folder / "archive") as archive:
        archive.import_file(write_synthetic_archive(folder / "talks.jsonl", 400))
        return [talk_document(talk) for talk in archive.iter_talks()]


def _write(path: Path, writer_class: Any, batches: list[list[dict[str, Any]]]) -> Any:
    path.mkdir()
    ix = storage.create_index(path)
    for batch in batches:
        writer = writer_class(ix, compound=False)
        for document in batch:
            writer.add_document(**document)
        writer.commit(merge=False)
    return ix


def _segment_files(path: Path) -> dict[str, bytes]:
    """Each file of the index's segments by extension (segment names are random)."""
    files: dict[str, bytes] = {}
    for file in sorted(path.iterdir()):
        if file.suffix in {".toc", ".json"} or file.name.endswith(".tsv"):
            continue
        key = file.name.split(".", 1)[1] if "." in file.name else file.name
        assert key not in files, "one segment"
        files[key] = file.read_bytes()
    return files


def test_segments_hold_whooshs_files_and_postings(
    documents: list[dict[str, Any]], tmp_path: Path
) -> None:
    ours = _write(tmp_path / "ours", SegmentWriter, [documents])
    theirs = _write(tmp_path / "theirs", writing.SegmentWriter, [documents])
    assert ours.doc_count() == theirs.doc_count() == len(documents)
    mine, whooshs = _segment_files(tmp_path / "ours"), _segment_files(tmp_path / "theirs")
    assert sorted(mine) == sorted(whooshs)
    # Postings and terms may differ in bytes only: a posting value shared by several
    # postings of a block (a word once at the same position) is pickled once.
    assert {k for k in mine if mine[k] != whooshs[k]} <= {"pst", "trm"}
    assert list(_postings(ours)) == list(_postings(theirs))


def _postings(ix: Any) -> Iterator[tuple[Any, ...]]:
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)
            stats = (
                info.weight(),
                info.doc_frequency(),
                info.min_length(),
                info.max_length(),
                info.max_weight(),
                info.min_id(),
                info.max_id(),
            )
            matcher = reader.postings(fieldname, text)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            yield fieldname, text, stats, tuple(postings)
        for docnum in range(reader.doc_count_all()):
            yield "stored", docnum, tuple(sorted(reader.stored_fields(docnum).items()))


def test_merged_segments_hold_whooshs_postings(
    documents: list[dict[str, Any]], tmp_path: Path
) -> None:
    # Three segments, one talk deleted, then merged into one: postings come from readers
    # (out of document order when a segment's numbers are remapped) as well as new talks.
    batches = [documents[:150], documents[150:400], documents[400:500]]
    results = []
    for name, writer_class in (("ours", SegmentWriter), ("theirs", writing.SegmentWriter)):
        ix = _write(tmp_path / name, writer_class, batches)
        writer = writer_class(ix, compound=False)
        writer.delete_document(3)
        for document in documents[500:]:
            writer.add_document(**document)
        writer.commit(optimize=True)
        assert len(ix._segments()) == 1
        results.append(list(_postings(ix)))
    assert results[0] == results[1]


def test_documents_with_boosts_go_through_whooshs_own_path(tmp_path: Path) -> None:
    (tmp_path / "ix").mkdir()
    ix = storage.create_index(tmp_path / "ix")
    writer = SegmentWriter(ix, compound=False)
    writer.add_document(uid="a", title="Gradient flows", _title_boost=3.0)
    writer.add_document(uid="b", title="Gradient descent")
    writer.commit()
    with ix.searcher() as searcher:
        reader = searcher.reader()
        matcher = reader.postings("title", b"gradient")
        found = [(matcher.id(), matcher.weight())]
        matcher.next()
        found.append((matcher.id(), matcher.weight()))
        assert found == [(0, 6.0), (1, 2.0)]


def test_posting_table_orders_each_terms_postings() -> None:
    table = PostingTable()
    for docnum in (5, 2, 9, 2):
        table.add(("f", b"t", docnum, float(docnum), b"v%d" % docnum))
    table.add(("f", b"s", 1, 1.0, b""))
    assert list(table.iter_postings()) == [
        ("f", b"s", 1, 1.0, b""),
        ("f", b"t", 2, 2.0, b"v2"),
        ("f", b"t", 2, 2.0, b"v2"),
        ("f", b"t", 5, 5.0, b"v5"),
        ("f", b"t", 9, 9.0, b"v9"),
    ]


SCHEMA = build_schema()
_PIECES = st.sampled_from(list("abcdeéşł XYZ-\\$.,;0123456789")) | st.sampled_from(
    ["the ", "of ", "nonconvex ", "regularisation ", "\\psi ", "\\alpha", "e.g. ", "ab ab "]
)
_TEXTS = st.lists(_PIECES, max_size=60).map("".join)


@settings(max_examples=150, deadline=None)
@given(text=_TEXTS)
def test_fast_indexers_give_whooshs_postings(text: str) -> None:
    for name in ("title", "abstract", "complete"):
        field = SCHEMA[name]
        fast = indexer(field)
        assert fast is not None
        assert fast(text) == list(field.index(text))
