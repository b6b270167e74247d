"""Reading: one ``Essay`` per essay as Sphinx reads it, then the site model once all are read.

* At ``doctree-read``: the title as rendered, the words (for reading time) and
  the excerpt for listings and feeds (``ESSAYS``): the opening paragraph,
  shortened; or, as in ABlog, the text of the ``{post}`` directive, or the
  number of opening paragraphs the essay's ``excerpt`` asks for (0: none).
* At ``env-updated``: each new opening is rendered to HTML once, relative to its
  own page; then the ``Site`` model of this build is made (``BuildState.site``).
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from myst_parser.config.main import TopmatterReadError, merge_file_level, read_topmatter
from myst_parser.mdit_to_docutils.base import token_line
from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
from myst_parser.parsers.mdit import create_md_parser
from myst_parser.parsers.sphinx_ import MystParser
from myst_parser.warnings_ import MystWarnings, create_warning
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.parsers import RSTParser

from unscripted.core.html_policy import excerpt, sanitize, source_line
from unscripted.core.languages import LanguageError, canonical
from unscripted.core.model import SPHINX_PAGES, Essay, Site, SiteSettings
from unscripted.core.problems import Problem
from unscripted.core.text import Length, measure, units
from unscripted.infra.fragments import FragmentRenderer
from unscripted.infra.state import DocumentStore
from unscripted.infra.strict import stop_build
from unscripted.read.state import ESSAYS, POST_TEXTS, PROBLEMS, build_state, detached_copy, publishing

EXCERPT_WORDS = 45  # an opening paragraph shown in listings stops here
NOT_COUNTED = (nodes.literal_block, nodes.comment, nodes.raw, nodes.system_message, nodes.title)
FORMULAS = (nodes.math, nodes.math_block)

# docname -> the excerpt's paragraphs, until they are rendered (this module)
OPENINGS: DocumentStore[list[nodes.paragraph]] = DocumentStore("openings")
UNCUT = 10**9  # words: paragraphs a writer chose are never cut


def record_essay(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    source = build_state(app).sources.get(docname)
    if source is None:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    body = [child for child in section.children if not isinstance(child, nodes.title)] if section else []
    post_text = POST_TEXTS(env).pop(docname, None)
    ESSAYS(env)[docname] = Essay(
        docname=docname,
        title=section[0].astext() if section else source.title,
        source=source,
        length=_measure(body),
    )
    if source.description or source.excerpt == 0:
        return
    paragraphs = [child for child in (post_text or body) if isinstance(child, nodes.paragraph)]
    if source.excerpt is not None:
        chosen = [shortened(paragraph, UNCUT) for paragraph in paragraphs[: source.excerpt]]
    elif post_text:
        chosen = [shortened(paragraph, UNCUT) for paragraph in paragraphs]
    else:
        chosen = [shortened(paragraph, EXCERPT_WORDS) for paragraph in paragraphs[:1]]
    if chosen:
        OPENINGS(env)[docname] = chosen


def shortened(paragraph: nodes.paragraph, limit: int) -> nodes.paragraph:
    """A copy of *paragraph*, text only, cut after *limit* words, ending in an ellipsis
    if anything was cut. (Images are left out: an excerpt is shown on other pages.)"""
    copy = detached_copy(paragraph)
    for image in list(copy.findall(nodes.image)):
        _remove(image)
    remaining, cut = limit, False
    for text in list(copy.findall(nodes.Text)):
        formula = isinstance(text.parent, FORMULAS)
        if remaining <= 0:
            cut = cut or bool(text.astext().strip())
            parent = text.parent
            _remove(text)
            while parent is not copy and not parent.children:  # inline markup left empty
                grandparent = parent.parent
                _remove(parent)
                parent = grandparent
            continue
        if formula:  # one word, never cut: its MathML is whole
            remaining -= 1
            continue
        for end, weight in units(text.astext()):
            remaining -= weight
            if remaining <= 0:
                cut = cut or bool(text.astext()[end:].strip())
                _replace(text, nodes.Text(text.astext()[:end]))
                break
    if cut:
        last = list(copy.findall(nodes.Text))[-1]
        if not isinstance(last.parent, nodes.math):
            _replace(last, nodes.Text(last.astext().rstrip(" \n,;:—–-、，。；：")))
        copy.append(nodes.Text("…"))
    return copy


def _position(node: nodes.Node) -> int:
    """The node's index in its parent, by identity: docutils finds children by equality,
    and two Text nodes with the same text (every soft line break) are equal."""
    return next(index for index, child in enumerate(node.parent.children) if child is node)


def _remove(node: nodes.Node) -> None:
    del node.parent[_position(node)]


def _replace(old: nodes.Node, new: nodes.Node) -> None:
    old.parent[_position(old)] = new


def _measure(body: list[nodes.Node]) -> Length:
    """The length of *body*: a formula is read as one word, however long its TeX; literal
    blocks, comments, raw markup and titles are not read. Measured once over all counted
    text, a space between nodes (units never span two nodes)."""
    texts: list[str] = []
    formulas = 0

    def walk(node: nodes.Node, counted: bool) -> None:
        nonlocal formulas
        if isinstance(node, FORMULAS):
            formulas += sum(1 for _ in node.findall(nodes.Text))
            return
        counted = counted and not isinstance(node, NOT_COUNTED)
        for child in node.children:
            if isinstance(child, nodes.Text):
                if counted:
                    texts.append(child.astext())
            else:
                walk(child, counted)

    for part in body:
        if isinstance(part, nodes.Text):
            texts.append(part.astext())
        else:
            walk(part, True)
    return measure(" ".join(texts)) + Length(words=formulas)


def render_openings(app: Sphinx, env: BuildEnvironment) -> None:
    """Render each opening read in this build, once, relative to its essay's page."""
    if not publishing(app):
        return
    pending = OPENINGS(env)
    if not pending:
        return
    essays, problems = ESSAYS(env), build_state(app).problems
    renderer = FragmentRenderer(app)
    for docname, opening in sorted(pending.items()):
        # The write boundary, on the excerpt that listings show: allowlisted, or refused.
        essays[docname].excerpt_html, removed = sanitize(renderer.render(opening, docname))
        if PROBLEMS(env).get(docname):
            continue  # refused already, at the line where it went wrong: one message per mistake
        path = env.doc2path(docname, base=False)
        text = Path(app.srcdir, path).read_text(encoding="utf-8") if removed else ""
        for snippet in removed:
            message = f"its opening would carry {snippet}, which the HTML allowlist does not allow"
            problems.append(Problem(path.as_posix(), source_line(text, snippet), message))
    pending.clear()


