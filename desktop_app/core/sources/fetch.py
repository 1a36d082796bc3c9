"""One careful download of a source URL (httpx, synchronous: callers run it in threads).

- timeouts: to connect, between two reads, and for the whole download;
- a size cap enforced while streaming (the body is never read whole before it is counted;
  a Content-Length over the cap is refused before reading);
- retries with exponential back-off (`backoff`, `2 × backoff`, …) on 5xx and 429 answers,
  refused connections, timeouts, dropped connections and cut-off bodies; never on a name
  that does not resolve (offline: fail fast), other 4xx or a wrong kind of content;
- redirects followed by hand up to `max_redirects`; a loop is an error of its own;
- `webcal://`/`webcals://` read as https (http on a loopback host: see `kinds.http_url`);
- conditional requests: the ETag and Last-Modified kept from the last fetch are sent as
  If-None-Match / If-Modified-Since, and a 304 comes back as `not_modified`;
- the content checked against what was expected (a calendar, JSON): an HTML page where a
  calendar was expected is `not-a-calendar`.

Every failure is a `FetchError` with a `kind` (an `ErrorKind`) and a message naming the URL.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import StrEnum
from urllib.parse import urljoin, urlsplit

import httpx

from desktop_app.core.errors import ArchiveError
from desktop_app.core.sources.kinds import http_url

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_RETRIES = 2
DEFAULT_BACKOFF = 0.5
DEFAULT_MAX_REDIRECTS = 5
USER_AGENT = "seminar-archive (+https://github.com/seminar-archive)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CALENDAR_STARTS = (b"BEGIN:VCALENDAR", b"BEGIN:VEVENT")  # what the .ics importer reads


class ErrorKind(StrEnum):
    """Why a fetch failed."""

    BAD_URL = "bad-url"
    DNS = "dns"
    REFUSED = "refused"
    TIMEOUT = "timeout"
    TLS = "tls"
    NETWORK = "network"  # any other connection failure
    HTTP_STATUS = "http-status"  # `FetchError.status` holds the code
    TOO_LARGE = "too-large"
    REDIRECT_LOOP = "redirect-loop"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    TRUNCATED = "truncated"
    NOT_A_CALENDAR = "not-a-calendar"
    NOT_JSON = "not-json"
    CANCELLED = "cancelled"


class Expect(StrEnum):
    """What the body must be."""

    ANY = "any"
    CALENDAR = "ics"
    JSON = "json"


_ACCEPT = {
    Expect.ANY: "*/*",
    Expect.CALENDAR: "text/calendar, text/plain;q=0.8, */*;q=0.5",
    Expect.JSON: "application/json, */*;q=0.5",
}
_RETRIED_KINDS = frozenset(
    {ErrorKind.REFUSED, ErrorKind.TIMEOUT, ErrorKind.NETWORK, ErrorKind.TRUNCATED}
)


class FetchError(ArchiveError):
    """A source could not be read: `kind` says why, the message names the URL."""

    def __init__(self, kind: ErrorKind, url: str, message: str, status: int | None = None):
        super().__init__(f"{url}: {message}")
        self.kind = kind
        self.url = url
        self.status = status

    @property
    def retryable(self) -> bool:
        """True for failures that another try may not meet (5xx, 429, dropped connections)."""
        if self.kind is ErrorKind.HTTP_STATUS:
            return self.status is not None and (self.status >= 500 or self.status == 429)
        return self.kind in _RETRIED_KINDS


@dataclass(frozen=True)
class Timeouts:
    """Seconds: to connect, between two reads, and for the whole download of one try."""

    connect: float = 10.0
    read: float = 30.0
    total: float = 120.0


@dataclass(frozen=True)
class FetchResult:
    """What a fetch brought. With `not_modified` (a 304), `body` is empty and `etag` and
    `last_modified` are the server's new ones, else the ones that were sent."""

    url: str
    final_url: str
    body: bytes
    etag: str | None
    last_modified: str | None
    content_type: str | None  # the media type, lower case, without parameters
    not_modified: bool = False
    status: int = 200
    attempts: int = 1


