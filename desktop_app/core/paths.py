"""Where the archive folder, the config file and the bundled data live."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "seminar-archive"
HOME_ENV = "SEMINAR_ARCHIVE_HOME"
BACKUP_FOLDER = "backups"  # in the archive folder: copies before upgrades, daily backups


def default_archive_dir() -> Path:
    """The platform's user data folder for the app."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def read_only_index_cache() -> Path:
    """Where the search indexes of read-only archives are kept (the user's cache folder)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "read-only-indexes"


def config_file() -> Path:
    """The small config file that says which archive folder to open."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def resolve_archive_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The archive folder: `--data-dir`, else $SEMINAR_ARCHIVE_HOME, else config, else default."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser().resolve()
    from desktop_app.core.settings import load_app_config

    configured = load_app_config().archive_dir
    if configured:
        return Path(configured).expanduser().resolve()
    return default_archive_dir()


def frozen_root() -> Path | None:
    """The folder of a PyInstaller bundle's files (`sys._MEIPASS`), None outside a bundle."""
    root = getattr(sys, "_MEIPASS", None)
    return Path(root) if getattr(sys, "frozen", False) and root else None


def bundled_archive_file() -> Path:
    """The archive shipped with the app: `data/` in a bundle or a checkout, package data in a
    wheel."""
    bundle = frozen_root()
    if bundle is not None:
        return bundle / "data" / "archive.jsonl"
    package_dir = Path(__file__).resolve().parent.parent
    installed = package_dir / "bundled" / "archive.jsonl"
    if installed.is_file():
        return installed
    return package_dir.parent / "data" / "archive.jsonl"


def resources_dir() -> Path:
    """Icons and styles: `resources/` in a bundle or a checkout, package data in a wheel."""
    bundle = frozen_root()
    if bundle is not None:
        return bundle / "resources"
    package_dir = Path(__file__).resolve().parent.parent
    installed = package_dir / "resources"
    if installed.is_dir():
        return installed
    return package_dir.parent / "resources"
