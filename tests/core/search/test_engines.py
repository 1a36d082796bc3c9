"""The two search engines: chosen in the preferences, the same answers, each rebuilt from the
other's index, and a tantivy index kept in step across processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tomli_w

from desktop_app.cli import main
from desktop_app.core.archive import Archive
from desktop_app.core.errors import InputError
from desktop_app.core.records import TalkFilter
from desktop_app.core.search import SearchIndex
from desktop_app.core.search.schema import DEFAULT_FIELDS
from desktop_app.core.search.storage import INDEX_FOLDER, IndexFolder, read_state
from desktop_app.core.search.tantivy_index import TantivyIndex
from desktop_app.core.search.tantivy_query import TermsReader
from desktop_app.core.settings import AppConfig, load_app_config, save_app_config

# Every kind of query: words, names, phrases, prefixes, fuzzy terms, fields, ranges, boolean
# operators, TeX, compounds and spelling variants.
QUERIES = [
    "learning",
    "implicit regularization",
    "regularisation",
    "Gurbuzbalaban",
    '"neural networks"',
    '"double descent"',
    'title:"neural networks"',
    '"neural collapse"~3',
    "memoriz*",
    "optim*",
    "gradiant~",
    "stabilty~2",
    "title:kernel",
    "speaker:lawrence",
    "series:owml",
    "year:2021",
    "year:[2020 TO 2022]",
    "date:2022",
    "has_recording:yes",
    "kernel OR transformer",
    "learning NOT kernel",
    "\\epsilon adversary",
    "non-convex",
    "nonconvex",
    "non convex",
    "tag:optimization",
    "zzzunknownword",
    "((unbalanced",
    "title:*",
    "speaker:*",
    "tag:*",
    "title:[a TO c]",
    "{2020 TO 2022]",
]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[SearchIndex, SearchIndex]:
    """A Whoosh index and a tantivy index of the bundled archive (two archive folders)."""
    indexes = []
    for engine in ("whoosh", "tantivy"):
        folder = tmp_path_factory.mktemp(engine) / "archive"
        archive = Archive.open(folder)
        indexes.append(SearchIndex.open(archive, engine=engine))
    whoosh, tantivy = indexes
    yield whoosh, tantivy
    for index in indexes:
        index.close()
        index.archive.close()


@pytest.mark.parametrize("query", QUERIES)
def test_both_engines_find_the_same_talks(
    both: tuple[SearchIndex, SearchIndex], query: str
) -> None:
    whoosh, tantivy = both
    assert isinstance(tantivy, TantivyIndex) and not isinstance(whoosh, TantivyIndex)
    theirs, ours = whoosh.search(query, limit=1000), tantivy.search(query, limit=1000)
    assert ours.total == theirs.total, query
    assert {h.uid for h in ours.hits} == {h.uid for h in theirs.hits}
    assert ours.message == theirs.message
    assert ours.suggestion == theirs.suggestion
    if ours.hits:
        # The best are the same talks; their order may differ where scores are close (a
        # title match weighs more in tantivy's BM25, which normalises short fields more).
        assert ours.hits[0].uid in {h.uid for h in theirs.hits[:5]}, query
        assert theirs.hits[0].uid in {h.uid for h in ours.hits[:5]}, query


@pytest.mark.parametrize(
    ("query", "talk_filter"),
    [
        ("learning", TalkFilter(year=2021)),
        ("learning", TalkFilter(series="owml", has_recording=True)),
        ("optimization", TalkFilter(has_recording=False)),
        ("learning", TalkFilter(starred=True)),
    ],
)
def test_both_engines_filter_and_count_facets_alike(
    both: tuple[SearchIndex, SearchIndex], query: str, talk_filter: TalkFilter
) -> None:
    whoosh, tantivy = both
    theirs = whoosh.search(query, limit=500, facets=True, talk_filter=talk_filter)
    ours = tantivy.search(query, limit=500, facets=True, talk_filter=talk_filter)
    assert ours.total == theirs.total
    assert {h.uid for h in ours.hits} == {h.uid for h in theirs.hits}
    assert ours.facets == theirs.facets


@pytest.mark.parametrize(
    "query", ['"descent gradient"~4', '"networks neural"~3', '"learning deep networks"~3']
)
def test_a_phrase_with_slop_finds_every_talk_whoosh_finds(
    both: tuple[SearchIndex, SearchIndex], query: str
) -> None:
    whoosh, tantivy = both
    theirs = {h.uid for h in whoosh.search(query, limit=1000).hits}
    ours = {h.uid for h in tantivy.search(query, limit=1000).hits}
    assert theirs <= ours  # tantivy's slop also lets the words swap places


def test_a_page_far_beyond_the_hits_is_empty_and_a_huge_limit_is_every_hit(
    both: tuple[SearchIndex, SearchIndex],
) -> None:
    for index in both:
        far = index.search("learning", offset=3_000_000_000, limit=1)
        assert far.hits == () and far.total > 100
        every = index.search("learning", limit=2**31)
        assert len(every.hits) == every.total == far.total
        assert index.search("learning", sort="date", limit=2**31).total == far.total


@pytest.mark.parametrize("sort", ["date", "-date", "title"])
def test_both_engines_sort_alike(both: tuple[SearchIndex, SearchIndex], sort: str) -> None:
    whoosh, tantivy = both
    theirs = whoosh.search("learning", sort=sort, limit=30)
    ours = tantivy.search("learning", sort=sort, limit=30)
    assert [h.uid for h in ours.hits] == [h.uid for h in theirs.hits]


def test_both_engines_complete_the_word_being_typed(
    both: tuple[SearchIndex, SearchIndex],
) -> None:
    whoosh, tantivy = both
    for typed in ["regu", "implicit regu", "Gurb", "diffusion mod", "zzzq"]:
        theirs = whoosh.search(typed, as_you_type=True, limit=500)
        ours = tantivy.search(typed, as_you_type=True, limit=500)
        assert ours.total == theirs.total, typed
        assert ours.marks == theirs.marks
        assert ours.suggestion == theirs.suggestion


def test_the_preferences_choose_the_engine_and_a_switch_rebuilds(archive: Archive) -> None:
    with SearchIndex.open(archive) as index:
        assert not isinstance(index, TantivyIndex)  # Whoosh by default
        whoosh_total = index.search("learning").total
    save_app_config(AppConfig(search_engine="tantivy"))
    with SearchIndex.open(archive) as index:
        assert isinstance(index, TantivyIndex)
        assert index.search("learning").total == whoosh_total
        path = IndexFolder(archive.folder / INDEX_FOLDER).current()
        assert path is not None
        state = read_state(path)
        assert state is not None and state.engine.startswith("tantivy ")
        assert index.check().ok
    save_app_config(AppConfig(search_engine="whoosh"))
    with SearchIndex.open(archive) as index:  # back: Whoosh's index is rebuilt
        assert not isinstance(index, TantivyIndex)
        assert index.search("learning").total == whoosh_total


def test_an_unknown_engine_is_an_error_naming_the_field(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(tomli_w.dumps({"search_engine": "lucene"}), encoding="utf-8")
    with pytest.raises(InputError, match="search_engine"):
        load_app_config(config)
    with pytest.raises(InputError, match="unknown search engine"):
        SearchIndex.open(Archive.open(tmp_path / "archive"), engine="lucene")


def test_a_tantivy_index_follows_changes_made_by_another_index(archive: Archive) -> None:
    with (
        SearchIndex.open(archive, engine="tantivy") as first,
        SearchIndex.open(archive, engine="tantivy", catch_up=False) as second,
    ):
        assert second.search("zyxwordnew").total == 0
        uid = first.search("learning", limit=1).hits[0].uid
        [talk] = archive.iter_talks([uid])
        archive.edit_talk(uid, {"title": f"{talk.title} zyxwordnew"})  # indexed by both
        assert first.search("zyxwordnew").total == 1
        assert second.search("zyxwordnew").hits[0].uid == uid


def test_the_cli_searches_with_the_engine_the_preferences_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save_app_config(AppConfig(search_engine="tantivy"))
    folder = str(tmp_path / "archive")
    assert main(["--data-dir", folder, "search", '"neural collapse"', "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["hits"][0]["uid"] == "talk-415abfefddb4"
    path = IndexFolder(tmp_path / "archive" / INDEX_FOLDER).current()
    assert path is not None
    state = read_state(path)
    assert state is not None and state.engine.startswith("tantivy ")
    assert main(["--data-dir", folder, "check"]) == 0
    assert main(["--data-dir", folder, "reindex"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", folder, "search", "steerable", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["hits"][0]["uid"] == "talk-2937e22795a1"


def test_tantivy_fuzzy_terms_are_read_once_by_prepare_and_learn_an_updates_words(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    original = TermsReader.lexicon_texts

    def counted(self: TermsReader, field: str) -> list[str]:
        reads.append(field)
        return original(self, field)

    monkeypatch.setattr(TermsReader, "lexicon_texts", counted)
    with SearchIndex.open(archive, engine="tantivy") as index:
        index.prepare()  # what the window does in the background once the index is open
        assert sorted(reads) == sorted(DEFAULT_FIELDS)
        assert index.search("gradiant~").total > 0
        uid = index.search("learning", limit=1).hits[0].uid
        [talk] = archive.iter_talks([uid])
        archive.edit_talk(uid, {"title": f"{talk.title} zygomorphic"})
        found = index.search("zygomorphc~")
        assert [hit.uid for hit in found.hits] == [uid]
        assert index.search("gradiant~").total > 0
        assert sorted(reads) == sorted(DEFAULT_FIELDS)  # no term list read again


def test_prepare_reads_the_whoosh_term_lists_of_the_default_fields(archive: Archive) -> None:
    with SearchIndex.open(archive, engine="whoosh") as index:
        assert index._builder is None or not index._builder._lexicons
        index.prepare()  # (twice: the second reads nothing new)
        index.prepare()
        assert index._builder is not None
        assert {field for _segment, field in index._builder._lexicons} == set(DEFAULT_FIELDS)


def test_a_tantivy_index_follows_another_processs_rebuild_and_new_words(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    with (
        Archive.open(folder) as ours_archive,
        Archive.open(folder) as theirs_archive,
        SearchIndex.open(ours_archive, engine="tantivy") as ours,
    ):
        ours.prepare()
        assert ours.search("zygomorphc~").total == 0
        with SearchIndex.open(theirs_archive, engine="tantivy") as theirs:
            uid = theirs.search("learning", limit=1).hits[0].uid
            [talk] = theirs_archive.iter_talks([uid])
            theirs_archive.edit_talk(uid, {"title": f"{talk.title} zygomorphic"})  # indexed
            # Their commit's new word, found fuzzily here without a catch-up of our own.
            assert [h.uid for h in ours.search("zygomorphc~").hits] == [uid]
            theirs.rebuild()  # our folder is replaced (and removed)
        other = ours.search("learning", limit=1).hits[0].uid
        [talk] = ours_archive.iter_talks([other])
        ours_archive.edit_talk(other, {"title": f"{talk.title} qqgamma"})
        assert [h.uid for h in ours.search("qqgamma").hits] == [other]
        assert ours.check().ok


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_an_empty_archive_is_searched_without_errors(tmp_path: Path, engine: str) -> None:
    archive = Archive.open(tmp_path / "archive", import_bundled=False)
    with archive, SearchIndex.open(archive, engine=engine) as index:
        for query in ["learning", '"neural networks"', "year:2021", "gradiant~", "*", "((x"]:
            found = index.search(query, facets=True, talk_filter=TalkFilter(year=2021))
            assert found.total == 0 and found.hits == ()
            assert index.search(query, sort="date").total == 0
        assert index.search("le", as_you_type=True).total == 0
        assert index.related("talk-nope") == [] and index.key_terms("talk-nope") == []


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_searches_beside_edits_and_rebuilds_never_fail(tmp_path: Path, engine: str) -> None:
    """A search thread and a writing thread (an edit each time, a rebuild every 15) for 25 s:
    no search fails (Whoosh's merges and rebuilds deleted files a search in flight opened)."""
    import threading
    import time

    archive = Archive.open(tmp_path / "archive")
    index = SearchIndex.open(archive, engine=engine)
    uids = [hit.uid for hit in index.search("learning", limit=40).hits]
    stop, errors, searches = time.monotonic() + 25, [], [0]

    def search() -> None:
        queries = ["learning", "gradiant~", "neural net", "optim*", '"neural networks"', "lea"]
        number = 0
        while time.monotonic() < stop:
            query = queries[number % len(queries)]
            number += 1
            try:
                sort = ["relevance", "date", "title"][number % 3]
                index.search(query, facets=True, as_you_type=number % 3 == 0, sort=sort)
                index.related(uids[1])
                searches[0] += 1
            except Exception as error:
                errors.append(repr(error))

    def write() -> None:
        number = 0
        while time.monotonic() < stop:
            number += 1
            archive.edit_talk(uids[number % len(uids)], {"title": f"qqw{number} learning"})
            if number % 15 == 0:
                index.rebuild()

    threads = [threading.Thread(target=search), threading.Thread(target=write)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and searches[0] > 100
    assert index.check().ok
    index.close()
    archive.close()
