"""Calendar-feed import on real files: counts, titles, instants, zones, cancellations, re-import."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_app.core.archive import Archive
from desktop_app.core.errors import InputError
from desktop_app.core.importers.ics import MAX_OCCURRENCES, CalendarFeedImporter, talk_uid_for
from desktop_app.core.records import TalkData

from .helpers import ICS_FIXTURES, REAL_FIXTURES


def _parse(path: Path) -> list[TalkData]:
    return CalendarFeedImporter().parse(path.read_bytes(), path).talks


def _utc(talk: TalkData) -> str:
    assert talk.start is not None
    return f"{talk.start.astimezone(UTC):%Y-%m-%d %H:%M}"


@pytest.mark.parametrize(
    ("name", "count", "first_utc", "zone"),
    [
        ("meetup_new_york.ics", 3, "2012-07-12 22:30", "America/New_York"),
        ("exchange2010_eastern_standard_time.ics", 1, "2024-10-28 21:00", "America/New_York"),
        ("google_x_wr_timezone_new_york.ics", 2, "2021-12-22 17:00", "America/New_York"),
        ("google_vtimezone_valarm.ics", 1, "2024-10-04 18:15", "Europe/London"),
        ("outlook12_windows_tzid_weekly.ics", 1, "2008-10-31 01:30", "Asia/Kuala_Lumpur"),
        ("outlook11_weekday_rrule_valarm.ics", 1, "2009-03-09 22:30", "Australia/Sydney"),
        ("evolution_softwarestudio_tzid.ics", 1, "2008-06-24 18:00", "America/Chicago"),
        ("thunderbird_vtimezone_rdates_valarm.ics", 1, "2024-10-23 14:00", "Europe/London"),
        ("discourse_no_dtend_duplicate_vtimezone.ics", 4, "2019-01-17 17:00", "Europe/Berlin"),
        ("broken_non_ascii_tzid_no_uid.ics", 1, "2017-05-11 16:30", "America/Sao_Paulo"),
        ("exchange_cdo_no_uid_rrule_spaces.ics", 14, "2015-07-03 08:00", None),
        ("outlook12_x_alt_desc_html_tab_folding.ics", 1, "2007-03-14 17:00", None),
        ("sabredav_weekly_exdate_utc.ics", 7, "2019-03-03 23:30", "Europe/Berlin"),
        ("apple_ical2_exdate.ics", 5, "2006-01-01 02:00", "Australia/Brisbane"),
        ("khal_recurrence_id_cancelled_no_vtimezone.ics", 6, "2014-06-30 05:00", "Europe/Berlin"),
        ("google_apple_structured_location.ics", 1, "2016-10-28 12:00", "Europe/Zurich"),
    ],
)
def test_real_feed_counts_instants_and_zones(
    name: str, count: int, first_utc: str, zone: str | None
) -> None:
    talks = sorted(_parse(ICS_FIXTURES / name), key=lambda t: t.start or datetime.max)
    assert len(talks) == count
    assert _utc(talks[0]) == first_utc
    assert talks[0].timezone == zone


def test_windows_zone_name_maps_to_new_york_wall_time() -> None:
    (talk,) = _parse(ICS_FIXTURES / "exchange2010_eastern_standard_time.ics")
    assert talk.start is not None and (talk.start.hour, talk.start.minute) == (17, 0)


def test_google_utc_times_are_shown_in_x_wr_timezone() -> None:
    talks = _parse(ICS_FIXTURES / "google_x_wr_timezone_new_york.ics")
    assert sorted(t.start.hour for t in talks if t.start) == [12, 21]


def test_cancelled_override_is_a_cancelled_talk() -> None:
    talks = sorted(
        _parse(ICS_FIXTURES / "thunderbird_cancelled_occurrence.ics"), key=lambda t: t.start
    )
    assert [t.cancelled for t in talks] == [False, True, False]
    assert len({t.uid for t in talks}) == 3


def test_khal_moved_and_cancelled_overrides() -> None:
    talks = _parse(ICS_FIXTURES / "khal_recurrence_id_cancelled_no_vtimezone.ics")
    assert sum(t.cancelled for t in talks) == 1
    assert "2014-07-07 07:00" in {_utc(t) for t in talks}  # the moved occurrence


def test_unbounded_rule_is_not_expanded_beyond_the_feed() -> None:
    talks = _parse(ICS_FIXTURES / "google_apple_structured_location.ics")
    assert len(talks) == 1  # RRULE with no end (3437 occurrences); the feed has one date


def test_large_google_feed_stays_within_its_explicit_range() -> None:
    talks = _parse(ICS_FIXTURES / "google_public_feed_machbar.ics")
    assert len(talks) == 409
    assert max(_utc(t) for t in talks) <= "2019-06-22 09:00"
    assert all(t.abstract is None or "<" not in t.abstract for t in talks)
    assert any(t.abstract and "&nbsp" not in t.abstract and "ö" in t.abstract for t in talks)


def test_bounded_rule_with_count_is_expanded_fully() -> None:
    talks = _parse(ICS_FIXTURES / "thunderbird_cancelled_occurrence.ics")
    assert len(talks) == 3


def test_occurrences_are_capped(tmp_path: Path) -> None:
    feed = tmp_path / "daily.ics"
    feed.write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\nBEGIN:VEVENT\nUID:d\n"
        "DTSTART:20200101T100000Z\nRRULE:FREQ=DAILY;COUNT=900\nSUMMARY:Daily\n"
        "END:VEVENT\nEND:VCALENDAR\n"
    )
    parsed = CalendarFeedImporter().parse(feed.read_bytes(), feed)
    assert len(parsed.talks) == MAX_OCCURRENCES
    assert any("only the first" in w.message for w in parsed.warnings)  # type: ignore[attr-defined]


def test_html_description_becomes_clean_text() -> None:
    (talk,) = _parse(ICS_FIXTURES / "outlook12_x_alt_desc_html_tab_folding.ics")
    assert talk.abstract is not None and "livemeeting.com" in talk.abstract
    assert talk.join_url is not None and talk.join_url.startswith("https://www.livemeeting.com")


def test_meetup_url_and_place() -> None:
    talk = sorted(_parse(ICS_FIXTURES / "meetup_new_york.ics"), key=lambda t: t.start)[0]
    assert talk.join_url == "http://www.meetup.com/DevOpsDC/events/47635522/"
    assert talk.extra is not None and talk.extra.startswith("Location: Fathom Creative, Inc.")


def test_researchseminars_talk_has_speaker_title_and_abstract() -> None:
    (talk,) = _parse(REAL_FIXTURES / "researchseminars" / "talk_MPML_60.ics")
    assert talk.title == "Equivariant machine learning structure like classical physics"
    assert talk.speakers[0].name == "Soledad Villar"
    assert talk.speakers[0].affiliation == (
        "Mathematical Institute for Data Science at Johns Hopkins University"
    )
    assert talk.abstract is not None and talk.abstract.startswith("There has been enormous")
    assert talk.abstract.endswith("feasible right now.")
    assert _utc(talk) == "2021-12-02 17:00"
    assert talk.source_key == "MPML/60"
    assert talk.uid == talk_uid_for("MPML/60")
    assert talk.join_url is None
    assert [link.url for link in talk.links] == ["https://researchseminars.org/talk/MPML/60/"]


def test_researchseminars_feed_names_the_series(empty_archive: Archive) -> None:
    empty_archive.import_file(REAL_FIXTURES / "researchseminars" / "talk_MPML_60.ics")
    names = {s.series.name for s in empty_archive.series()}
    assert names == {"Mathematics, Physics and Machine Learning (IST, Lisbon)"}


def test_researchseminars_with_crlf_line_ends(tmp_path: Path) -> None:
    source = (REAL_FIXTURES / "researchseminars" / "talk_MPML_60.ics").read_bytes()
    crlf = tmp_path / "talk.ics"
    crlf.write_bytes(source.replace(b"\n", b"\r\n"))
    assert _parse(crlf) == _parse(REAL_FIXTURES / "researchseminars" / "talk_MPML_60.ics")


def test_truncated_feed_keeps_the_whole_event(empty_archive: Archive) -> None:
    path = REAL_FIXTURES / "researchseminars" / "seminar_PhysicsMeetsML_TRUNCATED_excerpt.ics"
    report = empty_archive.import_file(path)
    assert (report.added, report.rejected) == (1, 1)
    assert "line 30" in report.problems[0].where + report.problems[0].message


def test_bad_event_is_skipped_with_its_line(empty_archive: Archive) -> None:
    report = empty_archive.import_file(ICS_FIXTURES / "google_allday_broken_exdate.ics")
    assert report.added == 20  # daily 3–23 March 2008 without the EXDATE
    assert report.rejected == 1
    assert report.problems[0].where.endswith(":19")  # the empty EXDATE line
    assert "EXDATE" in report.problems[0].message


def test_events_without_uid_get_stable_keys_and_a_warning(empty_archive: Archive) -> None:
    path = ICS_FIXTURES / "unicode_fields_crlf.ics"
    first = empty_archive.import_file(path)
    assert (first.added, first.rejected) == (2, 1)
    assert any("no UID" in p.message for p in first.problems)
    again = empty_archive.import_file(path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in ICS_FIXTURES.glob("*.ics") if p.name != "broken_fuzz_control_chars.ics"),
)
def test_importing_twice_changes_nothing(empty_archive: Archive, name: str) -> None:
    first = empty_archive.import_file(ICS_FIXTURES / name)
    generation = empty_archive.generation()
    again = empty_archive.import_file(ICS_FIXTURES / name)
    assert (again.added, again.updated) == (0, 0)
    assert again.unchanged == first.added + first.updated
    assert empty_archive.generation() == generation


def test_dtstamp_is_not_a_change(empty_archive: Archive, tmp_path: Path) -> None:
    source = (REAL_FIXTURES / "researchseminars" / "talk_MPML_60.ics").read_bytes()
    empty_archive.import_file(_write(tmp_path / "a.ics", source))
    later = source.replace(b"DTSTAMP:20260423T021032Z", b"DTSTAMP:20300101T000000Z")
    report = empty_archive.import_file(_write(tmp_path / "b.ics", later))
    assert report.unchanged == 1


def test_changed_event_updates_the_same_talk(empty_archive: Archive, tmp_path: Path) -> None:
    source = (ICS_FIXTURES / "meetup_new_york.ics").read_bytes()
    empty_archive.import_file(_write(tmp_path / "a.ics", source))
    changed = source.replace(b"SUMMARY:DevOps DC Meetup", b"SUMMARY:DevOps DC Hack Night", 1)
    report = empty_archive.import_file(_write(tmp_path / "b.ics", changed))
    assert (report.added, report.updated, report.unchanged) == (0, 1, 2)
    assert empty_archive.count_talks() == 3


def test_fuzzed_file_imports_nothing_and_reports(empty_archive: Archive) -> None:
    report = empty_archive.import_file(ICS_FIXTURES / "broken_libical_fuzz_binary.ics")
    assert report.added == 0
    assert report.rejected > 0
    assert empty_archive.count_talks() == 0


def test_not_icalendar_is_refused(empty_archive: Archive) -> None:
    with pytest.raises(InputError, match="not an iCalendar file"):
        empty_archive.import_file(ICS_FIXTURES / "broken_fuzz_control_chars.ics")


def test_empty_calendar_imports_nothing(empty_archive: Archive) -> None:
    report = empty_archive.import_file(ICS_FIXTURES / "bom_empty_calendar.ics")
    assert (report.added, report.rejected) == (0, 0)


def test_bare_vevent_is_read_with_a_warning(empty_archive: Archive) -> None:
    report = empty_archive.import_file(ICS_FIXTURES / "khal_bare_vevent_floating.ics")
    assert report.added == 1
    assert any("without a VCALENDAR" in p.message for p in report.problems)


def test_series_option_puts_talks_into_an_existing_series(archive: Archive) -> None:
    report = archive.import_file(ICS_FIXTURES / "meetup_new_york.ics", series="owml")
    assert report.added == 3
    assert archive.count_talks() == 224


def test_new_series_is_named_from_x_wr_calname(empty_archive: Archive) -> None:
    empty_archive.import_file(ICS_FIXTURES / "meetup_new_york.ics")
    (summary,) = empty_archive.series()
    assert (summary.series.slug, summary.series.name) == ("events-devopsdc", "Events - DevOpsDC")
    assert summary.series.timezone == "America/New_York"


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
