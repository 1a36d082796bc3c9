"""Archive → .ics → import into an empty archive, and random texts through export → parse."""

from __future__ import annotations

import icalendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.core.archive import Archive
from desktop_app.core.calendar import export_ics
from desktop_app.core.calendar.eventtext import read_description
from desktop_app.core.importers.ics import CalendarFeedImporter
from desktop_app.core.records import Speaker, TalkData

from .helpers import add_talks, make_talk


def _key(talk: TalkData) -> tuple[object, ...]:
    return (
        talk.title,
        talk.start.timestamp() if talk.start else None,
        talk.abstract,
        talk.recording_url,
        talk.join_url,
        tuple((ln.kind, ln.url, ln.label) for ln in talk.links),
        tuple(talk.speakers),
        talk.tags,
    )


def test_bundled_archive_round_trips_through_ics(archive: Archive, empty_archive: Archive) -> None:
    result = export_ics(archive, archive.list_uids(), calendar_name="Everything")
    target = empty_archive.folder / "everything.ics"
    target.write_bytes(result.data)
    report = empty_archive.import_file(target)
    assert report.added == len(result.exported)
    assert report.rejected == 0
    originals = sorted((_key(t) for t in archive.iter_talks(result.exported)), key=repr)
    copies = sorted((_key(t) for t in empty_archive.iter_talks()), key=repr)
    assert copies == originals


def test_round_trip_keeps_zone_and_series(archive: Archive, empty_archive: Archive) -> None:
    uids = archive.list_uids()
    result = export_ics(archive, uids, calendar_name="Everything")
    target = empty_archive.folder / "all.ics"
    target.write_bytes(result.data)
    empty_archive.import_file(target, series=None)
    zones = {t.timezone for t in empty_archive.iter_talks()}
    assert zones <= {t.timezone for t in archive.iter_talks(result.exported)}


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r")
    | st.sampled_from(["\n", ",", ";", "\\", ":", '"', "😀", "\t"]),
    min_size=1,
    max_size=200,
)
_abstract = st.one_of(_text, st.builds(lambda t: (t + " ") * 60, _text).map(lambda t: t[:5000]))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=_text, abstract=_abstract, name=_text.filter(lambda t: t.strip() != ""))
def test_random_texts_survive_export_and_parse(
    empty_archive: Archive, title: str, abstract: str, name: str
) -> None:
    talk = make_talk(title=title, abstract=abstract, speakers=(Speaker(name, None),))
    add_talks(empty_archive, talk)
    data = export_ics(empty_archive, [talk.uid], calendar_name="Random").data
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    own = read_description(str(event["DESCRIPTION"]))
    assert own.abstract == abstract
    parsed = CalendarFeedImporter().parse(data, empty_archive.folder / "random.ics")
    assert [t.abstract for t in parsed.talks] == [abstract]
    stored = empty_archive.get_talk(talk.uid).talk
    assert [t.title for t in parsed.talks] == [stored.title]
