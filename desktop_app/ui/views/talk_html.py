"""HTML of the talk, speaker and series pages. Every text from the data is escaped."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from datetime import tzinfo
from typing import Protocol
from urllib.parse import quote

from desktop_app.core.labels import UNKNOWN
from desktop_app.core.latex import latex_to_unicode
from desktop_app.core.provenance_text import (
    LINK_KIND_LABELS,
    provenance_items,
    unconfirmed_speakers,
)
from desktop_app.core.records import SeriesSummary, SpeakerProfile, TalkDetail, TalkRow
from desktop_app.core.search.stopwords import STOP_WORDS
from desktop_app.core.urls import is_web_url

STYLE = """
h1 { font-size: 17pt; margin-bottom: 2px; }
h1.untitled { font-style: italic; color: palette(placeholder-text); }
.meta { color: palette(placeholder-text); }
.section { font-weight: bold; margin-top: 12px; }
.cancelled { color: #c0392b; font-weight: bold; }
.unconfirmed { color: #b9770e; font-weight: normal; font-style: italic; }
.terms span { background: palette(alternate-base); }
mark { background-color: #ffe066; color: #000; }
"""
_QUERY_WORD = re.compile(r"[^\W_]{2,}", re.UNICODE)
_OPERATORS = {"and", "or", "not", "to"}
_FIELD_PREFIX = re.compile(r"\b\w+:")


def highlight_terms(query: str) -> list[str]:
    """The words of a query worth marking in a page (operators and field names left out)."""
    words = _QUERY_WORD.findall(_FIELD_PREFIX.sub(" ", query))
    # Stop words are not indexed, so they never match: marking them ("of", and "often" by
    # prefix) would only add noise.
    return [w for w in words if w.lower() not in _OPERATORS and w.lower() not in STOP_WORDS]


def mark_terms(escaped: str, terms: Sequence[str]) -> str:
    """Wrap words starting with any term in <mark> (the text is already HTML-escaped)."""
    if not terms:
        return escaped
    pattern = re.compile(
        r"(?<![\w&])(" + "|".join(re.escape(html.escape(t)) for t in terms) + r")\w*",
        re.IGNORECASE,
    )
    return pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)


class TextMarks(Protocol):
    """What a search result tells of the words to mark (`core.search.highlight.Marks`)."""

    def marked_html(self, text: str) -> str: ...


Marker = Callable[[str], str]  # plain text → HTML-escaped text with <mark>s


def marker(marks: TextMarks | None, terms: Sequence[str] = ()) -> Marker:
    """Marks the words the search matched (by its own analysis: stems, accents, TeX), else
    the words of `terms` by prefix; with neither, only escapes."""
    if marks is not None:
        return marks.marked_html
    return lambda text: mark_terms(html.escape(text), terms)


def _paragraphs(text: str, mark: Marker) -> str:
    readable = latex_to_unicode(text)
    return "".join(
        f"<p>{mark(p.strip()).replace(chr(10), '<br>')}</p>"
        for p in readable.split("\n\n")
        if p.strip()
    )


def _provenance_value(value: object) -> str:
    if isinstance(value, list):
        return "; ".join(_provenance_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{html.escape(str(k))}: {_provenance_value(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return _link(text, text) if is_web_url(text) else html.escape(text)


def _link(url: str, label: str) -> str:
    if not is_web_url(url):
        return html.escape(label)
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(label)}</a>'


def when_text(start_utc_aware: object, zone: tzinfo | None, talk_zone: str | None) -> str:
    """The talk's date in the user's zone, and in its own zone when that differs."""
    from datetime import datetime

    assert isinstance(start_utc_aware, datetime)
    local = start_utc_aware.astimezone(zone)
    text = f"{local:%A %d %B %Y, %H:%M} ({local.tzname()})"
    own = start_utc_aware
    if talk_zone and own.utcoffset() != local.utcoffset():
        text += f" — {own:%H:%M} {talk_zone}"
    return text


SOURCE_KIND_LABELS = {
    "ics": "Calendar feed",
    "researchseminars": "researchseminars.org",
    "youtube": "YouTube playlist",
    "file": "File",
}
FIELD_NAMES = {
    "title": "title",
    "speakers": "speakers",
    "start": "date",
    "timezone": "time zone",
    "duration_minutes": "length",
    "series": "series",
    "recording_url": "recording",
    "links": "links",
    "tags": "tags",
    "abstract": "abstract",
}


def talk_page_html(
    detail: TalkDetail,
    *,
    terms: Sequence[str] = (),
    marks: TextMarks | None = None,
    zone: tzinfo | None = None,
    key_terms: Sequence[tuple[str, float]] = (),
    related: Sequence[TalkRow] = (),
    sources: Sequence[tuple[str, str]] = (),
    removed_by_source: bool = False,
) -> str:
    """The talk page; `sources` are (kind, URL) of the feeds that brought the talk."""
    talk = detail.talk
    parts = [f"<style>{STYLE}</style>"]
    mark = marker(marks, terms)
    title = mark(detail.display_title)
    css = "untitled" if talk.title is None else ""
    parts.append(f'<h1 class="{css}">{title}</h1>')
    if talk.title is None:
        parts.append(
            '<p class="meta">The title of this talk is not known; the label above is '
            "made from its abstract.</p>"
        )
    if talk.cancelled:
        parts.append('<p class="cancelled">This talk was cancelled.</p>')
    if removed_by_source:
        parts.append(
            '<p class="cancelled">The feed this talk came from no longer lists it '
            "(moved or cancelled?). It stays here with your marks and notes.</p>"
        )
    if talk.speakers:
        notes = [str(talk.provenance.get("notes", ""))] if talk.provenance else []
        doubtful = unconfirmed_speakers([s.name for s in talk.speakers], notes)
        speakers = ", ".join(
            f'<a href="speaker:{quote(s.name)}">{mark(s.name)}</a>'
            + (f" ({html.escape(s.affiliation)})" if s.affiliation else "")
            + (
                ' <span class="unconfirmed" title="A plausible speaker: no page of the talk '
                'confirms it">(plausible speaker, not confirmed)</span>'
                if s.name in doubtful
                else ""
            )
            for s in talk.speakers
        )
    else:
        speakers = f"<i>Speaker {UNKNOWN}</i>"
    parts.append(f"<p><b>{speakers}</b><br>")
    if talk.start is not None:
        parts.append(html.escape(when_text(talk.start, zone, talk.timezone)))
        if talk.duration_minutes:
            parts.append(f" · {talk.duration_minutes} min")
    else:
        parts.append(f"<i>Date {UNKNOWN}</i>")
    parts.append(
        f'<br><a href="series:{quote(talk.series)}">{html.escape(detail.series_name)}</a></p>'
    )
    if talk.recording_url:
        parts.append(f"<p>Recording: {_link(talk.recording_url, talk.recording_url)}</p>")
    if talk.join_url:
        parts.append(f"<p>Join: {_link(talk.join_url, talk.join_url)}</p>")
    parts.append('<p class="section">Abstract</p>')
    parts.append(
        _paragraphs(talk.abstract, mark) if talk.abstract else "<p><i>No abstract known.</i></p>"
    )
    if talk.bio:
        parts.append('<p class="section">About the speaker</p>' + _paragraphs(talk.bio, mark))
    if talk.extra:
        parts.append('<p class="section">More</p>' + _paragraphs(talk.extra, mark))
    if talk.links:
        items = "".join(
            f"<li>{html.escape(LINK_KIND_LABELS.get(ln.kind, ln.kind.capitalize()))}: "
            f"{_link(ln.url, ln.label or ln.url)}</li>"
            for ln in talk.links
        )
        parts.append(f'<p class="section">Links</p><ul>{items}</ul>')
    if key_terms:
        terms_html = " · ".join(html.escape(term) for term, _weight in key_terms)
        parts.append(f'<p class="section">Key terms</p><p class="terms">{terms_html}</p>')
    if related:
        items = "".join(
            f'<li><a href="talk:{quote(r.uid)}">{html.escape(r.display_title)}</a>'
            f' <span class="meta">{html.escape(", ".join(s.name for s in r.speakers) or UNKNOWN)}'
            "</span></li>"
            for r in related
        )
        parts.append(f'<p class="section">Related talks</p><ul>{items}</ul>')
    rows = "".join(
        f"<li><b>{html.escape(SOURCE_KIND_LABELS.get(kind, kind))}</b>: {_provenance_value(url)}"
        "</li>"
        for kind, url in sources
    )
    edited = sorted(f for f, v in (talk.field_provenance or {}).items() if v == "edited")
    if edited:
        names = ", ".join(FIELD_NAMES.get(f, f) for f in edited)
        rows += f"<li><b>Edited by you</b>: {html.escape(names)}</li>"
    if talk.provenance:
        rows += "".join(
            f"<li><b>{html.escape(label)}</b>: {_provenance_value(value)}</li>"
            for label, value in provenance_items(talk.provenance)
        )
    if rows:
        parts.append(
            f'<p class="section">Where the facts come from</p><ul class="meta">{rows}</ul>'
        )
    return "".join(parts)


def speaker_page_html(profile: SpeakerProfile, zone: tzinfo | None) -> str:
    """A speaker's page: affiliations, bio and every talk across series."""
    name = profile.names[0] if len(profile.names) == 1 else profile.name
    parts = [f"<style>{STYLE}</style><h1>{html.escape(name)}</h1>"]
    affiliations = "; ".join(profile.affiliations)
    parts.append(f'<p class="meta">{html.escape(affiliations) or "Affiliation " + UNKNOWN}</p>')
    if profile.bio:
        parts.append('<p class="section">About</p>' + _paragraphs(profile.bio, marker(None)))
    parts.append(f'<p class="section">Talks ({len(profile.talks)})</p><ul>')
    for row in profile.talks:
        date = row.start.astimezone(zone).strftime("%Y-%m-%d") if row.start else f"date {UNKNOWN}"
        parts.append(
            f'<li><a href="talk:{quote(row.uid)}">{html.escape(row.display_title)}</a> '
            f'<span class="meta">{date} · {html.escape(row.series_name)}</span></li>'
        )
    parts.append("</ul>")
    return "".join(parts)


def series_page_html(summary: SeriesSummary) -> str:
    """A series page: name, description, schedule, homepage, talk count and years."""
    series = summary.series
    parts = [f"<style>{STYLE}</style><h1>{html.escape(series.name)}</h1>"]
    if series.description:
        parts.append(f"<p>{html.escape(series.description)}</p>")
    facts = [
        ("Schedule", html.escape(series.schedule) if series.schedule else UNKNOWN),
        ("Time zone", html.escape(series.timezone or UNKNOWN)),
        ("Homepage", _link(series.homepage, series.homepage) if series.homepage else UNKNOWN),
        ("Talks", str(summary.talk_count)),
        ("Years", f"{summary.first_year}–{summary.last_year}" if summary.first_year else UNKNOWN),
    ]
    parts.append(
        "<table>"
        + "".join(f"<tr><td><b>{k}</b>&nbsp;</td><td>{v}</td></tr>" for k, v in facts)
        + "</table>"
    )
    parts.append(
        f'<p><a href="filter-series:{quote(series.slug)}">Show the talks of this series</a></p>'
    )
    return "".join(parts)
