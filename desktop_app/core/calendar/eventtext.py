"""The text of an exported event (SUMMARY and DESCRIPTION), and reading our own text back.

The DESCRIPTION of an exported talk is a block of `Label: value` lines, a blank line, then the
plain-text abstract unchanged to the end. The header lines are single lines (newlines in names
are folded to spaces), so the first blank line always ends the header and the abstract survives
any text it holds. Feeds written by this app (recognised by their PRODID) are read back with
`read_description`, which is how an archive → .ics → archive round trip keeps every link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from desktop_app.core.labels import UNTITLED_PREFIX, display_title
from desktop_app.core.records import LinkData, Speaker, TalkData

PRODID = "-//Seminar Archive//Seminar Archive//EN"
PRODID_MARK = "//Seminar Archive//"
SUMMARY_SEPARATOR = " — "
_ONE_LINE = re.compile(r"\s*[\r\n]+\s*")

LINK_LABELS = {
    "arxiv": "arXiv",
    "paper": "Paper",
    "code": "Code",
    "slides": "Slides",
    "video": "Video",
    "homepage": "Homepage",
    "listing": "Listing",
    "related-paper": "Related paper",
}
_KIND_OF_LABEL = {label: kind for kind, label in LINK_LABELS.items()}
_SPEAKER = "Speaker"
_RECORDING = "Recording"
_JOIN = "Join"
_SERIES = "Series"
_SERIES_HOMEPAGE = "Series homepage"
_STATUS = "Status"
_CANCELLED = "cancelled"


def one_line(text: str) -> str:
    """`text` with its line breaks (and the spaces around them) folded to one space."""
    return _ONE_LINE.sub(" ", text).strip()


def speakers_text(speakers: tuple[Speaker, ...]) -> str:
    """The speakers' names, as the SUMMARY shows them."""
    return ", ".join(one_line(s.name) for s in speakers)


def event_summary(talk: TalkData) -> str:
    """`Speaker — Title` (or the untitled label; or only the title when no speaker is known).

    The title is kept as it is (line breaks are escaped, not lost), so that it reads back
    unchanged.
    """
    title = talk.title if talk.title else one_line(display_title(None, talk.abstract))
    names = speakers_text(talk.speakers)
    return f"{names}{SUMMARY_SEPARATOR}{title}" if names else title


def _speaker_line(speaker: Speaker) -> str:
    name = one_line(speaker.name)
    if speaker.affiliation and one_line(speaker.affiliation):
        return f"{_SPEAKER}: {name} ({one_line(speaker.affiliation)})"
    return f"{_SPEAKER}: {name}"


def event_description(
    talk: TalkData, series_name: str | None = None, series_homepage: str | None = None
) -> str:
    """The plain-text DESCRIPTION: speakers, links and series, a blank line, the abstract."""
    lines = [_speaker_line(s) for s in talk.speakers]
    if talk.cancelled:
        lines.append(f"{_STATUS}: {_CANCELLED}")
    if talk.recording_url:
        lines.append(f"{_RECORDING}: {one_line(talk.recording_url)}")
    if talk.join_url:
        lines.append(f"{_JOIN}: {one_line(talk.join_url)}")
    for link in talk.links:
        label = LINK_LABELS.get(link.kind, link.kind)
        if link.label and one_line(link.label):
            label = f"{label} ({one_line(link.label)})"
        lines.append(f"{label}: {one_line(link.url)}")
    if series_name:
        lines.append(f"{_SERIES}: {one_line(series_name)}")
    if series_homepage:
        lines.append(f"{_SERIES_HOMEPAGE}: {one_line(series_homepage)}")
    header = "\n".join(lines)
    if talk.abstract is None:
        return header
    return f"{header}\n\n{talk.abstract}" if header else f"\n{talk.abstract}"


@dataclass
class OwnEventText:
    """What `read_description` recovered from one of our own events."""

    speakers: list[Speaker] = field(default_factory=list)
    recording_url: str | None = None
    join_url: str | None = None
    links: list[LinkData] = field(default_factory=list)
    series_name: str | None = None
    series_homepage: str | None = None
    abstract: str | None = None
    cancelled: bool = False


def split_parenthesised(text: str) -> tuple[str, str | None]:
    """`Name (Affiliation (X))` → (`Name`, `Affiliation (X)`), matching the brackets."""
    if not text.endswith(")"):
        return text, None
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        if char == ")":
            depth += 1
        elif char == "(":
            depth -= 1
            if depth == 0:
                if index > 0 and text[index - 1] == " ":
                    return text[: index - 1], text[index + 1 : -1]
                return text, None
    return text, None


def read_description(description: str) -> OwnEventText:
    """Read back a DESCRIPTION that `event_description` wrote."""
    result = OwnEventText()
    if description.startswith("\n"):  # no header lines at all
        header, result.abstract = "", description[1:]
    else:
        header, separator, abstract = description.partition("\n\n")
        if separator:
            result.abstract = abstract
    for line in header.split("\n"):
        label, colon, value = line.partition(": ")
        if not colon:
            continue
        if label == _SPEAKER:
            name, affiliation = split_parenthesised(value)
            result.speakers.append(Speaker(name, affiliation))
        elif label == _STATUS:
            result.cancelled = value == _CANCELLED
        elif label == _RECORDING:
            result.recording_url = value
        elif label == _JOIN:
            result.join_url = value
        elif label == _SERIES:
            result.series_name = value
        elif label == _SERIES_HOMEPAGE:
            result.series_homepage = value
        else:  # a link line: its label may hold ": ", its URL does not
            label, _, value = line.rpartition(": ")
            kind_label, link_label = split_parenthesised(label)
            kind = _KIND_OF_LABEL.get(kind_label)
            if kind is not None:
                result.links.append(LinkData(kind, value, link_label))
    return result


def title_from_summary(summary: str, speakers: list[Speaker]) -> str | None:
    """The title inside one of our own SUMMARYs (None for the untitled label)."""
    names = ", ".join(one_line(s.name) for s in speakers)
    if names and summary.startswith(names + SUMMARY_SEPARATOR):
        summary = summary[len(names) + len(SUMMARY_SEPARATOR) :]
    if summary == "Untitled talk" or summary.startswith(UNTITLED_PREFIX + "“"):
        return None
    return summary
