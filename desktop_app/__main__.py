"""`python -m desktop_app` starts the desktop application."""

from __future__ import annotations

from desktop_app.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
