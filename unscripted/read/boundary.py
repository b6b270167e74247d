"""The read boundary: an essay reaches only the publication's own content, and holds only what readers see.

By structure, not by a list of refused cases:

* docutils' own switches: file insertion and the ``raw`` directive are off for
  every document (``file_insertion_enabled``, ``raw_enabled``), which closes
  ``include``, ``literalinclude``, ``raw`` and ``csv-table`` with ``:file:`` or
  ``:url:`` (no file is read, no URL fetched); each document is checked to have
  been read with them off (a ``docutils.conf`` could turn them back on);
* Sphinx's own path handling: every image and download an essay names has been
  resolved by Sphinx (``relfn2path``, symlinks followed); it must lie inside the
  publication's content (``posts/``, ``_static/``), outside any dot-folder, and
  an image must be the image it claims to be (PNG, JPEG, GIF, WebP; not SVG,
  which can run scripts);
* no document-level HTML: no ``<meta>`` (reST's ``meta`` directive), no page
  title of its own;
* raw HTML the writer typed: only the phrasing elements ``core.html_policy``
  allows, with its line; a writer's private ``<!-- comments -->`` are removed
  from every page here, silently, so no page, feed or search index holds them;
* an essay has exactly one ``#`` title, and defines no label the site's own
  pages use; a title its social card will show must be drawable by the card
  fonts (no empty boxes).

Problems go to ``PROBLEMS`` with file and line; the build stops before writing.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from unscripted.core import cards
from unscripted.core.frontmatter import image_kind
from unscripted.core.html_policy import excerpt, raw_html_problems, source_line, without_comments
from unscripted.core.model import is_reserved_label
from unscripted.core.problems import Problem
from unscripted.infra.strict import stop_build
from unscripted.read.state import PROBLEMS, build_state

CONTENT = ("posts", "_static")


def switch_off_file_insertion(app: Sphinx) -> None:
    """docutils' own switches, for every document Sphinx reads."""
    app.env.settings["file_insertion_enabled"] = False
    app.env.settings["raw_enabled"] = False


def remove_private_comments(app: Sphinx, doctree: nodes.document) -> None:
    """``<!-- … -->`` in raw HTML is a writer's note to self: it never reaches a reader."""
    for raw in list(doctree.findall(nodes.raw)):
        if "html" not in raw.get("format", "").split():
            continue
        text = without_comments(raw.astext())
        if text == raw.astext():
            continue
        if text.strip():
            kept = nodes.raw("", text, format=raw["format"])
            kept.source, kept.line = raw.source, raw.line
            raw.replace_self(kept)
        else:
            raw.parent.remove(raw)


