"""Incremental builds that are correct and fast.

Sphinx rewrites a page when its own source changes. ABlog has no
``env-get-outdated`` handler, so after an essay is added, edited or removed the
home page, its neighbours' previous/next links and related-essay lists go
stale; and Sphinx never deletes the output of a removed page. Here:

* after reading, every essay's *summary* (what other pages show of it) is
  compared with the last build's, and exactly the pages that show a changed
  summary are rewritten: the home page if its latest essays changed, and the
  essays whose neighbours or related essays changed;
* a change to the site's stylesheets or scripts (whose checksums every page
  carries) rewrites every page;
* generated pages and files (listings, feeds, cards) are rewritten only when
  their fingerprint changes (``Fingerprints``);
* after the build, files that a clean build would not produce are deleted, and
  words that no page contains any more leave the search index.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
from collections import defaultdict
from pathlib import Path

import ablog
import furo
import sphinx
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from unscripted import __version__
from unscripted.posts import PostRecord, records

HOME_ESSAYS = 5  # the {latest-essays} count on the home page, at most


def summary(record: PostRecord, now) -> tuple:
    """What other pages show of an essay: a change here outdates them."""
    source = record.source
    return (
        record.status(now),
        record.title,
        source.date.isoformat(),
        source.updated.isoformat() if source.updated else None,
        source.tags,
        source.categories,
        source.authors,
        source.description,
        source.draft,
        record.excerpt_html,
        record.words,
    )


def chronological(posts: dict[str, PostRecord]) -> list[str]:
    """Oldest first, ties by title: ABlog's order for previous and next."""
    return sorted(posts, key=lambda d: (posts[d].date, posts[d].title))


def neighbour_map(order: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """docname -> (older essay, newer essay)."""
    return {
        docname: (order[i - 1] if i else None, order[i + 1] if i + 1 < len(order) else None)
        for i, docname in enumerate(order)
    }


def related_map(posts: dict[str, PostRecord], limit: int = 3) -> dict[str, tuple[str, ...]]:
    """Up to *limit* essays sharing tags with each essay: most shared tags first, then newest."""
    by_tag: dict[str, set[str]] = defaultdict(set)
    for docname, record in posts.items():
        for tag in record.source.tags:
            by_tag[tag].add(docname)
    related = {}
    for docname, record in posts.items():
        shared: dict[str, int] = defaultdict(int)
        for tag in record.source.tags:
            for other in by_tag[tag]:
                if other != docname:
                    shared[other] += 1
        ranked = sorted(shared, key=lambda o: (-shared[o], -posts[o].date.timestamp(), posts[o].title))
        related[docname] = tuple(ranked[:limit])
    return related


def assets_digest(app: Sphinx) -> str:
    """Every page links the site's CSS and JS with their checksums: they change together."""
    digest = hashlib.sha256(f"{sphinx.__version__} {furo.__version__} {ablog.__version__} {__version__}".encode())
    for folder in app.config.html_static_path:
        root = Path(app.confdir, folder)
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def site_digest(app: Sphinx) -> str:
    """What every generated page depends on besides its own content: configuration,
    templates, assets. Computed once per build."""
    if getattr(app, "unscripted_site_digest", None) is None:
        build_info = app.builder.build_info
        templates = app.builder.templates.newest_template_mtime()
        app.unscripted_site_digest = hashlib.sha256(
            f"{build_info.config_hash} {build_info.tags_hash} {templates} {assets_digest(app)}".encode()
        ).hexdigest()
    return app.unscripted_site_digest


def outdated_views(app: Sphinx, env: BuildEnvironment) -> list[str]:
    posts = records(env)
    summaries = {docname: summary(record, app.unscripted_now) for docname, record in posts.items()}
    before = getattr(env, "unscripted_summaries", None)
    assets = assets_digest(app)
    everything = getattr(env, "unscripted_assets", assets) != assets
    env.unscripted_assets = assets
    if summaries == before and not everything:
        return []  # nothing that other pages show has changed
    order = chronological(posts)
    neighbours, related = neighbour_map(order), related_map(posts)
    shown = {docname: (*neighbours[docname], *related[docname]) for docname in posts}
    before_shown = getattr(env, "unscripted_shown", {})
    env.unscripted_summaries, env.unscripted_shown = summaries, shown
    env.unscripted_neighbours, env.unscripted_related = neighbours, related
    if everything:
        return sorted(env.found_docs)

    before = before or {}
    changed = {d for d in summaries.keys() | before.keys() if summaries.get(d) != before.get(d)}
    rewrite = {d for d, others in shown.items() if before_shown.get(d) != others or changed.intersection(others)}
    latest = order[-HOME_ESSAYS:]
    labels = {label for record in posts.values() for label in (*record.source.tags, *record.source.categories)}
    home = (latest, [summaries[d] for d in latest], sorted(labels), sorted({r.date.year for r in posts.values()}))
    if getattr(env, "unscripted_home", None) != home:
        rewrite.add(app.config.root_doc)
    env.unscripted_home = home
    return sorted(d for d in rewrite if d in env.found_docs)


class Fingerprints:
    """What each generated file was made from last time, kept in the doctree directory."""

    def __init__(self, app: Sphinx, name: str) -> None:
        self.path = Path(app.doctreedir) / f"unscripted-{name}.json"
        try:
            self.before = json.loads(self.path.read_text())
        except (OSError, ValueError):
            self.before = {}
        self.now: dict[str, str] = {}

    def changed(self, key: str, *parts: object) -> bool:
        """Record *key*'s inputs; true if they differ from the last build's."""
        digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
        self.now[key] = digest
        return self.before.get(key) != digest

    def save(self) -> None:
        if self.now != self.before:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.now, sort_keys=True))


