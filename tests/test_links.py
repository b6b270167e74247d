"""Every internal link and resource in every page and feed exists, fragments included."""

from __future__ import annotations

from lxml import etree
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from conftest import ROOT, sphinx_build
from tools import check, page_urls

ESSAY_SOURCE = (ROOT / "posts/2024/the-quiet-lie.md").read_text(encoding="utf-8")


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
