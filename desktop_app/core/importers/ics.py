"""Calendar feeds (iCalendar, RFC 5545) → talks, leniently: a bad event is skipped and reported.

The file is cut into its events by hand (`calendar.feed`), each event is parsed on its own
with the file's time zones, and the good ones become talks of the feed's series:

- identity: the source key is the UID, plus the RECURRENCE-ID for an occurrence of a
  recurring event; an event without a UID gets a key made from its start and summary (and a
  warning), so importing the same file again never duplicates it. The talk uid is
  `talk-` + 12 hex digits of sha256("ics" + key). DTSTAMP is ignored (servers set it to the
  download time).
- recurrence (RRULE/RDATE, expanded with recurring-ical-events): a rule with an end (COUNT or
  UNTIL) and RDATEs give all their occurrences; a rule without an end gives only the
  occurrences up to the latest date written explicitly anywhere in the feed (a DTSTART,
  DTEND, RECURRENCE-ID, RDATE, EXDATE or UNTIL), so that a weekly placeholder never runs on
  for decades. Either way at most `MAX_OCCURRENCES` per event (the rest are reported), and
  within the time and count bounds of `calendar.recurrence` (a rule of every second with no
  end costs as little as any other).
- bounds: a line longer than the longest text a talk may hold, a date the archive cannot
  hold (years 1 and 9999 in a zone), or any field over the limits of `sanitize` skips that
  event with its line; the rest of the file is imported.
- time: a TZID (IANA, Windows, Outlook display or libical name, or the file's own
  VTIMEZONE), UTC (shown in the feed's X-WR-TIMEZONE when there is one), floating (read in
  X-WR-TIMEZONE, else UTC, with a warning) or an all-day date (midnight, no duration).
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from desktop_app.core.calendar.eventtext import PRODID_MARK, read_description, title_from_summary
from desktop_app.core.calendar.feed import Block, ContentLine, SplitFeed, split_feed
from desktop_app.core.calendar.html_text import clean_text, looks_like_html
from desktop_app.core.calendar.recurrence import FILE_OCCURRENCES, Budget, expand, utc_instant
from desktop_app.core.calendar.talk_fields import (
    ResearchSeminarsEvent,
    is_meeting_url,
    is_video_url,
    read_researchseminars,
    speaker_and_title,
    split_affiliation,
    urls_in,
)
from desktop_app.core.calendar.zones import iana_zone_name
from desktop_app.core.importers import FEED_MAX_BYTES, ParsedFile, register
from desktop_app.core.importers.researchseminars import read_feed_event
from desktop_app.core.records import ImportProblem, LinkData, SeriesData, Speaker, TalkData
from desktop_app.core.sanitize import MAX_DURATION_MINUTES, talk_problem
from desktop_app.core.urls import is_web_url

SOURCE = "ics"
MAX_OCCURRENCES = 500
_ESSENTIAL = frozenset(
    {
        None,
        "DTSTART",
        "DTEND",
        "DURATION",
        "RRULE",
        "RDATE",
        "EXDATE",
        "RECURRENCE-ID",
        "UID",
        "SUMMARY",
        "DESCRIPTION",
        "STATUS",
    }
)
# Properties an event has at most once (RFC 5545 §3.6.1): a second one is a broken event.
_ONCE = ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "UID", "STATUS")
_SPEAKER_FIELDS = ("X-SPEAKER", "X-SPEAKERS", "X-EVENT-SPEAKER")
_SPEAKERS_LINE = re.compile(r"\A\s*Speakers?:\s*(?P<names>[^\n]+)\n*")
_SLUG_CHARS = re.compile(r"[^a-z0-9]+")
_TEXT_ESCAPE = re.compile(r"\\(.)")
_UNESCAPED = {"n": "\n", "N": "\n"}


@dataclass
class _Feed:
    """What every event of one file shares."""

    where: str
    name: str
    prodid: str
    default_zone: str | None  # X-WR-TIMEZONE, as an IANA name
    timezones: dict[str, Block]
    zone_names: dict[str, str | None]  # TZID → IANA name (None: only the file's VTIMEZONE)
    explicit_end: datetime | None = None
    own: bool = False
    researchseminars: bool = False
    series_names: Counter[str] = field(default_factory=Counter)
    zones_used: Counter[str] = field(default_factory=Counter)


def slugify(text: str) -> str:
    """A series slug from a calendar's name."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG_CHARS.sub("-", ascii_text.lower()).strip("-")[:60].strip("-") or "calendar"


