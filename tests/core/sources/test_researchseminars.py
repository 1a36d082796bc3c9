"""researchseminars.org: its `.ics` feeds (real captures) and its JSON answers (shaped files)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_app.core.archive import Archive
from desktop_app.core.errors import InputError
from desktop_app.core.importers import importer_for
from desktop_app.core.importers.ics import CalendarFeedImporter, talk_uid_for
from desktop_app.core.importers.researchseminars import (
    ResearchSeminarsImporter,
    parse_answer,
    read_feed_event,
    talk_uid,
)
from desktop_app.core.records import LinkData, Speaker, TalkData

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
REAL = FIXTURES / "real" / "researchseminars"
SHAPED = FIXTURES / "researchseminars"  # written for the tests: see the README there
MPML_60 = REAL / "talk_MPML_60.ics"
TRUNCATED = REAL / "seminar_PhysicsMeetsML_TRUNCATED_excerpt.ics"

MPML_60_ABSTRACT = (
    "There has been enormous progress in the last few years in designing neural networks that "
    "respect the fundamental symmetries and coordinate freedoms of physical law. Some of these "
    "frameworks make use of irreducible representations, some make use of high-order tensor "
    "objects, and some apply symmetry-enforcing constraints. Different physical laws obey "
    "different combinations of fundamental symmetries, but a large fraction (possibly all) of "
    "classical physics is equivariant to translation, rotation, reflection (parity), boost "
    "(relativity), and permutations. Here we show that it is simple to parameterize universally "
    "approximating polynomial functions that are equivariant under these symmetries, or under "
    "the Euclidean, Lorentz, and Poincare groups, at any dimensionality d. The key observation "
    "is that nonlinear O(d)-equivariant (and related-group-equivariant) functions can be "
    "expressed in terms of a lightweight collection of scalars---scalar products and scalar "
    "contractions of the scalar, vector, and tensor inputs. These results demonstrate "
    "theoretically that gauge-invariant deep learning models for classical physics with good "
    "scaling for large problems are feasible right now."
)
VILLAR = Speaker(
    "Soledad Villar", "Mathematical Institute for Data Science at Johns Hopkins University"
)


def _ics(data: bytes, name: str = "feed.ics") -> list[TalkData]:
    return CalendarFeedImporter().parse(data, Path(name)).talks


def _utc(talk: TalkData) -> str:
    assert talk.start is not None
    return f"{talk.start.astimezone(UTC):%Y-%m-%d %H:%M}"


# ------------------------------------------------------------------ .ics: real captures


def test_the_single_talk_feed_exactly() -> None:
    parsed = CalendarFeedImporter().parse(MPML_60.read_bytes(), MPML_60)
    (talk,) = parsed.talks
    assert talk == TalkData(
        uid=talk_uid_for("MPML/60"),
        series="",
        title="Equivariant machine learning structure like classical physics",
        speakers=(VILLAR,),
        start=datetime(2021, 12, 2, 17, 0, tzinfo=UTC),
        timezone=None,
        duration_minutes=60,
        abstract=MPML_60_ABSTRACT,
        links=(LinkData("listing", "https://researchseminars.org/talk/MPML/60/"),),
        provenance={"source": "ics", "uid": "MPML/60", "producer": "researchseminars.org"},
        source="ics",
        source_key="MPML/60",
    )
    assert parsed.default_series is not None
    assert parsed.default_series.name == "Mathematics, Physics and Machine Learning (IST, Lisbon)"
    assert parsed.default_series.slug == "mathematics-physics-and-machine-learning-ist-lisbon"
    assert (parsed.problems, parsed.warnings) == ([], [])


def test_the_truncated_series_feed_keeps_its_whole_talk() -> None:
    parsed = CalendarFeedImporter().parse(TRUNCATED.read_bytes(), TRUNCATED)
    (talk,) = parsed.talks
    assert talk.source_key == "PhysicsMeetsML/1"
    assert talk.title == "Natural Graph Networks"
    assert talk.speakers == (Speaker("Taco Cohen", "Qualcomm AI Research"),)
    assert (_utc(talk), talk.duration_minutes) == ("2020-05-06 16:00", 90)
    assert talk.abstract is not None
    assert talk.abstract.startswith("Message passing algorithms are the core of most neural")
    assert "equivariant kernels are “just” natural transformations" in talk.abstract
    assert talk.abstract.endswith("many distinct forms of equivariant neural networks.")
    assert parsed.default_series is not None and parsed.default_series.name == "Physics ∩ ML"
    (problem,) = parsed.problems
    assert problem.where.endswith(":30")  # talk 2 (Phiala Shanahan) is cut off: reported
    assert "ends inside this VEVENT" in problem.message


def test_a_new_dtstamp_is_not_a_change() -> None:
    source = MPML_60.read_bytes()
    later = source.replace(b"DTSTAMP:20260423T021032Z", b"DTSTAMP:20301231T235959Z")
    assert later != source
    assert _ics(later) == _ics(source)


def test_crlf_and_lf_read_the_same() -> None:
    source = MPML_60.read_bytes()
    assert _ics(source.replace(b"\n", b"\r\n")) == _ics(source)


def test_two_url_lines_give_the_join_link_and_the_stream() -> None:
    # Hand-edited from the real capture: the live link and the stream link that the site
    # writes as two URL lines when a talk has both.
    source = MPML_60.read_bytes().replace(
        b"LOCATION:",
        b"URL:https://zoom.us/j/98765432100\nURL:https://www.youtube.com/watch?v=LiVeStReAm1\n"
        b"LOCATION:",
    )
    (talk,) = _ics(source)
    assert talk.join_url == "https://zoom.us/j/98765432100"
    assert talk.recording_url == "https://www.youtube.com/watch?v=LiVeStReAm1"
    assert talk.title == "Equivariant machine learning structure like classical physics"
    assert talk.links == (LinkData("listing", "https://researchseminars.org/talk/MPML/60/"),)


# A hand-made event in the site's layout for a talk without a title (no `Title:` line) and two
# speakers: SUMMARY must not become the title.
UNTITLED = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:researchseminars.org
CALSCALE:GREGORIAN
X-WR-CALNAME:researchseminars.org
BEGIN:VEVENT
SUMMARY:Ada Example (Univ. A) | Bo Sample (Univ. B)
DTSTART:20220113T170000Z
DTEND:20220113T180000Z
DTSTAMP:20260423T021032Z
UID:MPML/62
DESCRIPTION:by Ada Example (Univ. A) | Bo Sample (Univ. B) as part of Mathem
 atics\\, Physics and Machine Learning (IST\\, Lisbon)\\n\\nAbstract: TBA\\n
LOCATION:https://researchseminars.org/talk/MPML/62/
END:VEVENT
END:VCALENDAR
"""


