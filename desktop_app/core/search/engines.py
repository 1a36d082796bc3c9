"""The search engines an index can be written with (cheap to import: no engine loaded)."""

from __future__ import annotations

# Whoosh (pure Python) is the default; tantivy (a Rust library) builds and searches faster.
ENGINES = ("whoosh", "tantivy")
DEFAULT_ENGINE = "whoosh"
ENGINE_LABELS = {"whoosh": "Whoosh (built in)", "tantivy": "Tantivy (faster)"}
