"""Preferences files and the URL policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.errors import InputError
from desktop_app.core.paths import resolve_archive_dir
from desktop_app.core.settings import AppConfig, load_app_config, save_app_config
from desktop_app.core.urls import check_url


def test_config_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    config = AppConfig(archive_dir="/somewhere", reminder_minutes=30, theme="dark")
    save_app_config(config, path)
    assert load_app_config(path) == config


def test_config_keeps_keys_of_newer_versions(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('future_key = "x"\n')
    save_app_config(AppConfig(theme="light"), path)
    assert 'future_key = "x"' in path.read_text()


def test_config_with_a_wrong_type_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('reminder_minutes = "ten"\n')
    with pytest.raises(InputError, match="reminder_minutes"):
        load_app_config(path)


def test_broken_config_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("theme = \n")
    with pytest.raises(InputError, match=r"config\.toml"):
        load_app_config(path)


def test_archive_folder_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEMINAR_ARCHIVE_HOME", str(tmp_path / "env"))
    assert resolve_archive_dir() == tmp_path / "env"
    assert resolve_archive_dir(tmp_path / "explicit") == tmp_path / "explicit"


def test_archive_folder_comes_from_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    monkeypatch.setenv("SEMINAR_ARCHIVE_CONFIG", str(config))
    save_app_config(AppConfig(archive_dir=str(tmp_path / "configured")))
    assert resolve_archive_dir() == tmp_path / "configured"


@pytest.mark.parametrize(
    "url",
    ["https://www.youtube.com/watch?v=abc&t=95s", "http://example.org/talk"],
)
def test_web_links_open_in_the_browser(url: str) -> None:
    decision = check_url(url)
    assert (decision.allowed, decision.kind) == (True, "web")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "file:///etc/passwd",
        "ftp://x.org/a",
        "https://",
        "mailto:a@b.org",
    ],
)
def test_other_links_are_refused_with_a_reason(url: str) -> None:
    decision = check_url(url)
    assert not decision.allowed
    assert decision.reason


def test_local_recording_inside_a_chosen_folder_opens(tmp_path: Path) -> None:
    video = tmp_path / "videos" / "talk.mp4"
    decision = check_url(video.as_uri(), [tmp_path / "videos"])
    assert (decision.allowed, decision.kind, decision.path) == (True, "file", video)


def test_local_file_outside_the_chosen_folders_is_refused(tmp_path: Path) -> None:
    decision = check_url((tmp_path / "../etc/x.mp4").as_uri(), [tmp_path / "videos"])
    assert not decision.allowed