def test_a_talk_without_a_title_keeps_its_speakers_and_no_title() -> None:
    parsed = CalendarFeedImporter().parse(UNTITLED, Path("untitled.ics"))
    (talk,) = parsed.talks
    assert talk.title is None
    assert talk.speakers == (Speaker("Ada Example", "Univ. A"), Speaker("Bo Sample", "Univ. B"))
    assert talk.abstract is None
    assert talk.links == (LinkData("listing", "https://researchseminars.org/talk/MPML/62/"),)
    assert (talk.source_key, _utc(talk)) == ("MPML/62", "2022-01-13 17:00")
    assert parsed.default_series is not None
    assert parsed.default_series.name == "Mathematics, Physics and Machine Learning (IST, Lisbon)"


def test_read_feed_event_on_its_own() -> None:
    event = read_feed_event(
        "Ada Example (Univ. A)",
        'Title: <a href="https://researchseminars.org/talk/X/3/">On <i>p</i>-adic things</a>\n'
        "by Ada Example (Univ. A) as part of X seminar\n\n"
        "Lecture held in Room 1.\n\nAbstract\n<p>First.</p><p>Second.</p>\n",
    )
    assert event.title == "On p-adic things"
    assert event.speakers == (Speaker("Ada Example", "Univ. A"),)
    assert (event.series_name, event.talk_page) == (
        "X seminar",
        "https://researchseminars.org/talk/X/3/",
    )
    assert event.abstract == "First.\n\nSecond."
    bare = read_feed_event("Ada Example", "", "https://researchseminars.org/talk/X/4/")
    assert (bare.title, bare.speakers, bare.abstract) == (None, (Speaker("Ada Example"),), None)
    assert bare.talk_page == "https://researchseminars.org/talk/X/4/"


# ------------------------------------------------------------------ JSON: shaped answers


def test_lookup_series() -> None:
    parsed = parse_answer((SHAPED / "lookup_series_MPML_shaped.json").read_bytes(), "answer")
    series = parsed.default_series
    assert series is not None
    assert (series.name, series.slug, series.timezone) == (
        "Mathematics, Physics and Machine Learning (IST, Lisbon)",
        "mathematics-physics-and-machine-learning-ist-lisbon",
        "Europe/Lisbon",
    )
    assert series.homepage == "https://researchseminars.org/seminar/MPML"
    assert [t.source_key for t in parsed.talks] == ["MPML/60", "MPML/61", "MPML/62"]  # 63 deleted
    (broken,) = parsed.problems  # talk 64: its start is not a date
    assert broken.where == "answer:1"  # the file and line (the answer is one line)
    assert broken.message.startswith("talk 5 skipped: ")
    assert "start_time 'next Thursday' is not a date and time" in broken.message
    first, panel, tba = parsed.talks
    assert first.uid == talk_uid_for("MPML/60") == talk_uid("MPML/60")  # the .ics's uid
    assert first.source == "researchseminars"
    assert first.title == "Equivariant machine learning structure like classical physics"
    assert first.speakers == (VILLAR,)
    assert first.start == datetime(2021, 12, 2, 17, 0, tzinfo=UTC)
    assert first.timezone == "Europe/Lisbon"  # the talk's zone: UTC+0 there in December
    assert f"{first.start:%Y-%m-%d %H:%M%z}" == "2021-12-02 17:00+0000"
    assert first.duration_minutes == 60
    assert first.recording_url == "https://www.youtube.com/watch?v=AbCdEfGhI01"
    assert first.links == (
        LinkData("listing", "https://researchseminars.org/talk/MPML/60/"),
        LinkData("paper", "https://arxiv.org/abs/2106.06610"),
        LinkData("homepage", "https://www.ams.jhu.edu/villar/", "Soledad Villar"),
    )
    assert first.abstract is not None and first.abstract.endswith("at any dimensionality $d$.")
    assert panel.speakers == (
        Speaker("Ada Example", "Univ. A"),
        Speaker("Bo Sample", "Univ. B"),
        Speaker("Chen Placeholder", "Univ. C"),
    )
    assert panel.abstract == "Three short talks, then questions.\n\nBring yours!"
    assert panel.join_url == "https://zoom.us/j/123456789"
    assert panel.recording_url is None
    assert LinkData("video", "https://www.youtube.com/watch?v=StReAm00001", "Livestream") in (
        panel.links
    )
    assert LinkData("slides", "https://example.org/panel-slides.pdf") in panel.links
    assert panel.extra == "Location: Anfiteatro Abreu Faro\n\nJoint with the Lisbon ML group."
    assert (panel.duration_minutes, f"{panel.start:%Y-%m-%d %H:%M}") == (90, "2021-12-16 17:00")
    assert (tba.title, tba.speakers) == (None, (Speaker("Dana Unnamed"),))


