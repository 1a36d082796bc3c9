"""Cuts an iCalendar file into its components by hand, with line numbers.

One bad line makes the common parsers reject a whole file, so the calendar importer first
splits the text itself: it unfolds lines (CRLF or LF, space or TAB folds, 76-octet lines),
checks each content line, and collects the calendar's own properties, its VTIMEZONEs and
its VEVENTs as separate blocks. A block with a broken line, or cut off by the end of the
file (a truncated download), is marked with the line and the reason; the others are whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from desktop_app.core.errors import InputError
from desktop_app.core.sanitize import TEXT_MAX

MAX_LINE = 4 * TEXT_MAX  # characters of one unfolded content line (escapes count double)
MAX_NESTING = 8  # components inside an event (VALARM, and what producers invent)

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_PARAM_VALUE = r'(?:"[^"\x00-\x1f]*"|[^";:,\x00-\x1f]*)'
_CONTENT_LINE = re.compile(
    rf"^[A-Za-z0-9-]+(?:;[A-Za-z0-9-]+={_PARAM_VALUE}(?:,{_PARAM_VALUE})*)*:", re.ASCII
)
_TOP_LEVEL = frozenset({"VEVENT", "VTIMEZONE", "VTODO", "VJOURNAL", "VFREEBUSY", "VAVAILABILITY"})
_TZID_PARAM = re.compile(r';TZID=("[^"]*"|[^;:]*)', re.IGNORECASE)
_RRULE_SPACES = re.compile(r"\s*([,;=])\s*")


@dataclass(frozen=True)
class ContentLine:
    """One unfolded content line and the number of its first physical line (from 1)."""

    number: int
    text: str

    @property
    def name(self) -> str:
        """The property name, upper-cased."""
        return re.split(r"[;:]", self.text, maxsplit=1)[0].upper()


@dataclass
class Block:
    """A top-level component (VEVENT, VTIMEZONE, …) as the lines that make it."""

    name: str
    start: int
    lines: list[ContentLine] = field(default_factory=list)
    problem: str | None = None  # set when the block must not be used, with its line

    def first_line_of(self, property_name: str) -> int:
        """The line number of the first `property_name` line (the block's start if none)."""
        for line in self.lines:
            if line.name == property_name.upper():
                return line.number
        return self.start

    def line_of_error(self, property_name: str, message: str) -> int:
        """The line of the `property_name` line a parser's message is about (its value is
        quoted in the message), else the first such line."""
        for line in self.lines:
            if line.name == property_name.upper():
                value = _value(line.text)
                if (value and value in message) or (not value and "''" in message):
                    return line.number
        return self.first_line_of(property_name)

    def value_of(self, property_name: str) -> str | None:
        """The raw (still escaped) value of the first `property_name` line."""
        for line in self.lines:
            if line.name == property_name.upper():
                return _value(line.text)
        return None

    def tzids(self) -> set[str]:
        """The TZIDs the block's properties refer to."""
        found = set()
        for line in self.lines:
            for match in _TZID_PARAM.finditer(line.text.split(":", 1)[0] + ":"):
                found.add(match.group(1).strip('"'))
        return found

    def text(self) -> str:
        """The block as iCalendar text (one unfolded line per content line, CRLF)."""
        return "".join(line.text + "\r\n" for line in self.lines)


@dataclass
class SplitFeed:
    """A calendar file cut into its parts."""

    properties: list[ContentLine] = field(default_factory=list)
    timezones: list[Block] = field(default_factory=list)
    events: list[Block] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    bare: bool = False  # components without a VCALENDAR around them
    cut_off: bool = False  # the data ends inside a component or before END:VCALENDAR


def _value(text: str) -> str:
    """The value part of a content line (after the first colon outside quotes)."""
    in_quotes = False
    for index, char in enumerate(text):
        if char == '"':
            in_quotes = not in_quotes
        elif char == ":" and not in_quotes:
            return text[index + 1 :]
    return ""


def _physical_lines(data: bytes) -> list[tuple[int, str, bool]]:
    """(number, text, decoded cleanly) for every physical line."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    result = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        try:
            result.append((number, raw.decode("utf-8"), True))
        except UnicodeDecodeError:
            result.append((number, raw.decode("utf-8", errors="replace"), False))
    return result


def _unfold(data: bytes) -> tuple[list[ContentLine], dict[int, str]]:
    """Content lines, and the reasons why some of them (by number) are broken."""
    lines: list[ContentLine] = []
    broken: dict[int, str] = {}
    for number, text, clean in _physical_lines(data):
        if text[:1] in (" ", "\t") and lines:
            last = lines[-1]
            lines[-1] = ContentLine(last.number, last.text + text[1:])
            if not clean:
                broken.setdefault(last.number, f"line {number}: not UTF-8 text")
            continue
        if not text.strip():
            continue
        lines.append(ContentLine(number, text))
        if not clean:
            broken[number] = f"line {number}: not UTF-8 text"
    for line in lines:
        if line.number in broken:
            continue
        if len(line.text) > MAX_LINE:
            broken[line.number] = (
                f"line {line.number}: {len(line.text):,} characters long (at most {MAX_LINE:,})"
            )
        elif _CONTROL.search(line.text):
            broken[line.number] = f"line {line.number}: control characters in the line"
        elif not _CONTENT_LINE.match(line.text):
            broken[line.number] = f"line {line.number}: not a content line: {line.text[:60]!r}"
    return lines, broken


def _repair(line: ContentLine) -> ContentLine:
    """Mend what real producers get wrong in a harmless way (Exchange CDO writes
    `BYDAY=MO, TU` in RRULEs)."""
    if line.name in {"RRULE", "EXRULE"}:
        head, _, value = line.text.partition(":")
        mended = _RRULE_SPACES.sub(r"\1", value.strip())
        return ContentLine(line.number, f"{head}:{mended}")
    return line


def split_feed(data: bytes, where: str) -> SplitFeed:
    """Cut `data` into calendar properties, VTIMEZONE and VEVENT blocks.

    Raises InputError when the data is not iCalendar at all (no BEGIN:VCALENDAR and no
    component).
    """
    lines, broken = _unfold(data)
    feed = SplitFeed()
    in_calendar = False
    seen_calendar = False
    current: Block | None = None
    nested: list[str] = []

    def finish(block: Block, problem: str | None = None) -> None:
        if problem and block.problem is None:
            block.problem = problem
        if block.name == "VEVENT":
            feed.events.append(block)
        elif block.name == "VTIMEZONE":
            feed.timezones.append(block)

    for line in lines:
        keyword, _, argument = line.text.partition(":")
        keyword = keyword.strip().upper()
        component = argument.strip().upper()
        if current is not None:
            if (
                keyword == "BEGIN"
                and component in _TOP_LEVEL
                and not (current.name == "VTIMEZONE" and component in {"STANDARD", "DAYLIGHT"})
            ):
                finish(
                    current,
                    f"line {current.start}: no END:{current.name} before line {line.number}",
                )
                current, nested = Block(component, line.number, [line]), []
                continue
            if keyword == "END" and not nested and component == current.name:
                current.lines.append(line)
                finish(current)
                current = None
                continue
            if keyword == "END" and component == "VCALENDAR":
                finish(
                    current,
                    f"line {current.start}: no END:{current.name} before the end "
                    f"of the calendar (line {line.number})",
                )
                current, in_calendar = None, False
                continue
            if keyword == "BEGIN":
                nested.append(component)
                if len(nested) > MAX_NESTING and current.problem is None:
                    current.problem = (
                        f"line {line.number}: components nested more than {MAX_NESTING} deep"
                    )
            elif keyword == "END":
                if nested and nested[-1] == component:
                    nested.pop()
                elif current.problem is None:
                    current.problem = f"line {line.number}: END:{component} closes nothing"
            if line.number in broken and current.problem is None:
                current.problem = broken[line.number]
            current.lines.append(_repair(line))
            continue
        if keyword == "BEGIN" and component == "VCALENDAR":
            in_calendar = seen_calendar = True
        elif keyword == "END" and component == "VCALENDAR":
            in_calendar = False
        elif keyword == "BEGIN" and component:
            if not in_calendar:
                feed.bare = True
            current, nested = Block(component, line.number, [line]), []
            if line.number in broken:
                current.problem = broken[line.number]
        elif in_calendar:
            if line.number in broken:
                feed.warnings.append((line.number, f"ignored: {broken[line.number]}"))
            else:
                feed.properties.append(line)
    feed.cut_off = current is not None or in_calendar
    if current is not None:
        finish(
            current,
            f"line {current.start}: the file ends inside this {current.name} (a cut-off download?)",
        )
    if not seen_calendar and not feed.events:
        raise InputError(
            f"{where}: not an iCalendar file (no BEGIN:VCALENDAR)",
            "A calendar feed starts with BEGIN:VCALENDAR.",
        )
    if feed.bare and feed.events:
        feed.warnings.append(
            (feed.events[0].start, "events without a VCALENDAR around them; read anyway")
        )
    return feed
