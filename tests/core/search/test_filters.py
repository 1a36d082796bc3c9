"""A search with a filter shows exactly the talks of the filter's list that match the query."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.core.archive import Archive
from desktop_app.core.records import TalkFilter
from desktop_app.core.search import SearchIndex
from tests.helpers.files import talk_record, write_jsonl

ALL = 10_000  # more than every talk: a search's every hit

# Talks that sit on the edges of the filters, besides the bundled ones.
EDGE_TALKS = [
    # No zone, an offset: 2021 where it was given, 2022 in UTC (as the archive shows it).
    talk_record(
        "edge-new-year",
        timezone=None,
        start="2021-12-31T22:00:00-05:00",
        abstract="Learning kernels on graphs.",
    ),
    # The last evening of March in New York is April in UTC.
    talk_record("edge-month-end", start="2021-03-31T22:00:00", abstract="Neural networks learn."),
    talk_record("edge-march", start="2021-03-10T12:00:00", abstract="Learning neural networks."),
    talk_record("edge-june", start="2021-06-10T12:00:00", abstract="Learning neural networks."),
    talk_record(
        "edge-tags-upper",
        tags=["Optimization"],
        abstract="Learning by optimization.",
        speakers=[{"name": "Zoë Ångström", "affiliation": "Uppsala universitet"}],
    ),
    talk_record(
        "edge-tags-lower",
        tags=["optimization", "kernels"],
        abstract="Learning kernels by optimization.",
        speakers=[{"name": "Jiří Šíma", "affiliation": None}],
    ),
    talk_record(
        "edge-future",
        start="2031-05-01T12:00:00",
        abstract="Learning graphs in the future.",
        recording_url="https://example.org/future",
    ),
    talk_record(
        "edge-undated",
        start=None,
        abstract="Neural networks without a date.",
        recording_url="https://example.org/undated",
        tags=["kernels"],
    ),
]
STARRED = ("edge-march", "edge-undated", "talk-7c581f8fc74d", "talk-6b047156a771")
WATCHED = ("edge-june", "edge-undated", "talk-a9547fcf9b18")

QUERIES = [
    "learning",
    "neural networks",
    '"neural networks"',
    "kernel OR graph",
    "learning -graph",
    "year:2021",
    "year:2021 learning",
    "series:owml",
    "title:learning",
    "tag:optimization",
    "simsekli",
    "sima",
    "learn",
    "equivariant netw",
    "neural networks ",
    "optimisation",
    "date:2021",
    "year:[2020 TO 2022]",
]
SPEAKERS = ["Şimşekli", "simsekli", "lawrence", "ångström", "JIRI SIMA", "a", "ada example"]
TAGS = ["optimization", "Optimization", "kernels", "none such"]
SHARED_FIXTURE = [HealthCheck.function_scoped_fixture]


@pytest.fixture(scope="module")
def edge_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """The bundled archive and the edge talks, with some marks, and its index."""
    folder = tmp_path_factory.mktemp("filters")
    with Archive.open(folder / "archive") as archive:
        archive.import_file(write_jsonl(folder / "edge.jsonl", EDGE_TALKS))
        for uid in STARRED:
            archive.set_user_state(uid, starred=True)
        for uid in WATCHED:
            archive.set_user_state(uid, watched=True)
        with SearchIndex.open(archive) as index:
            yield index


def optional(values: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.one_of(st.none(), values)


filters = st.builds(
    TalkFilter,
    series=optional(st.sampled_from(["owml", "mpi-mis-ucla-mml", "seed-past-seminars"])),
    year=optional(st.sampled_from([2020, 2021, 2022, 2031])),
    month=optional(st.integers(1, 12)),
    speaker=optional(st.sampled_from(SPEAKERS)),
    tag=optional(st.sampled_from(TAGS)),
    has_recording=optional(st.booleans()),
    starred=optional(st.booleans()),
    watched=optional(st.booleans()),
    upcoming=optional(st.booleans()),
    has_date=optional(st.booleans()),
    needs_facts=optional(st.booleans()),
    new=optional(st.booleans()),
)


def hit_uids(
    index: SearchIndex,
    query: str,
    *,
    talk_filter: TalkFilter | None = None,
    as_you_type: bool = False,
    sort: str = "relevance",
) -> list[str]:
    result = index.search(
        query, limit=ALL, talk_filter=talk_filter, as_you_type=as_you_type, sort=sort
    )
    return [hit.uid for hit in result.hits]


@settings(max_examples=250, deadline=None, suppress_health_check=SHARED_FIXTURE)
@given(
    talk_filter=filters,
    query=st.sampled_from(QUERIES),
    as_you_type=st.booleans(),
    sort=st.sampled_from(["relevance", "date", "title"]),
)
def test_a_filtered_search_is_the_search_within_the_filters_list(
    edge_index: SearchIndex, talk_filter: TalkFilter, query: str, as_you_type: bool, sort: str
) -> None:
    listed = set(edge_index.archive.list_uids(talk_filter))
    filtered = edge_index.search(
        query, limit=ALL, talk_filter=talk_filter, as_you_type=as_you_type, sort=sort
    )
    found = [hit.uid for hit in filtered.hits]
    assert set(found) <= listed
    unfiltered = hit_uids(edge_index, query, as_you_type=as_you_type, sort=sort)
    assert set(found) == set(unfiltered) & listed
    assert filtered.total == len(found)


@pytest.mark.parametrize(
    "talk_filter",
    [
        TalkFilter(year=2021, month=3),
        TalkFilter(year=2021, month=4),
        TalkFilter(month=6),
        TalkFilter(tag="Optimization"),
        TalkFilter(tag="optimization"),
        TalkFilter(year=2022),
        TalkFilter(year=2021),
        TalkFilter(has_date=False),
        TalkFilter(upcoming=True),
        TalkFilter(starred=True, watched=False),
        TalkFilter(speaker="Ångström"),
    ],
    ids=str,
)
def test_each_filter_field_narrows_a_search_as_it_narrows_the_list(
    edge_index: SearchIndex, talk_filter: TalkFilter
) -> None:
    listed = set(edge_index.archive.list_uids(talk_filter))
    every = set(hit_uids(edge_index, "learning OR neural"))
    result = edge_index.search("learning OR neural", limit=ALL, talk_filter=talk_filter)
    assert {hit.uid for hit in result.hits} == every & listed
    assert result.total == len(every & listed) > 0
    assert result.total < len(every)


def test_a_month_filter_holds_with_a_query_typed(edge_index: SearchIndex) -> None:
    march = TalkFilter(year=2021, month=3)
    found = hit_uids(edge_index, "learning neural", talk_filter=march, as_you_type=True)
    assert "edge-march" in found
    assert "edge-june" not in found


def test_a_talk_without_a_zone_is_filed_under_the_year_it_is_shown_in(
    edge_index: SearchIndex,
) -> None:
    archive = edge_index.archive
    shown = archive.get_talk("edge-new-year").talk.start
    assert shown is not None and shown.year == 2022
    assert "edge-new-year" in archive.list_uids(TalkFilter(year=2022))
    assert "edge-new-year" in hit_uids(edge_index, "kernels", talk_filter=TalkFilter(year=2022))