def prune(outdir: Path, folder: str, keep: set[str], patterns: tuple[str, ...]) -> None:
    """Delete files under *folder* matching *patterns* that this build did not produce,
    and the folders that leaves empty."""
    root = os.path.join(outdir, folder)
    for directory, _, files in os.walk(root, topdown=False):
        relative = os.path.relpath(directory, outdir).replace(os.sep, "/")
        for name in files:
            path = name if relative == "." else f"{relative}/{name}"
            if path not in keep and any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns):
                os.remove(os.path.join(directory, name))
        if directory != root and not os.listdir(directory):
            os.rmdir(directory)


def remove_stale_pages(app: Sphinx, exception: Exception | None) -> None:
    """Pages of removed essays and listings: a clean build would not have them."""
    if exception is not None or app.builder.format != "html":
        return
    from unscripted.listings import listing_page_names

    builder = app.builder
    pages = set(app.env.found_docs) | listing_page_names(app) | {"search", "genindex", "404"}
    keep = {builder.get_target_uri(page) for page in pages}
    prune(Path(app.outdir), "", keep, ("*.html",))
    images = {f"_images/{dest}" for _, dest in app.env.images.values()}
    prune(Path(app.outdir), "_images", images, ("*",))


def drop_empty_search_terms(app: Sphinx) -> list:
    """Sphinx's incremental search index keeps words whose pages no longer contain
    them, with no pages; a clean build has no such words. Drop them before the
    index is written (html-collect-pages runs just before that)."""
    indexer = getattr(app.builder, "indexer", None)
    for mapping in (getattr(indexer, "_mapping", {}), getattr(indexer, "_title_mapping", {})):
        for word in [word for word, pages in mapping.items() if not pages]:
            del mapping[word]
    return []


def setup(app: Sphinx) -> dict:
    app.setup_extension("unscripted.posts")
    app.connect("html-collect-pages", drop_empty_search_terms)
    app.connect("env-updated", outdated_views, priority=800)  # after excerpts are rendered
    app.connect("build-finished", remove_stale_pages, priority=700)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
