"""The real tools readers' software relies on, located for the tests.

A missing tool fails the test with the command that installs it: checks are
never skipped. ``tests/install-tools.sh`` (run by ``make test``) installs them.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import os
import posixpath
import shutil
import subprocess
import threading
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

ROOT = Path(__file__).resolve().parents[1]
# The tests' base URL (conftest.SITE_URL), with a path: what assumes "/" shows.
SITE_URL = "https://example.org/unscripted/"
BASE_PATH = "/unscripted/"
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


# Debian's epubcheck package (EPUBCheck 4.2, EPUB 3.2 rules). Its /usr/bin/epubcheck is the jar
# itself, run through binfmt_misc, which containers often lack: the jar is run with java.
EPUBCHECK_JAR = Path(os.environ.get("UNSCRIPTED_EPUBCHECK_JAR", "/usr/share/java/epubcheck.jar"))


def epubcheck(books: list[Path]) -> subprocess.CompletedProcess:
    """EPUBCheck over *books* in one JVM (``EpubCheckMany.java``, run as a source file: needs a JDK)."""
    require(EPUBCHECK_JAR.is_file(), f"EPUBCheck ({EPUBCHECK_JAR})", "sudo apt-get install epubcheck")
    java = program("java", "default-jdk-headless")
    program("javac", "default-jdk-headless")  # java runs a source file only with the JDK's compiler
    command = [
        java,
        "-XX:TieredStopAtLevel=1",
        "-cp",
        str(EPUBCHECK_JAR),
        str(Path(__file__).with_name("EpubCheckMany.java")),
    ]
    return subprocess.run([*command, *map(str, books)], capture_output=True, text=True, timeout=600, check=False)


# Typographic glyphs back to what a writer types (tests/test_typography.py): the same words.
TYPED = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "—": "---", "–": "--", "…": "..."}
)


def as_typed(text: str) -> str:
    return text.translate(TYPED)


COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under its base path, and its 404.html for anything missing, like a host
    does; text compressed with gzip for clients that ask, as GitHub Pages and Read the Docs do
    (Lighthouse measures what a phone would download)."""

    prefix = "/"

    def log_message(self, format: str, *args) -> None:
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not urlsplit(self.path).path.endswith("/"):
                return super().send_head()  # the redirect to the folder a host sends
            path = path / "index.html"
        kind = self.guess_type(str(path))
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            return super().send_head()
        if not kind.startswith(COMPRESSED_TYPES):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)

    def translate_path(self, path: str) -> str:
        if path.startswith(self.prefix):
            return super().translate_path("/" + path.removeprefix(self.prefix))
        return str(Path(self.directory) / ".outside-the-site")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory, "404.html")
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextlib.contextmanager
def serve(directory: Path, prefix: str = "/") -> Iterator[str]:
    """Serve *directory* at *prefix* on 127.0.0.1 (a free port); yield the site's URL."""
    handler = functools.partial(type("Handler", (SiteHandler,), {"prefix": prefix}), directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


# -- Links -------------------------------------------------------------------------------------

URL_ATTRIBUTES = ("href", "src", "poster", "data")


def target_of(page: str, url: str) -> tuple[str, str] | None:
    """(output path, fragment) of an internal URL on *page*; None if external."""
    if url.startswith(SITE_URL):
        url = BASE_PATH + url.removeprefix(SITE_URL)
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    if parts.path.startswith(BASE_PATH):
        path = unquote(parts.path.removeprefix(BASE_PATH))
    elif parts.path.startswith("/"):
        return ("/" + parts.path, "")  # outside the site: reported as missing
    else:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path))) if parts.path else page
    if path == "." or path.endswith("/") or not path:
        path = posixpath.join(path, "index.html").lstrip("./")
    return path, unquote(parts.fragment)


def check(site, page: str, urls: list[str]) -> list[str]:
    """What is wrong with the internal *urls* of *page* (nothing: each leads to a file and id that exist)."""
    problems = []
    for url in urls:
        target = target_of(page, url)
        if target is None:
            continue
        path, fragment = target
        if not site.exists(path):
            problems.append(f"{page}: {url!r} -> missing {path}")
        elif fragment and path.endswith(".html") and fragment not in ids(site, path):
            problems.append(f"{page}: {url!r} -> no id {fragment!r} in {path}")
    return problems


def ids(site, path: str) -> set[str]:
    return _ids(site.outdir, path)


@cache
def _ids(outdir, path: str) -> set[str]:
    page = HTMLParser((outdir / path).read_text(encoding="utf-8"))
    return {node.attributes["id"] for node in page.css("[id]")} | {n.attributes["name"] for n in page.css("a[name]")}


def page_urls(page) -> list[str]:
    urls = [node.attributes[a] for a in URL_ATTRIBUTES for node in page.css(f"[{a}]") if node.attributes[a]]
    urls += [src.split()[0] for node in page.css("[srcset]") for src in node.attributes["srcset"].split(",")]
    return urls


# Measurements worth seeing but not gating on; printed at the end of the run.
MEASUREMENTS: list[str] = []
