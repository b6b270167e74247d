"""ABlog, behind one bridge: the only module that imports it.

Unscripted is built on ABlog, and what its writers rely on keeps working: the
``{postlist}``, ``{update}`` and ``{post}`` directives, ABlog's configuration
(``blog_authors``, ``blog_path``...), its labels (``{ref}`blog-posts```,
``tag-intimacy``, an essay's file name) and its grouping. Everything else ABlog
does, Unscripted does itself (reading essays: ``read``; pages and feeds:
``write``). Each workaround, and why:

1. ABlog is not loaded as an extension; this module registers the parts we
   keep (its configuration values, directives, node, translations, reference
   resolver and ``{postlist}`` filler). ABlog's ``setup()`` would also connect
   its post reader (which parses front matter again, and fails on our
   ``image:``), its page and feed generators (whose output does not validate
   and whose feeds lack ids and dates), a template loader that replaces Furo's
   ``page.html`` on every page, its stylesheets, and it declares itself unsafe
   for parallel reading.
2. ABlog reads no essay itself: once every essay has been read and
   validated, each is handed to ABlog as the post record its reader would
   have made (``register``). There is no ABlog state per document, so a
   parallel read has nothing of ABlog's to merge.
3. ABlog keeps its registry on the ``Blog`` class; it is emptied at the start
   of every build (the tests and the preview server run several in one process).
4. ABlog files a post under "drafts" by the build machine's clock
   (``ablog.blog.TOMORROW``); Unscripted has already decided what is published
   (``read.discovery``), so registration runs with ABlog's clock at the end of time.
5. ABlog labels each post by its file name at an anchor of the same name,
   which the page does not have; the label here points to the page itself.
6. ABlog names a collection's page (and its label ``tag-…``) with a slug rule
   that drops every mark, mangling most scripts; it is handed Unscripted's rule
   (``core.model.slugify``), so its labels and our pages stay the same names.
7. ABlog's ``{post}`` directive converts its options as it reads them (an
   ``:image:`` that is a file name crashes it). Here the directive's options
   were read and validated with the essay's other details before reading
   (``core.headers``, ``read.discovery``), so the directive takes any text;
   its content is the essay's excerpt (``:exclude:`` keeps it off the page).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import ablog
import ablog.blog
import ablog.post
from ablog.blog import CONFIG, Blog
from ablog.post import (
    PostDirective,
    PostListDirective,
    PostNode,
    UpdateDirective,
    UpdateNode,
    missing_reference,
    process_postlist,
)
from babel.dates import format_date
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util.nodes import set_source_info

from unscripted.core.dates import DateError, parse_date
from unscripted.core.frontmatter import ACCEPTED_AS_TRUE, REFUSED, RENAMED, SCHEMA
from unscripted.core.model import slugify
from unscripted.core.problems import Problem
from unscripted.read.state import ESSAYS, POST_TEXTS, PROBLEMS, build_state, detached_copy


class EssayPostDirective(PostDirective):
    """ABlog's ``{post}``, whose options were validated before reading (see 7.)."""

    option_spec: ClassVar[dict] = dict.fromkeys(
        (*PostDirective.option_spec, *SCHEMA, *ACCEPTED_AS_TRUE, *RENAMED, *REFUSED), directives.unchanged
    )

    def run(self) -> list[nodes.Node]:
        node = PostNode()
        node.document = self.state.document
        set_source_info(self, node)
        self.state.nested_parse(self.content, self.content_offset, node, match_titles=True)
        node["exclude"] = "exclude" in self.options
        return [node]


def add_ablog(app: Sphinx) -> None:
    """What ABlog's own ``setup()`` registers, less what Unscripted replaces (see 1.)."""
    ablog.blog.slugify = ablog.post.slugify = slugify  # see 6.
    for name, default, rebuild, *_verify in CONFIG:
        # ABlog accepts one pattern as a string and turns it into a list itself.
        types = frozenset({str, list}) if name == "blog_post_pattern" else ()
        app.add_config_value(name, default, rebuild, types=types)
    app.add_directive("post", EssayPostDirective)
    app.add_directive("postlist", PostListDirective)
    app.add_directive("update", UpdateDirective)
    app.add_node(
        UpdateNode,
        html=(lambda self, node: self.visit_admonition(node), lambda self, node: self.depart_admonition(node)),
    )
    app.add_message_catalog("sphinx", str(Path(ablog.__file__).parent / "locales"))


