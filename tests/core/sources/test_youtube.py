"""YouTube playlists: reading yt-dlp's JSON (real dumps), and how yt-dlp is run."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path

import pytest

from desktop_app.core.sources.youtube import (
    Playlist,
    PlaylistEntry,
    SkippedEntry,
    YouTubeError,
    dump_flat_playlist,
    read_flat_playlist,
    video_id_of,
    watch_url,
)

REAL = Path(__file__).resolve().parents[2] / "fixtures" / "real" / "youtube"
MUSIC = REAL / "flat_playlist_music_4entries_ytdlp-2024.03.10.json"
DELETED = REAL / "flat_playlist_3entries_deleted_video_ytdlp-2025.json"


def test_the_cli_dump_of_a_playlist() -> None:
    playlist = read_flat_playlist(MUSIC.read_bytes())
    assert (playlist.playlist_id, playlist.title, playlist.channel) == (
        "PLIF2opf2-1Pr0NEsp3YeRlmYVUCXip-CM",
        "HighAction/Preparing for War",
        "Sukadia",
    )
    assert (
        playlist.url == "https://www.youtube.com/playlist?list=PLIF2opf2-1Pr0NEsp3YeRlmYVUCXip-CM"
    )
    assert playlist.skipped == ()
    assert [(e.position, e.video_id, e.channel, e.duration_seconds) for e in playlist.entries] == [
        (1, "Je8iIWgavh4", "Synapsidae", 115),
        (2, "nvQNUxoN8gw", "Synapsidae", 180),
        (3, "ZxnMdkQ-OXE", "GilvaSunner: Archive", 83),
        (4, "M0_Zvp59TaA", "Mootacoo", 297),
    ]
    first = playlist.entries[0]
    assert first.title == "Lost Odyssey OST - Disc1 - Track16 - March to War"
    assert first.url == "https://www.youtube.com/watch?v=Je8iIWgavh4"
    assert all(e.published is None for e in playlist.entries)  # flat listings have no date


def test_a_deleted_video_is_skipped_and_reported() -> None:
    playlist = read_flat_playlist(DELETED.read_text(encoding="utf-8"))
    assert playlist.entries == (
        PlaylistEntry(
            video_id="vROdVsU_K80",
            title="The Original Washing Machine Self Destructs",
            url="https://www.youtube.com/watch?v=vROdVsU_K80",
            position=1,
            channel="Photonicinduction",
            duration_seconds=93,
        ),
        PlaylistEntry(
            video_id="y8Kyi0WNg40",
            title="Dramatic Look",
            url="https://www.youtube.com/watch?v=y8Kyi0WNg40",
            position=3,
            channel="magnets99",
            duration_seconds=6,
        ),
    )
    assert playlist.skipped == (SkippedEntry(2, "deleted", "ey_UIU8E_Go", "[Deleted video]"),)
    assert (playlist.channel, playlist.title) == ("Wenir", "test_archive")


def test_private_upcoming_and_non_video_entries_are_skipped() -> None:
    # Hand-made from the real dump's first entry: the other states yt-dlp reports.
    base = json.loads(DELETED.read_text(encoding="utf-8"))["entries"][0]
    entries = [
        {**base, "id": "aaaaaaaaaa1", "title": "[Private video]"},
        {**base, "id": "aaaaaaaaaa2", "availability": "needs_auth"},
        {**base, "id": "aaaaaaaaaa3", "live_status": "is_upcoming"},
        {
            "_type": "url",
            "ie_key": "YoutubeTab",
            "id": "UCx",
            "url": "https://www.youtube.com/@x/videos",
        },
        "not an object",
        {**base, "id": "aaaaaaaaaa4", "title": "Kept", "upload_date": "20240318"},
    ]
    playlist = read_flat_playlist({"_type": "playlist", "id": "PLx", "entries": entries})
    assert [(s.position, s.reason) for s in playlist.skipped] == [
        (1, "private"),
        (2, "private"),
        (3, "upcoming"),
        (4, "not a video"),
        (5, "not a video"),
    ]
    (kept,) = playlist.entries
    assert (kept.position, kept.video_id, kept.published) == (6, "aaaaaaaaaa4", date(2024, 3, 18))


def test_nested_tabs_and_a_single_video() -> None:
    base = json.loads(MUSIC.read_text(encoding="utf-8"))
    channel = {"_type": "playlist", "id": "UCx", "title": "A channel", "entries": [base, base]}
    assert [e.position for e in read_flat_playlist(channel).entries] == list(range(1, 9))
    single = read_flat_playlist(json.dumps(base["entries"][0]))
    assert [e.video_id for e in single.entries] == ["Je8iIWgavh4"]


@pytest.mark.parametrize("data", ["<html></html>", "[1, 2]", '{"kind": "archive"}'])
def test_what_yt_dlp_never_prints_is_refused(data: str) -> None:
    with pytest.raises(YouTubeError) as caught:
        read_flat_playlist(data, "dump.json")
    assert caught.value.kind == "not-a-playlist"
    assert "dump.json" in str(caught.value)


@pytest.mark.parametrize(
    ("url", "video_id"),
    [
        ("https://www.youtube.com/watch?v=s2jNsXmga6A", "s2jNsXmga6A"),
        ("https://youtube.com/watch?v=s2jNsXmga6A&t=42s", "s2jNsXmga6A"),
        ("https://m.youtube.com/watch?v=s2jNsXmga6A", "s2jNsXmga6A"),
        ("https://youtu.be/s2jNsXmga6A", "s2jNsXmga6A"),
        ("https://youtu.be/s2jNsXmga6A?si=abc", "s2jNsXmga6A"),
        ("https://www.youtube.com/embed/s2jNsXmga6A", "s2jNsXmga6A"),
        ("https://www.youtube.com/live/s2jNsXmga6A?feature=share", "s2jNsXmga6A"),
        ("https://www.youtube-nocookie.com/embed/s2jNsXmga6A", "s2jNsXmga6A"),
        ("https://www.youtube.com/playlist?list=PLx", None),
        ("https://media.mis.mpg.de/mml/2021-12-02/", None),
        ("https://youtu.be/short", None),
    ],
)
def test_video_id_of(url: str, video_id: str | None) -> None:
    assert video_id_of(url) == video_id
    if video_id:
        assert video_id_of(watch_url(video_id)) == video_id


# ------------------------------------------------------------------ running yt-dlp
# No network here: yt-dlp itself is not installed for the tests. A small stand-in program
# named `yt-dlp` plays its part: it prints a real dump, or fails as yt-dlp does.


@pytest.fixture
def no_yt_dlp_module(monkeypatch: pytest.MonkeyPatch) -> None:
    """`import yt_dlp` fails, as when the youtube extra is not installed."""
    monkeypatch.setitem(sys.modules, "yt_dlp", None)


def _program(folder: Path, script: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    program = folder / "yt-dlp"
    program.write_text(f"#!{sys.executable}\n{script}", encoding="utf-8")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))
    return program


@pytest.mark.usefixtures("no_yt_dlp_module")
def test_neither_module_nor_program(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(YouTubeError) as caught:
        dump_flat_playlist("https://www.youtube.com/playlist?list=PLx")
    assert caught.value.kind == "yt-dlp-missing"
    assert "pip install 'seminar-archive[youtube]'" in str(caught.value)


@pytest.mark.skipif(os.name != "posix", reason="a #! script stands in for the program")
@pytest.mark.usefixtures("no_yt_dlp_module")
def test_the_program_is_run_with_flat_playlist(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    log = tmp_path / "arguments.json"
    script = (
        "import json, sys\n"
        f"open({str(log)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
        f"sys.stdout.write(open({str(MUSIC)!r}).read())\n"
    )
    _program(tmp_path, script, monkeypatch)
    url = "https://www.youtube.com/playlist?list=PLIF2opf2-1Pr0NEsp3YeRlmYVUCXip-CM"
    playlist: Playlist = read_flat_playlist(dump_flat_playlist(url))
    assert len(playlist.entries) == 4
    assert json.loads(log.read_text())[-2:] == ["--", url]
    assert {"--flat-playlist", "-J"} <= set(json.loads(log.read_text()))


@pytest.mark.skipif(os.name != "posix", reason="a #! script stands in for the program")
@pytest.mark.usefixtures("no_yt_dlp_module")
def test_the_program_fails_with_its_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    script = (
        "import sys\n"
        "sys.stderr.write('ERROR: [youtube:tab] PLnope: The playlist does not exist.\\n')\n"
        "sys.exit(1)\n"
    )
    _program(tmp_path, script, monkeypatch)
    with pytest.raises(YouTubeError) as caught:
        dump_flat_playlist("https://www.youtube.com/playlist?list=PLnope")
    assert caught.value.kind == "yt-dlp-failed"
    assert "The playlist does not exist." in str(caught.value)
    assert "list=PLnope" in str(caught.value)


@pytest.mark.skipif(os.name != "posix", reason="a #! script stands in for the program")
@pytest.mark.usefixtures("no_yt_dlp_module")
def test_a_program_that_hangs_times_out(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _program(tmp_path, "import time\ntime.sleep(10)\n", monkeypatch)
    with pytest.raises(YouTubeError) as caught:
        dump_flat_playlist("https://www.youtube.com/@x/videos", timeout=0.5)
    assert caught.value.kind == "timeout"
