"""The bounds themselves: strict JSON, cleaning and limits of talks, the recurrence clock,
reading at most a format's size, the cost of a search."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from icalendar import Calendar

from desktop_app.core.archive import Archive
from desktop_app.core.calendar.recurrence import Budget, expand
from desktop_app.core.errors import InputError
from desktop_app.core.importers import FEED_MAX_BYTES, read_for_import
from desktop_app.core.records import Speaker, TalkData
from desktop_app.core.sanitize import clean_block, clean_line, clean_talk, talk_problem
from desktop_app.core.search import SearchIndex
from desktop_app.core.search.limits import MAX_EXPANDING, MAX_WORDS, bound_query
from desktop_app.core.strict_json import MAX_DEPTH, JsonError, element_lines, loads
from tests.helpers.hostile import DEPTH


@pytest.mark.parametrize(
    ("text", "reason", "line"),
    [
        ('{"a": NaN}', "NaN", 1),
        ("[1,\n -Infinity]", "-Infinity", 2),
        ("\n\n[" + "7" * 5000 + "]", "5000 digits", 3),
        ('["\\ud800"]', "lone surrogate", 1),
        ('["\\udfff x"]', "lone surrogate", 1),
        ("[" * DEPTH + "]" * DEPTH, f"more than {MAX_DEPTH} levels", 1),
        ('{"a":' * 70 + "1" + "}" * 70, f"more than {MAX_DEPTH} levels", 1),
        ("[1e999]", "too large", 1),
        ('{"a": 1', "Expecting", 1),
    ],
)
def test_strict_json_refuses_what_the_archive_cannot_hold(
    text: str, reason: str, line: int
) -> None:
    with pytest.raises(JsonError) as refused:
        loads(text)
    assert reason in refused.value.reason
    assert refused.value.line == line


def test_strict_json_reads_what_is_fine() -> None:
    assert loads(b'\xef\xbb\xbf{"a": ["\\ud83d\\ude00", 1.5, -2, null]}') == {
        "a": ["😀", 1.5, -2, None]
    }
    assert element_lines('{"code": "x",\n "talks": [\n {},\n\n {"a": [1,\n 2]}, 3]}', "talks") == [
        3,
        5,
        6,
    ]


def test_cleaning_keeps_text_and_drops_control_characters() -> None:
    assert clean_line("a\x1b[31mb\r\nc\u2028d\te\x00") == "a[31mb c d e"
    assert clean_block("one\r\n\r\ntwo\rthree\x07\tfour") == "one\n\ntwo\nthree\tfour"
    talk = TalkData(
        uid="u",
        series="s",
        title="T\x1b]0;x\x07",
        speakers=(Speaker("A\nB", "C\x00"),),
        provenance={"k\x1b": ["v\x1b", {"w": "\x07"}]},
    )
    clean = clean_talk(talk)
    assert clean.title == "T]0;x"
    assert clean.speakers == (Speaker("A B", "C"),)
    assert clean.provenance == {"k": ["v", {"w": ""}]}
    assert clean_talk(clean) == clean


def test_limits_name_the_field() -> None:
    assert talk_problem(TalkData(uid="u", series="s", title="x" * 3000)) == (
        "title",
        "is 3,000 characters long (at most 2,000)",
    )
    speakers = tuple(Speaker(f"S{n}") for n in range(501))
    assert talk_problem(TalkData(uid="u", series="s", speakers=speakers))[0] == "speakers"  # type: ignore[index]
    assert talk_problem(TalkData(uid="u", series="s", duration_minutes=10**9))[0] == (  # type: ignore[index]
        "duration_minutes"
    )


def test_a_rule_that_never_matches_is_stopped_by_the_clock() -> None:
    calendar = Calendar.from_ical(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20240101T100000Z\r\n"
        "RRULE:FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    event = calendar.events[0]
    budget = Budget(seconds=0.5)
    started = time.monotonic()
    first = event.get("DTSTART").dt
    result = expand(calendar, [event.get("RRULE")], first, None, 500, budget)
    assert time.monotonic() - started < 1.5
    assert result.timed_out and not result.occurrences
    assert budget.left() == 0.0  # the file's budget is spent: later rules are not tried


def test_dev_zero_is_refused_after_its_first_bytes() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    started = time.monotonic()
    with pytest.raises(InputError, match="not a text file"):
        read_for_import(Path("/dev/zero"))
    assert time.monotonic() - started < 1.0


def test_an_endless_pipe_is_read_only_up_to_the_cap(tmp_path: Path) -> None:
    fifo = tmp_path / "endless.ics"
    os.mkfifo(fifo)
    written = [0]

    def feed() -> None:
        chunk = b"X-PAD:" + b"a" * 1000 + b"\r\n"
        try:
            with fifo.open("wb") as stream:
                stream.write(b"BEGIN:VCALENDAR\r\n")
                while written[0] < 4 * FEED_MAX_BYTES:  # stops when the reader closes
                    stream.write(chunk)
                    written[0] += len(chunk)
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    with pytest.raises(InputError, match="larger than 16 MB"):
        read_for_import(fifo)
    writer.join(timeout=10)
    assert written[0] < 2 * FEED_MAX_BYTES


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    with (
        Archive.open(tmp_path_factory.mktemp("search") / "archive") as archive,
        SearchIndex.open(archive) as opened,
    ):
        yield opened


def test_a_long_query_is_cut_and_says_so(index: SearchIndex) -> None:
    words = " ".join(["learning", "gradient", "neural", "network"] * 300)
    started = time.monotonic()
    result = index.search(words)
    assert time.monotonic() - started < 3.0
    assert result.query == words
    assert result.message is not None and f"only the first {MAX_WORDS}" in result.message


def test_many_fuzzy_terms_are_bounded_and_say_so(index: SearchIndex) -> None:
    query = " ".join(f"{w}~2" for w in ["learning", "neural", "network", "kernel"] * 15)
    started = time.monotonic()
    result = index.search(query)
    assert time.monotonic() - started < 3.0
    assert result.message is not None and f"first {MAX_EXPANDING} prefix" in result.message


def test_bounding_a_query_is_stable() -> None:
    for text in ["a~1~2~3 " * 40, "x* " * 9, "w " * 40, "q" * 5000, "plain words"]:
        bounded, note = bound_query(text)
        assert bound_query(bounded) == (bounded, None)
        assert (note is None) == (text == "plain words")
