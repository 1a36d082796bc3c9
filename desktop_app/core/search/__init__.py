"""Offline full-text search over the archive (the only package that imports Whoosh).

`SearchIndex` loads Whoosh on first use, so importing the result types stays cheap.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from desktop_app.core.search.results import IndexCheck, SearchHit, SearchResult

if TYPE_CHECKING:
    from desktop_app.core.search.index import SearchIndex

__all__ = [
    "IndexCheck",
    "SearchHit",
    "SearchIndex",
    "SearchResult",
    "tantivy_version",
    "whoosh_version",
]


def whoosh_version() -> str:
    """The version of the Whoosh library behind the index (Help → About)."""
    import whoosh

    return str(whoosh.versionstring())


def tantivy_version() -> str:
    """The version of the tantivy library (the other search engine), e.g. "0.27.0"."""
    import tantivy

    described = str(getattr(tantivy, "__version__", ""))  # "tantivy v0.27.0, index_format v7"
    found = re.search(r"v(\d[\w.]*)", described)
    return found.group(1) if found else described


def __getattr__(name: str) -> Any:
    if name == "SearchIndex":
        from desktop_app.core.search.index import SearchIndex

        return SearchIndex
    raise AttributeError(name)
