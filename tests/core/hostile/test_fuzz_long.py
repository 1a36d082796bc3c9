"""The long fuzzing run (`make test-slow`): the hypothesis tests of test_fuzz.py with many
more examples, drawn at random (HOSTILE_FUZZ_EXAMPLES, default 5000 per test; about 12
minutes here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_a_long_fuzzing_run_finds_nothing() -> None:
    examples = os.environ.get("HOSTILE_FUZZ_EXAMPLES", "5000")
    env = {**os.environ, "HOSTILE_FUZZ_EXAMPLES": examples}
    tests = str(Path(__file__).with_name("test_fuzz.py"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--durations=10", tests],
        capture_output=True,
        text=True,
        env=env,
        timeout=4 * 3600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-5000:]
