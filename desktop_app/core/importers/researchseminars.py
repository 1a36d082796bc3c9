"""researchseminars.org → talks: its JSON API answers, and its `.ics` feeds' own layout.

JSON (leniently: a broken talk is skipped and reported, the rest read):
- `GET /api/0/lookup/series?series_id="<id>"`: `{"code": "success", "properties": {series},
  "talks": [talk, …]}`; `lookup/talk`: `{"code": "success", "properties": {talk}}`;
  `search/talks`: `{"code": "success", "results": [talk, …]}`; an error answer
  (`{"code": "lookup_error", "description": …}`) refuses the whole file with its description;
  a JSONP answer (`f({...})`) is read too.
- `GET /seminar/<id>/json`: a bare list of talks without `seminar_id` and `seminar_ctr`.

Identity: a talk's source key is its talk id `<seminar_id>/<seminar_ctr>` (the `.ics` feed's
UID), and its uid is the one the `.ics` importer gives that UID, so the API and the feed name
the same talk. The bare `/json` list has no talk numbers: its talks are keyed by series and start
(`<id>@<UTC start>`, with a warning), so a moved talk there reads as a new one.

Values: dates arrive as `"2020-05-20 15:00:00+00:00"` (the talk is shown in its `timezone`, else
the series'); `""` means missing; several speakers share one `speaker` string, separated by
`" | "`, and so do their affiliations; `video_link` is the recording, `live_link` (else
`stream_link`) the join link, `slides_link`/`paper_link`/`speaker_homepage` links. Deleted and
hidden talks are left out without a word (a sync then sees them gone).

The `.ics` step (`read_feed_event`) is what the calendar importer calls for a feed whose
PRODID is researchseminars.org: SUMMARY holds the speakers, the title is inside the HTML
DESCRIPTION, the abstract follows "Abstract".
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from desktop_app.core.calendar.eventtext import one_line
from desktop_app.core.calendar.html_text import clean_text
from desktop_app.core.calendar.talk_fields import (
    ResearchSeminarsEvent,
    read_researchseminars,
    split_affiliation,
)
from desktop_app.core.errors import InputError
from desktop_app.core.importers import FEED_MAX_BYTES, ParsedFile, register
from desktop_app.core.records import ImportProblem, LinkData, SeriesData, Speaker, TalkData
from desktop_app.core.sanitize import (
    LINE_MAX,
    clean_line,
    instant_problem,
    series_problem,
    talk_problem,
)
from desktop_app.core.strict_json import JsonError, decode_utf8, element_lines, loads
from desktop_app.core.timeutil import is_zone_name
from desktop_app.core.urls import is_web_url

SOURCE = "researchseminars"
SITE = "https://researchseminars.org"
SPEAKER_SEPARATOR = " | "
_PLACEHOLDER_TITLES = frozenset({"tba", "tbd", "tbc", "to be announced"})
_JSONP = re.compile(r"^\s*[A-Za-z_$][\w.$]*\s*\((?P<body>.*)\)\s*;?\s*$", re.DOTALL)
_HEAD_OBJECT = re.compile(rb'^\s*\{\s*"code"\s*:\s*"')
_HEAD_LIST = re.compile(rb"^\s*\[\s*\{")


def talk_id(seminar_id: str, seminar_ctr: int | str) -> str:
    """`<seminar_id>/<seminar_ctr>`: the talk's id on the site, and its `.ics` UID."""
    return f"{seminar_id}/{seminar_ctr}"


def talk_uid(source_key: str) -> str:
    """The archive uid of a researchseminars.org talk: the one its `.ics` event gets."""
    from desktop_app.core.importers.ics import talk_uid_for  # ics imports this module

    return talk_uid_for(source_key)


def talk_page(key: str) -> str:
    """The talk's page on the site."""
    return f"{SITE}/talk/{key}/"


# ------------------------------------------------------------------ the .ics step


