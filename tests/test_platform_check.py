"""The start-up check of Qt's xcb platform: when it applies, what it finds, what it says."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.platform_check import (
    PACKAGE_OF_LIBRARY,
    PLUGIN_NAME,
    BrokenLibrary,
    broken_libraries,
    display_reachable,
    find_xcb_plugin,
    install_command,
    ldd_output,
    libraries_message,
    load_error,
    startup_problem,
    uses_xcb,
)
from tests.helpers.xcb_plugin import (
    ABSENT,
    SHADOWED,
    plugin_needing_an_absent_library,
    pyside_plugin,
    shadowing_folder,
)

# Libraries every Linux system has, and Qt's own (shipped with PySide6).
C_RUNTIME = {"libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "ld-linux-x86-64.so.2"}


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        ({}, "linux", True),
        ({"QT_QPA_PLATFORM": "xcb"}, "linux", True),
        ({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({"QT_QPA_PLATFORM": "wayland"}, "linux", False),
        ({"QT_QPA_PLATFORM": "xcb;wayland"}, "linux", False),
        ({}, "darwin", False),
        ({}, "win32", False),
    ],
)
def test_the_check_applies_only_where_qt_starts_on_xcb(
    environ: dict[str, str], platform: str, expected: bool
) -> None:
    assert uses_xcb(environ, platform) is expected


def test_nothing_is_checked_off_xcb() -> None:
    assert startup_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert startup_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None


def test_the_installed_plugin_loads_here() -> None:
    plugin = pyside_plugin()
    assert load_error(plugin) is None
    assert broken_libraries("", ldd_output(plugin), plugin) == []
    # With a display that answers (a real X server), nothing stops the start.
    probe = "from desktop_app.platform_check import startup_problem; print(startup_problem())"
    under_xvfb = subprocess.run(
        ["xvfb-run", "-a", sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "xcb"},
        check=False,
    )
    assert under_xvfb.stdout.strip() == "None", under_xvfb.stderr


def test_a_display_that_does_not_answer_is_named() -> None:
    assert display_reachable(":77") is False
    problem = startup_problem({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":77"})
    assert problem is not None
    assert "Cannot connect to the X11 display ':77'" in problem
    assert "xvfb-run -a seminar-archive gui" in problem


def test_no_display_is_named_with_how_to_run_without_one() -> None:
    problem = startup_problem({"QT_QPA_PLATFORM": "xcb"})
    assert problem is not None
    assert "DISPLAY is not set" in problem
    assert "xvfb-run -a seminar-archive gui" in problem


def test_the_plugin_is_found_where_qt_looks_first(tmp_path: Path) -> None:
    own, listed = tmp_path / "own", tmp_path / "listed"
    platforms = listed / "platforms"
    for folder in (own, platforms):
        folder.mkdir(parents=True)
        shutil.copy(pyside_plugin(), folder / PLUGIN_NAME)
    empty = str(tmp_path / "empty")
    assert find_xcb_plugin({}) == pyside_plugin()
    assert find_xcb_plugin({"QT_QPA_PLATFORM_PLUGIN_PATH": str(own)}) == own / PLUGIN_NAME
    assert find_xcb_plugin({"QT_PLUGIN_PATH": f"{empty}:{listed}"}) == platforms / PLUGIN_NAME
    assert find_xcb_plugin({"QT_QPA_PLATFORM_PLUGIN_PATH": empty}) == pyside_plugin()


def test_a_broken_library_is_named_from_ldd(tmp_path: Path) -> None:
    plugin = pyside_plugin()
    env = {**os.environ, "LD_LIBRARY_PATH": str(shadowing_folder(tmp_path))}
    ldd = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, env=env, check=False)
    [library] = broken_libraries("", ldd.stdout + ldd.stderr, plugin)
    assert library.name == SHADOWED
    assert library.reason == f"file too short ({tmp_path / SHADOWED})"
    assert library.package == "libxcb-icccm4"


def test_a_missing_library_is_named_once_from_the_loader_and_ldd(tmp_path: Path) -> None:
    plugin = plugin_needing_an_absent_library(tmp_path) / PLUGIN_NAME
    error = load_error(plugin)
    assert error is not None
    assert ABSENT in error
    assert ABSENT in ldd_output(plugin)
    assert broken_libraries(error, ldd_output(plugin), plugin) == [
        BrokenLibrary(ABSENT, "not found")
    ]


def test_loader_and_ldd_messages_are_read() -> None:
    plugin = Path("/opt/qt/plugins/platforms/libqxcb.so")
    ldd = (
        "\tlibxcb-cursor.so.0 => not found\n"
        "\tlibX11.so.6 => /lib/x86_64-linux-gnu/libX11.so.6 (0x00007f48248be000)\n"
        "\t/opt/qt/lib/libQt6XcbQpa.so.6: /lib/x86_64-linux-gnu/libxkbcommon.so.0: "
        "version `V_1.0.0' not found (required by /opt/qt/lib/libQt6XcbQpa.so.6)\n"
    )
    error = "libxcb-cursor.so.0: cannot open shared object file: No such file or directory"
    assert broken_libraries(error, ldd, plugin) == [
        BrokenLibrary("libxcb-cursor.so.0", "not found"),
        BrokenLibrary(
            "libxkbcommon.so.0",
            "version `V_1.0.0' not found (required by /opt/qt/lib/libQt6XcbQpa.so.6) "
            "(/lib/x86_64-linux-gnu/libxkbcommon.so.0)",
        ),
    ]
    # A symbol the plugin itself lacks names no system library.
    assert broken_libraries(f"{plugin}: undefined symbol: xcb_foo", "", plugin) == []


def test_the_message_names_libraries_packages_and_the_command() -> None:
    libraries = [
        BrokenLibrary("libxcb-icccm.so.4", "not found"),
        BrokenLibrary("libxcb-keysyms.so.1", "not found"),
        BrokenLibrary("libxcb-gone.so.4", "not found"),
    ]
    message = libraries_message(Path("/p/libqxcb.so"), "", libraries)
    assert "libxcb-icccm.so.4: not found [libxcb-icccm4]" in message
    assert "libxcb-gone.so.4: not found [package unknown: apt-file search libxcb-gone.so.4]" in (
        message
    )
    command = install_command(["libxcb-icccm4", "libxcb-keysyms1"], as_root=os.geteuid() == 0)
    assert message.splitlines()[-1] == "  " + command
    assert install_command(["libxcb-icccm4"], as_root=False) == "sudo apt-get install libxcb-icccm4"
    assert install_command(["libxcb-icccm4"], as_root=True) == "apt-get install libxcb-icccm4"


def _needed(library: Path) -> set[str]:
    """The DT_NEEDED entries of `library`, read with readelf."""
    dynamic = subprocess.run(
        ["readelf", "-d", str(library)], capture_output=True, text=True, check=True
    ).stdout
    lines = [line for line in dynamic.splitlines() if "(NEEDED)" in line]
    return {line.split("[", 1)[1].rstrip("]") for line in lines}


@pytest.mark.skipif(shutil.which("readelf") is None, reason="readelf (binutils) is not installed")
def test_every_system_library_the_plugin_needs_has_a_package() -> None:
    plugin = pyside_plugin()
    qt_lib = plugin.parents[2] / "lib"
    names = ("libQt6XcbQpa.so.6", "libQt6Gui.so.6", "libQt6DBus.so.6", "libQt6Core.so.6")
    libraries = [plugin, *(qt_lib / name for name in names)]
    needed = set().union(*(_needed(library) for library in libraries))
    system = {name for name in needed if not name.startswith(("libQt6", "libicu"))} - C_RUNTIME
    assert system - PACKAGE_OF_LIBRARY.keys() == set()


@pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="not a Debian/Ubuntu system")
def test_the_packages_are_the_ones_dpkg_knows_here() -> None:
    checked = 0
    for library, package in PACKAGE_OF_LIBRARY.items():
        for name in (package, f"{package}t64"):
            files = subprocess.run(
                ["dpkg-query", "-L", name], capture_output=True, text=True, check=False
            ).stdout.splitlines()
            if files:  # installed here
                assert any(Path(file).name == library for file in files), (library, name)
                checked += 1
    assert checked >= 20
