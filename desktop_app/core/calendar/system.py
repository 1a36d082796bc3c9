"""Whether the system's default application for calendar files is this app itself.

The app registers as one of the applications that open `.ics` files, never as the default
for `text/calendar`; where the user made it the default anyway, "open with the calendar
application" would only open the app again, so the GUI offers its menu instead.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

DESKTOP_FILE_PREFIX = "seminar-archive"


def system_calendar_is_self() -> bool:
    """True when the default handler of text/calendar is this app (Linux: xdg-mime);
    False where that cannot be told."""
    if not sys.platform.startswith("linux"):
        return False
    tool = shutil.which("xdg-mime")
    if tool is None:
        return False
    try:
        answer = subprocess.run(
            [tool, "query", "default", "text/calendar"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return answer.stdout.strip().lower().startswith(DESKTOP_FILE_PREFIX)
