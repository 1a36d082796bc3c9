"""Before Qt starts on X11: can its xcb platform plugin load, and does its display answer?

When a system library of the xcb plugin is missing, Qt prints "Could not load the Qt platform
plugin" and aborts the process. This check runs first, names the missing libraries, the
Debian/Ubuntu packages that provide them and the command that installs them. It never imports Qt.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

PLUGIN_NAME = "libqxcb.so"

# The system libraries the xcb plugin and the Qt libraries under it load, by Debian package.
PACKAGE_OF_LIBRARY: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libpng16.so.16": "libpng16-16",
    "libexpat.so.1": "libexpat1",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libz.so.1": "zlib1g",
    "libzstd.so.1": "libzstd1",
}

_NOT_FOUND = re.compile(r"^\s*(\S+) => not found\s*$", re.MULTILINE)
_LOAD_ERROR = re.compile(r"error while loading shared libraries: ([^:]+): (.+)$", re.MULTILINE)
_VERSION_ERROR = re.compile(r"^\s*\S+: (\S+): (version .* not found.*)$", re.MULTILINE)
_NO_SUCH_FILE = "cannot open shared object file: No such file or directory"


@dataclass(frozen=True)
class BrokenLibrary:
    """A library the plugin needs that is missing or cannot be loaded."""

    name: str
    reason: str

    @property
    def package(self) -> str | None:
        """The Debian/Ubuntu package that provides it, when known."""
        return PACKAGE_OF_LIBRARY.get(self.name)


def uses_xcb(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether Qt will start on its xcb (X11) plugin, with no other platform to fall back to."""
    if not platform.startswith("linux"):
        return False
    requested = environ.get("QT_QPA_PLATFORM", "").strip()
    if not requested:
        # Qt chooses in a Wayland session.
        return not environ.get("WAYLAND_DISPLAY")
    names = [entry.split(":", 1)[0].strip() for entry in requested.split(";") if entry.strip()]
    return all(name == "xcb" for name in names)


def find_xcb_plugin(environ: Mapping[str, str]) -> Path | None:
    """The xcb plugin Qt will load: from QT_QPA_PLATFORM_PLUGIN_PATH, QT_PLUGIN_PATH, PySide6."""
    folders: list[Path] = []
    if environ.get("QT_QPA_PLATFORM_PLUGIN_PATH"):
        folders.append(Path(environ["QT_QPA_PLATFORM_PLUGIN_PATH"]))
    for entry in environ.get("QT_PLUGIN_PATH", "").split(os.pathsep):
        if entry:
            folders.append(Path(entry) / "platforms")
    spec = importlib.util.find_spec("PySide6")  # finds the package without importing Qt
    for location in (spec.submodule_search_locations or []) if spec else []:
        folders.append(Path(location) / "Qt" / "plugins" / "platforms")
    for folder in folders:
        if (folder / PLUGIN_NAME).is_file():
            return folder / PLUGIN_NAME
    return None


def load_error(library: Path) -> str | None:
    """The dynamic loader's error when loading `library` into this process, or None."""
    try:
        ctypes.CDLL(str(library))
    except OSError as error:
        return str(error)
    return None


