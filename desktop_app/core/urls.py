"""The one URL policy: what the app may open, import or link to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

WEB_SCHEMES = ("http", "https")


@dataclass(frozen=True)
class UrlDecision:
    """Whether a URL may be opened, and how (`web` or `file`), or why not."""

    allowed: bool
    kind: str = ""  # "web" or "file"
    reason: str = ""
    path: Path | None = None


def is_web_url(url: str) -> bool:
    """True for an http(s) URL with a host (never for one that cannot be parsed)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # "http://[::1", a port that is not a number…
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


def check_url(url: str, allowed_folders: Iterable[str | Path] = ()) -> UrlDecision:
    """Apply the policy: http(s) opens in the browser; a local file only inside a chosen folder."""
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError as error:
        return UrlDecision(False, reason=f"{text[:60]!r} is not a link ({error})")
    scheme = parts.scheme.lower()
    if scheme in WEB_SCHEMES:
        if not parts.netloc:
            return UrlDecision(False, reason=f"{text!r} has no host")
        return UrlDecision(True, "web")
    if scheme == "file" or (not scheme and text.startswith("/")):
        path = Path(unquote(parts.path if scheme else text)).resolve()
        for folder in allowed_folders:
            root = Path(folder).expanduser().resolve()
            if path.is_relative_to(root):
                return UrlDecision(True, "file", path=path)
        return UrlDecision(
            False,
            reason=f"{path} is not inside a recordings folder chosen in Preferences",
        )
    shown = scheme or "no scheme"
    return UrlDecision(False, reason=f"links of this kind ({shown}) are never opened")
