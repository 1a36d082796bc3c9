"""Talks without a date can be chosen: the list, the counts and the search agree on them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop_app.core.archive import Archive
from desktop_app.core.records import TalkFilter
from desktop_app.core.search import SearchIndex
from tests.helpers.files import bundled_records

UNDATED = TalkFilter(has_date=False)


@pytest.fixture
def index(archive: Archive) -> Iterator[SearchIndex]:
    with SearchIndex.open(archive) as opened:
        yield opened


def bundled_undated() -> set[str]:
    return {r["uid"] for r in bundled_records("talk") if not r.get("start")}


def test_the_undated_talks_are_listed_and_counted(archive: Archive) -> None:
    expected = bundled_undated()
    assert len(expected) == 183
    assert set(archive.list_uids(UNDATED)) == expected
    assert {row.uid for row in archive.list_talks(UNDATED)} == expected
    assert all(row.start is None for row in archive.list_talks(UNDATED))
    assert archive.count_talks(UNDATED) == 183
    assert archive.count_talks(TalkFilter(has_date=True)) == 221 - 183


def test_the_year_counts_hold_the_undated_talks_last(archive: Archive) -> None:
    years = archive.facet_counts().year
    assert years[None] == 183
    assert list(years)[-1] is None
    assert sum(years.values()) == 221
    assert archive.facet_counts().undated == 183


def test_counts_within_the_undated_talks(archive: Archive) -> None:
    counts = archive.facet_counts(UNDATED)
    assert counts.total == 183
    assert counts.year == {None: 183}
    assert counts.undated == 183
    assert counts.upcoming == counts.past == 0
    assert sum(counts.series.values()) == 183
    series = archive.facet_counts(TalkFilter(series="seed-past-seminars"))
    undated = archive.facet_counts(TalkFilter(series="seed-past-seminars", has_date=False))
    assert undated.total == undated.undated == series.year[None] > 0


def test_a_search_within_the_undated_talks(index: SearchIndex) -> None:
    every = {hit.uid for hit in index.search("learning", limit=1000).hits}
    result = index.search("learning", limit=1000, talk_filter=UNDATED)
    found = {hit.uid for hit in result.hits}
    assert found == every & bundled_undated()
    assert result.total == len(found) > 10
    typing = index.search("learn", limit=1000, talk_filter=UNDATED, as_you_type=True)
    assert {hit.uid for hit in typing.hits} <= bundled_undated()
    dated = index.search("learning", limit=1000, talk_filter=TalkFilter(has_date=True))
    assert {hit.uid for hit in dated.hits} == every - bundled_undated()
