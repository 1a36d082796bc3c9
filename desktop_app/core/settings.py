"""Preferences shared by the GUI and the CLI, kept in TOML files (never in QSettings)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

import tomli_w

from desktop_app.core.errors import InputError
from desktop_app.core.search.engines import DEFAULT_ENGINE, ENGINES

CONFIG_ENV = "SEMINAR_ARCHIVE_CONFIG"
THEMES = ("system", "light", "dark")
_Settings = TypeVar("_Settings", "AppConfig", "ArchiveSettings")


@dataclass(frozen=True)
class AppConfig:
    """User preferences, in the platform's config folder.

    `archive_dir` says which archive folder to open; the rest are preferences the CLI needs too.
    """

    archive_dir: str = ""
    display_timezone: str = ""  # empty: the system's zone
    reminder_minutes: int = 15  # 0: no reminder in exported events
    theme: str = "system"
    recording_folders: list[str] = field(default_factory=list)
    caldav_url: str = ""
    caldav_username: str = ""
    caldav_calendar: str = ""
    last_calendar_target: str = "system"
    update_on_start: bool = False  # sync every source when the app starts
    backups_to_keep: int = 7  # daily backups kept in the archive's backups/ (0: none made)
    search_engine: str = DEFAULT_ENGINE  # one of ENGINES; another engine's index is rebuilt


@dataclass(frozen=True)
class ArchiveSettings:
    """Settings of one archive folder (`settings.toml` beside the database)."""

    database_url: str = ""  # empty: the SQLite file in the archive folder


def config_path() -> Path:
    """The config file: $SEMINAR_ARCHIVE_CONFIG, else the platform's config folder."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    from desktop_app.core.paths import config_file

    return config_file()


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: not a valid TOML file", str(error)) from error


def _from_mapping(cls: type[_Settings], data: dict[str, Any], path: Path) -> _Settings:
    known = {item.name for item in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            continue  # a newer version's key: keep reading, it is preserved on write
        default = getattr(cls(), key)
        if not isinstance(value, type(default)) or isinstance(value, bool) != isinstance(
            default, bool
        ):
            raise InputError(f"{path}: field {key!r} should be {type(default).__name__}")
        values[key] = value
    return cls(**values)


def load_app_config(path: Path | None = None) -> AppConfig:
    """Read the user's preferences (defaults when the file does not exist)."""
    path = path or config_path()
    config = _from_mapping(AppConfig, _read_toml(path), path)
    if config.theme not in THEMES:
        raise InputError(f"{path}: field 'theme' must be one of {', '.join(THEMES)}")
    if config.search_engine not in ENGINES:
        raise InputError(f"{path}: field 'search_engine' must be one of {', '.join(ENGINES)}")
    return config


def save_app_config(config: AppConfig, path: Path | None = None) -> None:
    """Write the preferences atomically, keeping keys this version does not know."""
    path = path or config_path()
    data = _read_toml(path)
    data.update(asdict(config))
    _write_toml(path, data)


def load_archive_settings(archive_dir: Path) -> ArchiveSettings:
    """Read the archive folder's own settings."""
    path = archive_dir / "settings.toml"
    return _from_mapping(ArchiveSettings, _read_toml(path), path)


def save_archive_settings(archive_dir: Path, settings: ArchiveSettings) -> None:
    """Write the archive folder's settings atomically."""
    _write_toml(archive_dir / "settings.toml", asdict(settings))


def _write_toml(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_bytes(tomli_w.dumps(data).encode("utf-8"))
    temporary.replace(path)
