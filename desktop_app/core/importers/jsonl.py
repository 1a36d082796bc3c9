"""Reads the exchange format (JSON Lines), strictly: every problem names its line and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop_app.core.errors import InputError
from desktop_app.core.exchange import (
    FORMAT_NAME,
    FORMAT_VERSION,
    OPTIONAL_TALK_KEYS,
    SERIES_KEYS,
    TALK_KEYS,
)
from desktop_app.core.importers import ParsedFile, register
from desktop_app.core.records import (
    LINK_KINDS,
    ImportProblem,
    LinkData,
    SeriesData,
    Speaker,
    TalkData,
)
from desktop_app.core.sanitize import TEXT_MAX, has_controls, series_problem, talk_problem
from desktop_app.core.strict_json import JsonError, loads
from desktop_app.core.timeutil import is_zone_name, parse_exchange_start
from desktop_app.core.urls import is_web_url

_MAX_UID = 120
MAX_BYTES = 256 * 2**20  # an archive of some 100,000 talks
_MAX_PROBLEMS = 100  # a refused file stops being read after this many


class RecordError(ValueError):
    """A problem in one record; `field` names the key."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field


def _optional_str(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    raise RecordError(key, f"must be a string or null, not {type(value).__name__}")


def _required_str(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RecordError(key, "is required and must be a non-empty string")
    return value


def _key(record: dict[str, Any], key: str) -> str:
    """A key (uid, slug, series): a non-empty string without control characters."""
    value = _required_str(record, key)
    if has_controls(value):
        raise RecordError(key, "must not hold line breaks or control characters")
    return value


def _web_url(record: dict[str, Any], key: str) -> str | None:
    value = _optional_str(record, key)
    if value is not None and not is_web_url(value):
        raise RecordError(key, f"must be an http(s) URL, not {value[:60]!r}")
    return value


def _object(value: Any, key: str) -> dict[str, Any] | None:
    if value is None or isinstance(value, dict):
        return value
    raise RecordError(key, f"must be an object or null, not {type(value).__name__}")


def _check_keys(record: dict[str, Any], allowed: tuple[str, ...], what: str) -> None:
    unknown = sorted(set(record) - set(allowed))
    if unknown:
        raise RecordError(
            unknown[0],
            f"unknown field in a {what} record (a newer format?); "
            f"known fields: {', '.join(allowed)}",
        )


def _timezone(record: dict[str, Any]) -> str | None:
    value = _optional_str(record, "timezone")
    if value is not None and not is_zone_name(value):
        raise RecordError("timezone", f"{value!r} is not an IANA time zone name")
    return value


def read_series(record: dict[str, Any]) -> SeriesData:
    """A series record, validated."""
    _check_keys(record, SERIES_KEYS, "series")
    series = SeriesData(
        slug=_key(record, "slug"),
        name=_required_str(record, "name"),
        short_name=_optional_str(record, "short_name"),
        homepage=_web_url(record, "homepage"),
        timezone=_timezone(record),
        schedule=_optional_str(record, "schedule"),
        description=_optional_str(record, "description"),
        provenance=_object(record.get("provenance"), "provenance"),
    )
    problem = series_problem(series)
    if problem:
        raise RecordError(*problem)
    return series


def _speakers(value: Any) -> tuple[Speaker, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise RecordError("speakers", "must be a list of {name, affiliation}")
    speakers = []
    for index, item in enumerate(value):
        where = f"speakers[{index}]"
        if not isinstance(item, dict):
            raise RecordError(where, "must be an object {name, affiliation}")
        if set(item) - {"name", "affiliation"}:
            raise RecordError(
                where, f"unknown field {sorted(set(item) - {'name', 'affiliation'})[0]!r}"
            )
        name = item.get("name")
        affiliation = item.get("affiliation")
        if not isinstance(name, str) or not name.strip():
            raise RecordError(f"{where}.name", "must be a non-empty string")
        if affiliation is not None and not isinstance(affiliation, str):
            raise RecordError(f"{where}.affiliation", "must be a string or null")
        speakers.append(Speaker(name, affiliation))
    return tuple(speakers)


def _links(value: Any) -> tuple[LinkData, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise RecordError("links", "must be a list of {kind, url, label}")
    links = []
    for index, item in enumerate(value):
        where = f"links[{index}]"
        if not isinstance(item, dict):
            raise RecordError(where, "must be an object {kind, url, label}")
        if set(item) - {"kind", "url", "label"}:
            raise RecordError(
                where, f"unknown field {sorted(set(item) - {'kind', 'url', 'label'})[0]!r}"
            )
        kind, url, label = item.get("kind"), item.get("url"), item.get("label")
        if kind not in LINK_KINDS:
            raise RecordError(f"{where}.kind", f"must be one of {', '.join(LINK_KINDS)}")
        if not isinstance(url, str) or not is_web_url(url):
            raise RecordError(f"{where}.url", "must be an http(s) URL")
        if label is not None and not isinstance(label, str):
            raise RecordError(f"{where}.label", "must be a string or null")
        links.append(LinkData(kind, url, label))
    return tuple(links)


def read_talk(record: dict[str, Any]) -> TalkData:
    """A talk record, validated."""
    _check_keys(record, TALK_KEYS + OPTIONAL_TALK_KEYS, "talk")
    uid = _key(record, "uid")
    if len(uid) > _MAX_UID:
        raise RecordError("uid", f"is longer than {_MAX_UID} characters")
    timezone = _timezone(record)
    start_text = _optional_str(record, "start")
    start = None
    if start_text is not None:
        try:
            start = parse_exchange_start(start_text, timezone)
        except (ValueError, InputError) as error:
            raise RecordError("start", f"{start_text[:40]!r}: {error}") from error
        except OverflowError:
            reason = f"{start_text[:40]!r}: outside the dates the archive can hold"
            raise RecordError("start", reason) from None
    duration = record.get("duration_minutes")
    if duration is not None and (
        not isinstance(duration, int) or isinstance(duration, bool) or duration <= 0
    ):
        raise RecordError("duration_minutes", "must be a positive whole number or null")
    tags = record.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
        raise RecordError("tags", "must be a list of non-empty strings")
    cancelled = record.get("cancelled", False)
    if not isinstance(cancelled, bool):
        raise RecordError("cancelled", "must be true or false")
    field_provenance = _object(record.get("field_provenance"), "field_provenance")
    if field_provenance and not all(isinstance(v, str) for v in field_provenance.values()):
        raise RecordError("field_provenance", "values must be strings")
    talk = TalkData(
        uid=uid,
        series=_key(record, "series"),
        title=_optional_str(record, "title"),
        speakers=_speakers(record.get("speakers")),
        start=start,
        timezone=timezone,
        duration_minutes=duration,
        abstract=_optional_str(record, "abstract"),
        bio=_optional_str(record, "bio"),
        extra=_optional_str(record, "extra"),
        links=_links(record.get("links")),
        recording_url=_web_url(record, "recording_url"),
        join_url=_web_url(record, "join_url"),
        tags=tuple(tags),
        cancelled=cancelled,
        provenance=_object(record.get("provenance"), "provenance"),
        field_provenance=field_provenance,
        source="archive",
        source_key=uid,
    )
    problem = talk_problem(talk)
    if problem:
        raise RecordError(*problem)
    return talk


def read_user_state(value: Any) -> dict[str, Any]:
    """A talk's `user` object (stars, watched marks, a note), validated."""
    if not isinstance(value, dict):
        raise RecordError("user", "must be an object with starred, watched and note")
    unknown = set(value) - {"starred", "watched", "note"}
    if unknown:
        raise RecordError("user", f"unknown field {sorted(unknown)[0]!r}")
    for key in ("starred", "watched"):
        if not isinstance(value.get(key, False), bool):
            raise RecordError("user", f"{key} must be true or false")
    if not isinstance(value.get("note", ""), str):
        raise RecordError("user", "note must be text")
    if len(value.get("note", "")) > TEXT_MAX:
        raise RecordError("user", f"note is longer than {TEXT_MAX:,} characters")
    return {
        "starred": value.get("starred", False),
        "watched": value.get("watched", False),
        "note": value.get("note", ""),
    }


def _check_header(record: dict[str, Any]) -> None:
    if set(record) - {"kind", "format", "version"}:
        raise RecordError(sorted(set(record) - {"kind", "format", "version"})[0], "unknown field")
    if record.get("format") != FORMAT_NAME:
        raise RecordError("format", f"must be {FORMAT_NAME!r}")
    version = record.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise RecordError("version", f"must be a whole number from 1, not {version!r}")
    if version > FORMAT_VERSION:
        raise RecordError(
            "version",
            f"this file is format version {version}; this version of Seminar Archive reads "
            f"version {FORMAT_VERSION} (update the app to import it)",
        )


@register
class JsonLinesImporter:
    """The exchange format."""

    name = "Seminar Archive JSON Lines"
    strict = True
    max_bytes = MAX_BYTES

    def detect(self, head: bytes, path: Path) -> bool:
        """A .jsonl name, or a first character of '{'."""
        stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        return path.suffix.lower() in {".jsonl", ".ndjson"} or stripped.startswith(b"{")

    def parse(self, data: bytes, path: Path) -> ParsedFile:
        """Every record, or the problems with their line and field."""
        parsed = ParsedFile()
        seen_uids: dict[str, int] = {}
        seen_slugs: dict[str, int] = {}
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        first_record = True
        for number, raw_line in enumerate(data.split(b"\n"), start=1):
            if not raw_line.strip():
                continue
            where = f"{path}:{number}"
            if len(parsed.problems) >= _MAX_PROBLEMS:
                parsed.problems.append(ImportProblem(where, "reading stopped: too many problems"))
                break
            try:
                line = raw_line.decode("utf-8")
            except UnicodeDecodeError as error:
                parsed.problems.append(
                    ImportProblem(where, f"not UTF-8 text (byte {error.start + 1} of the line)")
                )
                continue
            try:
                record = loads(line)
            except JsonError as error:
                column = f" (column {error.column})" if error.column else ""
                parsed.problems.append(ImportProblem(where, f"not valid JSON: {error}{column}"))
                continue
            if not isinstance(record, dict):
                parsed.problems.append(ImportProblem(where, "a record must be a JSON object"))
                continue
            try:
                self._read_record(record, first_record, parsed, seen_uids, seen_slugs, number)
            except RecordError as error:
                field = f" field {error.field!r}" if error.field else ""
                parsed.problems.append(ImportProblem(f"{where}{field}", str(error)))
            first_record = False
        if not (parsed.problems or parsed.talks or parsed.series or parsed.saved_searches):
            parsed.problems.append(ImportProblem(str(path), "the file holds no records"))
        return parsed

    @staticmethod
    def _read_record(
        record: dict[str, Any],
        first_record: bool,
        parsed: ParsedFile,
        seen_uids: dict[str, int],
        seen_slugs: dict[str, int],
        number: int,
    ) -> None:
        kind = record.get("kind")
        if kind == "archive":
            if not first_record:
                raise RecordError("kind", "the archive header must be the first line")
            _check_header(record)
        elif kind == "series":
            series = read_series(record)
            if series.slug in seen_slugs:
                raise RecordError("slug", f"repeats line {seen_slugs[series.slug]}")
            seen_slugs[series.slug] = number
            parsed.series.append(series)
        elif kind == "talk":
            user = record.pop("user", None)
            if user is not None:
                parsed.user_states[str(record.get("uid"))] = read_user_state(user)
            talk = read_talk(record)
            if talk.uid in seen_uids:
                raise RecordError("uid", f"repeats line {seen_uids[talk.uid]}")
            seen_uids[talk.uid] = number
            parsed.talks.append(talk)
        elif kind == "saved_search":
            from desktop_app.core.saved import read_saved_search

            try:
                parsed.saved_searches.append(read_saved_search(record))
            except ValueError as error:
                raise RecordError(None, str(error)) from error
        else:
            raise RecordError("kind", "must be 'archive', 'series', 'talk' or 'saved_search'")
