"""Reading for search: what the index holds of each published essay and of the about page.

At ``doctree-read``, once the read boundary has checked the document, its
text is cut into terms (``core.search``): the title's, and every term of the
title and the text together, each kept as one sorted, space-separated string
(``SEARCHABLE``; sets would cost too much memory at ten thousand essays). With
them, what a result shows of the page that is not in the site model: its
title and its excerpt as plain text (the description, else the shortened
opening that lists show). Drafts and scheduled essays are never read in a
published build (``read.discovery``); which documents the index holds is the
site model's published set (``write.search``).

Indexed: the essay's own text, footnotes and code included; not its formulas,
comments, footnote numbers or the markup of raw HTML (its text is kept).
The byline and what follows an essay are added later, when pages are written.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from docutils import nodes
from sphinx.application import Sphinx

from unscripted.core.search import PAGES, document_terms, terms_digest
from unscripted.infra.state import DocumentStore
from unscripted.read.essays import EXCERPT_WORDS, OPENINGS, shortened
from unscripted.read.state import build_state

NOT_TEXT = (
    nodes.comment,
    nodes.system_message,
    nodes.substitution_definition,
    nodes.label,  # a footnote's number
    nodes.footnote_reference,
    nodes.citation_reference,
    nodes.math,
    nodes.math_block,
    nodes.image,
)
TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Searchable:
    title: str  # as rendered, plain text
    terms: str  # every term, the title's included (core.search.document_terms)
    title_terms: str
    digest: str  # of the terms (core.search.terms_digest): what changed, at a glance
    excerpt: str  # plain text: what lists show under the title


# docname -> what the search index holds of it (this module, at doctree-read)
SEARCHABLE: DocumentStore[Searchable] = DocumentStore("searchable")


def record_terms(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    source = build_state(app).sources.get(docname)
    if source is None and docname not in PAGES:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    title = section[0] if section is not None and isinstance(section[0], nodes.title) else None
    title_text = " ".join(title.astext().split()) if title is not None else ""
    words: list[str] = []
    _collect(doctree, words, skip=title)
    terms, title_terms = document_terms(title_text, "".join(words))
    if source is not None and source.description:
        excerpt = source.description
    else:
        # An essay's opening is one paragraph or more (ABlog's ``excerpt: N``).
        openings = OPENINGS(env).get(docname, []) if source is not None else [_page_opening(section)]
        excerpt = " ".join(_inline_text(opening) for opening in openings if opening is not None)
    digest = terms_digest(terms, title_terms)
    SEARCHABLE(env)[docname] = Searchable(title_text, terms, title_terms, digest, " ".join(excerpt.split()))


def _collect(node: nodes.Node, words: list[str], skip: nodes.Node | None) -> None:
    """The text of *node*, blocks apart (a heading's last word and the next paragraph's first
    are two words), inline markup together."""
    for child in node.children:
        if isinstance(child, nodes.Text):
            words.append(child.astext())
        elif child is skip or isinstance(child, NOT_TEXT):
            continue
        elif isinstance(child, nodes.raw):
            if "html" in child.get("format", "").split():
                words.append(html.unescape(TAG.sub(" ", child.astext())))
        elif isinstance(child, nodes.Inline):
            _collect(child, words, skip)
        else:
            words.append("\n")
            _collect(child, words, skip)
            words.append("\n")


def _inline_text(paragraph: nodes.Node) -> str:
    """A paragraph as plain text, as feeds summarise it: a formula as its TeX."""
    parts = []
    for node in paragraph.findall(lambda n: isinstance(n, (nodes.Text, nodes.raw, nodes.math))):
        if isinstance(node, nodes.math):
            parts.append(node.astext())
        elif isinstance(node, nodes.raw):
            parts.append(html.unescape(TAG.sub("", node.astext())))
        elif not isinstance(node.parent, (nodes.math, nodes.raw)):
            parts.append(node.astext())
    return "".join(parts)


def _page_opening(section: nodes.section | None) -> nodes.paragraph | None:
    """A page's first paragraph, shortened as an essay's opening is."""
    paragraph = next((c for c in section.children if isinstance(c, nodes.paragraph)), None) if section else None
    return shortened(paragraph, EXCERPT_WORDS) if paragraph is not None else None