def fetch(
    url: str,
    *,
    expect: Expect = Expect.ANY,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeouts: Timeouts = Timeouts(),
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    cancel: threading.Event | None = None,
) -> FetchResult:
    """Download `url` (http, https, webcal, webcals); raises FetchError.

    `retries` is the number of tries after the first; `cancel`, when set, stops between
    tries and between chunks (`ErrorKind.CANCELLED`).
    """
    try:
        start = http_url(url)
    except ValueError as error:
        raise FetchError(ErrorKind.BAD_URL, url, str(error).split(": ", 1)[-1]) from None
    headers = {"Accept": _ACCEPT[expect], "User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = httpx.Timeout(timeouts.read, connect=timeouts.connect)
    attempt = 0
    with httpx.Client(timeout=timeout, follow_redirects=False, headers=headers) as client:
        while True:
            attempt += 1
            _check_cancel(cancel, url)
            try:
                result = _Download(client, url, timeouts, max_bytes, max_redirects, cancel).run(
                    start
                )
            except FetchError as error:
                if attempt > retries or not error.retryable:
                    raise
                delay = backoff * 2 ** (attempt - 1)
                if cancel is not None and cancel.wait(delay):
                    _check_cancel(cancel, url)
                elif cancel is None:
                    time.sleep(delay)
                continue
            if result.not_modified:  # a 304 may leave out the validators: keep those sent
                result = replace(
                    result,
                    etag=result.etag or etag or None,
                    last_modified=result.last_modified or last_modified or None,
                )
            else:
                _check_content(result, expect)
            return replace(result, attempts=attempt)


def _check_cancel(cancel: threading.Event | None, url: str) -> None:
    if cancel is not None and cancel.is_set():
        raise FetchError(ErrorKind.CANCELLED, url, "cancelled")


class _Download:
    """One try: the request, its redirects and the body."""

    def __init__(
        self,
        client: httpx.Client,
        url: str,
        timeouts: Timeouts,
        max_bytes: int,
        max_redirects: int,
        cancel: threading.Event | None,
    ) -> None:
        self.client = client
        self.url = url
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.cancel = cancel
        self.total = timeouts.total
        self.deadline = time.monotonic() + timeouts.total

    def run(self, start: str) -> FetchResult:
        seen = [start]
        current = start
        while True:
            try:
                with self.client.stream("GET", current) as response:
                    if response.status_code in _REDIRECTS and "location" in response.headers:
                        current = self._next(current, response.headers["location"], seen)
                        continue
                    return self._answer(current, response)
            except httpx.HTTPError as error:
                raise self._transport_error(error) from error

    def _next(self, current: str, location: str, seen: list[str]) -> str:
        try:
            target = http_url(urljoin(current, location.strip()))
        except ValueError:
            raise FetchError(
                ErrorKind.BAD_URL, self.url, f"redirected to a URL that cannot be read: {location}"
            ) from None
        if target in seen:
            chain = " → ".join([*seen[seen.index(target) :], target])
            raise FetchError(ErrorKind.REDIRECT_LOOP, self.url, f"redirects go round: {chain}")
        seen.append(target)
        if len(seen) - 1 > self.max_redirects:
            raise FetchError(
                ErrorKind.TOO_MANY_REDIRECTS,
                self.url,
                f"more than {self.max_redirects} redirects (the last to {target})",
            )
        return target

    def _answer(self, current: str, response: httpx.Response) -> FetchResult:
        headers = response.headers
        media = headers.get("content-type", "").split(";", 1)[0].strip().lower() or None
        found = FetchResult(
            url=self.url,
            final_url=current,
            body=b"",
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
            content_type=media,
            status=response.status_code,
        )
        if response.status_code == 304:
            return replace(found, not_modified=True)
        if response.status_code >= 300:  # 4xx, 5xx, or a redirect without a Location
            raise self._status_error(response)
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            raise self._too_large(f"it announces {_size(int(length))}")
        chunks: list[bytes] = []
        received = 0
        for chunk in self._chunks(response):
            received += len(chunk)
            if received > self.max_bytes:
                raise self._too_large("the download was stopped there")
            chunks.append(chunk)
        return replace(found, body=b"".join(chunks))

    def _chunks(self, response: httpx.Response) -> Iterator[bytes]:
        try:
            for chunk in response.iter_bytes():
                _check_cancel(self.cancel, self.url)
                if time.monotonic() > self.deadline:
                    raise FetchError(
                        ErrorKind.TIMEOUT, self.url, f"the download took over {self.total:g} s"
                    )
                yield chunk
        except httpx.TimeoutException as error:
            raise self._transport_error(error) from error
        except httpx.TransportError as error:  # closed early, reset, bad chunking
            received = response.num_bytes_downloaded
            expected = response.headers.get("content-length")
            of = f" of {expected}" if expected else ""
            raise FetchError(
                ErrorKind.TRUNCATED,
                self.url,
                f"the download stopped before the end ({received}{of} bytes): {error}",
            ) from error

    def _too_large(self, detail: str) -> FetchError:
        limit = _size(self.max_bytes)
        return FetchError(ErrorKind.TOO_LARGE, self.url, f"larger than {limit} ({detail})")

    def _status_error(self, response: httpx.Response) -> FetchError:
        code = response.status_code
        reason = response.reason_phrase or ""
        detail = ""
        if "json" in response.headers.get("content-type", ""):
            try:
                answer = json.loads(_head(response, 4096))
                if isinstance(answer, dict) and isinstance(answer.get("description"), str):
                    detail = f": {answer['description'][:200]}"
            except (ValueError, httpx.HTTPError):
                pass
        return FetchError(
            ErrorKind.HTTP_STATUS,
            self.url,
            f"the server answered {code} {reason}{detail}".rstrip(),
            status=code,
        )

    def _transport_error(self, error: httpx.HTTPError) -> FetchError:
        if isinstance(error, httpx.TimeoutException):
            if isinstance(error, httpx.ConnectTimeout):
                what, seconds = "to connect", self.client.timeout.connect
            else:
                what, seconds = "for an answer", self.client.timeout.read
            return FetchError(ErrorKind.TIMEOUT, self.url, f"waited {seconds:g} s {what}")
        if isinstance(error, httpx.UnsupportedProtocol | httpx.InvalidURL):
            return FetchError(ErrorKind.BAD_URL, self.url, str(error))
        causes = list(_causes(error))
        if any(isinstance(c, socket.gaierror) for c in causes):
            host = urlsplit(self.url).hostname or self.url
            return FetchError(
                ErrorKind.DNS, self.url, f"the name {host!r} cannot be found (offline, or a typo?)"
            )
        if any(isinstance(c, ConnectionRefusedError) for c in causes):
            return FetchError(ErrorKind.REFUSED, self.url, "the connection was refused")
        if any(isinstance(c, ssl.SSLError) for c in causes):
            return FetchError(ErrorKind.TLS, self.url, f"secure connection failed: {error}")
        if isinstance(error, httpx.RemoteProtocolError):
            return FetchError(ErrorKind.NETWORK, self.url, f"the server broke off: {error}")
        return FetchError(ErrorKind.NETWORK, self.url, f"network error: {error}")


def _head(response: httpx.Response, limit: int) -> bytes:
    """At most the first `limit` bytes of a body (an error page may be large)."""
    head = b""
    for chunk in response.iter_bytes():
        head += chunk
        if len(head) >= limit:
            break
    return head[:limit]


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MB"
    if count >= 1024:
        return f"{count / 1024:.1f} kB"
    return f"{count} bytes"


def _check_content(result: FetchResult, expect: Expect) -> None:
    body = result.body.lstrip(b"\xef\xbb\xbf \t\r\n")
    html = (result.content_type or "").endswith("html") or body[:1] == b"<"
    shown = "an HTML page" if html else f"{result.content_type or 'an answer'}"
    if expect is Expect.CALENDAR and not body[:15].upper().startswith(_CALENDAR_STARTS):
        message = "the answer is empty, not a calendar" if not body else None
        raise FetchError(
            ErrorKind.NOT_A_CALENDAR,
            result.url,
            message or f"the server sent {shown}, not a calendar (it begins {body[:30]!r})",
        )
    if expect is Expect.JSON:
        try:
            json.loads(body)
        except ValueError:
            raise FetchError(
                ErrorKind.NOT_JSON,
                result.url,
                f"the server sent {shown}, not JSON (it begins {body[:30]!r})",
            ) from None
