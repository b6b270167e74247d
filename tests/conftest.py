"""Build the real site once per session; build small purpose-made sites on demand.

Builds run ``python -m sphinx`` in a subprocess, exactly as ``make html`` and
Read the Docs do, so the log, the exit status and the output are the real ones.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from benchmarks.essays import copy_project

from tools import BASE_PATH, SITE_URL  # a base URL with a path: anything assuming "/" shows

pytest_plugins = ("sphinx.testing.fixtures",)

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
# The build's pinned "now": essays dated later are scheduled, not published.
NOW = "2026-06-01T12:00:00+00:00"
STRICT = ("-n", "-W", "--keep-going")
# Logs are compared as text: a CI that forces colour (FORCE_COLOR) must not
# wrap every line of every build the tests start in escape codes.
os.environ.pop("FORCE_COLOR", None)
os.environ["NO_COLOR"] = "1"
# What a project-shaped test site is made from; its content comes from the test.
SITE_FILES = ("conf.py", "_static", "unscripted", "Makefile", "requirements.txt")


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where Sphinx's testing fixtures find the small test sites (``tests/roots/test-*``)."""
    return Path(__file__).resolve().parent / "roots"


@dataclass
class Build:
    srcdir: Path
    outdir: Path
    returncode: int
    log: str

    def page(self, path: str) -> HTMLParser:
        return self.parsed[path]

    @cached_property
    def parsed(self) -> dict[str, HTMLParser]:
        return {path: HTMLParser(self.text(path)) for path in self.html_pages}

    @cached_property
    def html_pages(self) -> list[str]:
        return sorted(p.relative_to(self.outdir).as_posix() for p in self.outdir.rglob("*.html"))

    @cached_property
    def feeds(self) -> list[str]:
        return sorted(p.relative_to(self.outdir).as_posix() for p in self.outdir.rglob("atom.xml"))

    def text(self, path: str) -> str:
        return (self.outdir / path).read_text(encoding="utf-8")

    def exists(self, path: str) -> bool:
        return (self.outdir / path).is_file()

    def files(self) -> dict[str, bytes]:
        return {
            p.relative_to(self.outdir).as_posix(): p.read_bytes() for p in sorted(self.outdir.rglob("*")) if p.is_file()
        }


@dataclass
class SiteMaker:
    """Makes project-shaped sites: the real configuration, the test's content."""

    base: Path
    count: int = field(default=0)

    def make(self, files: dict[str, str | bytes], *, with_essay: bool = False) -> Path:
        self.count += 1
        srcdir = self.base / f"site{self.count}"
        copy_project(srcdir, SITE_FILES)
        defaults = {"index.md": (ROOT / "index.md").read_text(), "about.md": (ROOT / "about.md").read_text()}
        if with_essay:
            defaults["posts/2024/the-quiet-lie.md"] = (ROOT / "posts/2024/the-quiet-lie.md").read_text()
        for rel, content in {**defaults, **files}.items():
            path = srcdir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return srcdir


