"""YouTube playlists and channels, read through yt-dlp (never scraped here).

`read_flat_playlist` reads what `yt-dlp --flat-playlist -J URL` prints (or the Python API's
`extract_info` result): one entry per video, keyed by its video id, in playlist order. Flat
listings carry no upload date (`published` is then None). Deleted, private and upcoming
videos, and entries that are not videos (a channel's tabs), are skipped and reported.
`dump_flat_playlist` runs yt-dlp for a URL: the `yt_dlp` module when it is installed (the
`youtube` extra), else a `yt-dlp` program on the PATH; neither: a `YouTubeError` that says
how to install it.
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from desktop_app.core.errors import ArchiveError
from desktop_app.core.sanitize import LINE_MAX, clean_line
from desktop_app.core.strict_json import JsonError, loads

MAX_BYTES = 16 * 2**20  # of a dump: some 50,000 entries
_MAX_NESTING = 8  # playlists inside playlists (a channel's tabs)

_VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_UNAVAILABLE_TITLES = {
    "[deleted video]": "deleted",
    "[private video]": "private",
    "[unavailable video]": "unavailable",
}
_UNAVAILABLE = {"private", "needs_auth", "subscriber_only", "premium_only"}
_PATH_ID = re.compile(r"^/(?:embed|live|shorts|v|e)/(?P<id>[A-Za-z0-9_-]{11})(?:[/?#]|$)")
INSTALL_HINT = (
    "reading a YouTube playlist needs yt-dlp: install it with "
    "`pip install 'seminar-archive[youtube]'` (or your system's yt-dlp package), "
    "or give the JSON that `yt-dlp --flat-playlist -J URL` prints as a file"
)


class YouTubeError(ArchiveError):
    """A playlist could not be read. `kind`: `yt-dlp-missing`, `yt-dlp-failed`, `timeout`
    or `not-a-playlist`."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class PlaylistEntry:
    """A video of a playlist. `position` is 1-based and counts skipped entries too."""

    video_id: str
    title: str
    url: str
    position: int
    channel: str | None = None
    duration_seconds: int | None = None
    published: date | None = None  # None in flat listings


@dataclass(frozen=True)
class SkippedEntry:
    """An entry left out, and why (`deleted`, `private`, `unavailable`, `upcoming`,
    `not a video`)."""

    position: int
    reason: str
    video_id: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Playlist:
    """A playlist (or a channel's videos) as yt-dlp listed it."""

    playlist_id: str | None
    title: str | None
    channel: str | None
    url: str | None
    entries: tuple[PlaylistEntry, ...]
    skipped: tuple[SkippedEntry, ...] = ()


def watch_url(video_id: str) -> str:
    """`https://www.youtube.com/watch?v=<id>`."""
    return f"https://www.youtube.com/watch?v={video_id}"


