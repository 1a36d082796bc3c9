"""Case and accent folding of names, for matching what a user types (no Whoosh, no Qt).

`fold_name("Umut Şimşekli") == "umut simsekli"`. The database keeps every speaker's folded
name (`people.folded_name`, migration 0003): a change of what this function returns must
come with a migration that recomputes that column.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Letters that Unicode does not decompose into a base letter and an accent.
_EXTRA_FOLDS = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ı": "i",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
    }
)


@lru_cache(maxsize=65536)
def fold_name(text: str) -> str:
    """Lower-cased, accents removed, runs of white space made one space, ends stripped."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.translate(_EXTRA_FOLDS).split())
