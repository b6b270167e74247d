"""The writer's commands: a new essay, live preview, and a build that never half-publishes."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from unscripted.new_post import new_post, slugify

from conftest import ROOT, sphinx_build

VENV = ROOT / ".venv"
# The site copies share this checkout's virtual environment; never reinstall into it.
MAKE = ["make", f"VENV={VENV}", "-o", f"{VENV}/bin/.build-deps"]


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        (
            "The Quiet Lie We’re Sold About Sex (And How I’m Unlearning It)",
            "the-quiet-lie-were-sold-about-sex-and-how-im-unlearning-it",
        ),
        ("Café, crème & C++", "cafe-creme-c"),
        ("  Spaces   everywhere  ", "spaces-everywhere"),
        ("A very long title " * 8, "a-very-long-title-a-very-long-title-a-very-long-title-a-very"),
        ("Тишина вдвоём", "tishina-vdvoem"),
        ("Όσο πλησιάζουμε", "oso-plisiazoyme"),
        ("ما لا نقوله", "m-l-nqwlh"),
        ("לשאול לפני שנוגעים", "lsvl-lfny-snvgym"),
        ("रोज़ एक सवाल", "roj-ek-sval"),
        ("서툰 고백에 대하여 💌", "seotun-gobaege-daehayeo"),
        ("慢慢说", "manmanshuo"),
    ],
)
def test_slugs_are_readable_urls(title, slug):
    assert slugify(title) == slug
    assert len(slug) <= 60


def test_new_post_writes_a_valid_draft_and_never_overwrites(sites, tmp_path):
    srcdir = sites.make({}, with_essay=True)
    result = subprocess.run(
        [*MAKE, "-C", str(srcdir), "post", "TITLE=Notes on Being Seen"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    today = dt.datetime.now(dt.UTC).astimezone().date()
    created = next((srcdir / "posts").glob("*/notes-on-being-seen.md"))
    assert abs(int(created.parent.name) - today.year) <= 1
    assert "Created posts/" in result.stdout
    text = created.read_text()
    assert re.search(r"^date: \d{4}-\d{2}-\d{2}$", text, re.M)
    assert "\n# Notes on Being Seen\n" in text and "draft: true" in text

    before = created.read_bytes()
    again = subprocess.run(
        [*MAKE, "-C", str(srcdir), "post", "TITLE=Notes on Being Seen"], capture_output=True, text=True, check=False
    )
    assert again.returncode != 0
    assert "already exists" in again.stderr
    assert created.read_bytes() == before

    # Valid: preview shows it as a draft; production leaves it out.
    preview = sphinx_build(srcdir, tmp_path / "preview", env={"UNSCRIPTED_PREVIEW": "1", "UNSCRIPTED_NOW": ""})
    assert preview.returncode == 0, preview.log
    page = created.relative_to(srcdir).with_suffix(".html").as_posix()
    assert preview.page(page).css_first(".post-header .draft-badge").text() == "Draft"
    production = sphinx_build(srcdir, tmp_path / "production", env={"UNSCRIPTED_NOW": ""})
    assert production.returncode == 0, production.log
    assert not production.exists(page)


def test_new_post_refuses_a_slug_used_in_another_year(tmp_path):
    (tmp_path / "posts/2023").mkdir(parents=True)
    (tmp_path / "posts/2023/hello.md").write_text("x")
    with pytest.raises(SystemExit, match=re.escape("posts/2023/hello.md already uses the slug 'hello'")):
        new_post("Hello", tmp_path, dt.date(2024, 1, 1))
    with pytest.raises(SystemExit, match="no letters or digits"):
        new_post("!!!", tmp_path, dt.date(2024, 1, 1))


def tree_digest(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(directory).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@pytest.mark.parametrize("how", ["make html", "sphinx-build"])
def test_a_failed_build_leaves_the_published_site_as_it_was(sites, tmp_path, how):
    srcdir = sites.make({}, with_essay=True)
    environment = {**os.environ, "SITE_URL": "https://example.org/", "UNSCRIPTED_NOW": "2026-01-01T00:00:00+00:00"}
    published = srcdir / "_build/html"
    command = (
        [*MAKE, "-C", str(srcdir), "html"]
        if how == "make html"
        else [sys.executable, "-m", "sphinx", "-b", "html", str(srcdir), str(published)]  # as Read the Docs does
    )
    good = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    assert good.returncode == 0, good.stdout + good.stderr
    assert (published / "posts/2024/the-quiet-lie.html").is_file()
    before = tree_digest(published)

    # A broken reference fails while pages are being written: the staging folder is half-done.
    essay = srcdir / "posts/2024/the-quiet-lie.md"
    broken = essay.read_text().replace("I used to think", "I used to *really* think") + "\nSee [it](sequel.md).\n"
    essay.write_text(broken)
    bad = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    assert bad.returncode != 0
    assert "posts/2024/the-quiet-lie.md" in bad.stdout + bad.stderr
    assert "Nothing was published" in bad.stdout + bad.stderr
    assert tree_digest(published) == before
    assert "<em>really</em>" in (srcdir / "_build/html.staging/posts/2024/the-quiet-lie.html").read_text()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    # A page the preview is rewriting at that moment arrives cut short: not there yet.
    except (OSError, http.client.HTTPException):
        return None


def wait_for(condition, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    return None


def test_preview_serves_drafts_and_rebuilds_once_per_save(sites, tmp_path):
    draft = "---\ndate: 2024-05-01\ndraft: true\n---\n\n# Work in Progress\n\nNot yet.\n"
    srcdir = sites.make({"posts/2024/work.md": draft}, with_essay=True)
    port = free_port()
    log = tmp_path / "preview.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [*MAKE, "-C", str(srcdir), "serve", f"PORT={port}"],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        url = f"http://127.0.0.1:{port}/"
        home = wait_for(lambda: fetch(url + "index.html"))
        assert home, log.read_text()
        assert url in log.read_text(), "the preview prints its URL"
        assert "Work in Progress" in home, "drafts are shown in preview"
        # The preview server injects a reload script; previews carry no Content-Security-Policy.
        assert "Content-Security-Policy" not in home
        builds = log.read_text().count("build succeeded")

        essay = srcdir / "posts/2024/the-quiet-lie.md"
        essay.write_text(essay.read_text().replace("# The Quiet Lie", "# The Loud Truth", 1))
        page = url + "posts/2024/the-quiet-lie.html"
        assert wait_for(lambda: "The Loud Truth" in (fetch(page) or "")), log.read_text()
        assert wait_for(lambda: "The Loud Truth" in (fetch(url + "index.html") or "")), "the home page is rebuilt too"
        time.sleep(6)  # a rebuild loop would keep building with nothing changed
        assert log.read_text().count("build succeeded") == builds + 1, log.read_text()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
