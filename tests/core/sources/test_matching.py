"""Similarity proposals: the same talk from two sources, and recordings for talks.

Talks come from the bundled archive (data/archive.jsonl). Every playlist entry below is
HAND-MADE (a video id and a title that mimic how seminar channels name their uploads),
except where a comment says it reuses a real video id of a bundled talk; the two real yt-dlp
dumps are used to check that unrelated videos are never matched.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from desktop_app.core.importers.ics import CalendarFeedImporter
from desktop_app.core.importers.jsonl import JsonLinesImporter
from desktop_app.core.records import Speaker, TalkData
from desktop_app.core.sources.matching import (
    AUTO_MERGE_SCORE,
    CONFIDENT,
    UNCERTAIN,
    RecordingMatches,
    match_recordings,
    merge_score,
    name_similarity,
    propose_merges,
)
from desktop_app.core.sources.youtube import PlaylistEntry, read_flat_playlist, watch_url

ROOT = Path(__file__).resolve().parents[3]
REAL = ROOT / "tests" / "fixtures" / "real"
_BUNDLED = JsonLinesImporter().parse(
    (ROOT / "data" / "archive.jsonl").read_bytes(), ROOT / "data" / "archive.jsonl"
)
TALKS = {talk.uid: talk for talk in _BUNDLED.talks}
WITH_RECORDINGS = sorted(uid for uid, talk in TALKS.items() if talk.recording_url)


def _series(slug: str, *, keep_recordings: bool = False) -> list[TalkData]:
    """The bundled talks of a series (recordings removed, so that matching must find them)."""
    talks = [t for t in TALKS.values() if t.series == slug]
    return talks if keep_recordings else [replace(t, recording_url=None) for t in talks]


def _playlist(*items: tuple[str, str]) -> list[PlaylistEntry]:
    return [
        PlaylistEntry(video_id, title, watch_url(video_id), position)
        for position, (video_id, title) in enumerate(items, start=1)
    ]


def _pairs(matches: RecordingMatches) -> tuple[dict[str, str], dict[str, str], list[str]]:
    return (
        {m.video_id: m.talk for m in matches.confident},
        {m.video_id: m.talk for m in matches.uncertain},
        [e.video_id for e in matches.unmatched],
    )


def test_the_bundled_talks_with_recordings() -> None:
    assert WITH_RECORDINGS == [
        "talk-3b4402e0c5f0",
        "talk-3e05ccdb3884",
        "talk-6469fc934c35",
        "talk-6c985138957e",
        "talk-9c3352f8f300",
        "talk-c0b9fab29e09",
        "talk-fa0515e9c177",
    ]


# ------------------------------------------------------------------ recordings for talks


def test_one_world_ml_playlist_in_date_order() -> None:
    entries = _playlist(
        (
            "owml0000001",
            "Convergence and optimality of single-layer neural networks for reinforcement learning",
        ),  # title only: the talk has no speaker in the archive
        (
            "owml0000002",
            "One World ML: Classification Under Misspecification: Halfspaces, "
            "Generalized Linear Models, and Connections to Evolvability",
        ),
        ("XIz2Va_wXrc", "Theo Bourdais - Computational Hypergraph Discovery"),  # real id
        ("owml0000004", "Hannah Lawrence | On the hardness of learning under symmetries"),
        ("s2jNsXmga6A", "Yaoyu Zhang: Optimistic Sample Size Estimate for Deep Neural Networks"),
        ("owml0000006", "Giulio Biroli - Why Diffusion Models Don't Memorize"),  # cut short
        ("owml0000007", "One World ML Seminar - Q&A with the organisers"),
    )
    confident, uncertain, unmatched = _pairs(match_recordings(entries, _series("owml")))
    assert confident == {
        "owml0000001": "talk-bee8e8058d0e",
        "owml0000002": "talk-08d00ec5864e",
        "XIz2Va_wXrc": "talk-fa0515e9c177",
        "owml0000004": "talk-6b047156a771",
        "s2jNsXmga6A": "talk-3e05ccdb3884",
        "owml0000006": "talk-e5db19ceafef",
    }
    assert (uncertain, unmatched) == ({}, ["owml0000007"])


MML_PLAYLIST = (
    (
        "mml00000001",
        "Tailin Wu: Phase transitions on the universal tradeoff between prediction and compression",
    ),
    ("mml00000002", "Samuel Smith - A Backward Error Analysis for Random Shuffling SGD"),
    ("U2HnLtwgiqQ", "Shaowei Lin - All you need is relative information"),  # real id
    ("mml00000004", "Behrooz Tahmasebi"),  # a name only; the talk has no title
    ("mml00000005", "Daniel Murfet - Phase transitions in learning machines"),
    ("mml00000006", "Remi Gribonval - Conservation Laws for Gradient Flows"),
    ("mml00000007", "Phase transitions"),
    ("mml00000008", "Math Machine Learning seminar MPI MIS + UCLA - intro"),
)


def test_mpi_mis_ucla_playlist_in_date_order() -> None:
    matches = match_recordings(_playlist(*MML_PLAYLIST), _series("mpi-mis-ucla-mml"))
    confident, uncertain, unmatched = _pairs(matches)
    assert confident == {
        "mml00000001": "talk-6469fc934c35",
        "mml00000002": "talk-83d2f6fec660",  # "Samuel L. Smith" in the archive
        "U2HnLtwgiqQ": "talk-9c3352f8f300",
        "mml00000004": "talk-3b4402e0c5f0",  # the name, and in playlist order
        "mml00000005": "talk-0580b09a315c",  # not Tailin Wu's "Phase transitions on …"
        "mml00000006": "talk-5b1da96ee968",  # "Rémi" in the archive
    }
    assert uncertain == {}
    assert unmatched == ["mml00000007", "mml00000008"]
    name_only = next(m for m in matches.confident if m.video_id == "mml00000004")
    assert "in playlist order" in name_only.reason
    assert all(m.score >= CONFIDENT for m in matches.confident)


def test_a_name_only_entry_out_of_order_is_uncertain() -> None:
    # Tahmasebi's talk (2023-07) placed between talks of 2021: the name alone is not enough.
    items = list(MML_PLAYLIST[:6])
    items.insert(1, items.pop(3))
    matches = match_recordings(_playlist(*items), _series("mpi-mis-ucla-mml"))
    confident, uncertain, _ = _pairs(matches)
    assert uncertain == {"mml00000004": "talk-3b4402e0c5f0"}
    assert "mml00000004" not in confident
    (match,) = matches.uncertain
    assert UNCERTAIN <= match.score < CONFIDENT
    assert "out of playlist order" in match.reason


def test_the_same_speaker_with_another_title_is_uncertain() -> None:
    entries = _playlist(("mml00000009", "Shaowei Lin - Singular learning theory and the brain"))
    matches = match_recordings(entries, _series("mpi-mis-ucla-mml"))
    assert _pairs(matches) == ({}, {"mml00000009": "talk-9c3352f8f300"}, [])


def test_a_name_with_two_talks_is_uncertain() -> None:
    # Hand-made: the same speaker gave two untitled talks; an entry with only the name fits both.
    talks = _series("mpi-mis-ucla-mml")
    first = next(t for t in talks if t.uid == "talk-3b4402e0c5f0")
    second = replace(first, uid="talk-second000", start=first.start + timedelta(days=90))
    matches = match_recordings(_playlist(("mml00000010", "Behrooz Tahmasebi")), [first, second])
    (match,) = matches.uncertain
    assert match.video_id == "mml00000010" and match.talk in {first.uid, second.uid}
    assert "as close to" in match.reason
    assert matches.confident == ()


def test_a_video_that_is_already_a_recording_is_matched_by_its_id() -> None:
    talks = _series("owml", keep_recordings=True)
    entries = _playlist(
        ("s2jNsXmga6A", "Untitled upload"),  # real id of talk-3e05ccdb3884's recording
        ("owml0000011", "Yaoyu Zhang: Optimistic Sample Size Estimate for Deep Neural Networks"),
    )
    matches = match_recordings(entries, talks)
    confident, uncertain, unmatched = _pairs(matches)
    assert confident == {"s2jNsXmga6A": "talk-3e05ccdb3884"}
    assert matches.confident[0].reason == "already its recording"
    assert (uncertain, unmatched) == ({}, ["owml0000011"])  # that talk is taken


@pytest.mark.parametrize("dump", sorted((REAL / "youtube").glob("*.json")), ids=lambda p: p.name)
def test_real_unrelated_videos_are_never_matched(dump: Path) -> None:
    entries = read_flat_playlist(dump.read_bytes()).entries
    matches = match_recordings(entries, list(TALKS.values()))
    assert matches.confident == matches.uncertain == ()
    assert len(matches.unmatched) == len(entries)


# ------------------------------------------------------------------ the same talk twice


def _researchseminars_talk(series: str) -> TalkData:
    path = REAL / "researchseminars" / "talk_MPML_60.ics"
    (talk,) = CalendarFeedImporter().parse(path.read_bytes(), path).talks
    return replace(talk, series=series)


def test_the_auto_merge_threshold_is_pinned() -> None:
    assert AUTO_MERGE_SCORE == 90.0


def test_a_feed_talk_and_the_seed_record_of_it() -> None:
    # The real researchseminars.org talk against the bundled seed record of the same talk
    # ("Scalars are universal: …", Soledad Villar). The seed has no date: no proposal.
    incoming = _researchseminars_talk("mpi-mis-ucla-mml")
    seed = TALKS["talk-7c512a3d611e"]
    undated_neighbour = TALKS["talk-c0b9fab29e09"]  # 2021-12-02 17:00 Berlin: an hour before
    assert propose_merges([incoming], [seed, undated_neighbour]) == []
    # Hand-made: the seed record with the date the feed gives (18:00 Berlin is 17:00 UTC).
    dated = replace(seed, start=datetime(2021, 12, 2, 18, tzinfo=ZoneInfo("Europe/Berlin")))
    (proposal,) = propose_merges([incoming], [dated, undated_neighbour])
    assert proposal.talks == (incoming.uid, "talk-7c512a3d611e")
    assert proposal.score == 99.3
    assert proposal.reason == "same series, starts 0 min apart, speaker 100, title 98"
    assert proposal.automatic


def test_a_talk_is_never_proposed_with_itself_or_across_series() -> None:
    incoming = _researchseminars_talk("owml")
    assert merge_score(incoming, incoming) is None
    elsewhere = replace(incoming, uid="talk-other00000", series="mpi-mis-ucla-mml")
    assert merge_score(incoming, elsewhere) is None


TITLE = "Equivariant machine learning structure like classical physics"


@pytest.mark.parametrize(
    ("minutes", "title", "speaker", "expected"),
    [
        (0, TITLE, "Soledad Villar", (100.0, True)),
        (30, TITLE, "S. Villar", (90.5, True)),
        (45, TITLE, "Soledad Villar", (92.5, True)),
        (0, "Equivariant machine learning and classical physics", "Soledad Villar", (98.1, True)),
        (0, "Equivariant networks for classical physics", "Soledad Villar", (84.7, False)),
        (0, "TBA", "Soledad Villar", (55.0, False)),  # the speaker alone: review
        (61, TITLE, "Soledad Villar", None),  # over an hour apart
        (0, "Machine learning with symmetries", "Taco Cohen", None),  # nothing similar
    ],
)
def test_merge_scores(
    minutes: int, title: str, speaker: str, expected: tuple[float, bool] | None
) -> None:
    incoming = _researchseminars_talk("owml")
    assert incoming.start is not None
    other = TalkData(
        uid="talk-calendar0001",
        series="owml",
        title=title,
        speakers=(Speaker(speaker),),
        start=incoming.start + timedelta(minutes=minutes),
        source="ics-other",
    )
    proposals = propose_merges([incoming], [other])
    if expected is None:
        assert proposals == []
        return
    (proposal,) = proposals
    assert (proposal.score, proposal.automatic) == expected


def test_a_similar_title_with_another_speaker_waits_for_review() -> None:
    incoming = _researchseminars_talk("owml")
    other = replace(incoming, uid="talk-calendar0002", speakers=(Speaker("Someone Else"),))
    (proposal,) = propose_merges([incoming], [replace(other, source="ics-other")])
    assert 55 <= proposal.score < AUTO_MERGE_SCORE
    assert not proposal.automatic


def test_two_candidates_are_never_merged_by_themselves() -> None:
    incoming = _researchseminars_talk("owml")
    assert incoming.start is not None
    twins = [
        TalkData(
            uid=f"talk-twin{n}",
            series="owml",
            title=incoming.title,
            speakers=incoming.speakers,
            start=incoming.start,
            source="ics-other",
        )
        for n in (1, 2)
    ]
    proposals = propose_merges([incoming], twins)
    assert [p.score for p in proposals] == [100.0, 100.0]
    assert not any(p.automatic for p in proposals)


def test_records_of_one_source_are_not_proposed() -> None:
    incoming = _researchseminars_talk("owml")
    copy = replace(incoming, uid="talk-copy0000001")
    assert propose_merges([incoming], [copy]) == []  # both say source "ics"
    assert propose_merges([incoming], [replace(copy, source="researchseminars")]) != []


@pytest.mark.parametrize(
    ("a", "b", "least"),
    [
        ("Soledad Villar", "Soledad Villar", 100),
        ("Soledad Villar", "Villar, Soledad", 100),
        ("Soledad Villar", "S. Villar", 90),
        ("Umut Şimşekli", "Umut Simsekli", 100),
        ("Rémi Gribonval", "Remi Gribonval", 100),
    ],
)
def test_name_similarity(a: str, b: str, least: float) -> None:
    assert name_similarity(a, b) >= least
    assert name_similarity("Soledad Villar", "Taco Cohen") < 50


def test_talks_without_dates_use_no_order() -> None:
    # The Villar seed talk has no date: a title match is confident without any order check.
    entries = _playlist(("mml00000011", "Soledad Villar - Scalars are universal"))
    matches = match_recordings(entries, _series("mpi-mis-ucla-mml"))
    assert _pairs(matches)[0] == {"mml00000011": "talk-7c512a3d611e"}
    assert "order" not in matches.confident[0].reason
