"""How the site is built: strict, clean log, one base URL, the same with plain sphinx-build."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from unscripted.core.site_url import LOCAL_PREVIEW_URL, SiteURLError, site_url_from_environment

from conftest import NOW, ROOT, SITE_URL, sphinx_build

ESSAY_SOURCE = (ROOT / "posts/2024/the-quiet-lie.md").read_text(encoding="utf-8")


def test_build_log_has_no_warnings(site):
    assert "build succeeded." in site.log
    assert not re.search(r"WARNING|ERROR|CRITICAL", site.log), site.log


def test_plain_sphinx_build_gives_the_same_site(site, tmp_path):
    """`sphinx-build -b html . OUT`, as Read the Docs and most people run it."""
    plain = sphinx_build(ROOT, tmp_path / "out", options=())
    assert plain.returncode == 0, plain.log
    assert not (tmp_path / "out/.doctrees").exists()
    assert (tmp_path / "out.doctrees/environment.pickle").is_file()
    assert plain.files() == site.files()


def absolute_urls(page) -> list[tuple[str, str]]:
    """(tag, url) for every absolute URL a page references or declares."""
    found = []
    for node in page.css("[href], [src], meta[content]"):
        for attribute in ("href", "src", "content"):
            value = node.attributes.get(attribute) or ""
            if re.match(r"[a-z][a-z0-9+.-]*://", value):
                found.append((node.tag, value))
    return found


def test_every_absolute_url_starts_with_the_base_url(site):
    base_host = urlsplit(SITE_URL).netloc
    checked = 0
    for path, page in site.parsed.items():
        for tag, url in absolute_urls(page):
            if tag != "a" or urlsplit(url).netloc == base_host:
                assert url.startswith(SITE_URL), f"{path}: <{tag}> {url}"
                checked += 1
        canonical = page.css_first('link[rel="canonical"]')
        assert canonical and canonical.attributes["href"] == SITE_URL + path, path
    assert checked >= len(site.parsed)
    for name, content in site.files().items():
        assert b"127.0.0.1" not in content and b"localhost" not in content, name


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"SITE_URL": "https://example.org/blog"}, "https://example.org/blog/"),
        ({"SITE_URL": "https://example.org/"}, "https://example.org/"),
        (
            {"READTHEDOCS_CANONICAL_URL": "https://unscripted.readthedocs.io/en/latest/"},
            "https://unscripted.readthedocs.io/en/latest/",
        ),
        ({"SITE_URL": "https://a.example/", "READTHEDOCS_CANONICAL_URL": "https://b.example/"}, "https://a.example/"),
        ({}, LOCAL_PREVIEW_URL),
    ],
)
def test_base_url_comes_from_the_environment(environ, expected):
    assert site_url_from_environment(environ) == expected


@pytest.mark.parametrize("bad", ["example.org", "/blog/", "ftp://example.org/", "https://example.org/?x=1"])
def test_unusable_base_url_is_refused(bad):
    with pytest.raises(SiteURLError):
        site_url_from_environment({"SITE_URL": bad})


ROOT_LOGGER_EXTENSION = """
import logging

def setup(app):
    # As ABlog and other libraries do: a warning on Python's root logger, not Sphinx's.
    app.connect("env-updated", lambda app, env: logging.warning("a library is unhappy"))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
"""


def test_a_warning_a_library_logs_on_the_root_logger_fails_the_build(sites, tmp_path):
    """logging.warning() bypasses Sphinx, so -W alone never sees it."""
    srcdir = sites.make({"rootwarn.py": ROOT_LOGGER_EXTENSION})
    conf = srcdir / "conf.py"
    conf.write_text(conf.read_text() + '\nsys.path.insert(0, ".")\nextensions.append("rootwarn")\n')
    build = sphinx_build(srcdir, tmp_path / "out")
    assert build.returncode != 0
    assert "WARNING: a library is unhappy" in build.log


def test_front_matter_and_a_post_directive_in_one_essay_are_refused(sites, tmp_path):
    both = ESSAY_SOURCE.replace("\n\nI used to think", "\n\n```{post} 2024-03-14\n```\n\nI used to think", 1)
    build = sphinx_build(sites.make({"posts/2024/the-quiet-lie.md": both}), tmp_path / "out")
    assert build.returncode != 0
    assert (
        "posts/2024/the-quiet-lie.md:12: ERROR: has both front matter (line 1) and a {post} directive (line 12), "
        "which would give the essay two sets of details; delete the {post} directive"
    ) in build.log
    assert not (tmp_path / "out" / "index.html").exists()


def test_drafts_and_scheduled_essays_are_not_published(sites, tmp_path):
    draft = ESSAY_SOURCE.replace("date: 2024-03-14", "date: 2024-03-14\ndraft: true").replace(
        "# The Quiet Lie", "# A Draft Lie"
    )
    future = ESSAY_SOURCE.replace("date: 2024-03-14", "date: 2026-09-01").replace("# The Quiet Lie", "# A Later Lie")
    srcdir = sites.make(
        {"posts/2024/a-draft.md": draft, "posts/2026/later.md": future},
        with_essay=True,
    )
    build = sphinx_build(srcdir, tmp_path / "out")
    assert build.returncode == 0, build.log
    assert "scheduled: posts/2026/later.md will appear in the first build after 2026-09-01" in build.log
    assert not build.exists("posts/2024/a-draft.html") and not build.exists("posts/2026/later.html")
    assert not build.exists("essays/drafts.html")
    for name, content in build.files().items():
        assert b"Draft Lie" not in content and b"Later Lie" not in content, name
        assert b"a-draft" not in content and b"later.html" not in content, name


def test_a_date_with_an_offset_is_read_in_the_site_zone(sites, tmp_path):
    aware = ESSAY_SOURCE.replace("date: 2024-03-14", "date: 2024-03-14T23:30:00-05:00")
    build = sphinx_build(sites.make({"posts/2024/the-quiet-lie.md": aware}), tmp_path / "out")
    assert build.returncode == 0, build.log
    byline = build.page("posts/2024/the-quiet-lie.html").css_first(".post-byline time")
    assert byline.attributes["datetime"] == "2024-03-15T04:30:00+00:00"
    assert NOW  # the pinned build time is later than every date used here
