"""Real ways for Qt's xcb platform plugin to fail loading, built in temporary folders."""

from __future__ import annotations

from pathlib import Path

from desktop_app.platform_check import PLUGIN_NAME, find_xcb_plugin

SHADOWED = "libxcb-icccm.so.4"  # a library the plugin needs; in the package libxcb-icccm4
ABSENT = "libxcb-gone.so.4"  # a name no system has: the loader reports it "not found"


def pyside_plugin() -> Path:
    """PySide6's own xcb plugin."""
    plugin = find_xcb_plugin({})
    assert plugin is not None, "PySide6 ships Qt/plugins/platforms/libqxcb.so"
    return plugin


def shadowing_folder(folder: Path) -> Path:
    """A folder for LD_LIBRARY_PATH holding an empty file in place of the plugin's icccm library.

    The loader finds it before the system's copy and refuses it ("file too short").
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SHADOWED).write_bytes(b"")
    return folder


def plugin_needing_an_absent_library(folder: Path) -> Path:
    """A platforms folder (for QT_QPA_PLATFORM_PLUGIN_PATH) whose xcb plugin needs ABSENT.

    A copy of PySide6's plugin with the name of one needed library changed in its dynamic string
    table; `lib` beside it points at PySide6's Qt libraries, which the plugin finds through its
    RUNPATH ($ORIGIN/../../lib).
    """
    original = pyside_plugin()
    platforms = folder / "plugins" / "platforms"
    platforms.mkdir(parents=True)
    (folder / "lib").symlink_to(original.parents[2] / "lib", target_is_directory=True)
    data = original.read_bytes()
    needed = b"\0" + SHADOWED.encode() + b"\0"
    assert data.count(needed) == 1, f"the plugin names {SHADOWED} once"
    replacement = b"\0" + ABSENT.encode().ljust(len(SHADOWED), b"\0") + b"\0"
    (platforms / PLUGIN_NAME).write_bytes(data.replace(needed, replacement))
    return platforms