def video_id_of(url: str) -> str | None:
    """The video id of a YouTube link (`watch?v=`, `youtu.be/`, `/embed/`, `/live/`,
    `/shorts/`), or None."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    candidate: str | None = None
    if host == "youtu.be":
        candidate = parts.path.strip("/").split("/")[0]
    elif host.endswith(("youtube.com", "youtube-nocookie.com")):
        if parts.path.rstrip("/") == "/watch":
            candidate = (parse_qs(parts.query).get("v") or [""])[0]
        else:
            match = _PATH_ID.match(parts.path)
            candidate = match["id"] if match else None
    return candidate if candidate and _VIDEO_ID.match(candidate) else None


def read_flat_playlist(data: bytes | str | Mapping[str, Any], where: str = "yt-dlp") -> Playlist:
    """The entries of a yt-dlp dump (a playlist, a channel tab or a single video)."""
    if isinstance(data, Mapping):
        info: Any = data
    else:
        if len(data) > MAX_BYTES:
            message = f"{where}: larger than {MAX_BYTES // 2**20} MB, the most a playlist may be"
            raise YouTubeError("not-a-playlist", message)
        try:
            info = loads(data)
        except JsonError as error:
            place = f"{where}:{error.line}" if error.line else where
            column = f" (column {error.column})" if error.column else ""
            message = f"{place}: not yt-dlp JSON ({error}{column})"
            raise YouTubeError("not-a-playlist", message) from None
    if not isinstance(info, Mapping) or not ("entries" in info or "id" in info):
        raise YouTubeError("not-a-playlist", f"{where}: not what yt-dlp prints for a playlist")
    if "entries" not in info:  # a single video
        info = {"entries": [info]}
    entries: list[PlaylistEntry] = []
    skipped: list[SkippedEntry] = []
    for position, raw in enumerate(_flatten(info.get("entries") or []), start=1):
        entry = _entry(raw, position)
        if isinstance(entry, PlaylistEntry):
            entries.append(entry)
        else:
            skipped.append(entry)
    return Playlist(
        playlist_id=_str(info, "id"),
        title=_str(info, "title"),
        channel=_str(info, "channel") or _str(info, "uploader"),
        url=_str(info, "webpage_url") or _str(info, "original_url"),
        entries=tuple(entries),
        skipped=tuple(skipped),
    )


def _flatten(entries: Any, depth: int = 0) -> Iterator[Any]:
    """The entries of nested playlists (a channel's tabs, read without --flat-playlist);
    deeper than a few levels, an entry is not a video."""
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, Mapping) and isinstance(entry.get("entries"), list):
            if depth < _MAX_NESTING:
                yield from _flatten(entry["entries"], depth + 1)
            else:
                yield None
        else:
            yield entry


def _str(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    return clean_line(value)[:LINE_MAX].strip() or None if isinstance(value, str) else None


def _entry(raw: Any, position: int) -> PlaylistEntry | SkippedEntry:
    if not isinstance(raw, Mapping):
        return SkippedEntry(position, "not a video")
    video_id = _str(raw, "id")
    title = _str(raw, "title")
    ie_key = _str(raw, "ie_key") or "Youtube"
    url = _str(raw, "url") or ""
    if ie_key != "Youtube" or video_id is None or not _VIDEO_ID.match(video_id):
        return SkippedEntry(position, "not a video", video_id, title or url or None)
    reason = _UNAVAILABLE_TITLES.get((title or "").casefold())
    if reason is None and _str(raw, "availability") in _UNAVAILABLE:
        reason = "private"
    if reason is None and _str(raw, "live_status") == "is_upcoming":
        reason = "upcoming"
    if reason is not None or title is None:
        return SkippedEntry(position, reason or "unavailable", video_id, title)
    duration = raw.get("duration")
    return PlaylistEntry(
        video_id=video_id,
        title=title,
        url=watch_url(video_id),
        position=position,
        channel=_str(raw, "channel") or _str(raw, "uploader"),
        duration_seconds=_seconds(duration),
        published=_published(raw),
    )


def _seconds(value: Any) -> int | None:
    """A duration in whole seconds (None unless a number from 0 to a year)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return round(value) if 0 <= value <= 366 * 86400 else None


def _published(raw: Mapping[str, Any]) -> date | None:
    text = _str(raw, "upload_date") or _str(raw, "release_date")
    if text and re.fullmatch(r"\d{8}", text):
        try:
            return datetime.strptime(text, "%Y%m%d").date()
        except ValueError:
            return None
    for key in ("release_timestamp", "timestamp"):
        value = raw.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            try:
                return datetime.fromtimestamp(value, UTC).date()
            except (OverflowError, OSError, ValueError):
                return None
    return None


# ------------------------------------------------------------------ running yt-dlp


def dump_flat_playlist(url: str, *, timeout: float = 300.0) -> bytes:
    """What `yt-dlp --flat-playlist -J URL` prints (network: run it off the GUI thread).

    Raises YouTubeError: `yt-dlp-missing` (neither the module nor the program is installed),
    `yt-dlp-failed` (yt-dlp's own message: no such playlist, offline…), `timeout`.
    """
    try:
        module: Any = importlib.import_module("yt_dlp")
    except ImportError:
        module = None
    if module is not None:
        return _with_module(module, url)
    program = shutil.which("yt-dlp")
    if program is None:
        raise YouTubeError("yt-dlp-missing", INSTALL_HINT)
    return _with_program(program, url, timeout)


def _with_module(module: Any, url: str) -> bytes:
    options = {
        "extract_flat": "in_playlist",  # what --flat-playlist sets
        "skip_download": True,
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "socket_timeout": 30,
    }
    try:
        with module.YoutubeDL(options) as downloader:
            info = downloader.extract_info(url, download=False)
            return json.dumps(downloader.sanitize_info(info)).encode("utf-8")
    except Exception as error:  # yt-dlp raises many kinds (DownloadError, ExtractorError…)
        raise YouTubeError("yt-dlp-failed", f"{url}: yt-dlp: {error}") from error


def _with_program(program: str, url: str, timeout: float) -> bytes:
    command = [program, "--flat-playlist", "-J", "--no-warnings", "--", url]
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise YouTubeError("timeout", f"{url}: yt-dlp took over {timeout:g} s") from None
    except OSError as error:
        raise YouTubeError("yt-dlp-failed", f"{url}: could not run {program}: {error}") from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        message = lines[-1] if lines else f"exit status {done.returncode}"
        raise YouTubeError("yt-dlp-failed", f"{url}: yt-dlp: {message}")
    return done.stdout
