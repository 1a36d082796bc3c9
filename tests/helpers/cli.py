"""Runs the real `seminar-archive` entry point in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

SCRIPT = Path(sys.executable).with_name("seminar-archive")


def run_cli(
    data_dir: Path, *arguments: str, input_text: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `seminar-archive --data-dir DATA_DIR ARGUMENTS…` and capture its output."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("SEMINAR_ARCHIVE_HOME", None)
    return subprocess.run(
        [str(SCRIPT), "--data-dir", str(data_dir), *arguments],
        capture_output=True,
        text=True,
        input=input_text,
        timeout=timeout,
        env=env,
        check=False,
    )


def run_json(data_dir: Path, *arguments: str) -> Any:
    """Run a `--json` command that must succeed; its parsed stdout."""
    result = run_cli(data_dir, *arguments, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
