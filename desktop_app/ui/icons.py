"""SVG icons from `resources/icons`, looked up by name (an unknown name is an error)."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from desktop_app.core.paths import resources_dir


@cache
def icon(name: str) -> QIcon:
    """The icon `resources/icons/<name>.svg`; KeyError when it does not exist."""
    path = resources_dir() / "icons" / f"{name}.svg"
    if not path.is_file():
        raise KeyError(f"no icon named {name!r} ({path})")
    return QIcon(str(path))