def read_feed_event(summary: str, description: str, location: str = "") -> ResearchSeminarsEvent:
    """The facts of one event of a researchseminars.org feed.

    With the site's usual DESCRIPTION (`Title: <a href=…>…</a>`, `by … as part of …`,
    `Abstract`): title, speakers from SUMMARY (`Name (Affiliation)`, several separated by
    `" | "`), series, talk page and abstract (HTML made plain text). A talk without a title
    has no `Title:` line: its speakers still come from SUMMARY and its title stays unknown
    (SUMMARY is never taken for a title).
    """
    event = read_researchseminars(summary, description)
    if event is not None:
        return ResearchSeminarsEvent(
            title=event.title,
            speakers=event.speakers,
            series_name=event.series_name,
            talk_page=event.talk_page or _talk_page_in(location),
            abstract=(clean_text(event.abstract) or None) if event.abstract else None,
        )
    series = re.search(r"(?m)^by .*? as part of (?P<series>[^\n]+)$", description)
    marker = re.search(r"(?m)^Abstract(?::\s*TBA)?\s*$", description)
    abstract: str | None = None
    if marker and not marker.group(0).rstrip().endswith("TBA"):
        abstract = clean_text(description[marker.end() :]) or None
    href = re.search(r'href="(?P<url>https?://[^"]+/talk/[^"]+)"', description)
    return ResearchSeminarsEvent(
        title=None,
        speakers=_speakers_of_summary(summary),
        series_name=one_line(series["series"]) if series else None,
        talk_page=href["url"] if href else _talk_page_in(location),
        abstract=abstract,
    )


def _speakers_of_summary(summary: str) -> tuple[Speaker, ...]:
    parts = (split_affiliation(p) for p in summary.split(SPEAKER_SEPARATOR) if p.strip())
    return tuple(s for s in parts if s.name)


def _talk_page_in(location: str) -> str | None:
    text = location.strip()
    return text if is_web_url(text) and "/talk/" in urlsplit(text).path else None


# ------------------------------------------------------------------ JSON answers


def parse_answer(data: bytes | str, where: str, series_id: str | None = None) -> ParsedFile:
    """The series and talks of one API answer; InputError when it is not one at all.

    `series_id` names the series of a bare `/seminar/<id>/json` list (its talks do not).
    """
    try:
        text = decode_utf8(data) if isinstance(data, bytes) else data.removeprefix("\ufeff")
        wrapped = _JSONP.match(text)
        if wrapped and not text.lstrip().startswith(("{", "[")):
            text = wrapped["body"]
        answer = loads(text)
    except JsonError as error:
        place = f"{where}:{error.line}" if error.line else where
        column = f" (column {error.column})" if error.column else ""
        message = f"{place}: not a researchseminars.org answer (not JSON: {error}{column})"
        raise InputError(message) from None
    return _Reader(where, series_id, text).read(answer)


