"""Hypothesis strategies for hostile files of every format the archive reads.

Each builds something close to a real file (so that the parsers get past their first check)
and then breaks it: wrong types, extreme numbers and dates, control characters, markup,
links of every scheme, deep nesting, lone surrogates, truncation, stray bytes, BOMs.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from hypothesis import strategies as st

ZONES = ["Europe/Berlin", "America/New_York", "UTC", "Asia/Kolkata", "Nowhere/Zone", "", "a" * 300]
SCHEMES = [
    "https://example.org/",
    "http://x",
    "javascript:alert(1)",
    "data:text/html,x",
    "file:///etc/passwd",
    "ftp://x",
    "http://[::1",
    "https://",
    "//evil",
    "",
]
HOSTILE_TEXT = [
    "\x1b[31mred\x1b[0m",
    "\x00\x07\x08\x7f\x85\x9b",
    "line\r\nbreak\u2028sep",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "\u202eevil\u202c",
    "Café ü 数学 😀",
    "\\n\\,\\;",
    " ",
]

texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(HOSTILE_TEXT),
    st.text(alphabet=st.characters(max_codepoint=0x9F), max_size=20),
)
numbers = st.one_of(
    st.integers(min_value=-(10**60), max_value=10**60),
    st.floats(),
    st.sampled_from([0, -1, 2**63, 10**30, 1e308, -0.0]),
)
datetimes = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59))
json_leaves = st.one_of(st.none(), st.booleans(), numbers, texts)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=12,
)


def _date_texts() -> st.SearchStrategy[str]:
    return st.one_of(
        datetimes.map(lambda d: d.isoformat()),
        datetimes.map(lambda d: d.isoformat() + "+00:00"),
        datetimes.map(lambda d: d.isoformat() + "-05:00"),
        st.sampled_from(["next Thursday", "", "2024-02-30T10:00:00", "9999-12-31T23:59:59"]),
        texts,
    )


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(strategy, json_values, st.none())


# ------------------------------------------------------------------ exchange format

_talks = st.fixed_dictionaries(
    {"kind": st.just("talk"), "uid": _maybe(texts), "series": _maybe(st.just("owml") | texts)},
    optional={
        "title": _maybe(texts),
        "speakers": _maybe(
            st.lists(
                st.fixed_dictionaries(
                    {"name": _maybe(texts)}, optional={"affiliation": _maybe(texts)}
                ),
                max_size=3,
            )
        ),
        "start": _maybe(_date_texts()),
        "timezone": _maybe(st.sampled_from(ZONES)),
        "duration_minutes": _maybe(numbers),
        "abstract": _maybe(texts),
        "links": _maybe(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "kind": st.sampled_from(["paper", "video", "pdf"]),
                        "url": st.sampled_from(SCHEMES),
                        "label": _maybe(texts),
                    }
                ),
                max_size=3,
            )
        ),
        "recording_url": _maybe(st.sampled_from(SCHEMES)),
        "join_url": _maybe(st.sampled_from(SCHEMES)),
        "tags": _maybe(st.lists(texts, max_size=3)),
        "cancelled": _maybe(st.booleans()),
        "provenance": _maybe(json_values),
        "user": _maybe(st.fixed_dictionaries({}, optional={"starred": json_values, "note": texts})),
        "colour": json_values,
    },
)
_valid_zones = st.sampled_from(["Europe/Berlin", "America/New_York", "UTC", "Asia/Kolkata"])
_valid_talks = st.fixed_dictionaries(
    {
        "kind": st.just("talk"),
        "uid": st.text(alphabet="abc-1", min_size=1, max_size=8).map(lambda t: "f-" + t),
        "series": st.just("owml"),
        "title": st.one_of(st.none(), texts),
        "speakers": st.lists(
            st.fixed_dictionaries(
                {"name": texts.filter(str.strip), "affiliation": st.one_of(st.none(), texts)}
            ),
            max_size=2,
        ),
        "start": st.one_of(st.none(), datetimes.map(lambda d: d.isoformat())),
        "timezone": _valid_zones,
        "duration_minutes": st.one_of(st.none(), st.integers(1, 10**7)),
        "abstract": st.one_of(st.none(), texts),
        "links": st.just([]),
        "recording_url": st.one_of(st.none(), st.sampled_from(SCHEMES[:2])),
        "tags": st.lists(texts.filter(bool), max_size=2),
        "provenance": st.dictionaries(texts, json_values, max_size=2),
    }
)
_series = st.fixed_dictionaries(
    {"kind": st.just("series"), "slug": _maybe(texts), "name": _maybe(texts)},
    optional={
        "homepage": _maybe(st.sampled_from(SCHEMES)),
        "timezone": _maybe(st.sampled_from(ZONES)),
    },
)
_headers = st.fixed_dictionaries(
    {
        "kind": st.just("archive"),
        "format": st.sampled_from(["seminar-archive", "other"]),
        "version": _maybe(numbers),
    }
)


def _json_line(record: Any) -> str:
    return json.dumps(record, ensure_ascii=False, allow_nan=True)


def _broken_line(draw: st.DrawFn) -> bytes:
    record = draw(st.one_of(_talks, _series, _headers, json_values))
    text = _json_line(record)
    how = draw(st.sampled_from(["whole", "cut", "deep", "surrogate", "bytes", "number"]))
    if how == "cut":
        text = text[: draw(st.integers(0, max(0, len(text) - 1)))]
    elif how == "deep":
        depth = draw(st.sampled_from([65, 1000, 100_000]))
        text = "[" * depth + "]" * depth
    elif how == "surrogate":
        text = text.replace('"', '"\\ud800', 1)
    elif how == "bytes":
        return text.encode("utf-8") + draw(st.binary(max_size=20))
    elif how == "number":
        text = text.replace("1", "9" * draw(st.sampled_from([41, 5000])), 1)
    return text.encode("utf-8", "surrogatepass")


@st.composite
def exchange_files(draw: st.DrawFn) -> bytes:
    """An exchange file: a header (or not), series and talks, some lines broken."""
    lines: list[bytes] = []
    if draw(st.booleans()):
        lines.append(_json_line(draw(_headers)).encode())
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.integers(0, 3)) == 0:
            lines.append(_broken_line(draw))
        else:
            record = draw(st.one_of(_valid_talks, _valid_talks, _talks, _series))
            lines.append(_json_line(record).encode("utf-8", "surrogatepass"))
    data = b"\n".join(lines)
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + data


# ------------------------------------------------------------------ calendar feeds


def _ics_date(value: datetime) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}T{value.hour:02d}{value.minute:02d}00"


_ics_times = st.one_of(
    datetimes.map(lambda d: ":" + _ics_date(d) + "Z"),
    datetimes.map(lambda d: ":" + _ics_date(d)),
    st.tuples(st.sampled_from(ZONES), datetimes).map(lambda p: f";TZID={p[0]}:{_ics_date(p[1])}"),
    st.dates(min_value=date(1, 1, 1)).map(
        lambda d: f";VALUE=DATE:{d.year:04d}{d.month:02d}{d.day:02d}"
    ),
    texts.map(lambda t: ":" + t.replace("\n", " ").replace("\r", " ")),
)
_rrules = st.builds(
    lambda freq, parts: "RRULE:" + ";".join([f"FREQ={freq}", *parts]),
    st.sampled_from(
        ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY", "NEVER"]
    ),
    st.lists(
        st.one_of(
            st.integers(-5, 10**7).map(lambda n: f"COUNT={n}"),
            st.integers(0, 10**9).map(lambda n: f"INTERVAL={n}"),
            datetimes.map(lambda d: f"UNTIL={_ics_date(d)}Z"),
            st.sampled_from(
                [
                    "BYMONTH=2",
                    "BYMONTHDAY=30",
                    "BYMONTHDAY=-1",
                    "BYDAY=MO,TU,WE,TH,FR,SA,SU",
                    "BYHOUR=25",
                    "BYSETPOS=5",
                    "BYMINUTE=0,30",
                    "BYYEARDAY=366",
                    "WKST=XX",
                ]
            ),
        ),
        max_size=4,
    ),
)
_properties = st.one_of(
    _ics_times.map(lambda v: "DTSTART" + v),
    _ics_times.map(lambda v: "DTEND" + v),
    _ics_times.map(lambda v: "RDATE" + v),
    _ics_times.map(lambda v: "EXDATE" + v),
    _ics_times.map(lambda v: "RECURRENCE-ID" + v),
    _rrules,
    st.sampled_from(
        ["DURATION:PT1H", "DURATION:P99999999W", "DURATION:-PT5M", "DURATION:P" + "9" * 60 + "D"]
    ),
    texts.map(lambda t: "UID:" + t.replace("\n", "\\n").replace("\r", "")),
    texts.map(lambda t: "SUMMARY:" + t.replace("\n", "\\n").replace("\r", "")),
    texts.map(lambda t: "DESCRIPTION:" + t.replace("\n", "\\n").replace("\r", "")),
    st.sampled_from(SCHEMES).map(lambda u: "URL:" + u),
    st.sampled_from(SCHEMES).map(lambda u: "LOCATION:" + u),
    st.sampled_from(
        [
            "STATUS:CANCELLED",
            "CATEGORIES:a,b",
            "X-SPEAKER:Ada;Bo",
            "BEGIN:VALARM",
            "END:VALARM",
            "BEGIN:VEVENT",
            "END:VCALENDAR",
        ]
    ),
)


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", "\\n")


@st.composite
def calendar_files(draw: st.DrawFn) -> bytes:
    """A calendar: its own properties, maybe a VTIMEZONE, events of random lines; sometimes
    cut off, with stray bytes, or nested."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:"
        + draw(
            st.sampled_from(
                [
                    "-//t//EN",
                    "-//researchseminars.org//x//EN",
                    "-//Seminar Archive//Seminar Archive//EN",
                ]
            )
        ),
    ]
    if draw(st.booleans()):
        lines.append("X-WR-TIMEZONE:" + draw(st.sampled_from(ZONES)))
    if draw(st.booleans()):
        lines += [
            "BEGIN:VTIMEZONE",
            "TZID:" + draw(st.sampled_from(ZONES)),
            "BEGIN:STANDARD",
            "DTSTART:16010101T000000",
            "TZOFFSETFROM:+0100",
            "TZOFFSETTO:" + draw(st.sampled_from(["+0000", "+9999", "x"])),
            "END:STANDARD",
            "END:VTIMEZONE",
        ]
    for _ in range(draw(st.integers(0, 4))):
        lines.append("BEGIN:VEVENT")
        lines.append("DTSTART" + draw(_ics_times))
        lines += draw(st.lists(_properties, max_size=6))
        if draw(st.integers(0, 9)):
            lines.append("END:VEVENT")
    for _ in range(draw(st.integers(0, 2))):  # well-formed events, recurring or not
        start = draw(st.sampled_from(["20240105T150000Z", "20240105T150000", "20240105"]))
        value = ";VALUE=DATE" if len(start) == 8 else ""
        lines += [
            "BEGIN:VEVENT",
            "UID:" + _one_line(draw(texts)) + "@fuzz",
            f"DTSTART{value}:{start}",
            "SUMMARY:" + _one_line(draw(texts)),
        ]
        lines += draw(st.lists(st.one_of(_rrules, _rrules, _properties), max_size=2))
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    text = "\r\n".join(lines) + "\r\n"
    data = text.encode("utf-8")
    if draw(st.integers(0, 4)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    if draw(st.integers(0, 4)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=8)) + data[at:]
    return data