def empty_registry(app: Sphinx, config: Config) -> None:
    """See 3."""
    Blog._dict.clear()


def read_post_markup(app: Sphinx, doctree: nodes.document) -> None:
    """ABlog's markup in an essay, as ABlog's reader would treat it: the ``{post}``
    directive leaves its content, which is also the essay's excerpt (``POST_TEXTS``);
    ``{update}`` gets its "Updated on" title; the essay is an orphan (listed by
    listings, not a toctree) with its file name as label."""
    env = app.env
    docname = env.docname
    source = build_state(app).sources.get(docname)
    path = env.doc2path(docname, base=False).as_posix()

    def problem(node: nodes.Node, message: str) -> None:
        PROBLEMS(env).setdefault(docname, []).append(Problem(path, node.line, message))

    for post in list(doctree.findall(PostNode)):
        if source is None:
            problem(post, "the {post} directive makes a page an essay; essays live in posts/YYYY/")
        elif source.post_line is None or post.line not in {None, source.post_line}:
            # Discovery reads the directive at the top level only; one inside another is not the essay's.
            problem(post, "a {post} directive inside another directive is not read; move it to the top level")
        elif len(post.children):
            POST_TEXTS(env)[docname] = [detached_copy(child) for child in post.children]
        post.replace_self([] if post["exclude"] else post.children)
    for update in doctree.findall(UpdateNode):
        try:
            title = _update_title(update, app.config.language or "en")
        except DateError as error:
            problem(update, f"`{{update}} {update['date']}` {error}")
            continue
        update.insert(0, nodes.title("", title))
        update["classes"] = ["note", "update"]
    if source is None:
        return
    env.metadata[docname]["orphan"] = True
    label = docname.rsplit("/", 1)[-1]
    section = next(iter(doctree.findall(nodes.section)), None)
    title = section[0].astext() if section else source.title
    std = env.domains.standard_domain
    std.labels[label] = (docname, "", title)  # see 5.
    std.anonlabels[label] = (docname, "")


def _update_title(update: UpdateNode, language: str) -> str:
    """The date of an ``{update}``: the forms an essay's ``date`` may take (``core.dates``)."""
    date = parse_date(update["date"]).day
    return f"Updated on {format_date(date, 'd MMMM y', locale=language)}"


@contextlib.contextmanager
def _clock_at_end_of_time() -> Iterator[None]:
    """See 4."""
    tomorrow = ablog.blog.TOMORROW
    ablog.blog.TOMORROW = ablog.blog.FUTURE
    try:
        yield
    finally:
        ablog.blog.TOMORROW = tomorrow


def register(app: Sphinx, env: BuildEnvironment) -> None:
    """Hand ABlog every essay of this build (see 2.), before references are resolved."""
    timezone = build_state(app).timezone
    blog = Blog(app)
    if blog.posts:  # already registered in this build
        return

    def naive(value: dt.datetime) -> dt.datetime:
        return value.astimezone(timezone).replace(tzinfo=None)

    with _clock_at_end_of_time():
        for docname, essay in sorted(ESSAYS(env).items()):
            source = essay.source
            blog.register(
                docname,
                {
                    "docname": docname,
                    "section": "",
                    "order": 1,
                    "date": naive(source.date),
                    "update": naive(source.updated or source.date),
                    "title": essay.title,
                    "excerpt": [],
                    "tags": list(source.tags),
                    "author": list(source.authors),
                    "category": list(source.categories),
                    "location": list(source.locations),
                    "language": [],
                    "redirect": [],
                    "nocomments": False,
                    "image": None,
                    "exclude": False,
                    "canonical_link": [],
                    "external_link": [],
                    "doctree": None,
                },
            )


# ABlog's own handlers, kept: its labels (``blog-posts``, ``tag-…``) and ``{postlist}``.
resolve_blog_label = missing_reference
fill_postlists = process_postlist