def talk_uid_for(source_key: str) -> str:
    """The talk uid of a feed event: deterministic from the source key."""
    return "talk-" + hashlib.sha256((SOURCE + source_key).encode("utf-8")).hexdigest()[:12]


def _quiet_parse(text: str) -> Calendar:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # icalendar warns about guessed TZIDs; handled here
        return Calendar.from_ical(text)


def _calendar_properties(feed_lines: list[ContentLine]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for line in feed_lines:
        try:
            calendar = _quiet_parse(f"BEGIN:VCALENDAR\r\n{line.text}\r\nEND:VCALENDAR\r\n")
        except Exception:  # a calendar property that cannot be read is left out
            continue
        for key, value in calendar.items():
            result.setdefault(key.upper(), value)
    return result


def _explicit_dates(event: Event) -> Iterator[datetime]:
    for name in ("DTSTART", "DTEND", "RECURRENCE-ID", "RDATE", "EXDATE"):
        values = event.get(name)
        for value in values if isinstance(values, list) else [values]:
            if value is None:
                continue
            dates = getattr(value, "dts", None)
            for item in dates if dates is not None else [value]:
                inner = getattr(item, "dt", None)
                instant = utc_instant(inner) if isinstance(inner, date) else None
                if instant is not None:
                    yield instant
    rule = event.get("RRULE")
    for one in rule if isinstance(rule, list) else [rule] if rule is not None else []:
        for until in one.get("UNTIL", []):
            instant = utc_instant(until) if isinstance(until, date) else None
            if instant is not None:
                yield instant


class _Reader:
    """Turns the blocks of one split file into talks."""

    def __init__(self, split: SplitFeed, where: str, path: Path) -> None:
        self.split = split
        self.where = where
        self.path = path
        self.parsed = ParsedFile()
        self.keys_seen: Counter[str] = Counter()
        self.budget = Budget()

    def problem(self, line: int | None, message: str) -> None:
        where = f"{self.where}:{line}" if line else self.where
        self.parsed.problems.append(ImportProblem(where, message))

    def warn(self, line: int | None, message: str) -> None:
        where = f"{self.where}:{line}" if line else self.where
        self.parsed.warnings.append(ImportProblem(where, message))

    # ------------------------------------------------------------ the file

    def read(self) -> ParsedFile:
        for line, message in self.split.warnings:
            self.warn(line, message)
        if self.split.cut_off:
            self.parsed.complete = False
            if not any(block.problem for block in self.split.events[-1:]):
                self.warn(None, "the file ends before END:VCALENDAR (a cut-off download?)")
        props = _calendar_properties(self.split.properties)
        prodid = str(props.get("PRODID", ""))
        feed = _Feed(
            where=self.where,
            name=str(props.get("X-WR-CALNAME") or props.get("NAME") or "").strip(),
            prodid=prodid,
            default_zone=iana_zone_name(str(props.get("X-WR-TIMEZONE") or "")),
            timezones={},
            zone_names={},
            own=PRODID_MARK in prodid,
            researchseminars="researchseminars.org" in prodid.lower(),
        )
        self._read_timezones(feed)
        events = self._parse_events(feed)
        if not self.split.events:
            self.warn(None, "the calendar holds no events")
        for _, event in events:
            for instant in _explicit_dates(event):
                if feed.explicit_end is None or instant > feed.explicit_end:
                    feed.explicit_end = instant
        self._talks_from(events, feed)
        self.parsed.default_series = self._series(feed, props)
        return self.parsed

    def _read_timezones(self, feed: _Feed) -> None:
        for block in self.split.timezones:
            raw = block.value_of("TZID")
            if raw is None:
                self.warn(block.start, "a VTIMEZONE without a TZID was ignored")
                continue
            tzid = raw.replace("\\,", ",").replace("\\;", ";").strip().strip('"')
            if tzid in feed.timezones:
                continue  # Discourse repeats the same zone once per event
            if block.problem:
                self.warn(block.start, f"time zone {tzid!r} ignored: {block.problem}")
                continue
            feed.timezones[tzid] = block
            feed.zone_names[tzid] = iana_zone_name(tzid, block.value_of("X-LIC-LOCATION"))

    def _parse_events(self, feed: _Feed) -> list[tuple[Block, Event]]:
        good: list[tuple[Block, Event]] = []
        for block in self.split.events:
            if block.problem:
                self.problem(block.start, f"event skipped: {block.problem}")
                continue
            zones = "".join(
                feed.timezones[tzid].text() for tzid in block.tzids() if tzid in feed.timezones
            )
            text = (
                "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//feed//EN\r\n"
                f"{zones}{block.text()}END:VCALENDAR\r\n"
            )
            try:
                calendar = _quiet_parse(text)
                event = calendar.events[0]
            except Exception as error:  # icalendar raises many kinds (OSError for a TZID…)
                self.problem(block.start, f"event skipped: {error}"[:300])
                continue
            bad = [(name, message) for name, message in event.errors if name in _ESSENTIAL]
            if bad:
                name, message = bad[0]
                line = block.line_of_error(name, message) if name else block.start
                self.problem(line, f"event skipped: {name or 'a line'}: {message}")
                continue
            if event.get("DTSTART") is None:
                self.problem(block.start, "event skipped: it has no start (DTSTART)")
                continue
            repeated = [name for name in _ONCE if isinstance(event.get(name), list)]
            if repeated:
                line = block.first_line_of(repeated[0])
                self.problem(line, f"event skipped: {repeated[0]} appears more than once")
                continue
            good.append((block, event))
        return good

    # ------------------------------------------------------------ events → talks

    def _base_key(self, block: Block, event: Event) -> str:
        uid = str(event.get("UID") or "").strip()
        if uid:
            return uid
        summary = block.value_of("SUMMARY") or ""
        extra = "" if summary else block.value_of("DESCRIPTION") or ""
        seed = "\x1f".join([block.value_of("DTSTART") or "", summary, extra])
        key = "no-uid-" + hashlib.sha256(seed.encode("utf-8")).hexdigest()[:16]
        self.keys_seen[key] += 1
        if self.keys_seen[key] > 1:
            key = f"{key}-{self.keys_seen[key]}"
        self.warn(block.start, "the event has no UID; its key is made from its start and text")
        return key

    def _talks_from(self, events: list[tuple[Block, Event]], feed: _Feed) -> None:
        groups: dict[str, list[tuple[Block, Event]]] = {}
        for block, event in events:
            groups.setdefault(self._base_key(block, event), []).append((block, event))
        talks: dict[str, tuple[int, TalkData]] = {}
        for key, members in groups.items():
            try:
                self._talks_of(key, members, feed, talks)
            except Exception as error:  # one broken event never aborts a lenient file
                line = members[0][0].start
                self.problem(line, f"event skipped: {type(error).__name__}: {error}"[:300])
        self.parsed.talks.extend(talk for _, talk in talks.values())

    def _talks_of(
        self,
        key: str,
        members: list[tuple[Block, Event]],
        feed: _Feed,
        talks: dict[str, tuple[int, TalkData]],
    ) -> None:
        """The talks of the events of one UID (its occurrences, when it recurs)."""
        for line, occurrence_key, occurrence in self._occurrences(key, members, feed):
            try:
                talk = self._talk(occurrence_key, occurrence, feed, line)
            except Exception as error:  # one broken event never aborts a lenient file
                self.problem(line, f"event skipped: {type(error).__name__}: {error}"[:300])
                continue
            if talk is None:
                continue
            problem = talk_problem(talk)
            if problem is not None:
                self.problem(line, f"event skipped: {problem[0]} {problem[1]}")
                continue
            if talk.source_key in talks:
                self.warn(line, f"UID {occurrence_key!r} appears twice; the later one is kept")
            talks[talk.source_key] = (line, talk)

    def _occurrences(
        self, key: str, members: list[tuple[Block, Event]], feed: _Feed
    ) -> Iterator[tuple[int, str, Event]]:
        masters = [(b, e) for b, e in members if e.get("RECURRENCE-ID") is None]
        recurring = [(b, e) for b, e in masters if e.get("RRULE") or e.get("RDATE")]
        if not recurring:
            for block, event in members:
                rid = event.get("RECURRENCE-ID")
                yield block.start, _occurrence_key(key, rid.dt if rid else None), event
            return
        block, master = recurring[-1]
        calendar = Calendar()
        for tzid in block.tzids():
            if tzid in feed.timezones:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    calendar.add_component(
                        _quiet_parse(_wrap(feed.timezones[tzid])).walk("VTIMEZONE")[0]
                    )
        calendar.add_component(master)
        for _, event in members:
            if event.get("RECURRENCE-ID") is not None:
                calendar.add_component(event)
        rule = master.get("RRULE")
        rules = rule if isinstance(rule, list) else [rule] if rule is not None else []
        bounded = all("COUNT" in r or "UNTIL" in r for r in rules)
        end = None if bounded else feed.explicit_end
        dates = [d for _, event in members for d in _explicit_dates(event)]
        if not dates:
            self.problem(block.start, "recurring event skipped: its dates are out of range")
            return
        left = self.budget.occurrences
        if left <= 0:
            self.problem(
                block.start,
                f"recurring event skipped: the file's recurring events already gave "
                f"{FILE_OCCURRENCES:,} talks, the most one file may give",
            )
            return
        limit = min(MAX_OCCURRENCES, left)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                expansion = expand(calendar, rules, min(dates), end, limit, self.budget)
        except Exception as error:  # recurring-ical-events raises many kinds on odd rules
            self.problem(block.start, f"recurring event skipped: {error}"[:300])
            return
        occurrences = expansion.occurrences[:limit]
        self.budget.occurrences -= len(occurrences)
        if not occurrences:
            timed_out = "its rule took too long to expand"
            reason = timed_out if expansion.timed_out else "its rule gives no dates"
            self.problem(block.start, f"recurring event skipped: {reason}")
            return
        if not expansion.complete:
            reason = (
                "its rule took too long to expand"
                if expansion.timed_out
                else f"a recurring event with more than {limit} occurrences"
            )
            self.warn(block.start, f"{reason}: only the first {len(occurrences)} were imported")
        for occurrence in occurrences:
            start = occurrence.get("DTSTART").dt
            rid = occurrence.get("RECURRENCE-ID")
            yield block.start, _occurrence_key(key, rid.dt if rid else start), occurrence

    def _talk(self, key: str, event: Event, feed: _Feed, line: int) -> TalkData | None:
        start_prop = event.get("DTSTART")
        tzid = start_prop.params.get("TZID") if hasattr(start_prop, "params") else None
        start, zone_name = self._start(start_prop.dt, tzid, feed, line)
        duration = _duration_minutes(event, start_prop.dt)
        if duration is not None and duration > MAX_DURATION_MINUTES:
            self.warn(line, "an event longer than a year: its length was left out")
            duration = None
        raw_summary = str(event.get("SUMMARY") or "")
        summary = raw_summary.strip()
        description = str(event.get("DESCRIPTION") or "")
        speakers: list[Speaker] = []
        title: str | None = None
        abstract: str | None = None
        recording: str | None = None
        join: str | None = None
        links: list[LinkData] = []
        extra_lines: list[str] = []
        if feed.researchseminars:  # PRODID: researchseminars.org (SUMMARY: the speakers)
            location = str(event.get("LOCATION") or "")
            rs: ResearchSeminarsEvent | None = read_feed_event(summary, description, location)
        else:
            rs = read_researchseminars(summary, description) if description else None
        if feed.own:
            own = read_description(description)
            speakers = own.speakers
            title = title_from_summary(raw_summary, speakers)
            abstract, recording, join = own.abstract, own.recording_url, own.join_url
            links = own.links
            if own.series_name:
                feed.series_names[own.series_name] += 1
        elif rs is not None:
            speakers, title, abstract = list(rs.speakers), rs.title, rs.abstract
            if rs.talk_page and is_web_url(rs.talk_page):
                links.append(LinkData("listing", rs.talk_page))
            if rs.series_name:
                feed.series_names[rs.series_name] += 1
        else:
            title, abstract, speakers = self._plain_texts(event, summary, description)
        urls = self._candidate_urls(event, feed, rs is not None)
        if not feed.own:
            for url in urls:
                if is_video_url(url) and recording is None:
                    recording = url
                elif is_meeting_url(url) and join is None:
                    join = url
            for url in urls:
                if url in {recording, join} or any(ln.url == url for ln in links):
                    continue
                if join is None and not is_video_url(url):
                    join = url
                else:
                    links.append(LinkData("listing", url))
            if join is None or recording is None:
                for url in urls_in(abstract or ""):
                    if join is None and is_meeting_url(url):
                        join = url
                    elif recording is None and is_video_url(url):
                        recording = url
            location = str(event.get("LOCATION") or "").strip()
            if location and not is_web_url(location) and rs is None:
                extra_lines.append(f"Location: {location}")
        status = str(event.get("STATUS") or "").strip().upper()
        tags = _categories(event)
        if zone_name:
            feed.zones_used[zone_name] += 1
        uid = str(event.get("UID") or "").strip() or None
        rid = event.get("RECURRENCE-ID")
        provenance: dict[str, Any] = {"source": SOURCE, "uid": uid}
        if rid is not None:
            provenance["recurrence_id"] = _date_text(rid.dt)
        if feed.prodid:
            provenance["producer"] = feed.prodid
        return TalkData(
            uid=talk_uid_for(key),
            series="",
            title=title or None,
            speakers=tuple(speakers),
            start=start,
            timezone=zone_name,
            duration_minutes=duration,
            abstract=abstract or None,
            extra="\n".join(extra_lines) or None,
            links=tuple(links),
            recording_url=recording,
            join_url=join,
            tags=tags,
            cancelled=status == "CANCELLED",
            provenance=provenance,
            source=SOURCE,
            source_key=key,
        )

    def _plain_texts(
        self, event: Event, summary: str, description: str
    ) -> tuple[str | None, str | None, list[Speaker]]:
        abstract = clean_text(description) if description.strip() else ""
        if not abstract:
            alt = str(event.get("X-ALT-DESC") or "")
            if "\\n" in alt or "\\," in alt:  # icalendar leaves X- values escaped
                alt = _TEXT_ESCAPE.sub(lambda m: _UNESCAPED.get(m[1], m[1]), alt)
            if looks_like_html(alt):
                abstract = clean_text(alt)
        speakers: list[Speaker] = []
        for name in _SPEAKER_FIELDS:
            value = str(event.get(name) or "").strip()
            if value:
                speakers = [split_affiliation(part) for part in value.split(";") if part.strip()]
                break
        match = _SPEAKERS_LINE.match(abstract)
        if not speakers and match:
            speakers = [split_affiliation(p) for p in re.split(r";|,(?![^()]*\))", match["names"])]
            speakers = [s for s in speakers if s.name]
            abstract = abstract[match.end() :]
        title: str | None = summary or None
        if summary and not speakers:
            speaker, rest = speaker_and_title(summary)
            if speaker is not None:
                speakers, title = [speaker], rest
        return title, abstract or None, speakers

    def _candidate_urls(self, event: Event, feed: _Feed, researchseminars: bool) -> list[str]:
        values = []
        location = str(event.get("LOCATION") or "").strip()
        if location and is_web_url(location):
            values.append(location)
        url = event.get("URL")
        for item in url if isinstance(url, list) else [url] if url is not None else []:
            text = str(item).strip()
            if text and is_web_url(text):
                values.append(text)
            elif text:
                self.warn(None, f"a link that is not http(s) was left out: {text[:60]!r}")
        if researchseminars:  # LOCATION holds the talk's page, not a place to join
            values = [v for v in values if "researchseminars.org/talk/" not in v]
        return list(dict.fromkeys(values))

    def _start(
        self, value: date | datetime, tzid: str | None, feed: _Feed, line: int
    ) -> tuple[datetime, str | None]:
        if not isinstance(value, datetime):  # all day: midnight in the feed's zone
            zone_name = feed.default_zone
            zone: tzinfo = ZoneInfo(zone_name) if zone_name else UTC
            return datetime.combine(value, time(0, 0), zone), zone_name
        if tzid:
            clean = str(tzid).strip('"')
            zone_name = feed.zone_names.get(clean) if clean in feed.zone_names else None
            if zone_name is None and clean not in feed.zone_names:
                zone_name = iana_zone_name(clean)
            if zone_name is not None:
                wall = value.replace(tzinfo=None)
                return wall.replace(tzinfo=ZoneInfo(zone_name)), zone_name
            if value.tzinfo is not None:
                return value.astimezone(UTC), None
            self.warn(line, f"unknown time zone {clean!r} without a VTIMEZONE: read as UTC")
            return value.replace(tzinfo=UTC), None
        if value.tzinfo is None:
            if feed.default_zone:
                return value.replace(tzinfo=ZoneInfo(feed.default_zone)), feed.default_zone
            self.warn(line, "a floating time (no zone) was read as UTC")
            return value.replace(tzinfo=UTC), None
        if feed.default_zone:
            return value.astimezone(ZoneInfo(feed.default_zone)), feed.default_zone
        return value.astimezone(UTC), None

    # ------------------------------------------------------------ the series

    def _series(self, feed: _Feed, props: dict[str, Any]) -> SeriesData:
        name = feed.name
        if feed.series_names and (feed.researchseminars or feed.own or not name):
            name = feed.series_names.most_common(1)[0][0]
        if not name or name.lower() == "researchseminars.org":
            name = self.path.stem
        zone = feed.default_zone
        if zone is None and feed.zones_used:
            zone = feed.zones_used.most_common(1)[0][0]
        description = str(props.get("X-WR-CALDESC") or "").strip() or None
        provenance: dict[str, Any] = {"source": SOURCE}
        if feed.prodid:
            provenance["producer"] = feed.prodid
        return SeriesData(
            slug=slugify(name),
            name=name,
            timezone=zone,
            description=description,
            provenance=provenance,
        )


def _wrap(block: Block) -> str:
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//feed//EN\r\n{block.text()}END:VCALENDAR\r\n"
    )