@st.composite
def recurring_feeds(draw: st.DrawFn) -> bytes:
    """A good event and a recurring one: any rule, start, RDATEs, EXDATEs and overrides."""
    start = draw(
        st.sampled_from(
            [
                ":20240105T150000Z",
                ":20240105T150000",
                ";VALUE=DATE:20240105",
                ";TZID=Europe/Berlin:20240105T150000",
                ";TZID=America/New_York:20241103T013000",
                ":99981231T100000Z",
                ";TZID=Europe/Berlin:00010101T001000",
            ]
        )
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//t//EN",
        "BEGIN:VEVENT",
        "UID:good@fuzz",
        "DTSTART:20240105T150000Z",
        "SUMMARY:Good",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:rule@fuzz",
        "DTSTART" + start,
        "SUMMARY:Recurring",
        *draw(st.lists(_rrules, min_size=1, max_size=2)),
        *draw(st.lists(_ics_times.map(lambda v: "RDATE" + v), max_size=2)),
        *draw(st.lists(_ics_times.map(lambda v: "EXDATE" + v), max_size=2)),
        "END:VEVENT",
    ]
    for _ in range(draw(st.integers(0, 2))):  # moved or cancelled occurrences
        lines += [
            "BEGIN:VEVENT",
            "UID:rule@fuzz",
            "RECURRENCE-ID" + draw(_ics_times),
            "DTSTART" + draw(_ics_times),
            draw(st.sampled_from(["STATUS:CANCELLED", "SUMMARY:Moved"])),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


# ------------------------------------------------------------------ researchseminars.org

_valid_rs_talks = st.fixed_dictionaries(
    {
        "seminar_id": st.just("FUZZ"),
        "seminar_ctr": st.integers(0, 10**6),
        "title": texts,
        "abstract": texts,
        "speaker": texts,
        "start_time": datetimes.map(lambda d: d.isoformat(sep=" ") + "+00:00"),
        "timezone": st.one_of(_valid_zones, st.just("")),
        "video_link": st.sampled_from(SCHEMES),
    }
)
_rs_talks = st.fixed_dictionaries(
    {},
    optional={
        "seminar_id": _maybe(texts),
        "seminar_ctr": _maybe(st.one_of(numbers, texts)),
        "title": _maybe(texts),
        "abstract": _maybe(texts),
        "speaker": _maybe(texts),
        "speaker_affiliation": _maybe(texts),
        "start_time": _maybe(_date_texts()),
        "end_time": _maybe(_date_texts()),
        "timezone": _maybe(st.sampled_from(ZONES)),
        "video_link": _maybe(st.sampled_from(SCHEMES)),
        "live_link": _maybe(st.sampled_from(SCHEMES)),
        "stream_link": _maybe(st.sampled_from(SCHEMES)),
        "slides_link": _maybe(st.sampled_from(SCHEMES)),
        "speaker_homepage": _maybe(st.sampled_from(SCHEMES)),
        "room": _maybe(texts),
        "comments": _maybe(texts),
        "deleted": _maybe(st.booleans()),
    },
)


@st.composite
def researchseminars_answers(draw: st.DrawFn) -> bytes:
    """An API answer (series lookup, search, bare list or error), maybe in JSONP or cut."""
    kinds = st.one_of(_valid_rs_talks, _valid_rs_talks, _rs_talks, json_values)
    talks = draw(st.lists(kinds, max_size=5))
    shape = draw(st.sampled_from(["series", "search", "list", "error", "talk"]))
    answer: Any
    if shape == "series":
        answer = {
            "code": "success",
            "properties": draw(
                st.dictionaries(
                    st.sampled_from(["shortname", "name", "timezone", "homepage", "description"]),
                    _maybe(texts),
                )
            ),
            "talks": talks,
        }
    elif shape == "search":
        answer = {"code": "success", "results": talks}
    elif shape == "list":
        answer = talks
    elif shape == "talk":
        answer = {"code": "success", "properties": talks[0] if talks else {}}
    else:
        answer = {"code": draw(_maybe(texts)), "description": draw(_maybe(texts))}
    text = json.dumps(answer, allow_nan=True, indent=draw(st.sampled_from([None, 1])))
    if draw(st.booleans()):
        text = f"callback({text});"
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 4)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return data


