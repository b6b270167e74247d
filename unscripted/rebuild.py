"""The rebuild policy: which pages an edit touches, so that incremental builds equal clean ones.

Sphinx rewrites a page when its own source changes; but pages also show other
essays (listings, the home page's latest essays, neighbours, related essays,
links that show a title), and Sphinx never deletes the output of a removed page.
Here, from the site model and what the last build saw:

* after reading, every essay's *appearance* (``Essay.appearance``) is compared
  with the last build's, and the pages that show a changed appearance are
  rewritten: pages listing the latest essays, essays whose neighbours or related
  essays changed, essays whose own status changed, and pages that link to a
  changed essay;
* a page that links to a removed page is read again, so that a broken link
  fails the build as it would in a clean one;
* a change to the site's code, configuration, stylesheets or installed packages
  rewrites every page (``read.state.site_fingerprint``);
* after the build, pages a clean build would not produce are deleted (an old
  address that no essay lists any more among them).

Generated pages and files (listings, feeds, cards) keep their own fingerprints
in their modules. Depends on the model, never on an output.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import docname_join

from unscripted.core.model import SPHINX_PAGES
from unscripted.infra.files import prune
from unscripted.infra.output import page_file
from unscripted.infra.state import DocumentStore, EnvironmentValue
from unscripted.read.directives import LATEST_COUNTS
from unscripted.read.state import build_state, publishing, site_fingerprint, site_of

# docname -> the (kind, target) of every cross-reference on the page (this module)
REFERENCES: DocumentStore[list[tuple[str, str]]] = DocumentStore("references")


@dataclass
class LastBuild:
    """What the last build saw, kept with the environment."""

    site_digest: str | None = None
    appearances: dict[str, tuple] | None = None
    shown: dict[str, tuple] = field(default_factory=dict)  # docname -> neighbours and related essays
    links_to: dict[str, set[str]] = field(default_factory=dict)  # docname -> pages linking to it
    latest_views: dict[str, tuple] = field(default_factory=dict)  # page -> the latest essays it showed


last_build = EnvironmentValue("last-build", LastBuild)


def record_references(app: Sphinx, doctree: nodes.document) -> None:
    """Remember the cross-references of every page as it is read."""
    REFERENCES(app.env)[app.env.docname] = sorted(
        {(node.get("reftype", ""), node.get("reftarget", "")) for node in doctree.findall(addnodes.pending_xref)}
    )


def linked_pages(env: BuildEnvironment, docname: str) -> set[str]:
    """The documents that *docname*'s cross-references point to."""
    labels = env.domains.standard_domain.labels
    targets = set()
    for kind, target in REFERENCES(env).get(docname, ()):
        path = target.split("#", 1)[0]
        if kind == "doc":
            targets.add(docname_join(docname, path))
        elif kind in {"ref", "myst"} and target in labels:
            targets.add(labels[target][0])
        elif kind == "myst" and path.endswith((".md", ".rst")):
            joined = path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(docname), path)
            targets.add(posixpath.splitext(posixpath.normpath(joined))[0])
    return targets


def reread_links_to_removed(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    """A page linking to a removed page is read again: its link must fail as in a clean build."""
    linking = last_build(env).links_to
    return sorted({page for gone in removed for page in linking.get(gone, ())})


def outdated_views(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """The pages to rewrite because what they show of other essays changed."""
    site, memory = site_of(app), last_build(env)
    now = build_state(app).now
    appearances = {docname: essay.appearance(now) for docname, essay in site.essays.items()}
    digest = site_fingerprint(app) if publishing(app) else ""
    everything = (memory.site_digest or digest) != digest
    memory.site_digest = digest
    links_to: dict[str, set[str]] = defaultdict(set)
    for docname in env.found_docs:
        for target in linked_pages(env, docname):
            links_to[target].add(docname)
    memory.links_to = dict(links_to)
    before = memory.appearances
    if appearances == before and not everything:
        return []  # nothing that other pages show has changed
    shown = {docname: (*site.neighbours[docname], *site.related[docname]) for docname in site.essays}
    before_shown = memory.shown
    memory.appearances, memory.shown = appearances, shown
    if everything:
        return sorted(env.found_docs)

    before = before or {}
    changed = {d for d in appearances.keys() | before.keys() if appearances.get(d) != before.get(d)}
    rewrite = set(changed)  # an essay's own status ("scheduled" in preview) can change unread
    rewrite |= {d for d, others in shown.items() if before_shown.get(d) != others or changed.intersection(others)}
    rewrite |= {page for target in changed for page in links_to.get(target, ())}
    widgets = (
        sorted({tag for essay in site.essays.values() for tag in essay.source.tags}),
        sorted({category for essay in site.essays.values() for category in essay.source.categories}),
        sorted({essay.date.year for essay in site.essays.values()}),
    )
    for page, count in LATEST_COUNTS(env).items():
        latest = site.chronological[-count:]
        view = (latest, [appearances[d] for d in latest], widgets)
        if memory.latest_views.get(page) != view:
            rewrite.add(page)
        memory.latest_views[page] = view
    return sorted(d for d in rewrite if d in env.found_docs)


def remove_stale_pages(app: Sphinx, exception: Exception | None) -> None:
    """Pages, images and downloads of removed essays and listings: a clean build would not have them."""
    if exception is not None or not publishing(app):
        return
    pages = set(app.env.found_docs) | site_of(app).generated_pages | SPHINX_PAGES | set(site_of(app).alias_targets)
    outdir = Path(app.outdir)
    keep = {page_file(app, page).relative_to(outdir).as_posix() for page in pages}
    prune(Path(app.outdir), "", keep, ("*.html",))
    images = {f"_images/{dest}" for _, dest in app.env.images.values()}
    prune(Path(app.outdir), "_images", images, ("*",))
    downloads = {f"_downloads/{dest}" for _, dest in app.env.dlfiles.values()}
    prune(Path(app.outdir), "_downloads", downloads, ("*",))