class _Reader:
    def __init__(self, where: str, series_id: str | None, text: str = "") -> None:
        self.where = where
        self.series_id = series_id
        self.text = text
        self.parsed = ParsedFile()
        self.zone: str | None = None
        self.keyed_by_start = False
        self.list_key: str | None = None
        self._lines: list[int] | None = None

    def place(self, index: int) -> str:
        """`file:line` where the N-th talk begins (found in the text the first time)."""
        if self._lines is None:
            self._lines = element_lines(self.text, self.list_key) if self.text else []
        line = self._lines[index] if index < len(self._lines) else None
        return f"{self.where}:{line}" if line else self.where

    def read(self, answer: Any) -> ParsedFile:
        if isinstance(answer, list):
            records, endpoint = answer, "seminar/json"
        elif isinstance(answer, dict) and "code" in answer:
            if answer["code"] != "success":
                detail = clean_line(str(answer.get("description") or answer["code"]))[:300]
                raise InputError(f"{self.where}: researchseminars.org refused: {detail}")
            records, endpoint = self._records_of(answer)
        else:
            raise InputError(f"{self.where}: not a researchseminars.org answer")
        for index, record in enumerate(records):
            if not isinstance(record, dict):
                message = f"talk {index + 1} skipped: not an object"
                self.parsed.problems.append(ImportProblem(self.place(index), message))
                continue
            if record.get("deleted") is True or record.get("hidden") is True:
                continue
            try:
                talk = self._talk(record, endpoint)
            except (ValueError, TypeError, OverflowError) as error:
                message = f"talk {index + 1} skipped: {error}"[:300]
                self.parsed.problems.append(ImportProblem(self.place(index), message))
                continue
            problem = talk_problem(talk)
            if problem is not None:
                message = f"talk {index + 1} skipped: {problem[0]} {problem[1]}"
                self.parsed.problems.append(ImportProblem(self.place(index), message))
                continue
            self.parsed.talks.append(talk)
        if self.keyed_by_start:
            self.parsed.warnings.append(
                ImportProblem(
                    self.where,
                    "these talks carry no talk numbers: they are known by their start time "
                    "(the API's lookup/series keeps moved talks apart)",
                )
            )
        if self.parsed.default_series is None and self.series_id:
            self.parsed.default_series = _series(
                {"shortname": self.series_id, "name": self.series_id}, self.series_id, self.where
            )
        return self.parsed

    def _records_of(self, answer: dict[str, Any]) -> tuple[list[Any], str]:
        properties = answer.get("properties")
        if isinstance(answer.get("talks"), list) and isinstance(properties, dict):
            shortname, zone = properties.get("shortname"), properties.get("timezone")
            series_id = shortname.strip() if isinstance(shortname, str) else self.series_id
            self.series_id = series_id or self.series_id
            self.zone = _zone(zone) if isinstance(zone, str) else None
            self.parsed.default_series = _series(properties, series_id, self.where)
            self.list_key = "talks"
            return answer["talks"], "lookup/series"
        if isinstance(properties, dict):
            return [properties], "lookup/talk"
        if isinstance(answer.get("results"), list):
            self.list_key = "results"
            return answer["results"], "search/talks"
        raise InputError(f"{self.where}: a researchseminars.org answer without talks")

    def _talk(self, record: dict[str, Any], endpoint: str) -> TalkData:
        seminar_id = _text(record, "seminar_id") or self.series_id
        ctr = record.get("seminar_ctr")
        zone = _zone(_text(record, "timezone")) or self.zone
        start = _instant(_text(record, "start_time"), zone, "start_time")
        end = _instant(_text(record, "end_time"), zone, "end_time")
        if isinstance(ctr, int | str) and str(ctr).strip().isdigit() and seminar_id:
            key = talk_id(seminar_id, int(ctr))
        elif start is not None:
            key = f"{seminar_id or '?'}@{start.astimezone(UTC):%Y-%m-%dT%H:%MZ}"
            self.keyed_by_start = True
        else:
            raise ValueError("it has neither a talk number (seminar_ctr) nor a start")
        duration = None
        if start is not None and end is not None and end > start:
            duration = max(1, round((end - start).total_seconds() / 60))
        title = _text(record, "title")
        if title and title.casefold().strip(". ") in _PLACEHOLDER_TITLES:
            title = None
        recording = _web(record, "video_link")
        join = _web(record, "live_link") or _web(record, "stream_link")
        extra = [f"Location: {room}" for room in [_text(record, "room")] if room]
        comments = _text(record, "comments")
        if comments:
            extra.append(clean_text(comments))
        abstract = _text(record, "abstract")
        provenance: dict[str, Any] = {"source": SOURCE, "talk_id": key, "endpoint": endpoint}
        return TalkData(
            uid=talk_uid(key),
            series="",
            title=one_line(title) if title else None,
            speakers=_speakers(record),
            start=start,
            timezone=zone if start is not None else None,
            duration_minutes=duration,
            abstract=clean_text(abstract) if abstract else None,
            extra="\n\n".join(extra) or None,
            links=_links(record, key if "@" not in key else None, {recording, join}),
            recording_url=recording,
            join_url=join if join != recording else None,
            provenance=provenance,
            source=SOURCE,
            source_key=key,
        )


def _text(record: dict[str, Any], key: str) -> str | None:
    """A text field; `""`, blanks and null are missing; a non-text value is an error."""
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{key} must be text, not {type(value).__name__}")
    return value.strip() or None


