"""The real tools readers' software relies on, located for the tests.

A missing tool fails the test with the command that installs it: checks are
never skipped. ``tests/install-tools.sh`` (run by ``make test``) installs them.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"
# How the probe and CI run Debian's Chromium as root, with no network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require(condition: bool, what: str, command: str) -> None:
    if not condition:
        pytest.fail(f"{what} is missing; run `{command}` (or `make test`, which sets everything up)", pytrace=False)


@functools.cache
def chromium() -> str:
    """Debian's Chromium, or UNSCRIPTED_CHROMIUM, or Playwright's managed one."""
    candidates = [os.environ.get("UNSCRIPTED_CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    with contextlib.suppress(Exception):
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            managed = playwright.chromium.executable_path
        if Path(managed).is_file():
            return managed
    require(False, "Chromium", "sudo apt-get install chromium")
    raise AssertionError  # unreachable


def node_tool(relative: str) -> Path:
    path = NODE_MODULES / relative
    require(path.exists(), f"node_modules/{relative}", "npm ci --ignore-scripts")
    return path


def program(name: str, package: str) -> str:
    found = shutil.which(name)
    require(found is not None, name, f"sudo apt-get install {package}")
    return found


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the stdlib's name)
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve *directory* on 127.0.0.1 (a free port); yield its base URL."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# Measurements worth seeing but not gating on; printed at the end of the run.
MEASUREMENTS: list[str] = []
