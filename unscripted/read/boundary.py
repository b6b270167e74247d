"""The read boundary: what an essay's text may not contain, checked while it is read.

MyST passes raw HTML through, ``<script>`` included, and Sphinx only warns
about a missing image after it has started writing pages. Essays are checked
as they are read; if any has a problem the build stops before a single page
is written, naming the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.etree
import lxml.html
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from unscripted.core.problems import Problem
from unscripted.infra.strict import stop_build
from unscripted.read.state import PROBLEMS, build_state

# Raw HTML is parsed, not pattern-matched: entities and stray whitespace cannot hide anything.
ELEMENTS = {
    "script": "raw HTML <script> is not allowed in an essay",
    **dict.fromkeys(
        ("iframe", "frame", "frameset", "object", "embed", "applet"),
        "embedded <iframe>, <object> and <embed> load other sites into the page; link to them instead",
    ),
    **dict.fromkeys(
        ("base", "meta", "link", "form", "style"),
        "raw HTML <base>, <meta>, <link>, <form> and <style> are not allowed in an essay",
    ),
    # The e-books could not keep it: HTML parsers lowercase SVG's attributes (viewBox).
    "svg": "inline <svg> cannot go into the essay's e-book; save the drawing as an .svg file next to "
    "the essay and show it as an image: ![what it shows](drawing.svg)",
}
LINKS = ("href", "action", "formaction", "cite", "xlink:href")  # followed when clicked
RESOURCES = ("src", "srcset", "poster", "data", "background")  # fetched with the page
JAVASCRIPT = "javascript: URLs are not allowed in an essay"
REMOTE = "{} is on another site; save it next to the essay, so that readers fetch nothing from elsewhere"
CODE = (nodes.literal, nodes.literal_block, nodes.comment, nodes.raw)


def check_essay(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    if docname not in build_state(app).sources:
        return
    path = app.env.doc2path(docname, base=False).as_posix()
    found: list[Problem] = []

    def report(node: nodes.Node, message: str) -> None:
        found.append(Problem(path, node.line or _line_of(node), message))

    for node in doctree.findall(nodes.raw):
        if "html" in node.get("format", "").split():
            for message in html_problems(node.astext()):
                report(node, message)
    for node in doctree.findall(nodes.Text):
        if "javascript:" in node.lower() and not _inside(node, CODE):
            report(node.parent, "javascript: URLs are not allowed in an essay")
    for node in doctree.findall(nodes.reference):
        if node.get("refuri", "").strip().lower().startswith("javascript:"):
            report(node, "javascript: URLs are not allowed in an essay")
    for node in doctree.findall(nodes.image):
        uri = node["uri"]
        if remote(uri):
            report(node, REMOTE.format(f"the image {uri}"))
        elif not Path(app.srcdir, uri).is_file():
            report(node, f"the image {uri} does not exist; check the file name and its folder")
    PROBLEMS(app.env).setdefault(docname, []).extend(found)


def html_problems(fragment: str) -> list[str]:
    """What is wrong with a piece of raw HTML in an essay (empty if nothing)."""
    problems: list[str] = []
    try:
        document = lxml.html.document_fromstring(f"<html><body>{fragment}</body></html>")
    except (ValueError, lxml.etree.ParserError):
        return problems
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions do nothing
        if element.tag in ELEMENTS:
            problems.append(ELEMENTS[element.tag])
        for name, value in element.attrib.items():
            if name.startswith("on"):
                problems.append("inline event handlers (onclick=…) are not allowed in an essay")
            elif name in LINKS and scheme(value) in {"javascript", "vbscript", "data"}:
                problems.append(JAVASCRIPT if scheme(value) != "data" else "data: links are not allowed in an essay")
            elif name in RESOURCES and any(remote(url.split()[0]) for url in value.split(",") if url.strip()):
                problems.append(REMOTE.format(f"<{element.tag} {name}={value!r}>"))
            elif name in RESOURCES:
                problems.append(
                    f"<{element.tag} {name}={value!r}>: files named in raw HTML are not published; "
                    "use Markdown instead, e.g. ![what it shows](file.jpg)"
                )
            elif name == "style" and re.search(r"url\(\s*['\"]?\s*(?:[a-z][a-z0-9+.-]*:|//)", value, re.I):
                problems.append(REMOTE.format(f"the style {value!r}"))
    return list(dict.fromkeys(problems))


def scheme(url: str) -> str:
    """A URL's scheme as a browser reads it: control characters and spaces do not hide it."""
    cleaned = re.sub(r"[\x00-\x20]", "", url).lower()
    return cleaned.split(":", 1)[0] if re.match(r"[a-z][a-z0-9+.-]*:", cleaned) else ""


def remote(url: str) -> bool:
    cleaned = re.sub(r"[\x00-\x20]", "", url)
    return bool(scheme(cleaned) and scheme(cleaned) != "data") or cleaned.startswith(("//", "\\\\"))


def _inside(node: nodes.Node, kinds: tuple) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, kinds):
            return True
        parent = parent.parent
    return False


def _line_of(node: nodes.Node) -> int | None:
    while node is not None:
        if node.line:
            return node.line
        node = node.parent
    return None


def stop_if_any(app: Sphinx, env: BuildEnvironment) -> None:
    problems = [p for docname in sorted(PROBLEMS(env)) for p in PROBLEMS(env)[docname]]
    if problems:
        stop_build(problems, "nothing was written")
