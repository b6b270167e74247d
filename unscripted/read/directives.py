"""Directives of Unscripted's own pages, read like any other markup.

``{latest-essays}`` (the home page) leaves a placeholder that ``write.listings``
fills once every essay is known, and records how many essays the page shows,
so that the rebuild policy knows when the page is out of date.
"""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from unscripted.infra.state import DocumentStore

# docname -> how many latest essays the page lists (this module; read by rebuild)
LATEST_COUNTS: DocumentStore[int] = DocumentStore("latest-counts")


class latest_essays(nodes.General, nodes.Element):
    """Placeholder, replaced by the list once every essay has been read."""


class LatestEssays(SphinxDirective):
    """``{latest-essays}`` with ``:count:``: the newest essays with their excerpts."""

    option_spec: ClassVar[dict] = {"count": directives.positive_int}

    def run(self) -> list[nodes.Node]:
        node = latest_essays(count=self.options.get("count", 5))
        self.set_source_info(node)
        counts = LATEST_COUNTS(self.env)
        counts[self.env.docname] = max(counts.get(self.env.docname, 0), node["count"])
        return [node]
