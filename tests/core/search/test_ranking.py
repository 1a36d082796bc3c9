"""The remembered-score ranker ranks exactly as Whoosh's exhaustive BM25F scoring does."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import collectors

from desktop_app.core.archive import Archive
from desktop_app.core.search import SearchIndex
from desktop_app.core.search.cache import SizedCache
from desktop_app.core.search.docsets import DocSets
from desktop_app.core.search.ranking import Ranker
from tests.helpers.files import talk_record, write_jsonl

QUERIES = [
    ("edge of stability", False),
    ("gradient descent", False),
    ("learning", False),
    ("neural networks", False),
    ("memoriz*", False),
    ("gradiant~", False),
    ("title:kernel", False),
    ("kernel OR transformer", False),
    ("learning NOT kernel", False),
    ("speaker:lawrence OR speaker:montufar", False),
    ("implicit regu", True),
    ("diffusion mod", True),
    ("Gurbuzbalaban", False),
    ('"neural networks"', False),
    ('"non-convex optimization"', False),
    ('"edge of stability" learning', False),
    ('title:"neural networks"', False),
    ('"neural collapse"~3', False),
    ("stabilty~2", False),
]


def _exhaustive(searcher: object, query: object, limit: int) -> list[tuple[float, int]]:
    """Whoosh's own scores of every match, without its pruning shortcuts."""
    collector = collectors.TopCollector(limit, usequality=False)
    collector.replace = 0
    searcher.search_with_collector(query, collector)  # type: ignore[attr-defined]
    return list(collector.results().top_n)


@pytest.mark.parametrize("bundled_index", ["whoosh"], indirect=True)  # Whoosh's own scoring
@pytest.mark.parametrize(("text", "as_you_type"), QUERIES)
def test_ranker_matches_whoosh_scoring(
    bundled_index: SearchIndex, text: str, as_you_type: bool
) -> None:
    with bundled_index._search_lock:
        searcher = bundled_index._current_searcher()
        assert bundled_index._builder is not None
        plan = bundled_index._builder.plan(text, searcher.reader(), as_you_type=as_you_type)
    ranker = Ranker(searcher)
    assert ranker.supports(plan.query)
    ours = ranker.top(plan.query, 20)
    theirs = _exhaustive(searcher, plan.query, 20)
    assert ours, text
    assert len(ranker.scores(plan.query)) == len(DocSets(searcher).matching(plan.query))
    if "NOT" in text:  # Whoosh adds a constant for the excluded part; the order is the same
        assert [d for _s, d in ours] == [d for _s, d in theirs]
        return
    assert [d for _s, d in ours] == [d for _s, d in theirs]
    assert [s for s, _d in ours] == pytest.approx([s for s, _d in theirs], rel=1e-9)


@pytest.mark.parametrize("bundled_index", ["whoosh"], indirect=True)  # Whoosh's own scoring
def test_ranges_are_left_to_whoosh(bundled_index: SearchIndex) -> None:
    with bundled_index._search_lock:
        searcher = bundled_index._current_searcher()
        assert bundled_index._builder is not None
        ranker = Ranker(searcher)
        for text in ["year:[2021 to 2022]", "date:2023"]:
            plan = bundled_index._builder.plan(text, searcher.reader())
            assert not ranker.supports(plan.query), text
    assert bundled_index.search('"neural collapse"').hits


@pytest.mark.parametrize("bundled_index", ["whoosh"], indirect=True)  # Whoosh's own scoring
def test_fuzzy_terms_are_whooshs_and_transpositions(bundled_index: SearchIndex) -> None:
    from whoosh import query as wq

    with bundled_index._search_lock:
        searcher = bundled_index._current_searcher()
        assert bundled_index._builder is not None
        reader = searcher.reader()
        for field in ("abstract", "title", "text"):
            for text, maxdist in [("gradiant", 1), ("kernal", 1), ("stabilty", 2), ("lernin", 2)]:
                lexicons = bundled_index._builder.lexicons_of(reader, field)
                ours = set().union(*(lx.within(text, maxdist, 1) for lx in lexicons))
                node = wq.FuzzyTerm(field, text, maxdist=maxdist, prefixlength=1)
                theirs = {t.decode() if isinstance(t, bytes) else t for t in node._btexts(reader)}
                assert theirs <= ours, (field, text)
        [abstract] = bundled_index._builder.lexicons_of(reader, "abstract")
        assert "network" in abstract.within("netwrok", 1, 1)


def test_search_ranks_with_remembered_scores_after_an_update(fresh_index: SearchIndex) -> None:
    before = fresh_index.search("stability", limit=5)
    fresh_index.update_talks([before.hits[0].uid])  # a deletion and a new document
    after = fresh_index.search("stability", limit=5)
    assert after.total == before.total
    assert [h.uid for h in after.hits] == [h.uid for h in before.hits]


@pytest.mark.parametrize("fresh_index", ["whoosh"], indirect=True)  # Whoosh's segments
def test_fuzzy_terms_after_a_commit_read_only_the_new_segments_terms(
    archive: Archive, fresh_index: SearchIndex, tmp_path: Path
) -> None:
    assert fresh_index.search("gradiant~").total > 0
    builder = fresh_index._builder
    assert builder is not None
    before = dict(builder._lexicons)
    archive.import_file(
        write_jsonl(tmp_path / "new.jsonl", [talk_record("zygote-talk", title="Zygomorphic flows")])
    )
    fresh_index.catch_up()  # a new segment beside the old one
    found = fresh_index.search("zygomorphc~")
    assert [hit.uid for hit in found.hits] == ["zygote-talk"]
    assert fresh_index.search("gradiant~").total > 0
    kept = [key for key in before if builder._lexicons.get(key) is before[key]]
    assert kept, "the old segment's terms were read again"


def test_sized_cache_keeps_its_bounds() -> None:
    cache: SizedCache[list[int]] = SizedCache(items=3, total=10)
    for n in range(6):
        assert cache.get(n, lambda n=n: [n] * 4) == [n] * 4
    assert len(cache) == 2 and cache.size == 8
    calls: list[int] = []
    cache.get(5, lambda: calls.append(1) or [9])  # type: ignore[func-returns-value]
    assert calls == []  # remembered
    assert cache.get(["unhashable"], lambda: [1, 2]) == [1, 2]
    assert cache.get("huge", lambda: list(range(50))) == list(range(50))
    assert cache.size <= 10


def test_a_fuzzy_term_on_an_empty_index_finds_nothing_quietly(empty_archive: Archive) -> None:
    with SearchIndex.open(empty_archive) as index:
        result = index.search("gradiant~")
    assert result.total == 0
    assert result.message is None or "could not be parsed" not in result.message
