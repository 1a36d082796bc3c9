"""What kind of source a URL or path is, and which URLs to fetch for it.

Kinds: `ics` (a calendar feed over http, https, webcal or webcals), `researchseminars` (a
series of researchseminars.org: its `.ics` feed and its JSON API), `youtube` (a playlist or
channel, read through yt-dlp) and `file` (a local `.ics`/`.jsonl`, re-read on every sync).
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs, unquote, urlencode, urlsplit, urlunsplit

SourceKind = Literal["ics", "researchseminars", "youtube", "file"]
SOURCE_KINDS: tuple[SourceKind, ...] = ("ics", "researchseminars", "youtube", "file")

RESEARCHSEMINARS_BASE = "https://researchseminars.org"
_RS_HOSTS = frozenset({"researchseminars.org", "mathseminars.org"})
_RS_PATH = re.compile(r"^/(?:seminar|talk|embed/seminar)/(?P<id>[A-Za-z0-9_.\-]+)(?:/|$)")
_SERIES_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
_YOUTUBE_HOSTS = frozenset(
    {"youtube.com", "youtu.be", "youtube-nocookie.com", "www.youtube-nocookie.com"}
)
_URL_SCHEMES = frozenset({"http", "https", "webcal", "webcals"})


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def is_url(text: str) -> bool:
    """True for an http(s) or webcal(s) URL with a host; anything else is read as a path."""
    parts = urlsplit(text.strip())
    return parts.scheme.lower() in _URL_SCHEMES and bool(parts.netloc)


def is_youtube_url(url: str) -> bool:
    """True for youtube.com (any subdomain: www, m, music) and youtu.be links."""
    host = _host(url)
    return host in _YOUTUBE_HOSTS or host.endswith(".youtube.com")


def researchseminars_series_id(url_or_id: str) -> str | None:
    """The series id in a researchseminars.org seminar, talk or API URL, or a bare id itself.

    `https://researchseminars.org/seminar/MPML`, `.../talk/MPML/60/`, `webcal://…/seminar/MPML/ics`
    and `.../api/0/lookup/series?series_id="MPML"` all give `MPML`; a bare `MPML` is returned as
    it is when it is a valid id (letters, digits, `_`, `.`, `-`). None for anything else.
    """
    text = url_or_id.strip()
    if not is_url(text):
        return text if _SERIES_ID.match(text) else None
    if _host(text) not in _RS_HOSTS:
        return None
    parts = urlsplit(text)
    match = _RS_PATH.match(parts.path)
    if match:
        return match["id"]
    if parts.path.rstrip("/").startswith("/api/0/"):
        for value in parse_qs(parts.query).get("series_id", []):
            bare = value.strip().strip('"')
            if _SERIES_ID.match(bare):
                return bare
    return None


def detect_kind(url_or_path: str) -> SourceKind:
    """The kind of source a URL or path names.

    researchseminars.org (or its old name mathseminars.org) seminar, talk and API URLs:
    `researchseminars`; youtube.com and youtu.be links: `youtube`; anything that is not an
    http(s)/webcal(s) URL: `file` (a local path; `file://` too); every other URL: `ics`.
    A bare researchseminars.org series id (`MPML`) is a `file` here: give its kind explicitly.
    """
    text = url_or_path.strip()
    if not is_url(text):
        return "file"
    if _host(text) in _RS_HOSTS and researchseminars_series_id(text) is not None:
        return "researchseminars"
    if is_youtube_url(text):
        return "youtube"
    return "ics"


def source_series_id(url_or_id: str) -> str | None:
    """The researchseminars.org series a source names: as `researchseminars_series_id`, and
    also `/seminar/<id>` on a loopback host (a local server standing in for the site)."""
    series_id = researchseminars_series_id(url_or_id)
    parts = urlsplit(url_or_id.strip())
    if series_id is None and is_url(url_or_id) and is_loopback_host(parts.hostname or ""):
        found = _RS_PATH.match(parts.path)
        series_id = found["id"] if found else None
    return series_id


_BARE_HOST = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?/", re.IGNORECASE)


def with_scheme(url_or_path: str) -> str:
    """`researchseminars.org/seminar/MPML` as `https://researchseminars.org/seminar/MPML`: a
    host name and a path, typed without the scheme, that is no file here."""
    text = url_or_path.strip()
    # Before the scheme test: urlsplit reads "example.org:8080/feed.ics" as scheme "example.org".
    if is_url(text) or not _BARE_HOST.match(text):
        return text
    try:
        if Path(text).expanduser().exists():
            return text
    except (OSError, RuntimeError):  # an unknown ~user, a folder that cannot be read
        return text
    return "https://" + text


def checked_source(url_or_path: str, kind: SourceKind) -> str:
    """The URL or path to store for a new source of `kind`; ValueError saying what is wrong.

    A feed must be an http(s)/webcal(s) URL with a host; a researchseminars.org source a series
    URL or id; a playlist a URL or the JSON file `yt-dlp -J` wrote; a file an existing file.
    Files are made absolute (`~` expanded, a `file://` URL read as its path). Other schemes
    (ftp:, javascript:, data:) are refused.
    """
    text = url_or_path.strip()
    scheme = urlsplit(text).scheme.lower()
    if kind == "researchseminars":
        if source_series_id(text) is None:
            raise ValueError(
                f"{text!r} is not a researchseminars.org series: give its page "
                "(https://researchseminars.org/seminar/ID) or its id (letters, digits, _ . -)"
            )
        return text
    if is_url(text) and kind != "file":
        return text
    if kind == "ics":
        raise ValueError(f"{text!r}: a calendar feed is an http, https or webcal URL")
    if kind == "file" and is_url(text):
        raise ValueError(f"{text!r}: a file source is a path (a URL is an ics source)")
    if scheme == "file":
        text = unquote(urlsplit(text).path)
    elif len(scheme) > 1:  # a one-letter "scheme" is a Windows drive
        raise ValueError(f"{text!r}: {scheme}: URLs cannot be followed (http, https, webcal)")
    try:
        path = Path(text).expanduser().resolve()
        if not path.is_file():
            what = "is a folder, not a file" if path.is_dir() else "does not exist"
            raise ValueError(f"{path} {what}")
    except (OSError, RuntimeError) as error:  # an unknown ~user, a folder that cannot be read
        raise ValueError(f"{text!r} cannot be read: {error}") from None
    return str(path)


def is_loopback_host(host: str) -> bool:
    """True for `localhost` and loopback addresses (127.0.0.0/8, ::1)."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def http_url(url: str) -> str:
    """The http(s) URL to request for a source URL.

    `webcal://` and `webcals://` are read over https, except on a loopback host
    (`webcal://127.0.0.1:PORT/...`, `localhost`), which is read over http: that is how tests
    reach their local server, and no local server speaks TLS. http(s) URLs are kept. Raises
    ValueError for any other scheme or a URL without a host.
    """
    text = url.strip()
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if not parts.netloc:
        raise ValueError(f"{text!r} is not a URL with a host")
    if scheme in {"http", "https"}:
        return text
    if scheme in {"webcal", "webcals"}:
        secure = not is_loopback_host(parts.hostname or "")
        return urlunsplit(parts._replace(scheme="https" if secure else "http"))
    raise ValueError(f"{text!r}: only http, https, webcal and webcals URLs can be followed")


@dataclass(frozen=True)
class ResearchSeminarsUrls:
    """What to fetch for one researchseminars.org series.

    `api`: `GET /api/0/lookup/series?series_id="<id>"` (JSON: the series and every talk, with
    their talk numbers); `ics`: the series' calendar feed `/seminar/<id>/ics`; `page`: the
    series' web page (for people, not for fetching).
    """

    series_id: str
    api: str
    ics: str
    page: str


def researchseminars_urls(
    series_id: str, base: str = RESEARCHSEMINARS_BASE
) -> ResearchSeminarsUrls:
    """The URLs of a series (`base` is for a local test server). Raises ValueError for a
    series id that is not one (letters, digits, `_`, `.`, `-`)."""
    if not _SERIES_ID.match(series_id):
        raise ValueError(f"{series_id!r} is not a researchseminars.org series id")
    root = base.rstrip("/")
    query = urlencode({"series_id": json.dumps(series_id)})  # the value is JSON: quoted
    return ResearchSeminarsUrls(
        series_id=series_id,
        api=f"{root}/api/0/lookup/series?{query}",
        ics=f"{root}/seminar/{series_id}/ics",
        page=f"{root}/seminar/{series_id}",
    )