def test_the_bare_seminar_json_list() -> None:
    data = (SHAPED / "seminar_MathOnlineHostingEvents_json_shaped.json").read_bytes()
    parsed = parse_answer(data, "json", series_id="MathOnlineHostingEvents")
    panel, untitled = parsed.talks
    assert [s.name for s in panel.speakers] == [
        "Juliette Bruce",
        "David Eisenbud",
        "Daniel Litt",
        "Kevin McCurley",
        "Akil Narayan",
        "Isabel Vogt",
    ]
    assert all(s.affiliation is None for s in panel.speakers)
    assert panel.recording_url == "https://www.youtube.com/watch?v=RLWr0zp9K5Q"
    assert panel.links == (
        LinkData("slides", "http://math.mit.edu/~drew/MathOnline20May2020PollResults.html"),
    )
    assert (panel.start, panel.timezone) == (datetime(2020, 5, 20, 15, 0, tzinfo=UTC), None)
    assert panel.source_key == "MathOnlineHostingEvents@2020-05-20T15:00Z"
    assert untitled.title is None
    assert untitled.speakers == (Speaker("Grace Example", "Example University"),)
    assert any("no talk numbers" in w.message for w in parsed.warnings)
    assert parsed.default_series is not None
    assert parsed.default_series.slug == "mathonlinehostingevents"


def test_an_error_answer_is_refused_with_its_description() -> None:
    with pytest.raises(InputError, match="series 'NoSuchSeries' not found"):
        parse_answer((SHAPED / "lookup_error_shaped.json").read_bytes(), "answer")


@pytest.mark.parametrize(
    "data", [b"<!DOCTYPE html><html></html>", b'{"kind": "archive"}', b"42", b"{"]
)
def test_what_is_not_an_answer_is_refused(data: bytes) -> None:
    with pytest.raises(InputError, match=r"not a researchseminars\.org answer"):
        parse_answer(data, "answer")


def test_jsonp_and_a_single_talk_lookup() -> None:
    data = (SHAPED / "lookup_series_MPML_shaped.json").read_bytes()
    assert parse_answer(b"cb(" + data.strip() + b");", "x").talks == parse_answer(data, "x").talks
    one = b'{"code": "success", "properties": {"seminar_id": "MPML", "seminar_ctr": 7, '
    one += b'"title": "T", "speaker": "S", "start_time": "2020-05-20 15:00:00+00:00"}}'
    (talk,) = parse_answer(one, "x").talks
    assert (talk.source_key, talk.title, talk.provenance) == (
        "MPML/7",
        "T",
        {"source": "researchseminars", "talk_id": "MPML/7", "endpoint": "lookup/talk"},
    )


# ------------------------------------------------------------------ the registry


def test_the_registry_picks_it_before_the_exchange_format() -> None:
    for name in (
        "lookup_series_MPML_shaped.json",
        "seminar_MathOnlineHostingEvents_json_shaped.json",
    ):
        path = SHAPED / name
        assert isinstance(importer_for(path.read_bytes(), path), ResearchSeminarsImporter)
    exchange = FIXTURES.parents[1] / "data" / "archive.jsonl"
    assert not isinstance(
        importer_for(exchange.read_bytes()[:4096], exchange), ResearchSeminarsImporter
    )
    assert not ResearchSeminarsImporter().detect(MPML_60.read_bytes(), MPML_60)


def test_the_api_and_the_feed_give_one_talk(empty_archive: Archive) -> None:
    report = empty_archive.import_file(SHAPED / "lookup_series_MPML_shaped.json")
    assert (report.added, report.rejected) == (3, 1)
    again = empty_archive.import_file(MPML_60)
    assert (again.added, again.updated + again.unchanged) == (0, 1)
    assert empty_archive.count_talks() == 3
