"""What an essay's text may not contain, checked while it is read.

MyST passes raw HTML through, ``<script>`` included, and Sphinx only warns
about a missing image after it has started writing pages. Essays are checked
as they are read; if any has a problem the build stops before a single page
is written, naming the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from unscripted import __version__
from unscripted.frontmatter import Problem
from unscripted.posts import PerDocument, records, stop_build

ACTIVE_HTML = (
    (re.compile(r"<\s*script\b", re.I), "raw HTML <script> is not allowed in an essay"),
    (re.compile(r"<[^>]*\son[a-z]+\s*=", re.I), "inline event handlers (onclick=…) are not allowed in an essay"),
    (re.compile(r"javascript\s*:", re.I), "javascript: URLs are not allowed in an essay"),
    (
        re.compile(r"<\s*(iframe|object|embed)\b", re.I),
        "embedded <iframe>, <object> and <embed> load other sites into the page; link to them instead",
    ),
)
CODE = (nodes.literal, nodes.literal_block, nodes.comment, nodes.raw)


# docname -> the problems found in that essay's text
problems_of = PerDocument("unscripted_essay_problems")


def check_essay(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    if docname not in records(app.env):
        return
    path = app.env.doc2path(docname, base=False).as_posix()
    found: list[Problem] = []

    def report(node: nodes.Node, message: str) -> None:
        found.append(Problem(path, node.line or _line_of(node), message))

    for node in doctree.findall(nodes.raw):
        if "html" in node.get("format", "").split():
            for pattern, message in ACTIVE_HTML:
                if pattern.search(node.astext()):
                    report(node, message)
    for node in doctree.findall(nodes.Text):
        if "javascript:" in node.lower() and not _inside(node, CODE):
            report(node.parent, "javascript: URLs are not allowed in an essay")
    for node in doctree.findall(nodes.reference):
        if node.get("refuri", "").strip().lower().startswith("javascript:"):
            report(node, "javascript: URLs are not allowed in an essay")
    for node in doctree.findall(nodes.image):
        uri = node["uri"]
        if urlsplit(uri).scheme or uri.startswith("//"):
            report(
                node,
                f"the image {uri} is on another site; save it next to the essay, "
                "so that readers fetch nothing from elsewhere",
            )
        elif not Path(app.srcdir, uri).is_file():
            report(node, f"the image {uri} does not exist; check the file name and its folder")
    problems_of(app.env)[docname] = found


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
    problems = [p for docname in sorted(problems_of(env)) for p in problems_of(env)[docname]]
    if problems:
        stop_build(problems, "nothing was written")


def setup(app: Sphinx) -> dict:
    app.setup_extension("unscripted.posts")
    app.connect("doctree-read", check_essay, priority=700)  # after posts.record_post
    app.connect("env-updated", stop_if_any, priority=100)  # before anything renders
    problems_of.connect(app)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
