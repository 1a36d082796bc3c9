"""The core never imports Qt: every core module imports with PySide6 made unimportable."""

from __future__ import annotations

import subprocess
import sys

BLOCK_QT_AND_IMPORT_CORE = """
import importlib, pkgutil, sys

class BlockQt:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith(("PySide6.", "desktop_app.ui")):
            raise ImportError(f"the core imported {name}")
        return None

sys.meta_path.insert(0, BlockQt())
import desktop_app.core as core
for module in pkgutil.walk_packages(core.__path__, core.__name__ + "."):
    if ".migrations" in module.name:
        continue
    importlib.import_module(module.name)
print("ok")
"""


def test_core_imports_without_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_QT_AND_IMPORT_CORE],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
