"""Every internal link and resource in every page and feed exists, fragments included."""

from __future__ import annotations

import posixpath
from functools import cache
from urllib.parse import unquote, urlsplit

from lxml import etree
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from conftest import BASE_PATH, ROOT, SITE_URL, sphinx_build

ESSAY_SOURCE = (ROOT / "posts/2024/the-quiet-lie.md").read_text(encoding="utf-8")
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


def test_every_internal_link_in_every_page_resolves(site):
    problems, checked = [], 0
    for path, page in site.parsed.items():
        urls = page_urls(page)
        checked += len(urls)
        problems += check(site, path, urls)
    assert checked > 20 * len(site.parsed)
    assert not problems, "\n".join(problems)


def test_every_internal_link_in_every_feed_resolves(site):
    problems = []
    for feed in site.feeds:
        tree = etree.parse(str(site.outdir / feed)).getroot()
        urls = [link.get("href") for link in tree.iter("{http://www.w3.org/2005/Atom}link")]
        for content in tree.iter("{http://www.w3.org/2005/Atom}content"):
            urls += page_urls(HTMLParser(content.text))
        problems += check(site, feed, urls)
    assert not problems, "\n".join(problems)


def test_checker_catches_a_missing_page_and_a_missing_fragment(site):
    assert check(site, "index.html", ["nope.html", "about.html#nope", "about.html#what-you-will-find-here"]) == [
        "index.html: 'nope.html' -> missing nope.html",
        "index.html: 'about.html#nope' -> no id 'nope' in about.html",
    ]


def test_broken_cross_reference_in_an_essay_fails_the_build_naming_the_file(sites, tmp_path):
    for number, line in enumerate(
        ("See [the missing section](#no-such-heading).", "See {ref}`no-such-label`.", "See [it](nope.md).")
    ):
        text = ESSAY_SOURCE.replace("\nThat question cracked the entire facade.\n", f"\n{line}\n")
        build = sphinx_build(sites.make({"posts/2024/the-quiet-lie.md": text}), tmp_path / f"out{number}")
        assert build.returncode != 0, line
        assert "posts/2024/the-quiet-lie.md:" in build.log, (line, build.log)
        assert "WARNING" in build.log or "ERROR" in build.log
