"""Render small doctree fragments (excerpts) to HTML, and move HTML between pages.

A fragment is rendered once, relative to the page it comes from, and its
relative links are rebased for whichever page shows it (rendering it again
for every page that shows it would cost a translator and settings each time).
"""

from __future__ import annotations

import copy
import posixpath
import re
from urllib.parse import urlsplit

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.utils import new_document
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransformer
from sphinx.util.osutil import relative_uri
from sphinx.writers.html import HTMLWriter
from sphinx.writers.html5 import HTML5Translator

URL_ATTRIBUTE_RE = re.compile(r'(?P<attr>\b(?:href|src)=")(?P<url>[^"]*)(?P<end>")')


class FragmentRenderer:
    """Render node lists as HTML, as the HTML builder would on a given page."""

    def __init__(self, app: Sphinx) -> None:
        self.app = app
        self.settings = get_default_settings(HTMLWriter)
        self.settings.env = app.env

    def render(self, fragment: list[nodes.Node], docname: str) -> str:
        builder = self.app.builder
        document = new_document(docname, self.settings)
        for node in fragment:
            document.append(node.deepcopy())
        self.resolve_references(document, docname)
        saved = builder.imgpath, getattr(builder, "current_docname", None)
        builder.imgpath = relative_uri(builder.get_target_uri(docname), "_images")
        builder.current_docname = docname
        try:
            translator: HTML5Translator = builder.create_translator(document, builder)
            document.walkabout(translator)
        finally:
            builder.imgpath, builder.current_docname = saved
        return "".join(translator.fragment).strip()

    def resolve_references(self, document: nodes.document, docname: str) -> None:
        """Sphinx's post-transforms, as ``env.resolve_references`` applies them, but
        without emitting ``doctree-resolved``: a fragment is not a page, and page
        handlers (ABlog's among them) must not run for it."""
        env = self.app.env
        backup = env.current_document
        env.current_document = copy.copy(backup)
        env.current_document.docname = docname
        try:
            transformer = SphinxTransformer(document)
            transformer.set_environment(env)
            transformer.add_transforms(self.app.registry.get_post_transforms())
            transformer.apply_transforms()
        finally:
            env.current_document = backup


def is_relative(url: str) -> bool:
    parts = urlsplit(url)
    return not (parts.scheme or parts.netloc or url.startswith(("/", "#")))


def rebase(html: str, from_uri: str, to_uri: str) -> str:
    """Make relative ``href``/``src`` in *html*, written for page *from_uri*, work on *to_uri*."""
    if from_uri == to_uri:
        return html

    def move(match: re.Match) -> str:
        url = match["url"]
        if url.startswith("#"):
            url = relative_uri(to_uri, from_uri) + url
        elif is_relative(url):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(from_uri), url))
            url = relative_uri(to_uri, target)
        return match["attr"] + url + match["end"]

    return URL_ATTRIBUTE_RE.sub(move, html)