def _web(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    return value.strip() if isinstance(value, str) and is_web_url(value) else None


def _zone(name: str | None) -> str | None:
    if not name:
        return None
    for candidate in (name, name.replace(" ", "_")):
        if is_zone_name(candidate):
            return candidate
    return None


def _instant(text: str | None, zone: str | None, key: str) -> datetime | None:
    """`"2020-05-20 15:00:00+00:00"` as an aware instant, shown in `zone` when known."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{key} {text[:40]!r} is not a date and time") from None
    if value.tzinfo is None:
        raise ValueError(f"{key} {text[:40]!r} has no UTC offset")
    problem = instant_problem(value)
    if problem is not None:
        raise ValueError(f"{key} {problem}")
    if zone:
        from zoneinfo import ZoneInfo

        return value.astimezone(ZoneInfo(zone))
    return value.astimezone(UTC)


def _speakers(record: dict[str, Any]) -> tuple[Speaker, ...]:
    names = [n.strip() for n in (_text(record, "speaker") or "").split("|")]
    names = [n for n in names if n]
    affiliations = [a.strip() for a in (_text(record, "speaker_affiliation") or "").split("|")]
    if len(affiliations) != len(names):  # unpaired: only a lone speaker gets the whole text
        whole = _text(record, "speaker_affiliation")
        affiliations = [whole or ""] if len(names) == 1 else [""] * len(names)
    return tuple(Speaker(n, a or None) for n, a in zip(names, affiliations, strict=True))


def _links(record: dict[str, Any], key: str | None, used: set[str | None]) -> tuple[LinkData, ...]:
    links: list[LinkData] = []
    if key is not None:
        links.append(LinkData("listing", talk_page(key)))
    for field, kind in (("slides_link", "slides"), ("paper_link", "paper")):
        url = _web(record, field)
        if url:
            links.append(LinkData(kind, url))
    stream = _web(record, "stream_link")
    if stream and stream not in used:  # the livestream, when the join link is another
        links.append(LinkData("video", stream, "Livestream"))
    homepage = _web(record, "speaker_homepage")
    if homepage:
        links.append(LinkData("homepage", homepage, _text(record, "speaker")))
    return tuple(dict.fromkeys(links))


def _series(properties: dict[str, Any], series_id: str | None, where: str) -> SeriesData:
    from desktop_app.core.importers.ics import slugify  # ics imports this module

    def text(key: str) -> str | None:  # a series column of an odd type is only left out
        value = properties.get(key)
        return value.strip() or None if isinstance(value, str) else None

    name = text("name") or series_id or "researchseminars.org"
    homepage = _web(properties, "homepage")
    if homepage is None and series_id:
        homepage = f"{SITE}/seminar/{series_id}"
    description = text("description")
    series = SeriesData(
        slug=slugify(name),
        name=one_line(name)[:LINE_MAX],
        homepage=homepage,
        timezone=_zone(text("timezone")),
        description=clean_text(description) if description else None,
        provenance={"source": SOURCE, "series_id": series_id},
    )
    problem = series_problem(series)
    if problem is not None:
        raise InputError(f"{where}: the series' {problem[0]} {problem[1]}")
    return series


class ResearchSeminarsImporter:
    """researchseminars.org API answers saved as files (`.json`)."""

    name = "researchseminars.org answer (.json)"
    strict = False
    max_bytes = FEED_MAX_BYTES

    def detect(self, head: bytes, path: Path) -> bool:
        """An object that begins with `"code"`, or a list of objects with a speaker and a
        start_time (bare or in a JSONP call)."""
        text = head.removeprefix(b"\xef\xbb\xbf")
        wrapped = re.match(rb"^\s*[A-Za-z_$][\w.$]*\s*\(", text)
        if wrapped:
            text = text[wrapped.end() :]
        if _HEAD_OBJECT.match(text):
            return True
        return bool(_HEAD_LIST.match(text)) and b'"start_time"' in text and b'"speaker"' in text

    def parse(self, data: bytes, path: Path) -> ParsedFile:
        """The talks of the answer; the series id of a bare list is not known here."""
        return parse_answer(data, str(path))


register(ResearchSeminarsImporter, first=True)