def sphinx_build(
    srcdir: Path,
    outdir: Path,
    *,
    options: tuple[str, ...] = STRICT,
    doctreedir: Path | None = None,
    env: dict[str, str] | None = None,
    wrapper: tuple[str, ...] = (),
) -> Build:
    command = [*wrapper, sys.executable, "-m", "sphinx", "-b", "html", *options]
    if doctreedir is not None:
        command += ["-d", str(doctreedir)]
    command += [str(srcdir), str(outdir)]
    environment = {
        **{k: v for k, v in os.environ.items() if k not in {"READTHEDOCS_CANONICAL_URL", "UNSCRIPTED_PREVIEW"}},
        "SITE_URL": SITE_URL,
        "UNSCRIPTED_NOW": NOW,
        "PYTHONDONTWRITEBYTECODE": "1",
        **(env or {}),
    }
    result = subprocess.run(
        command, capture_output=True, text=True, env=environment, cwd=srcdir, timeout=600, check=False
    )
    return Build(srcdir, outdir, result.returncode, result.stdout + result.stderr)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The real site, built strictly from the repository, once per session."""
    base = tmp_path_factory.mktemp("site")
    build = sphinx_build(ROOT, base / "html", doctreedir=base / "doctrees")
    assert build.returncode == 0, build.log
    return build


MANY = 45  # essays in the generated site that proves pagination and related essays


@pytest.fixture(scope="session")
def many(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """A site of generated essays: long listings, shared tags, neighbours."""
    from benchmarks.essays import write_essays

    base = tmp_path_factory.mktemp("many")
    srcdir = SiteMaker(base).make({})
    write_essays(srcdir, MANY, seed=45)
    build = sphinx_build(srcdir, base / "html", doctreedir=base / "doctrees")
    assert build.returncode == 0, build.log
    return build


def built_site(tmp_path_factory: pytest.TempPathFactory, name: str, files: dict) -> Build:
    """The publication (its essay included) with *files* added, built; the build must succeed."""
    base = tmp_path_factory.mktemp(name)
    srcdir = SiteMaker(base).make(files, with_essay=True)
    build = sphinx_build(srcdir, base / "html", doctreedir=base / "doctrees")
    assert build.returncode == 0, build.log
    return build


@pytest.fixture(scope="session")
def multilingual(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The publication with essays in thirteen languages and nine scripts (tests/data/multilingual)."""
    corpus = DATA / "multilingual"
    files = {str(path.relative_to(corpus)): path.read_bytes() for path in corpus.rglob("*") if path.is_file()}
    return built_site(tmp_path_factory, "multilingual", files)


@pytest.fixture
def sites(tmp_path: Path) -> SiteMaker:
    return SiteMaker(tmp_path)


ABLOG = DATA / "ablog"  # an ABlog corpus, two ABlog sites and what ABlog itself makes of them
VENV = ROOT / ".venv"
# Site copies share this checkout's virtual environment; never reinstall into it.
MAKE = ["make", f"VENV={VENV}", "-o", f"{VENV}/bin/.build-deps"]


@dataclass
class Imported:
    srcdir: Path
    report: str
    build: Build


@pytest.fixture(scope="session")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    """The small ABlog site ``tests/data/ablog/sites/good`` moved in with `make import`, then built as it came."""
    base = tmp_path_factory.mktemp("imported")
    srcdir = SiteMaker(base).make({})
    command = [*MAKE, "-C", str(srcdir), "import", f"FROM={ABLOG / 'sites/good'}"]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    build = sphinx_build(srcdir, base / "html", doctreedir=base / "doctrees")
    return Imported(srcdir, result.stdout, build)


def manuscript() -> tuple[str, list[str]]:
    """The first essay's title and paragraphs, as delivered, minus the delivery note."""
    text = (DATA / "the-quiet-lie.txt").read_text(encoding="utf-8")
    essay = text.split("\n***\n", 1)[1].strip()
    blocks = [block.strip() for block in re.split(r"\n\s*\n", essay)]
    assert blocks[0].startswith("### ")
    return blocks[0][4:], blocks[1:]


def resolve(page: str, href: str) -> str:
    """The output path a relative (or root-relative) link on *page* points to, fragment dropped."""
    target = href.split("#", 1)[0].split("?", 1)[0]
    if not target:
        return page
    if target.startswith(BASE_PATH):
        return target.removeprefix(BASE_PATH)
    return os.path.normpath(os.path.join(os.path.dirname(page), target)).replace(os.sep, "/")


@pytest.fixture(scope="session")
def served_site(site):
    """The real site over HTTP on 127.0.0.1, as a browser sees it."""
    from tools import serve

    with serve(site.outdir, BASE_PATH) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from tools import CHROMIUM_ARGS, chromium

    with sync_playwright() as playwright:
        chrome = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        yield chrome
        chrome.close()


def pytest_terminal_summary(terminalreporter):
    from tools import MEASUREMENTS

    if MEASUREMENTS:
        terminalreporter.section("measurements (recorded, not gated)")
        for line in MEASUREMENTS:
            terminalreporter.write_line(line)