def _date_text(value: date | datetime) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        return value.strftime("%Y%m%dT%H%M%S")
    return value.strftime("%Y%m%d")


def _occurrence_key(key: str, recurrence_id: date | datetime | None) -> str:
    return key if recurrence_id is None else f"{key};RECURRENCE-ID={_date_text(recurrence_id)}"


def _duration_minutes(event: Event, start: date | datetime) -> int | None:
    if not isinstance(start, datetime):
        return None
    end = event.get("DTEND")
    length: timedelta | None = None
    if end is not None and isinstance(end.dt, datetime):
        end_value = end.dt
        if (end_value.tzinfo is None) != (start.tzinfo is None):
            return None
        length = end_value - start
    elif event.get("DURATION") is not None:
        value = event.get("DURATION").dt
        length = value if isinstance(value, timedelta) else None
    if length is None or length <= timedelta(0):
        return None
    return max(1, round(length.total_seconds() / 60))


def _categories(event: Event) -> tuple[str, ...]:
    value = event.get("CATEGORIES")
    tags: list[str] = []
    for item in value if isinstance(value, list) else [value] if value is not None else []:
        for category in getattr(item, "cats", [item]):
            text = str(category).strip()
            if text and text not in tags:
                tags.append(text)
    return tuple(tags)


@register
class CalendarFeedImporter:
    """iCalendar feeds (.ics): Google, Outlook, Exchange, Apple, Nextcloud, researchseminars.org."""

    name = "iCalendar feed (.ics)"
    strict = False
    max_bytes = FEED_MAX_BYTES

    def detect(self, head: bytes, path: Path) -> bool:
        """A file that begins with BEGIN:VCALENDAR (or a bare BEGIN:VEVENT), or an .ics name."""
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper()
        if start.startswith((b"BEGIN:VCALENDAR", b"BEGIN:VEVENT")):
            return True
        return path.suffix.lower() in {".ics", ".ical", ".icalendar", ".ifb"}

    def parse(self, data: bytes, path: Path) -> ParsedFile:
        """The talks of every good event; broken events are reported with their line."""
        where = str(path)
        split = split_feed(data, where)
        return _Reader(split, where, path).read()
