"""Queries on the bundled archive find the right talks, ranked, highlighted and counted."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.core.records import TalkFilter
from desktop_app.core.search import SearchIndex

# (query, the talk that must come first): topics, names, spellings, TeX, phrases, prefixes.
FIRST_HITS = [
    ("hardness of learning under symmetries", "talk-6b047156a771"),
    ("edge of stability", "talk-a9547fcf9b18"),
    ("Gurbuzbalaban", "talk-7c581f8fc74d"),  # accent-free spelling of Gürbüzbalaban
    ("Simsekli", "talk-7c581f8fc74d"),  # Şimşekli
    ("Gürbüzbalaban heavy-tailed", "talk-7c581f8fc74d"),
    ("Hosten", "talk-094a19dd19a5"),  # Hoşten, in a bio
    ("Swiatkowski", "talk-82afc77e8ed4"),
    ("Elbrachter", "talk-b0ebe11c5950"),
    ("\\epsilon adversary", "talk-cea3774b1608"),  # raw TeX
    ("epsilon corrupt", "talk-cea3774b1608"),
    ("Bayes classifier \\veps", "talk-cea3774b1608"),
    ('"neural collapse"', "talk-415abfefddb4"),
    ('"double descent"', "talk-98e0120af939"),
    ('"benign overfitting"', "talk-f3a5fbd6abe2"),
    ("steerable", "talk-2937e22795a1"),
    ("mean field game", "talk-bd4a4ac21fdb"),
    ("heavy-tailed", "talk-7c581f8fc74d"),
    ("memoriz*", "talk-e5db19ceafef"),
    ("diffusion models memorize", "talk-e5db19ceafef"),
    ("Kangjie Zhou", "talk-c657ebeca875"),  # joint work, in the extra lines
    ("imbalanced classification", "talk-c657ebeca875"),
    ("Sibylle Marcotte", "talk-5b1da96ee968"),
    ("speaker:lawrence", "talk-6b047156a771"),
    ("title:equivariance", "talk-e141586d7670"),
    ("developmental interpretability", "talk-0580b09a315c"),
    ("random shuffling SGD", "talk-83d2f6fec660"),
    ("backward error analysis", "talk-83d2f6fec660"),
    ("Molei Tao", "talk-039cc74d57d7"),
    ("unconstrained features model", "talk-415abfefddb4"),
    ("Lawrence symmetries", "talk-6b047156a771"),
]


@pytest.mark.parametrize(("query", "uid"), FIRST_HITS)
def test_distinctive_query_finds_the_talk_first(
    bundled_index: SearchIndex, query: str, uid: str
) -> None:
    result = bundled_index.search(query, limit=5)
    assert [hit.uid for hit in result.hits][:1] == [uid], result


@pytest.mark.parametrize(
    ("typed", "uid"),
    [
        ("steera", "talk-2937e22795a1"),
        ("hardness of lear", "talk-6b047156a771"),
        ("gurbuzb", "talk-7c581f8fc74d"),
        ("backward error anal", "talk-83d2f6fec660"),
    ],
)
def test_as_you_type_completes_the_last_word(
    bundled_index: SearchIndex, typed: str, uid: str
) -> None:
    result = bundled_index.search(typed, as_you_type=True, limit=5)
    assert uid in [hit.uid for hit in result.hits]


def test_as_you_type_ignores_a_one_letter_last_word(bundled_index: SearchIndex) -> None:
    full = bundled_index.search("steerable", as_you_type=False)
    typing = bundled_index.search("steerable n", as_you_type=True)
    assert [h.uid for h in typing.hits] == [h.uid for h in full.hits]


def test_a_prefix_inside_a_stemmed_word_matches(bundled_index: SearchIndex) -> None:
    result = bundled_index.search("regulari*", limit=100)
    assert result.total > 0
    assert any("<mark>regulari" in h.highlights.get("abstract", "").lower() for h in result.hits)


def test_fuzzy_query_finds_near_spellings(bundled_index: SearchIndex) -> None:
    assert bundled_index.search("steerible~").total >= 1


def test_field_year_and_date_range_restrict_hits(bundled_index: SearchIndex) -> None:
    years = bundled_index.search("year:2023", facets=True, limit=100)
    assert years.total > 0
    assert set(years.facets["year"]) == {"2023"}
    dates = bundled_index.search("date:[2021 to 2022]", facets=True, limit=100)
    assert dates.total > 0
    assert set(dates.facets["year"]) <= {"2021", "2022"}


def test_or_and_not_combine(bundled_index: SearchIndex) -> None:
    either = bundled_index.search("steerable OR catapult", limit=100).total
    assert either == 3
    assert bundled_index.search("catapult NOT lazy", limit=100).total < 2


def test_facets_sum_to_the_total(bundled_index: SearchIndex) -> None:
    result = bundled_index.search("neural networks", facets=True, limit=5)
    assert result.total > 20
    for name in ("year", "series", "has_recording"):
        assert sum(result.facets[name].values()) == result.total, name
    assert set(result.facets) == {"year", "series", "speaker", "tag", "has_recording"}


def test_facets_follow_the_talk_filter(bundled_index: SearchIndex) -> None:
    result = bundled_index.search(
        "gradient", facets=True, talk_filter=TalkFilter(series="mpi-mis-ucla-mml")
    )
    assert result.total > 0
    assert result.facets["series"] == {"mpi-mis-ucla-mml": result.total}


def test_talk_filter_by_speaker_uses_the_database(bundled_index: SearchIndex) -> None:
    result = bundled_index.search("symmetries", talk_filter=TalkFilter(speaker="lawrence"))
    assert [h.uid for h in result.hits] == ["talk-6b047156a771"]


def test_highlights_mark_hits_and_escape_everything_else(bundled_index: SearchIndex) -> None:
    result = bundled_index.search("neural networks", limit=50)
    marked = 0
    for hit in result.hits:
        for fragment in hit.highlights.values():
            rest = fragment.replace("<mark>", "").replace("</mark>", "")
            assert "<" not in rest and ">" not in rest
            marked += fragment.count("<mark>")
    assert marked > 20


def test_did_you_mean_uses_the_index_vocabulary(bundled_index: SearchIndex) -> None:
    result = bundled_index.search("gradiant descnt")
    assert result.suggestion == "gradient descent"


def test_no_suggestion_when_the_query_finds_plenty(bundled_index: SearchIndex) -> None:
    assert bundled_index.search("gradient descent").suggestion is None


@pytest.mark.parametrize("sort", ["date", "-date", "title"])
def test_sorting_orders_all_hits(bundled_index: SearchIndex, sort: str) -> None:
    result = bundled_index.search("learning", sort=sort, limit=500)
    rows = bundled_index.archive.rows_for([h.uid for h in result.hits])
    assert len(rows) == result.total
    if sort == "title":
        keys = [r.display_title.casefold().lstrip("\"'“‘(¿¡ ") for r in rows if r.title]
        assert keys == sorted(keys)
        return
    dated = [r.start for r in rows if r.start is not None]
    assert dated == sorted(dated, reverse=sort == "-date")
    assert all(r.start is None for r in rows[len(dated) :])  # unknown dates last


def test_pages_follow_each_other(bundled_index: SearchIndex) -> None:
    everything = [h.uid for h in bundled_index.search("learning", limit=30).hits]
    pages = [
        h.uid
        for offset in (0, 10, 20)
        for h in bundled_index.search("learning", limit=10, offset=offset).hits
    ]
    assert pages == everything


MALFORMED = ["unclosed \"phrase", "title:", "((", "AND", "OR NOT", ")", ":", "year:abc",
             "date:[xx to]", "date:[2020 to", "*", "a*", "~", "speaker:foo:bar", "\\", "\x00",
             "title:(edge", "year:99999999999999999999", "regul*~2", "\"\"", "NOT NOT x",
             "complete:xx", "digest:abc", "[1 TO 2]", "^3", "gradient^"]  # fmt: skip


@pytest.mark.parametrize("query", MALFORMED)
@pytest.mark.parametrize("as_you_type", [False, True])
def test_malformed_query_never_raises(
    bundled_index: SearchIndex, query: str, as_you_type: bool
) -> None:
    result = bundled_index.search(query, as_you_type=as_you_type)
    assert result.hits or result.total == 0
    assert result.total >= len(result.hits)


def test_a_query_that_cannot_be_parsed_says_so(bundled_index: SearchIndex) -> None:
    result = bundled_index.search("year:abc steerable")
    assert result.message is not None and "could not be parsed" in result.message
    assert [h.uid for h in result.hits] == ["talk-2937e22795a1"]


def test_a_query_without_words_says_so(bundled_index: SearchIndex) -> None:
    result = bundled_index.search("((")
    assert result.total == 0 and result.message


SHARED_FIXTURE = [HealthCheck.function_scoped_fixture]
SYNTAX = ["gradient", "AND", "OR", "NOT", "(", ")", '"', ":", "*", "~", "title:", "year:", "[",
          "TO", "]", "2021", "neural", "^2", "-"]  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=SHARED_FIXTURE)
@given(
    text=st.text(max_size=40),
    as_you_type=st.booleans(),
    sort=st.sampled_from(["relevance", "date", "-date", "title"]),
)
def test_any_string_is_a_safe_query(
    bundled_index: SearchIndex, text: str, as_you_type: bool, sort: str
) -> None:
    result = bundled_index.search(text, as_you_type=as_you_type, sort=sort, limit=5)
    assert result.total >= len(result.hits)
    for hit in result.hits:
        for fragment in hit.highlights.values():
            assert "<" not in fragment.replace("<mark>", "").replace("</mark>", "")


@settings(max_examples=60, deadline=None, suppress_health_check=SHARED_FIXTURE)
@given(words=st.lists(st.sampled_from(SYNTAX), max_size=8))
def test_any_mix_of_query_syntax_is_safe(bundled_index: SearchIndex, words: list[str]) -> None:
    result = bundled_index.search(" ".join(words), facets=True)
    assert sum(result.facets["year"].values()) == result.total


def test_related_talks_share_the_topic(bundled_index: SearchIndex) -> None:
    related = bundled_index.related("talk-a9547fcf9b18", limit=5)
    assert len(related) == 5
    assert "talk-a9547fcf9b18" not in [uid for uid, _ in related]
    assert "talk-039cc74d57d7" in [uid for uid, _ in related]  # also edge of stability
    assert [s for _, s in related] == sorted((s for _, s in related), reverse=True)


def test_key_terms_are_distinctive_words(bundled_index: SearchIndex) -> None:
    terms = dict(bundled_index.key_terms("talk-a9547fcf9b18", limit=10))
    assert len(terms) == 10
    assert {"edge", "stability"} <= set(terms)


def test_key_terms_leave_out_what_is_left_of_contractions(bundled_index: SearchIndex) -> None:
    # "Why Diffusion Models Don't Memorize: ..." splits "Don't" into "don" and "t".
    terms = [word for word, _ in bundled_index.key_terms("talk-e5db19ceafef", limit=10)]
    assert len(terms) == 10
    assert "don" not in terms
    assert "diffusion" in terms


def test_key_terms_leave_out_adverbs_that_say_nothing_of_the_subject(
    bundled_index: SearchIndex,
) -> None:
    # Lawrence's abstract: "... research has demonstrated that actually learning shallow ..."
    terms = [word for word, _ in bundled_index.key_terms("talk-6b047156a771", limit=10)]
    assert "actually" not in terms and "spite" not in terms  # "... in spite of ..."
    assert {"symmetries", "equivariant"} <= set(terms)


def test_unknown_uid_has_no_related_talks_or_terms(bundled_index: SearchIndex) -> None:
    assert bundled_index.related("no-such-talk") == []
    assert bundled_index.key_terms("no-such-talk") == []


def test_only_the_asked_fields_are_highlighted(bundled_index: SearchIndex) -> None:
    both = bundled_index.search("heavy-tailed", limit=5)
    titles = bundled_index.search("heavy-tailed", limit=5, highlight=("title",))
    assert [h.uid for h in titles.hits] == [h.uid for h in both.hits]
    assert any("abstract" in h.highlights for h in both.hits)
    assert not any("abstract" in h.highlights for h in titles.hits)
    assert [h.highlights.get("title") for h in titles.hits] == [
        h.highlights.get("title") for h in both.hits
    ]
    assert "<mark>" in (titles.hits[0].highlights.get("title") or "")
