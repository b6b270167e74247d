"""Unscripted: one Sphinx extension that turns a folder of essays into a publication.

Layers by stage; each imports only the ones above it in this list, never a sibling output::

    core/      pure Python: front matter, the site model and its naming rules, words, cards, covers,
               the EPUB format, base URL
    infra/     Sphinx plumbing, no essays: state stores, fingerprints, strictness, output folder, fragments
    read/      discovery and validation, the read boundary, essays as read, ABlog's bridge
    rebuild    which pages an edit touches (the model, never an output)
    write/     one module per output: listings, feeds, e-books, essay page, navigation, metadata, sitemap,
               images, CSP, aliases (old addresses of moved essays), search
               (write/entries is the shared view of an essay, not an output)

``setup()`` below connects every handler in the order the build runs them.
Templates and web fonts live with the package (``templates/``, ``static/``); the cards' fonts in ``fonts/``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

PACKAGE = Path(__file__).resolve().parent


def add_package_files(app: Sphinx, config: Config) -> None:
    """The package's templates (after the site's own) and its fonts.

    Relative to the configuration directory, as a site would write them: the
    configuration (and so ``.buildinfo``) must not depend on where the site lies."""
    for name, folder in (("templates_path", "templates"), ("html_static_path", "static")):
        config[name] = [*config[name], os.path.relpath(PACKAGE / folder, app.confdir)]


def setup(app: Sphinx) -> dict:
    # The layers are imported here, not at the top: every process that imports a module of the
    # package runs this file first, and the card workers (write.images), which need core.cards
    # alone, would each load Sphinx and every layer (50 MB a worker instead of 10).
    from unscripted import rebuild
    from unscripted.core import __version__
    from unscripted.core.mathml import converter_version
    from unscripted.infra import collector, output, strict
    from unscripted.infra.files import code_digest
    from unscripted.infra.state import StateDomain
    from unscripted.read import ablog_bridge, boundary, discovery, essays, typography
    from unscripted.read import math as read_math
    from unscripted.read import search as read_search
    from unscripted.read.directives import LatestEssays, latest_essays
    from unscripted.write import (
        aliases,
        assets,
        compact,
        csp,
        epub,
        essay_page,
        feeds,
        images,
        listings,
        metadata,
        navigation,
        search,
        sitemap,
    )
    from unscripted.write import math as write_math

    # -- Configuration (conf.py documents each value) -------------------------------------
    app.add_config_value("unscripted_timezone", "UTC", "env", types=frozenset({str}))
    app.add_config_value("unscripted_words_per_minute", 230, "env", types=frozenset({int}))
    app.add_config_value("unscripted_characters_per_minute", 300, "env", types=frozenset({int}))
    app.add_config_value("unscripted_preview", False, "env", types=frozenset({bool}))
    # "now" moves every build; it must not invalidate the environment by itself.
    app.add_config_value("unscripted_now", "", "", types=frozenset({str}))
    app.add_config_value("unscripted_page_size", 10, "html", types=frozenset({int}))
    app.add_config_value("unscripted_group_page_size", 50, "html", types=frozenset({int}))
    app.add_config_value("unscripted_group_feed_length", 10, "html", types=frozenset({int}))
    colours = {"brand": "#8c2f4b", "ink": "#1c1417", "paper": "#ffffff"}
    app.add_config_value("unscripted_colours", colours, "html", types=frozenset({dict}))
    app.add_config_value("unscripted_description", "", "html", types=frozenset({str}))
    app.add_config_value("unscripted_noindex", False, "html", types=frozenset({bool}))
    ablog_bridge.add_ablog(app)
    app.setup_extension("sphinxext.opengraph")
    app.add_domain(StateDomain)
    app.add_source_parser(essays.SafeMystParser, override=True)
    app.add_source_parser(essays.SafeRSTParser, override=True)
    app.add_directive("latest-essays", LatestEssays)
    app.add_transform(typography.EssaySmartQuotes)
    app.add_directive("title", boundary.PageTitleDirective, override=True)
    app.add_node(latest_essays)
    app.add_node(essay_page.in_language, html=(essay_page.visit_in_language, essay_page.depart_in_language))
    # Math as MathML made at build time; MathJax (a script from another host) never runs.
    app.add_html_math_renderer(read_math.RENDERER, (write_math.visit_math, None), (write_math.visit_math_block, None))

    def on(event: str, handler, priority: int = 500) -> None:
        app.connect(event, strict.guarded(event, handler), priority=priority)

    # -- Before reading: find and validate every essay ---------------------------------------
    on("config-inited", strict.name_files_relative_to_the_project, priority=50)  # before any message
    on("config-inited", output.move_cache_out_of_output, priority=100)
    on("config-inited", output.stage_output, priority=110)
    on("config-inited", add_package_files)
    on("config-inited", compact.use_compact_templates)
    on("config-inited", ablog_bridge.empty_registry)
    on("config-inited", discovery.scan_essays)
    on("config-inited", read_math.check_settings)
    on("config-inited", essays.check_page_sizes)
    on("builder-inited", strict.forward_root_logger)
    on("builder-inited", strict.guard_page_writer)
    on("builder-inited", discovery.hide_unpublished)
    on("builder-inited", boundary.switch_off_file_insertion)
    on("builder-inited", search.switch_off_sphinx_search)
    on("builder-inited", typography.plan_smart_quotes)
    on("builder-inited", assets.add_template_filters)
    on("env-get-outdated", discovery.restore_exclude_patterns)
    on("env-get-outdated", rebuild.reread_links_to_removed)

    # -- Reading each document ---------------------------------------------------------------
    on("doctree-read", boundary.remove_private_comments, priority=300)
    # Before anything copies nodes (openings, titles): the copies carry the MathML.
    on("doctree-read", read_math.convert_math, priority=310)
    on("doctree-read", ablog_bridge.read_post_markup, priority=350)  # the {post} text: the excerpt
    on("doctree-read", essays.record_essay, priority=400)
    on("doctree-read", boundary.check_essay, priority=600)  # after Sphinx resolved its files
    on("doctree-read", read_search.record_terms, priority=650)  # what was checked is what is indexed
    on("doctree-read", rebuild.record_references)

    # -- Once everything is read: stop on any problem, build the model, plan the rewrite -----
    on("env-updated", boundary.check_assets, priority=50)
    on("env-updated", essays.render_openings, priority=60)
    on("env-updated", boundary.stop_if_any, priority=100)
    on("env-updated", essays.build_site, priority=300)
    on("env-updated", ablog_bridge.register, priority=400)
    on("env-updated", rebuild.outdated_views, priority=500)
    on("env-updated", images.start_cards, priority=600)  # drawn while pages are written

    # -- Writing each page ---------------------------------------------------------------------
    on("write-started", assets.combine_style_sheets)
    on("write-started", collector.freeze_for_writers, priority=900)  # just before Sphinx forks writers
    on("missing-reference", ablog_bridge.resolve_blog_label)
    on("doctree-resolved", ablog_bridge.fill_postlists)
    on("doctree-resolved", listings.fill_latest_essays)
    on("doctree-resolved", essay_page.add_byline)
    on("doctree-resolved", essay_page.one_id_per_element)
    on("html-collect-pages", listings.listing_pages)
    on("html-collect-pages", aliases.alias_pages)
    on("html-collect-pages", search.search_page)
    on("html-page-context", write_math.plain_title, priority=400)  # before the metadata take it
    on("html-page-context", metadata.page_metadata, priority=450)  # before sphinxext-opengraph
    on("html-page-context", images.icon_links)
    on("html-page-context", navigation.navigation_context)
    on("html-page-context", essay_page.after_the_essay)
    on("html-page-context", search.page_context)
    on("html-page-context", write_math.add_style_sheet)  # after what the page shows is known
    on("html-page-context", assets.only_what_the_page_uses)  # after every output added its own
    on("html-page-context", csp.add_policy)
    on("html-page-context", essay_page.sanitize_article, priority=900)  # the write boundary
    on("html-page-context", csp.check_head, priority=900)

    # -- After writing: files made from the written pages, then clean-up and the verdict -------
    on("build-finished", collector.unfreeze, priority=100)
    on("build-finished", listings.save_fingerprints)
    on("build-finished", aliases.save_fingerprints)
    on("build-finished", feeds.write_feeds)
    on("build-finished", images.finish_images)
    on("build-finished", epub.write_books)  # after the cards: a writer's picture is its book's cover
    on("build-finished", sitemap.write_sitemap, priority=600)
    on("build-finished", search.write_index, priority=650)
    on("build-finished", rebuild.remove_stale_pages, priority=700)
    on("build-finished", assets.publish_only_what_pages_load, priority=700)
    on("build-finished", output.remove_empty_sources, priority=800)
    on("build-finished", strict.stop_forwarding, priority=900)
    on("build-finished", strict.fail_on_warnings, priority=950)
    on("build-finished", output.publish, priority=990)  # all or nothing
    on("build-finished", discovery.summarise, priority=995)

    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        # What older code stored in the environment is not reused.
        # (nor what another converter version made of the math).
        "env_version": f"{code_digest()} {converter_version()}",
    }
