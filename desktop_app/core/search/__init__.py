"""Offline full-text search over the archive (the only package that imports Whoosh).

`SearchIndex` loads Whoosh on first use, so importing the result types stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop_app.core.search.results import IndexCheck, SearchHit, SearchResult

if TYPE_CHECKING:
    from desktop_app.core.search.index import SearchIndex

__all__ = ["IndexCheck", "SearchHit", "SearchIndex", "SearchResult", "whoosh_version"]


def whoosh_version() -> str:
    """The version of the Whoosh library behind the index (Help → About)."""
    import whoosh

    return str(whoosh.versionstring())


def __getattr__(name: str) -> Any:
    if name == "SearchIndex":
        from desktop_app.core.search.index import SearchIndex

        return SearchIndex
    raise AttributeError(name)
