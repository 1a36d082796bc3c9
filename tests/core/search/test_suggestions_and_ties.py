"""“Did you mean” while typing, and the order of hits that score alike."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest

from desktop_app.cli import main
from desktop_app.core.archive import Archive
from desktop_app.core.labels import sort_title
from desktop_app.core.records import TalkFilter
from desktop_app.core.search import SearchIndex
from tests.helpers.files import talk_record, write_jsonl

# ---------------------------------------------------------------------- did you mean


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("steerabel ", "steerable"),  # the word is complete
        ("gradiant descnt ", "gradient descent"),
        ("steerabel", "steerable"),  # the prefix finds nothing: read as a whole word
        ("neural netwroks", "neural networks"),
        ("gradiant descnt", "gradient descent"),
    ],
)
def test_as_you_type_offers_a_suggestion(
    bundled_index: SearchIndex, typed: str, suggestion: str
) -> None:
    result = bundled_index.search(typed, as_you_type=True)
    assert result.total == 0
    assert result.suggestion == suggestion


def test_no_suggestion_while_the_prefix_finds_talks(bundled_index: SearchIndex) -> None:
    result = bundled_index.search("steerab", as_you_type=True)
    assert result.total > 0
    assert result.suggestion is None


def test_no_suggestion_for_a_known_word_that_the_filter_leaves_out(
    bundled_index: SearchIndex,
) -> None:
    result = bundled_index.search(
        "steerable", as_you_type=True, talk_filter=TalkFilter(series="no-such-series")
    )
    assert result.total == 0
    assert result.suggestion is None


def test_the_cli_offers_the_suggestion_as_you_type(
    bundled_index: SearchIndex,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = str(bundled_index.archive.folder)
    monkeypatch.setattr("sys.stdin", io.StringIO("steerabel\nsteerabel \n"))
    assert main(["--data-dir", folder, "search", "--stdin", "--as-you-type", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["suggestion"] for line in lines] == ["steerable", "steerable"]
    assert main(["--data-dir", folder, "search", "gradiant descnt"]) == 0
    assert "did you mean: gradient descent" in capsys.readouterr().err


# ---------------------------------------------------------------------- ties


def shown_order(archive: Archive, uids: list[str]) -> list[tuple[float, str]]:
    """(newest first, undated last) and title keys of talks, in the given order."""
    keys = []
    for uid in uids:
        detail = archive.get_talk(uid)
        start = detail.talk.start
        when = -start.timestamp() if start is not None else float("inf")
        keys.append((when, sort_title(detail.talk.title, detail.talk.abstract)))
    return keys


@pytest.mark.parametrize(
    "query", ["year:2021", "series:seed-past-seminars", "series:owml", "year:[2020 TO 2024]"]
)
def test_hits_that_score_alike_come_newest_first_then_by_title(
    bundled_index: SearchIndex, query: str
) -> None:
    result = bundled_index.search(query, limit=500)
    uids = [hit.uid for hit in result.hits]
    assert len(uids) == result.total > 5
    assert len({hit.score for hit in result.hits}) == 1
    keys = shown_order(bundled_index.archive, uids)
    assert keys == sorted(keys)


def test_year_hits_come_in_the_lists_order(bundled_index: SearchIndex) -> None:
    uids = [hit.uid for hit in bundled_index.search("year:2021", limit=100).hits]
    assert uids == bundled_index.archive.list_uids(TalkFilter(year=2021))


@pytest.mark.parametrize("query", ["year:2021", "series:seed-past-seminars", "learning"])
@pytest.mark.parametrize("sort", ["relevance", "date", "-date", "title"])
def test_pages_of_tied_hits_follow_each_other(
    bundled_index: SearchIndex, query: str, sort: str
) -> None:
    whole = [hit.uid for hit in bundled_index.search(query, limit=63, sort=sort).hits]
    pages = [
        hit.uid
        for start in range(0, 63, 7)
        for hit in bundled_index.search(query, limit=7, offset=start, sort=sort).hits
    ]
    assert pages == whole
    assert len(set(whole)) == len(whole)


SAME_ABSTRACT = "Kernel tricks for reproducing kernel Hilbert spaces."
TWINS = [
    ("twin-old", "Beta kernels", "2019-05-01T12:00:00"),
    ("twin-new", "Zeta kernels", "2023-05-01T12:00:00"),
    ("twin-new-b", "Alpha kernels", "2023-05-01T12:00:00"),
    ("twin-undated-z", "Omega kernels", None),
    ("twin-undated-a", "Delta kernels", None),
]


@pytest.fixture(scope="module")
def twins_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """Talks alike but for their titles and dates (the titles' words are not searched)."""
    folder = tmp_path_factory.mktemp("twins")
    records = [
        talk_record(uid, title=title, start=start, abstract=SAME_ABSTRACT)
        for uid, title, start in TWINS
    ]
    with Archive.open(folder / "archive", import_bundled=False) as archive:
        archive.import_file(write_jsonl(folder / "talks.jsonl", bundled_series() + records))
        with SearchIndex.open(archive) as index:
            yield index


def bundled_series() -> list[dict[str, object]]:
    return [{"kind": "series", "slug": "owml", "name": "One World Machine Learning"}]


EXPECTED = ["twin-new-b", "twin-new", "twin-old", "twin-undated-a", "twin-undated-z"]


@pytest.mark.parametrize(
    "query", ["hilbert", "reproducing kernel", '"reproducing kernel hilbert"', "tricks OR zzz"]
)
def test_equal_scores_are_ordered_by_date_then_title(twins_index: SearchIndex, query: str) -> None:
    result = twins_index.search(query, limit=10)
    assert len({round(hit.score, 6) for hit in result.hits}) == 1
    assert [hit.uid for hit in result.hits] == EXPECTED
    firsts = [twins_index.search(query, limit=1, offset=n).hits[0].uid for n in range(5)]
    assert firsts == EXPECTED


def test_sorting_by_date_breaks_ties_by_title(twins_index: SearchIndex) -> None:
    newest = [hit.uid for hit in twins_index.search("hilbert", sort="-date").hits]
    assert newest == EXPECTED
    oldest = [hit.uid for hit in twins_index.search("hilbert", sort="date").hits]
    assert oldest == ["twin-old", "twin-new-b", "twin-new", "twin-undated-a", "twin-undated-z"]
