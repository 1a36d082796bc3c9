"""Seminar Archive: a desktop archive of research seminar talks."""

from __future__ import annotations

import sys
from pathlib import Path

DISTRIBUTION = "seminar-archive"


def _version() -> str:
    """The version in pyproject.toml: the file itself in a checkout or a bundle (which carries
    it), else the installed wheel's metadata (built from that file)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    root = Path(frozen_root) if frozen_root else Path(__file__).resolve().parent.parent
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        import tomllib

        with pyproject.open("rb") as file:
            project = tomllib.load(file).get("project", {})
        if project.get("name") == DISTRIBUTION and isinstance(project.get("version"), str):
            return str(project["version"])
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown"


__version__ = _version()