def check_page_sizes(app: Sphinx, config: Config) -> None:
    """A listing page or a tag's feed holds at least one essay: zero or less is a mistake in
    conf.py, said as one."""
    holds = {
        "unscripted_page_size": "the essays a listing page holds",
        "unscripted_group_page_size": "the essays a listing page holds",
        "unscripted_group_feed_length": "the newest essays a tag's or category's feed holds",
    }
    problems = [
        Problem("conf.py", None, f"{name} = {value!r}: {what}; write a whole number from 1")
        for name, what in holds.items()
        if isinstance(value := config[name], bool) or not isinstance(value, int) or value < 1
    ]
    if problems:
        stop_build(problems, "nothing was built")


def build_site(app: Sphinx, env: BuildEnvironment) -> None:
    config = app.config
    default = config.blog_default_author
    state = build_state(app)
    site = state.site = Site(
        dict(ESSAYS(env)),
        SiteSettings(
            title=config.blog_title,
            blog_path=config.blog_path,
            authors={key: name for key, (name, _link) in config.blog_authors.items()},
            default_authors=(default,) if isinstance(default, str) else tuple(default or ()),
            page_size=config.unscripted_page_size,
            group_page_size=config.unscripted_group_page_size,
            locations={key: name for key, (name, _link) in config.blog_locations.items()},
        ),
    )
    # An old address may not take the place of any page, published or held back, nor of another's.
    held_back = {name.rsplit(".", 1)[0] for name in state.unpublished}
    pages = set(env.found_docs) | site.generated_pages | SPHINX_PAGES | held_back
    problems = [
        Problem(site.essays[docname].source.path, site.essays[docname].source.lines.get("aliases"), message)
        for docname, message in site.alias_problems(pages)
    ]
    if problems:
        stop_build(problems, "nothing was written")


class LanguageRenderer(SphinxRenderer):
    """MyST's renderer, which keeps what MyST drops of ``[words]{lang=fr}``: the span's
    language (as docutils marks it: a ``language-fr`` class, written as ``lang="fr"``)."""

    def render_span(self, token) -> None:
        super().render_span(token)
        if "lang" in token.attrs:
            span = self.current_node[-1]
            try:
                span["classes"].append(f"language-{canonical(str(token.attrs['lang']))}")
            except LanguageError as error:
                self.create_warning(str(error), MystWarnings.INVALID_ATTRIBUTE, line=token_line(token), append_to=span)


class SafeParsing:
    """A parser whose failure on a document becomes a problem named with its file.

    Markup no parser expected (a crash deep in MyST or docutils) stops the build
    like any other mistake, with the file, instead of a Python traceback."""

    def parse(self, inputstring: str, document: nodes.document) -> None:
        try:
            self.render(inputstring, document)
        except (SystemExit, KeyboardInterrupt):
            raise
        except Exception as error:
            env = document.settings.env
            path = env.doc2path(env.docname, base=False).as_posix()
            message = (
                f"could not be read ({type(error).__name__}: {excerpt(str(error))}); simplify the markup "
                "around the last change, and report it if the markup is ordinary"
            )
            PROBLEMS(env).setdefault(env.docname, []).append(Problem(path, None, message))
            document.children = []

    def render(self, inputstring: str, document: nodes.document) -> None:
        super().parse(inputstring, document)


class SafeMystParser(SafeParsing, MystParser):
    """MyST's parser, with ``LanguageRenderer``, safely (``SafeParsing``)."""

    def render(self, inputstring: str, document: nodes.document) -> None:
        """``MystParser.parse``, with our renderer: the site's configuration, the file's own."""
        config = document.settings.env.myst_config
        try:
            topmatter = read_topmatter(inputstring)
        except TopmatterReadError:
            topmatter = None  # reported while rendering
        if topmatter:
            config = merge_file_level(
                config,
                topmatter,
                lambda kind, message: create_warning(document, message, kind, line=1, append_to=document),
            )
        parser = create_md_parser(config, LanguageRenderer)
        parser.options["document"] = document
        parser.render(inputstring)


class SafeRSTParser(SafeParsing, RSTParser):
    """Sphinx's reStructuredText parser, safely (``SafeParsing``)."""
