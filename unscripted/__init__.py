"""Unscripted: one Sphinx extension that turns a folder of essays into a publication.

Layers by stage; each imports only the ones above it in this list, never a sibling output::

    core/      pure Python: front matter, the site model and its naming rules, words, cards, covers,
               the EPUB format, base URL
    infra/     Sphinx plumbing, no essays: state stores, fingerprints, strictness, output folder, fragments
    read/      discovery and validation, the read boundary, essays as read, ABlog's bridge
    rebuild    which pages an edit touches (the model, never an output)
    write/     one module per output: listings, feeds, e-books, essay page, navigation, metadata, sitemap,
               images, CSP
               (write/entries is the shared view of an essay, not an output)

``setup()`` below connects every handler in the order the build runs them.
Templates and fonts live with the package (``templates/``, ``static/``).
"""

from __future__ import annotations

import os
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

from unscripted import rebuild
from unscripted.core import __version__
from unscripted.infra import output, strict
from unscripted.infra.files import code_digest
from unscripted.infra.state import StateDomain
from unscripted.read import ablog_bridge, boundary, discovery, essays
from unscripted.read.directives import LatestEssays, latest_essays
from unscripted.write import csp, epub, essay_page, feeds, images, listings, metadata, navigation, sitemap

PACKAGE = Path(__file__).resolve().parent


def add_package_files(app: Sphinx, config: Config) -> None:
    """The package's templates (after the site's own) and its fonts.

    Relative to the configuration directory, as a site would write them: the
    configuration (and so ``.buildinfo``) must not depend on where the site lies."""
    for name, folder in (("templates_path", "templates"), ("html_static_path", "static")):
        config[name] = [*config[name], os.path.relpath(PACKAGE / folder, app.confdir)]


def setup(app: Sphinx) -> dict:
    # -- Configuration (conf.py documents each value) -------------------------------------
    app.add_config_value("unscripted_timezone", "UTC", "env", types=frozenset({str}))
    app.add_config_value("unscripted_words_per_minute", 230, "env", types=frozenset({int}))
    app.add_config_value("unscripted_preview", False, "env", types=frozenset({bool}))
    # "now" moves every build; it must not invalidate the environment by itself.
    app.add_config_value("unscripted_now", "", "", types=frozenset({str}))
    app.add_config_value("unscripted_page_size", 10, "html", types=frozenset({int}))
    colours = {"brand": "#8c2f4b", "ink": "#1c1417", "paper": "#ffffff"}
    app.add_config_value("unscripted_colours", colours, "html", types=frozenset({dict}))
    app.add_config_value("unscripted_description", "", "html", types=frozenset({str}))
    app.add_config_value("unscripted_noindex", False, "html", types=frozenset({bool}))
    ablog_bridge.add_ablog(app)
    app.setup_extension("sphinxext.opengraph")
    app.add_domain(StateDomain)
    app.add_directive("latest-essays", LatestEssays)
    app.add_node(latest_essays)

    # -- Before reading: find and validate every essay ---------------------------------------
    app.connect("config-inited", output.move_cache_out_of_output, priority=100)
    app.connect("config-inited", add_package_files)
    app.connect("config-inited", ablog_bridge.empty_registry)
    app.connect("config-inited", discovery.scan_essays)
    app.connect("builder-inited", strict.forward_root_logger)
    app.connect("builder-inited", discovery.hide_unpublished)
    app.connect("env-get-outdated", discovery.restore_exclude_patterns)
    app.connect("env-get-outdated", rebuild.reread_links_to_removed)

    # -- Reading each document ---------------------------------------------------------------
    app.connect("doctree-read", essays.record_essay, priority=400)
    app.connect("doctree-read", ablog_bridge.read_post_markup, priority=450)  # needs the essay's title
    app.connect("doctree-read", boundary.check_essay)
    app.connect("doctree-read", rebuild.record_references)

    # -- Once everything is read: stop on any problem, build the model, plan the rewrite -----
    app.connect("env-updated", boundary.stop_if_any, priority=100)
    app.connect("env-updated", essays.render_openings, priority=200)
    app.connect("env-updated", essays.build_site, priority=300)
    app.connect("env-updated", ablog_bridge.register, priority=400)
    app.connect("env-updated", rebuild.outdated_views, priority=500)
    app.connect("env-updated", images.start_cards, priority=600)  # drawn while pages are written

    # -- Writing each page ---------------------------------------------------------------------
    app.connect("missing-reference", ablog_bridge.resolve_blog_label)
    app.connect("doctree-resolved", ablog_bridge.fill_postlists)
    app.connect("doctree-resolved", listings.fill_latest_essays)
    app.connect("doctree-resolved", essay_page.add_byline)
    app.connect("html-collect-pages", listings.listing_pages)
    app.connect("html-collect-pages", output.drop_empty_search_terms)
    app.connect("html-page-context", metadata.page_metadata, priority=450)  # before sphinxext-opengraph
    app.connect("html-page-context", images.icon_links)
    app.connect("html-page-context", navigation.navigation_context)
    app.connect("html-page-context", essay_page.after_the_essay)
    app.connect("html-page-context", csp.add_policy)

    # -- After writing: files made from the written pages, then clean-up and the verdict -------
    app.connect("build-finished", listings.save_fingerprints)
    app.connect("build-finished", feeds.write_feeds)
    app.connect("build-finished", images.finish_images)
    app.connect("build-finished", epub.write_books)  # after the cards: an essay's is its book's cover
    app.connect("build-finished", sitemap.write_sitemap, priority=600)
    app.connect("build-finished", rebuild.remove_stale_pages, priority=700)
    app.connect("build-finished", output.remove_empty_sources, priority=800)
    app.connect("build-finished", strict.stop_forwarding, priority=900)
    app.connect("build-finished", strict.fail_on_warnings, priority=950)

    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        # What older code stored in the environment is not reused.
        "env_version": code_digest(),
    }
