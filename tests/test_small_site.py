"""A small site built in-process with Sphinx's own testing fixtures (``tests/roots/test-small``).

Snapshots pin the markup of a listing, a byline and a feed entry: an unintended
change shows as a diff (``pytest --snapshot-update`` accepts an intended one).
"""

from __future__ import annotations

import json
import shutil

import pytest
from lxml import etree
from selectolax.lexbor import LexborHTMLParser

from conftest import NOW, SITE_URL

pytestmark = pytest.mark.fast

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def small(make_app_module, tmp_path_factory, rootdir):
    srcdir = tmp_path_factory.mktemp("small") / "src"
    shutil.copytree(rootdir / "test-small", srcdir)
    app = make_app_module(srcdir)
    app.build()
    assert app.statuscode == 0, app._warning.getvalue()
    return app


@pytest.fixture(scope="module")
def make_app_module(rootdir):
    """``make_app`` for a module: the environment that conf.py reads, then a SphinxTestApp."""
    from sphinx.testing.util import SphinxTestApp

    patch = pytest.MonkeyPatch()
    patch.setenv("SITE_URL", SITE_URL)
    patch.setenv("UNSCRIPTED_NOW", NOW)
    patch.delenv("READTHEDOCS_CANONICAL_URL", raising=False)
    apps = []

    def make(srcdir, **kwargs):
        app = SphinxTestApp("html", srcdir=srcdir, freshenv=True, **kwargs)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.cleanup()
    patch.undo()


def html(app, page: str) -> LexborHTMLParser:
    return LexborHTMLParser((app.outdir / page).read_text(encoding="utf-8"))


def test_the_build_is_clean(small):
    assert small._warning.getvalue() == ""


def test_listing_markup(small, snapshot):
    assert html(small, "essays.html").css_first("section.essay-listing").html == snapshot


def test_byline_markup(small, snapshot):
    page = html(small, "posts/2024/second-thoughts.html")
    assert page.css_first("div.post-header").html == snapshot
    assert page.css_first("div.content-note").html == snapshot


def test_latest_essays_on_the_home_page(small, snapshot):
    assert html(small, "index.html").css_first("ol.essay-list").html == snapshot


def test_atom_entry_markup(small, snapshot):
    feed = etree.parse(small.outdir / "essays/atom.xml")
    entry = feed.find(f"{ATOM}entry")
    etree.indent(entry)  # feeds are written without indentation; the snapshot is read by people
    assert etree.tostring(entry, encoding="unicode") == snapshot


def test_rss_and_json_feed_items(small, snapshot):
    rss = etree.parse(small.outdir / "essays/tag/trust/rss.xml")
    item = rss.find("channel/item")
    etree.indent(item)
    assert etree.tostring(item, encoding="unicode") == snapshot
    items = json.loads((small.outdir / "essays/category/notes/feed.json").read_text(encoding="utf-8"))["items"]
    assert items[-1] == snapshot


def test_ablog_labels_and_model_pages_agree(small):
    import ablog.blog

    from unscripted.core.model import slugify

    assert ablog.blog.slugify is slugify  # ABlog names its collections' pages by our rule
    about = html(small, "about.html")
    assert about.css_first("article a.reference").attributes["href"] == "essays.html"
    for page in ("essays/tag/trust.html", "essays/category/notes.html", "essays/author/alex-rowan.html"):
        assert (small.outdir / page).is_file(), page
