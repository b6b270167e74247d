"""What one build knows about the essays: one typed object, and the per-document stores.

Each field names the module that writes it; any later stage may read it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from docutils import nodes
from sphinx.application import Sphinx

from unscripted.core.frontmatter import EssaySource
from unscripted.core.model import Essay, Site
from unscripted.core.problems import Problem
from unscripted.infra.files import site_digest
from unscripted.infra.state import DocumentStore, PerBuild


@dataclass
class BuildState:
    # read.discovery, before reading:
    now: dt.datetime | None = None  # the build's "now" (scheduled essays)
    timezone: ZoneInfo | None = None  # the site's time zone (unscripted_timezone)
    sources: dict[str, EssaySource] = field(default_factory=dict)  # docname -> validated front matter, published
    unpublished: list[str] = field(default_factory=list)  # drafts and scheduled essays left out (file names)
    held: dict[str, EssaySource] = field(default_factory=dict)  # the same, file name -> front matter
    started: float = 0.0  # time.monotonic() when the build began
    exclude_patterns: list[str] | None = None  # conf.py's, while Sphinx looks for files
    assets: list[str] = field(default_factory=list)  # every other file under posts/
    used_assets: set[str] = field(default_factory=set)  # preview images, files held-back essays name
    # read.boundary, once every essay is read: problems that belong to no one document
    problems: list[Problem] = field(default_factory=list)
    # read.essays, once every essay is read:
    site: Site | None = None
    # infra.files.site_digest, once per build (rebuild, listings, feeds):
    site_digest: str | None = None


build_state = PerBuild(BuildState)

# docname -> the essay as read (read.essays, at doctree-read)
ESSAYS: DocumentStore[Essay] = DocumentStore("essays")
# docname -> problems found in that essay's text (read.essays, at doctree-read)
PROBLEMS: DocumentStore[list[Problem]] = DocumentStore("problems")
# docname -> the text of its {post} directive, its excerpt (read.ablog_bridge; read.essays takes it)
POST_TEXTS: DocumentStore[list[nodes.Node]] = DocumentStore("post-texts")


def detached_copy(node: nodes.Node) -> nodes.Node:
    """A deep copy of *node* that keeps nothing of its document.

    docutils' ``deepcopy`` keeps each node's link to the whole document, and a
    store is pickled with the environment (a parallel read sends it back from
    every child, and the main process unpickles it again each time): one kept
    paragraph carried its essay's entire doctree, which made reading 3,000
    essays in two processes slower than in one."""
    copy = node.deepcopy()
    for each in copy.findall():
        each.document = None
    return copy


def site_of(app: Sphinx) -> Site:
    """The site model, built once every essay has been read (``read.essays.build_site``)."""
    site = build_state(app).site
    assert site is not None, "the site model is built at env-updated"
    return site


def publishing(app: Sphinx) -> bool:
    """Pages, feeds, cards and the sitemap are made by the html builder; other builders
    (linkcheck, text...) only read the essays."""
    return app.builder.name == "html"


def site_fingerprint(app: Sphinx) -> str:
    """What every page depends on besides its own source (``infra.files.site_digest``), once per build.

    ``exclude_patterns`` holds this build's drafts while Sphinx looks for files
    (``read.discovery``); a draft is not a change of configuration."""
    state = build_state(app)
    if state.site_digest is None:
        state.site_digest = site_digest(app, ignore=frozenset({"exclude_patterns"}))
    return state.site_digest
