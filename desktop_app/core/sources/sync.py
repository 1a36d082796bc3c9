"""Sync: read every source (concurrently, bounded) and apply each one's answer in its own
transaction, so that a source that fails changes nothing and stops no other.

A source's status: `new` (read for the first time), `updated` (talks added, changed or
dropped), `unchanged` (a 304, or nothing new) or `failed` (with the reason).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from desktop_app.core.errors import (
    ArchiveError,
    DatabaseUnavailableError,
    ImportCancelledError,
    InputError,
)
from desktop_app.core.importers import (
    FEED_MAX_BYTES,
    ParsedFile,
    importer_for,
    importers,
    read_bounded,
    read_input,
)
from desktop_app.core.sources.fetch import (
    ErrorKind,
    Expect,
    FetchError,
    FetchResult,
    Timeouts,
    fetch,
)
from desktop_app.core.sources.kinds import (
    RESEARCHSEMINARS_BASE,
    ResearchSeminarsUrls,
    is_url,
    researchseminars_urls,
    source_series_id,
)
from desktop_app.core.sources.store import SourceInfo

if TYPE_CHECKING:
    from desktop_app.core.archive import Archive

log = logging.getLogger(__name__)
MAX_PARALLEL = 4
CANCEL_POLL_SECONDS = 0.1


@dataclass(frozen=True)
class FetchOptions:
    """How sources are downloaded (tests shorten the waits)."""

    max_bytes: int = 20 * 1024 * 1024
    timeouts: Timeouts = field(default_factory=Timeouts)
    retries: int = 2
    backoff: float = 0.5


@dataclass(frozen=True)
class SyncResult:
    """One source's outcome (the `sync --json` object of the contracts)."""

    id: int
    series: str
    url: str
    status: str
    added: int = 0
    updated: int = 0
    removed: int = 0
    merged: int = 0  # talks found to be one already known, and merged into it
    proposed: int = 0  # proposals added to the review list
    error: str | None = None
    changed_uids: tuple[str, ...] = ()
    error_kind: str | None = None  # fetch.ErrorKind's value when the download failed

    def as_json(self) -> dict[str, Any]:
        """The contract's shape."""
        return {
            "id": self.id,
            "series": self.series,
            "url": self.url,
            "status": self.status,
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "merged": self.merged,
            "proposed": self.proposed,
            "error": self.error,
        }


@dataclass
class _Answer:
    source: SourceInfo
    parsed: ParsedFile | None = None  # None: not modified
    etag: str | None = None
    last_modified: str | None = None
    where: str = ""
    entries: list[Any] | None = None  # a playlist's videos (youtube sources)
    title: str = ""  # a playlist's title


Progress = Callable[[SyncResult], None]


def sync_sources(
    archive: Archive,
    sources: list[SourceInfo],
    *,
    options: FetchOptions | None = None,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
) -> list[SyncResult]:
    """Read and apply `sources`; returns a result per source, in the order given.

    Downloads run in parallel (at most MAX_PARALLEL); each answer is applied as it arrives,
    in its own transaction. With `cancel` set, sources not yet applied are left as they were
    and reported failed ("cancelled"). When the database server cannot be reached, the sync
    stops with DatabaseUnavailableError: the source being applied is rolled back whole, those
    applied before stay.
    """
    from desktop_app.core.archive import _collection_paused

    options = options or FetchOptions()
    results: dict[int, SyncResult] = {}

    def apply(source: SourceInfo, answer: _Answer) -> SyncResult:
        if cancel is not None and cancel.is_set():
            raise ImportCancelledError("cancelled: nothing of this source was applied")
        if answer.entries is not None:
            return archive.apply_playlist(source.id, answer.entries, answer.where)
        return archive.apply_source_answer(
            source.id, answer.parsed, answer.etag, answer.last_modified, answer.where
        )

    def failed(source: SourceInfo, error: ArchiveError | OSError) -> SyncResult:
        message = error.message if isinstance(error, ArchiveError) else str(error)
        cause = error.__cause__
        kind = (
            "cancelled"
            if isinstance(error, ImportCancelledError)
            else str(cause.kind)
            if isinstance(cause, FetchError)
            else None
        )
        archive.record_source_failure(source.id, message)
        return SyncResult(
            source.id, source.series, source.url, "failed", error=message, error_kind=kind
        )

    importers()  # the registry filled once, before the threads parse
    # As an import: no cyclic collection over the parsed feeds (it would hold the GIL, and
    # so the GUI thread, for a long time).
    pool = ThreadPoolExecutor(max_workers=min(MAX_PARALLEL, max(1, len(sources))))
    try:
        with _collection_paused():
            pending = {pool.submit(read_source, s, options, cancel): s for s in sources}
            while pending:
                done, _ = wait(pending, timeout=CANCEL_POLL_SECONDS, return_when=FIRST_COMPLETED)
                if cancel is not None and cancel.is_set():
                    # Downloads still running are left to stop on their own: Cancel returns now.
                    for source in pending.values():
                        stopped = ImportCancelledError("cancelled: nothing of this source was read")
                        results[source.id] = failed(source, stopped)
                        if progress is not None:
                            progress(results[source.id])
                    break
                for future in done:
                    source = pending.pop(future)
                    try:
                        result = apply(source, future.result())
                    except DatabaseUnavailableError:
                        # The server is gone: this source's transaction was rolled back, and no
                        # other source can be applied or marked failed. The sync stops here.
                        raise
                    except (ArchiveError, OSError) as error:
                        result = failed(source, error)
                    results[source.id] = result
                    if progress is not None:
                        progress(result)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return [results[s.id] for s in sources]


