"""Talk facts inside feed text: speakers in summaries, the kind of a link, researchseminars.org.

Speakers are taken from a SUMMARY only when it is unambiguous: `Speaker: Title` or
`Title (Speaker)` where the speaker part looks like a person's name (two to four capitalised
words, none of them a word such as "Seminar" or "Workshop"). ORGANIZER is not read as the
speaker: real feeds (Google, Meetup, Exchange) put the calendar's owner there.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from desktop_app.core.calendar.eventtext import one_line, split_parenthesised
from desktop_app.core.calendar.html_text import clean_text
from desktop_app.core.records import Speaker

_NOT_NAME_WORDS = frozenset(
    {
        "seminar",
        "seminars",
        "talk",
        "talks",
        "lecture",
        "lectures",
        "colloquium",
        "workshop",
        "meeting",
        "meetup",
        "session",
        "keynote",
        "tutorial",
        "panel",
        "discussion",
        "reading",
        "group",
        "journal",
        "club",
        "special",
        "invited",
        "guest",
        "online",
        "update",
        "news",
        "course",
        "class",
        "day",
        "week",
        "series",
        "event",
        "webinar",
        "symposium",
        "conference",
        "defense",
        "defence",
        "cancelled",
        "canceled",
        "postponed",
        "tba",
        "tbd",
        "tbc",
        "note",
        "reminder",
        "abstract",
        "title",
        "test",
        "standup",
        "sprint",
        "review",
        "break",
        "lunch",
        "dinner",
        "coffee",
        "opening",
        "closing",
        "welcome",
        "introduction",
        "intro",
        "part",
        "chapter",
        "room",
        "hall",
        "holiday",
        "vacation",
        "deadline",
        "exam",
        "office",
        "hours",
        "hack",
        "night",
        "school",
        "summer",
        "winter",
        "spring",
        "autumn",
        "fall",
        "social",
        "party",
        "the",
        "and",
        "of",
        "for",
        "on",
        "in",
        "at",
        "with",
    }
)
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "del"})
_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
_MEETING_HOSTS = (
    "zoom.us",
    "zoom.com",
    "meet.google.com",
    "teams.microsoft.com",
    "teams.live.com",
    "webex.com",
    "meet.jit.si",
    "whereby.com",
    "gotomeeting.com",
    "gotowebinar.com",
    "livemeeting.com",
    "bluejeans.com",
    "bigbluebutton",
    "bbb.",
)
_VIDEO_HOSTS = ("youtube.com", "youtu.be", "youtube-nocookie.com")


def _is_name_part(part: str) -> bool:
    if len(part) == 2 and part[0].isupper() and part[1] == ".":
        return True  # an initial
    pieces = [p for p in re.split(r"[-'’]", part) if p]
    return bool(pieces) and all(
        p[0].isupper() and p[1:].isalpha() and any(c.islower() for c in p[1:]) for p in pieces
    )


def looks_like_person(text: str) -> bool:
    """True for `Ada Lovelace`, `J. R. Smith`, `Vincent van Gogh`; not for `Seminar`."""
    words = text.split()
    if not 2 <= len(words) <= 5:
        return False
    if any(w.casefold().strip(".,") in _NOT_NAME_WORDS for w in words):
        return False
    capitalised = [w for w in words if w not in _PARTICLES]
    return len(capitalised) >= 2 and all(_is_name_part(w) for w in capitalised)


def speaker_and_title(summary: str) -> tuple[Speaker | None, str]:
    """Split `Speaker: Title` or `Title (Speaker)` when the speaker part is a person's name."""
    text = one_line(summary)
    head, colon, rest = text.partition(": ")
    if colon and rest.strip() and looks_like_person(head):
        return Speaker(head.strip()), rest.strip()
    match = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", text)
    if match and looks_like_person(match.group(2)):
        return Speaker(match.group(2).strip()), match.group(1).strip()
    return None, text


def split_affiliation(text: str) -> Speaker:
    """`Name (Affiliation)` → Speaker(name, affiliation), matching the brackets."""
    name, affiliation = split_parenthesised(one_line(text))
    return Speaker(name.strip(), affiliation.strip() if affiliation else None)


def is_video_url(url: str) -> bool:
    """True for YouTube links (recordings)."""
    host = urlsplit(url).netloc.lower()
    return any(host == h or host.endswith("." + h) for h in _VIDEO_HOSTS)


def is_meeting_url(url: str) -> bool:
    """True for links of video-meeting services (join links)."""
    host = urlsplit(url).netloc.lower()
    return any(h in host for h in _MEETING_HOSTS)


def urls_in(text: str) -> list[str]:
    """The http(s) URLs in a text, in order, without trailing punctuation."""
    return [u.rstrip(".,;:") for u in _URL.findall(text)]


@dataclass(frozen=True)
class ResearchSeminarsEvent:
    """What researchseminars.org writes into an event (SUMMARY holds the speaker)."""

    title: str | None
    speakers: tuple[Speaker, ...]
    series_name: str | None
    talk_page: str | None
    abstract: str | None


_RS_HEAD = re.compile(
    r"^Title:\s*(?:<a href=\"(?P<href>[^\"]*)\">)?(?P<title>.*?)(?:</a>)?\s*\n"
    r"by (?P<by>.*?) as part of (?P<series>[^\n]*)\n",
    re.DOTALL,
)


def read_researchseminars(summary: str, description: str) -> ResearchSeminarsEvent | None:
    """The layout of researchseminars.org's `.ics` (None when the text does not have it)."""
    match = _RS_HEAD.match(description)
    if match is None:
        return None
    title = clean_text(html.unescape(match.group("title"))) or None
    if title and title.upper() in {"TBA", "TBD"}:
        title = None
    rest = description[match.end() :]
    abstract: str | None = None
    marker = re.search(r"(?m)^Abstract(?::\s*(?P<tba>TBA))?\s*$", rest)
    if marker and not marker.group("tba"):
        abstract = rest[marker.end() :].strip() or None
    speakers = tuple(split_affiliation(part) for part in summary.split(" | ") if part.strip()) or (
        split_affiliation(match.group("by")),
    )
    return ResearchSeminarsEvent(
        title=title,
        speakers=speakers,
        series_name=one_line(match.group("series")) or None,
        talk_page=match.group("href") or None,
        abstract=abstract,
    )