# ------------------------------------------------------------------ yt-dlp dumps

_entries = st.fixed_dictionaries(
    {},
    optional={
        "id": _maybe(st.one_of(st.text(alphabet="AbC0_-", min_size=11, max_size=11), texts)),
        "title": _maybe(texts),
        "url": _maybe(st.sampled_from(SCHEMES)),
        "ie_key": _maybe(st.sampled_from(["Youtube", "YoutubeTab", "Generic"])),
        "duration": _maybe(numbers),
        "timestamp": _maybe(numbers),
        "release_timestamp": _maybe(numbers),
        "upload_date": _maybe(
            st.one_of(st.text(alphabet="0123456789", min_size=8, max_size=8), texts)
        ),
        "availability": _maybe(st.sampled_from(["public", "private", "needs_auth"])),
        "live_status": _maybe(st.sampled_from(["is_upcoming", "was_live"])),
        "channel": _maybe(texts),
    },
)


@st.composite
def playlist_dumps(draw: st.DrawFn) -> bytes:
    """What `yt-dlp --flat-playlist -J` prints, bent: nested playlists, odd values, cut."""
    entries = draw(
        st.recursive(
            st.lists(st.one_of(_entries, json_values), max_size=4),
            lambda inner: st.lists(
                st.one_of(_entries, inner.map(lambda e: {"entries": e})), max_size=3
            ),
            max_leaves=8,
        )
    )
    dump = {
        "_type": "playlist",
        "id": draw(_maybe(texts)),
        "title": draw(_maybe(texts)),
        "entries": entries,
    }
    data = json.dumps(dump, allow_nan=True).encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 4)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return data
