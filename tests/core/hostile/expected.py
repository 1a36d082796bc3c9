"""What each file of the hostile corpus must give (tests/fixtures/hostile/README.md)."""

from __future__ import annotations

from dataclasses import dataclass

REFUSED = "refused"
LENIENT = "lenient"
IMPORTED = "imported"


@dataclass(frozen=True)
class Expected:
    """`outcome`; `where`: the `:line` (and field) the message must name; `text`: a part of
    the message."""

    outcome: str
    where: str = ""
    text: str = ""


CORPUS: dict[str, Expected] = {
    # exchange format
    "truncated.jsonl": Expected(REFUSED, ":4:", "not valid JSON"),
    "binary.jsonl": Expected(REFUSED, "", "not a text file"),
    "utf16.jsonl": Expected(REFUSED, "", "UTF-16"),
    "latin1.jsonl": Expected(REFUSED, ":3:", "not UTF-8"),
    "bom.jsonl": Expected(IMPORTED),
    "html_script.jsonl": Expected(IMPORTED),
    "url_javascript.jsonl": Expected(REFUSED, ":3 field 'recording_url'", "http(s)"),
    "url_data.jsonl": Expected(REFUSED, ":2 field 'links[0].url'", "http(s)"),
    "url_file.jsonl": Expected(REFUSED, ":2 field 'join_url'", "http(s)"),
    "controls_in_title.jsonl": Expected(IMPORTED),
    "newline_in_uid.jsonl": Expected(REFUSED, ":3 field 'uid'", "control characters"),
    "control_in_uid.jsonl": Expected(REFUSED, ":2 field 'uid'", "control characters"),
    "year_0001_in_zone.jsonl": Expected(REFUSED, ":3 field 'start'", "outside the dates"),
    "year_9999_in_zone.jsonl": Expected(REFUSED, ":3 field 'start'", "outside the dates"),
    "year_9999_utc.jsonl": Expected(REFUSED, ":2 field 'start'", "outside the dates"),
    "big_number.jsonl": Expected(REFUSED, ":2:", "5000 digits"),
    "big_duration.jsonl": Expected(REFUSED, ":2 field 'duration_minutes'", "longer than a year"),
    "lone_surrogate.jsonl": Expected(REFUSED, ":2:", "lone surrogate"),
    "infinity.jsonl": Expected(REFUSED, ":2:", "Infinity"),
    "header_version_0.jsonl": Expected(REFUSED, ":1 field 'version'", "from 1"),
    "header_version_negative.jsonl": Expected(REFUSED, ":1 field 'version'", "from 1"),
    "header_version_nan.jsonl": Expected(REFUSED, ":1:", "NaN"),
    # calendar feeds
    "truncated.ics": Expected(LENIENT, ":11", "the file ends inside"),
    "binary.ics": Expected(REFUSED, "", "not a text file"),
    "utf16.ics": Expected(REFUSED, "", "UTF-16"),
    "latin1.ics": Expected(LENIENT, ":11", "not UTF-8"),
    "bom.ics": Expected(IMPORTED),
    "html_script.ics": Expected(IMPORTED),
    "urls.ics": Expected(IMPORTED),
    "controls.ics": Expected(LENIENT, ":16", "control characters"),
    "rrule_minutely_no_end.ics": Expected(IMPORTED),
    "rrule_secondly_no_end.ics": Expected(IMPORTED),
    "rrule_secondly_million.ics": Expected(IMPORTED),
    "rrule_never_matches.ics": Expected(LENIENT, ":11", "took too long"),
    "rrule_far_future.ics": Expected(IMPORTED),
    "years_0001_9999.ics": Expected(LENIENT, ":11", "outside the dates"),
    "big_numbers.ics": Expected(LENIENT, ":14", "DURATION"),
    # researchseminars.org answers
    "truncated_researchseminars.json": Expected(REFUSED, ":30:", "not JSON"),
    "bom_researchseminars.json": Expected(IMPORTED),
    "hostile_researchseminars.json": Expected(LENIENT, ":39", "talk 3 skipped"),
    "big_number_researchseminars.json": Expected(REFUSED, ":1:", "5000 digits"),
    "lone_surrogate_researchseminars.json": Expected(REFUSED, ":1:", "lone surrogate"),
    "nan_researchseminars.json": Expected(REFUSED, ":1:", "NaN"),
    # yt-dlp playlist dumps (read by a sync, not by `import`)
    "truncated_playlist.json": Expected(REFUSED, ":1:", "not yt-dlp JSON"),
    "hostile_playlist.json": Expected(IMPORTED),
    "nan_playlist.json": Expected(REFUSED, ":1:", "NaN"),
    "big_number_playlist.json": Expected(REFUSED, ":1:", "5000 digits"),
    "lone_surrogate_playlist.json": Expected(REFUSED, ":1:", "lone surrogate"),
}