def ldd_output(library: Path) -> str:
    """What `ldd` says about `library` (empty when there is no ldd)."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return ""
    try:
        result = subprocess.run(
            [ldd, str(library)], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout + result.stderr


def broken_libraries(error: str, ldd_text: str, plugin: Path) -> list[BrokenLibrary]:
    """The libraries named in a loader error and in `ldd` output, the plugin itself left out."""
    found: list[BrokenLibrary] = []
    for line in ldd_text.splitlines():
        if match := _NOT_FOUND.match(line):
            found.append(BrokenLibrary(match[1], "not found"))
        elif (match := _LOAD_ERROR.search(line)) or (match := _VERSION_ERROR.match(line)):
            found.append(_library(match[1], match[2]))
    head, _, reason = error.partition(": ")
    if ".so" in head and reason:
        found.append(_library(head, reason))
    unique: dict[str, BrokenLibrary] = {}
    for library in found:
        if library.name != plugin.name:
            unique.setdefault(library.name, library)
    return list(unique.values())


def _library(path: str, reason: str) -> BrokenLibrary:
    name = Path(path).name
    if reason.strip() == _NO_SUCH_FILE:
        return BrokenLibrary(name, "not found")
    where = f" ({path})" if path != name else ""
    return BrokenLibrary(name, reason.strip() + where)


def install_command(packages: Iterable[str], as_root: bool) -> str:
    """The apt-get command that installs `packages`."""
    return ("" if as_root else "sudo ") + "apt-get install " + " ".join(packages)


def libraries_message(plugin: Path, error: str, libraries: list[BrokenLibrary]) -> str:
    """Why the xcb plugin cannot load, and what to install."""
    lines = [f"Qt's X11 platform plugin (xcb) cannot be loaded: {plugin}"]
    if not libraries:
        lines += [f"  {error}", "Reinstalling the application (its PySide6) may fix this."]
        return "\n".join(lines)
    lines.append("Missing or broken system libraries:")
    for library in libraries:
        if library.package:
            where = library.package
        elif library.name.startswith(("libQt", "libicu")):
            where = "part of PySide6: reinstall the application"
        else:
            where = f"package unknown: apt-file search {library.name}"
        lines.append(f"  {library.name}: {library.reason} [{where}]")
    packages = list(dict.fromkeys(lib.package for lib in libraries if lib.package))
    if packages:
        lines.append(f"Their Debian/Ubuntu packages: {' '.join(packages)}. Install them with:")
        lines.append("  " + install_command(packages, as_root=os.geteuid() == 0))
    if any(library.reason != "not found" for library in libraries):
        lines.append(
            "A library above is present but broken: check LD_LIBRARY_PATH, or reinstall its "
            "package (apt-get install --reinstall)."
        )
    return "\n".join(lines)


def display_message() -> str:
    """Why Qt cannot open a window without DISPLAY, and how to run the application."""
    return "\n".join(
        [
            "There is no X11 display (DISPLAY is not set). Start it from a desktop session, or",
            "without a screen under a virtual X server:",
            "  xvfb-run -a seminar-archive gui",
            "The other commands need no display (seminar-archive --help).",
        ]
    )


def display_reachable(display: str) -> bool | None:
    """Whether an X client can connect to `display` (as Qt will, through libxcb), or None
    when libxcb itself cannot be loaded (the library check says why)."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return None
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)  # never NULL: an error connection
    try:
        return bool(connection) and xcb.xcb_connection_has_error(connection) == 0
    finally:
        if connection:
            xcb.xcb_disconnect(connection)


def unreachable_display_message(display: str) -> str:
    """Why Qt cannot open a window on a display that is set but does not answer."""
    return "\n".join(
        [
            f"Cannot connect to the X11 display {display!r} (DISPLAY): is its X server running,",
            "and may this user open windows on it (XAUTHORITY, xhost)? Without a screen, run",
            "it under a virtual X server:",
            "  xvfb-run -a seminar-archive gui",
        ]
    )


def startup_problem(environ: Mapping[str, str] | None = None) -> str | None:
    """Why Qt's xcb platform cannot start in this process (a message for stderr), or None."""
    environ = os.environ if environ is None else environ
    if not uses_xcb(environ):
        return None
    problems: list[str] = []
    plugin = find_xcb_plugin(environ)
    error = load_error(plugin) if plugin is not None else None
    if plugin is not None and error is not None:
        libraries = broken_libraries(error, ldd_output(plugin), plugin)
        problems.append(libraries_message(plugin, error, libraries))
    display = environ.get("DISPLAY")
    if not display:
        problems.append(display_message())
    elif not problems and display_reachable(display) is False:
        problems.append(unreachable_display_message(display))
    if not problems:
        return None
    return "\n\n".join(["seminar-archive: the desktop application cannot start.", *problems])
