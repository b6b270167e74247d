"""Incremental builds that are correct and fast.

Sphinx rewrites a page when its own source changes. ABlog has no
``env-get-outdated`` handler, so after an essay is added, edited or removed the
home page, its neighbours' previous/next links and related-essay lists go
stale; and Sphinx never deletes the output of a removed page. Here:

* after reading, every essay's *appearance* (what other pages show of it) is
  compared with the last build's, and the pages that show a changed appearance
  are rewritten: pages listing the latest essays, essays whose neighbours or
  related essays changed, essays whose own status changed, and pages that link
  to a changed essay (a link may show its title);
* a page that links to a removed page is read again, so that a broken link
  fails the build as it would in a clean one;
* a change to the site's code, configuration, stylesheets or installed packages
  rewrites every page (``site_digest``);
* generated pages and files (listings, feeds, cards, icons) are rewritten only
  when their fingerprint changes (``Fingerprints``), and only if their bytes differ;
* after the build, files that a clean build would not produce are deleted, and
  words that no page contains any more leave the search index.
"""

from __future__ import annotations

import fnmatch
import hashlib
import importlib.metadata
import json
import os
import posixpath
from collections import defaultdict
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import docname_join

from unscripted import __version__
from unscripted.posts import PerDocument, PostRecord, package_digest, publishing, records

# docname -> how many latest essays the page lists ({latest-essays})
latest_counts = PerDocument("unscripted_latest_counts")
# docname -> the (kind, target) of every cross-reference on the page
references = PerDocument("unscripted_references")


def appearance(record: PostRecord, now) -> tuple:
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


def stable(value: object) -> str:
    """A text for *value* that is the same in every process (set order and object
    addresses vary)."""
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(stable(v) for v in value)) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{stable(k)}: {stable(v)}" for k, v in sorted(value.items(), key=repr)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(stable(v) for v in value) + "]"
    text = repr(value)
    return type(value).__qualname__ if " at 0x" in text else text


def site_digest(app: Sphinx) -> str:
    """What every page depends on besides its own content: the configuration, the
    templates, the static files (every page carries their checksums), this
    package's code and the installed packages. Computed once per build."""
    if getattr(app, "unscripted_site_digest", None) is None:
        digest = hashlib.sha256()
        for item in sorted(app.config.filter(frozenset({"env", "html"})), key=lambda item: item.name):
            if item.name != "exclude_patterns":  # holds this build's drafts; see posts.hide_unpublished
                digest.update(f"{item.name}={stable(item.value)}\n".encode())
        for folder in app.config.html_static_path + app.config.templates_path:
            root = Path(app.confdir, folder)
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
        packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
        digest.update(f"{package_digest()} {packages} {app.builder.templates.newest_template_mtime()}".encode())
        app.unscripted_site_digest = digest.hexdigest()
    return app.unscripted_site_digest


# -- Pages that show other pages ---------------------------------------------------------


def record_dependencies(app: Sphinx, doctree: nodes.document) -> None:
    """Remember the cross-references of every page as it is read."""
    references(app.env)[app.env.docname] = sorted(
        {(node.get("reftype", ""), node.get("reftarget", "")) for node in doctree.findall(addnodes.pending_xref)}
    )


def linked_pages(env: BuildEnvironment, docname: str) -> set[str]:
    """The documents that *docname*'s cross-references point to."""
    labels = env.domains.standard_domain.labels
    targets = set()
    for kind, target in references(env).get(docname, ()):
        path = target.split("#", 1)[0]
        if kind == "doc":
            targets.add(docname_join(docname, path))
        elif kind in {"ref", "myst"} and target in labels:
            targets.add(labels[target][0])
        elif kind == "myst" and path.endswith(".md"):
            joined = path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(docname), path)
            targets.add(posixpath.normpath(joined).removesuffix(".md"))
    return targets


def reread_links_to_removed(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    """A page linking to a removed page is read again: its link must fail as in a clean build."""
    linking = getattr(env, "unscripted_links_to", {})
    return sorted({page for gone in removed for page in linking.get(gone, ())})


def outdated_views(app: Sphinx, env: BuildEnvironment) -> list[str]:
    posts = records(env)
    appearances = {docname: appearance(record, app.unscripted_now) for docname, record in posts.items()}
    before = getattr(env, "unscripted_appearances", None)
    digest = site_digest(app) if publishing(app) else ""
    everything = getattr(env, "unscripted_site_digest", digest) != digest
    env.unscripted_site_digest = digest
    links_to: dict[str, set[str]] = defaultdict(set)
    for docname in env.found_docs:
        for target in linked_pages(env, docname):
            links_to[target].add(docname)
    env.unscripted_links_to = dict(links_to)
    if appearances == before and not everything:
        return []  # nothing that other pages show has changed
    order = chronological(posts)
    neighbours, related = neighbour_map(order), related_map(posts)
    shown = {docname: (*neighbours[docname], *related[docname]) for docname in posts}
    before_shown = getattr(env, "unscripted_shown", {})
    env.unscripted_appearances, env.unscripted_shown = appearances, shown
    env.unscripted_neighbours, env.unscripted_related = neighbours, related
    if everything:
        return sorted(env.found_docs)

    before = before or {}
    changed = {d for d in appearances.keys() | before.keys() if appearances.get(d) != before.get(d)}
    rewrite = set(changed)  # an essay's own status ("scheduled" in preview) can change unread
    rewrite |= {d for d, others in shown.items() if before_shown.get(d) != others or changed.intersection(others)}
    rewrite |= {page for target in changed for page in links_to.get(target, ())}
    widgets = (
        sorted({tag for record in posts.values() for tag in record.source.tags}),
        sorted({category for record in posts.values() for category in record.source.categories}),
        sorted({record.date.year for record in posts.values()}),
    )
    for page, count in latest_counts(env).items():
        latest = order[-count:]
        view = (latest, [appearances[d] for d in latest], widgets)
        if env.__dict__.setdefault("unscripted_latest_views", {}).get(page) != view:
            rewrite.add(page)
        env.unscripted_latest_views[page] = view
    return sorted(d for d in rewrite if d in env.found_docs)


# -- Generated files -----------------------------------------------------------------------


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


def write_if_changed(path: Path, content: bytes) -> None:
    """Leave unchanged files (and their timestamps) alone."""
    if not (path.is_file() and path.read_bytes() == content):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


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
    if exception is not None or not publishing(app):
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
    index is written (html-collect-pages runs just before that). ``_mapping`` is
    private: this works around the bug in Sphinx 9.0's ``IndexBuilder.prune``."""
    indexer = getattr(app.builder, "indexer", None)
    for mapping in (getattr(indexer, "_mapping", {}), getattr(indexer, "_title_mapping", {})):
        for word in [word for word, pages in mapping.items() if not pages]:
            del mapping[word]
    return []


def setup(app: Sphinx) -> dict:
    app.setup_extension("unscripted.posts")
    app.connect("doctree-read", record_dependencies)
    app.connect("env-get-outdated", reread_links_to_removed)
    app.connect("env-updated", outdated_views, priority=800)  # after excerpts are rendered
    app.connect("html-collect-pages", drop_empty_search_terms)
    app.connect("build-finished", remove_stale_pages, priority=700)
    latest_counts.connect(app)
    references.connect(app)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
