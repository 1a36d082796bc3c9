"""The local HTTP server of these tests: 127.0.0.1 (an address, not a name), one thread per
request, so that a handler still sleeping for an earlier test never delays the next one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer


@pytest.fixture(scope="session")
def make_httpserver() -> Iterator[HTTPServer]:
    """pytest-httpserver's server for the session (its `httpserver` fixture clears it per test)."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()