def read_source(
    source: SourceInfo, options: FetchOptions, cancel: threading.Event | None = None
) -> _Answer:
    """Download (or read) one source and parse it; nothing is written here."""
    if source.kind == "file":
        return _read_file(source)
    if source.kind == "youtube":
        return _read_playlist(source)
    if source.kind == "researchseminars":
        return _read_researchseminars(source, options, cancel)
    try:
        result = _fetch(source, source.url, Expect.CALENDAR, options, cancel)
    except FetchError as error:
        raise InputError(error.message) from error
    return _parsed(source, result, source.url)


def _fetch(
    source: SourceInfo,
    url: str,
    expect: Expect,
    options: FetchOptions,
    cancel: threading.Event | None,
) -> FetchResult:
    return fetch(
        url,
        expect=expect,
        etag=source.etag,
        last_modified=source.last_modified,
        max_bytes=options.max_bytes,
        timeouts=options.timeouts,
        retries=options.retries,
        backoff=options.backoff,
        cancel=cancel,
    )


def _read_researchseminars(
    source: SourceInfo, options: FetchOptions, cancel: threading.Event | None
) -> _Answer:
    """A researchseminars.org series: its JSON API (talk numbers, recordings, slides and
    paper links), or its `.ics` feed when the API does not answer with JSON."""
    urls = _researchseminars_urls(source.url)
    try:
        result = _fetch(source, urls.api, Expect.JSON, options, cancel)
        return _parsed(source, result, urls.api, name="series.json")
    except FetchError as error:
        if error.kind not in (ErrorKind.HTTP_STATUS, ErrorKind.NOT_JSON):
            raise InputError(error.message) from error
        log.info("%s: %s; reading its calendar feed", urls.api, error.message)
    # The stored validators are the API's: the feed is asked without them, and its own are
    # not kept (the API, asked again next time, must answer in full).
    unvalidated = replace(source, etag=None, last_modified=None)
    try:
        result = _fetch(unvalidated, urls.ics, Expect.CALENDAR, options, cancel)
    except FetchError as error:
        raise InputError(error.message) from error
    return replace(_parsed(unvalidated, result, urls.ics), etag=None, last_modified=None)


def _parsed(source: SourceInfo, result: FetchResult, url: str, name: str = "") -> _Answer:
    if result.not_modified:
        return _Answer(source, None, result.etag, result.last_modified, url)
    name = name or Path(urlsplit(result.final_url).path).name or "feed.ics"
    path = Path(name if name.endswith((".ics", ".jsonl", ".json")) else name + ".ics")
    importer = importer_for(result.body, path)
    parsed = importer.parse(result.body, path)
    if parsed.problems and importer.strict:
        raise InputError(f"{url}: {parsed.problems[0].where}: {parsed.problems[0].message}")
    if not parsed.complete:  # a cut-off answer: the next sync must not be told "not modified"
        return _Answer(source, parsed, None, None, url)
    return _Answer(source, parsed, result.etag, result.last_modified, url)


def _read_playlist(source: SourceInfo) -> _Answer:
    """A playlist's videos: the JSON `yt-dlp --flat-playlist -J` printed (a file), or yt-dlp
    run on the URL when it is installed."""
    from desktop_app.core.sources.youtube import dump_flat_playlist, read_flat_playlist

    path = Path(source.url).expanduser()
    if not is_url(source.url):
        data = read_bounded(path, FEED_MAX_BYTES, "a playlist dump")
    else:
        data = dump_flat_playlist(source.url)
    playlist = read_flat_playlist(data, where=str(source.url))
    return _Answer(
        source, entries=list(playlist.entries), where=source.url, title=playlist.title or ""
    )


def _read_file(source: SourceInfo) -> _Answer:
    path = Path(source.url).expanduser()
    importer, data = read_input(path)  # bounded: never a whole pipe or device
    digest = '"' + hashlib.sha256(data).hexdigest() + '"'
    if digest == source.etag:
        return _Answer(source, None, digest, None, str(path))
    parsed = importer.parse(data, path)
    if parsed.problems and importer.strict:
        problem = parsed.problems[0]
        raise InputError(f"{problem.where}: {problem.message}")
    return _Answer(source, parsed, digest, None, str(path))


def _researchseminars_urls(url_or_id: str) -> ResearchSeminarsUrls:
    """The API and `.ics` URLs of a researchseminars.org series (the host of a URL given is
    kept, so that a mirror or a test server can stand in)."""
    series_id = source_series_id(url_or_id)
    parts = urlsplit(url_or_id)
    if series_id is None:
        raise InputError(f"{url_or_id}: not a researchseminars.org series")
    base = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    return researchseminars_urls(series_id, base or RESEARCHSEMINARS_BASE)