def check_essay(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    settings = doctree.settings
    path = env.doc2path(docname, base=False).as_posix()
    found: list[Problem] = []

    def report(node: nodes.Node | None, message: str, directive: str | None = None) -> None:
        """A problem at *node*'s line, or (for a directive whose nodes carry none) at the
        first line of the source that names *directive*."""
        line = _line_of(node) if node is not None else None
        if directive:
            line = source_line(Path(app.srcdir, path).read_text(encoding="utf-8"), directive) or line
        found.append(Problem(path, line, message))

    if settings.file_insertion_enabled or settings.raw_enabled:
        report(None, "was read with file insertion or raw input switched on (a docutils.conf?); remove that setting")
    if docname in build_state(app).sources:
        source = build_state(app).sources[docname]
        _check_title_glyphs(doctree, source.image, source.language or app.config.language, report)
        _check_structure(doctree, report, rest=path.endswith(".rst"))
        _check_raw_html(doctree, report)
        _check_files(app, doctree, report)
    PROBLEMS(env).setdefault(docname, []).extend(found)


def _check_title_glyphs(doctree: nodes.document, own_image: str | None, language: str | None, report) -> None:
    """An essay without its own image gets a drawn card: every character must be in a card font."""
    title = next((section[0] for section in doctree.findall(nodes.section)), None)
    if title is not None and not own_image and (missing := cards.missing_glyphs(title.astext(), language)):
        alternative = "write them differently, give the essay its own `image:`, or "
        report(title, cards.missing_glyphs_advice(missing, "the title", alternative))


def _check_structure(doctree: nodes.document, report, *, rest: bool) -> None:
    for message in doctree.findall(nodes.system_message):
        text = message.astext()
        if re.search(r"\braw\W{0,2} directive disabled", text):  # whatever quotes the message wears
            report(
                message,
                "a raw block, which passes HTML through as typed or reads another file into the essay, is not "
                "allowed; write it in Markdown or reStructuredText (and link to a video rather than embed it)",
            )
        elif "disabled" in text or "deactivated" in text or "File insertion" in text:
            report(
                message,
                "reads another file (or a web address) into the essay, which an essay may not do; "
                "paste the text itself into the essay",
            )
    for meta in doctree.findall(nodes.meta):
        report(meta, "an essay cannot set the page's <meta> tags; remove the meta directive", "meta::")
    sections = [child for child in doctree.children if isinstance(child, nodes.section)]
    for extra in sections[1:]:
        report(extra, f"a second `#` title, {excerpt(extra[0].astext())}: an essay has one; make it a `##` heading")
    for name, explicit in doctree.nametypes.items():
        if explicit and is_reserved_label(name):
            target = doctree.ids.get(doctree.nameids.get(name) or "")
            written = f".. _{name}:" if rest else f"({name})="  # the label's own line, not its section's
            report(target, f"the label {excerpt(name)} is a name the site's own pages use; choose another", written)


def _check_raw_html(doctree: nodes.document, report) -> None:
    for raw in doctree.findall(nodes.raw):
        if "html" in raw.get("format", "").split():
            for message in raw_html_problems(raw.astext()):
                report(raw, message)


def _check_files(app: Sphinx, doctree: nodes.document, report) -> None:
    """Every file Sphinx will copy for this essay, as Sphinx resolved it."""
    env = app.env
    for image in doctree.findall(nodes.image):
        for candidate in image.get("candidates", {}).values():
            written = image.get("original_uri", candidate)
            if candidate.startswith("data:"):
                report(image, "an image written into the text (data: URL) is not allowed; save it next to the essay")
            elif "://" in candidate or written.startswith(("//", "\\\\")):
                report(
                    image,
                    f"the image {excerpt(written)} is on another site; save it next to the essay, "
                    "so that readers fetch nothing from elsewhere",
                )
            else:
                problem = _content_problem(Path(app.srcdir), candidate, image=True)
                if problem:
                    report(image, f"the image {excerpt(written)} {problem}")
    for download in doctree.findall(addnodes.download_reference):
        target = download["reftarget"]
        if "://" in target:
            continue  # a link to another site, made by the {download} role
        relative, _ = env.relfn2path(target, env.docname)
        problem = _content_problem(Path(app.srcdir), relative, image=False)
        if problem:
            report(download, f"the file {excerpt(target)} {problem}")


def _content_problem(srcdir: Path, relative: str, *, image: bool) -> str | None:
    """Why a file, as Sphinx resolved it (relative to the project), may not be published."""
    parts = relative.split("/")
    if relative.startswith("/") or ".." in parts or parts[0] not in CONTENT:
        folders = " or ".join(f"{folder}/" for folder in CONTENT)
        return f"is outside the publication ({relative}); only files under {folders} are published"
    if any(part.startswith(".") for part in parts):
        return f"is in a hidden folder or file ({relative}); hidden files are never published"
    path = srcdir / relative
    if not path.is_file():
        return "does not exist; check the file name and its folder"
    if image:
        head = path.read_bytes()[:16]
        if path.suffix.lower() == ".svg" or head.lstrip().startswith((b"<", b"\xef\xbb\xbf<")):
            return "is an SVG drawing, which can run scripts; export it as PNG or WebP"
        if image_kind(head) is None:
            return "is not a PNG, JPEG, GIF or WebP image; export it as one of those"
    return None


def _line_of(node: nodes.Node | None) -> int | None:
    if isinstance(node, nodes.system_message) and node.get("line"):
        return node["line"]
    while node is not None:
        if node.line:
            return node.line
        node = node.parent
    return None


def check_assets(app: Sphinx, env: BuildEnvironment) -> None:
    """Every other file under ``posts/`` is used by an essay; no two published files share a name."""
    state = build_state(app)
    used = {Path(name).as_posix() for name in [*env.images, *env.dlfiles]} | state.used_assets
    for asset in state.assets:
        if asset not in used:
            message = (
                "is not used by any essay; show it (![what it shows](file)) or link it ([text](file)) "
                "from an essay, or move it out of posts/"
            )
            state.problems.append(Problem(asset, None, message))
    by_name: dict[str, str] = {}
    for image in sorted(env.images):
        first = by_name.setdefault(posixpath.basename(image), image)
        if first != image:
            message = f"has the same file name as {first}; images are published side by side: rename one"
            state.problems.append(Problem(image, None, message))


def stop_if_any(app: Sphinx, env: BuildEnvironment) -> None:
    problems = [p for docname in sorted(PROBLEMS(env)) for p in PROBLEMS(env)[docname]]
    problems += build_state(app).problems
    if problems:
        stop_build(problems, "nothing was written")


class PageTitleDirective(SphinxDirective):
    """reST's ``title`` directive would set the page's <title> apart from its heading (and
    inside MyST's ``{eval-rst}`` it is silently lost): refused, with its line."""

    required_arguments = 1
    final_argument_whitespace = True

    def run(self) -> list[nodes.Node]:
        path = self.env.doc2path(self.env.docname, base=False).as_posix()
        message = "a page's <title> is its `#` heading; remove the title directive"
        PROBLEMS(self.env).setdefault(self.env.docname, []).append(Problem(path, self.lineno, message))
        return []
