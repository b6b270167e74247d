"""Essays: validate every post before Sphinx reads it, then keep one record each.

ABlog still recognises posts and groups them into tags, categories, authors and
years. This module writes around the parts of ABlog that fail silently:

* every post is checked against ``frontmatter.SCHEMA`` first; any problem stops
  the build with the file and line, before anything is written;
* drafts and essays dated after "now" are left out of the production build
  entirely (``exclude_patterns``), so no page, feed, sitemap or search index
  can mention them; ``unscripted_preview`` shows them;
* ABlog's own draft rule uses the build machine's clock and crashes on dates
  with an offset, so it is handed naive dates in the site's time zone and told
  that nothing is in the future;
* ABlog keeps a deep copy of every post's doctree in the environment; we drop
  it (our feeds read the written pages) to keep memory flat.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import ablog.blog
from ablog.blog import Blog, slugify
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from unscripted import __version__, frontmatter
from unscripted.frontmatter import PostSource, PostSourceError, Problem, read_post

logger = logging.getLogger(__name__)

POSTS_DIR = "posts"
POST_PATH_RE = re.compile(r"posts/(\d{4})/[^/]+\.md")
WORD_RE = re.compile(r"[^\W_]+(?:[’'\-][^\W_]+)*")
EXCERPT_WORDS = 45  # an opening paragraph shown in listings stops here


@dataclass
class PostRecord:
    """Everything the listings, feeds and metadata need to know about one essay."""

    docname: str
    title: str  # as rendered (plain text), not as typed
    source: PostSource
    words: int
    excerpt_html: str = ""  # rendered once, relative to the post's own page
    pending_excerpt: list[nodes.Node] = field(default_factory=list, repr=False)

    @property
    def date(self) -> dt.datetime:
        return self.source.date

    @property
    def updated(self) -> dt.datetime:
        return self.source.updated or self.source.date

    def status(self, now: dt.datetime) -> str:
        """ "published", or (only ever seen in preview) "draft" or "scheduled"."""
        if self.source.draft:
            return "draft"
        return "scheduled" if self.date > now else "published"

    def reading_minutes(self, words_per_minute: int) -> int:
        return max(1, round(self.words / words_per_minute))


def site_timezone(config: Config) -> ZoneInfo:
    try:
        return ZoneInfo(config.unscripted_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"unscripted_timezone = {config.unscripted_timezone!r} is not an IANA time zone (e.g. 'Europe/London')"
        ) from None


def build_now(config: Config) -> dt.datetime:
    """The build's "now": pinned by ``unscripted_now`` (tests, reproducible builds)."""
    if not config.unscripted_now:
        return dt.datetime.now(dt.UTC)
    try:
        now = dt.datetime.fromisoformat(config.unscripted_now.replace("Z", "+00:00"))
    except ValueError:
        now = None
    if now is None or now.tzinfo is None:
        raise ConfigError(f"unscripted_now = {config.unscripted_now!r} must be an ISO 8601 date-time with an offset")
    return now


class PerDocument:
    """A dict in the build environment, keyed by docname, that forgets a document
    when Sphinx does and merges after a parallel read."""

    def __init__(self, attribute: str) -> None:
        self.attribute = attribute

    def __call__(self, env: BuildEnvironment) -> dict:
        return env.__dict__.setdefault(self.attribute, {})

    def connect(self, app: Sphinx) -> None:
        app.connect("env-purge-doc", self.purge)
        app.connect("env-merge-info", self.merge)

    def purge(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        self(env).pop(docname, None)

    def merge(self, app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
        self(env).update({d: value for d, value in self(other).items() if d in docnames})


# docname -> PostRecord, for every essay read
records = PerDocument("unscripted_posts")


def published_blog(app: Sphinx) -> Blog:
    """ABlog's post registry, filled from the environment if it is still empty."""
    blog = Blog(app)
    if not blog:
        ablog.post.register_posts(app)
    return blog


# -- Before reading: validate every essay, decide what is published ----------

SOURCES_CACHE = "unscripted-sources.pickle"  # in the doctree directory


class ParsedSources:
    """Front matter already validated, kept while the file's size and time stay the same.

    Every build checks every essay before reading any; parsing YAML for a
    thousand unchanged files would cost more than the rest of a no-op build.
    """

    def __init__(self, path: Path, settings: tuple) -> None:
        self.path, self.settings = path, settings
        try:
            with path.open("rb") as handle:
                stored_settings, self.entries = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, AttributeError):
            stored_settings, self.entries = None, {}
        if stored_settings != settings:
            self.entries = {}
        self.seen: dict[str, tuple] = {}

    @staticmethod
    def stamp(path: Path) -> tuple[int, int]:
        status = path.stat()
        return status.st_mtime_ns, status.st_size

    def get(self, path: Path) -> PostSource | None:
        stamp, source = self.entries.get(str(path), (None, None))
        if source is None or stamp != self.stamp(path):
            return None
        if source.image and not (path.parent / source.image).is_file():
            return None  # parse again, to report the missing image
        self.seen[str(path)] = (stamp, source)
        return source

    def put(self, path: Path, source: PostSource) -> PostSource:
        self.seen[str(path)] = (self.stamp(path), source)
        return source

    def save(self) -> None:
        if self.seen != self.entries:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("wb") as handle:
                pickle.dump((self.settings, self.seen), handle, pickle.HIGHEST_PROTOCOL)


def scan_posts(app: Sphinx, config: Config) -> None:
    # ABlog keeps its registry on the class; a second build in one process
    # (tests, the preview server) must not see the first one's posts.
    Blog._dict.clear()
    # We decide what is a draft; ABlog's rule compares with the machine's clock.
    # (A module global: restored when the build finishes.)
    app.unscripted_ablog_tomorrow = ablog.blog.TOMORROW
    ablog.blog.TOMORROW = ablog.blog.FUTURE
    # We render ABlog's sidebar widgets ourselves; its tag-cloud CSS is unused.
    ablog_css = str(Path(ablog.__file__).parent / "stylesheets")
    config.html_static_path = [p for p in config.html_static_path if p != ablog_css]

    srcdir = Path(app.srcdir)
    timezone = site_timezone(config)
    now = app.unscripted_now = build_now(config)
    authors = set(config.blog_authors)
    sources: dict[str, PostSource] = {}
    problems: list[Problem] = []
    rules = hashlib.sha256(Path(frontmatter.__file__).read_bytes()).hexdigest()  # new rules: parse again
    cache = ParsedSources(Path(app.doctreedir) / SOURCES_CACHE, (str(timezone), sorted(authors), rules))
    for path in sorted((srcdir / POSTS_DIR).rglob("*.md")):
        if path.name.startswith((".", "#")) or not path.is_file():
            continue  # editors' backup and lock files
        rel = path.relative_to(srcdir).as_posix()
        try:
            source = cache.get(path) or cache.put(path, read_post(path, srcdir, timezone=timezone, authors=authors))
        except PostSourceError as error:
            problems.extend(error.problems)
            continue
        match = POST_PATH_RE.fullmatch(rel)
        if not match:
            problems.append(
                Problem(
                    rel, None, f"essays live at posts/YYYY/<slug>.md; move it to posts/{source.date.year}/{path.name}"
                )
            )
        elif int(match.group(1)) != source.date.year:
            problems.append(
                Problem(
                    rel,
                    source.lines.get("date"),
                    f"is dated {source.date.date()}; move it to posts/{source.date.year}/{path.name}",
                )
            )
        sources[rel[: -len(".md")]] = source
    problems.extend(_collisions(sources.values(), config))
    if problems:
        stop_build(problems, "nothing was built")
    cache.save()

    hidden = []
    for docname, source in sources.items():
        if source.draft:
            hidden.append(docname)
            if not config.unscripted_preview:
                logger.info("draft: %s.md is not published (remove `draft: true` to publish it)", docname)
        elif source.date > now:
            hidden.append(docname)
            if not config.unscripted_preview:
                logger.info(
                    "scheduled: %s.md will appear in the first build after %s",
                    docname,
                    source.date.isoformat(),
                )
    app.unscripted_unpublished = [] if config.unscripted_preview else [f"{d}.md" for d in hidden]
    for docname in app.unscripted_unpublished:
        del sources[docname.removesuffix(".md")]
    app.unscripted_sources = sources


def hide_unpublished(app: Sphinx) -> None:
    """Leave drafts and scheduled essays out of what Sphinx finds to read.

    Through ``exclude_patterns``, but only while Sphinx looks for files: left in
    the configuration that Sphinx compares between builds, every change of a
    draft would look like a new configuration and force a full rebuild.
    """
    if app.builder.name in {"dirhtml", "singlehtml"}:
        raise ConfigError(f"Unscripted publishes with the html builder, not {app.builder.name}")
    config = app.config
    app.unscripted_exclude_patterns = config.exclude_patterns
    config.exclude_patterns = [*config.exclude_patterns, *app.unscripted_unpublished]


def restore_exclude_patterns(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    app.config.exclude_patterns = app.unscripted_exclude_patterns
    return []


def publishing(app: Sphinx) -> bool:
    """Pages, feeds, cards and the sitemap are made by the html builder; other builders
    (linkcheck, text...) only read the essays."""
    return app.builder.name == "html"


@functools.cache
def package_digest() -> str:
    """A fingerprint of this package's code: new code must not reuse what old code made."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def stop_build(problems: list[Problem], outcome: str) -> None:
    """Report each problem as ``file:line: ERROR: ...`` and end the build before it writes.

    A raised SphinxError would bury the message under Sphinx's crash report
    (versions, traceback); a writer needs only the file, the line and the fix.
    """
    for problem in problems:
        logger.error(problem.message, location=f"{problem.path}:{problem.line or 1}")
    logger.error("%d problem(s) in the essays above; %s.", len(problems), outcome)
    raise SystemExit(1)


def _collisions(sources, config: Config) -> list[Problem]:
    """Labels that ABlog would silently merge or lose."""
    problems = []
    by_slug: dict[str, PostSource] = {}
    for source in sources:
        if source.slug in by_slug:
            problems.append(
                Problem(
                    source.path,
                    None,
                    f"the slug {source.slug!r} is already used by {by_slug[source.slug].path}; "
                    "rename one of the files (ABlog labels posts by file name)",
                )
            )
        by_slug.setdefault(source.slug, source)
    for key, attribute in (("tags", "tags"), ("category", "categories")):
        seen: dict[str, tuple[str, PostSource]] = {}
        for source in sources:
            for label in getattr(source, attribute):
                slug = slugify(label)
                line = source.lines.get(key)
                if not slug:
                    problems.append(
                        Problem(source.path, line, f"the {key} {label!r} has no letters or digits to make a URL from")
                    )
                    continue
                first = seen.setdefault(slug, (label, source))
                if first[0] != label:
                    problems.append(
                        Problem(
                            source.path,
                            line,
                            f"the {key} {label!r} and {first[0]!r} (in {first[1].path}) would share one page, "
                            f"{config.blog_path}/{'tag' if key == 'tags' else key}/{slug}; spell them the same "
                            "or make them differ in letters or digits",
                        )
                    )
    return problems


# -- While reading: one record per essay; hand ABlog clean values ------------


class HideImageFromABlog(SphinxTransform):
    """Our ``image:`` is a file; ABlog reads a field of that name as a number (which
    image of the post to show) and fails. We have parsed the front matter already,
    so the field is removed before ABlog's CheckFrontMatter (priority 800) sees it."""

    default_priority = 790

    def apply(self) -> None:
        if self.env.docname not in getattr(self.app, "unscripted_sources", {}):
            return
        for entry in list(self.document.findall(nodes.field)):
            if entry[0].astext() == "image":
                entry.parent.remove(entry)


def record_post(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    source = getattr(app, "unscripted_sources", {}).get(docname)
    if source is None:
        return
    timezone = site_timezone(app.config)
    for info in env.ablog_posts.get(docname, []):
        info["date"] = info["update"] = source.date.astimezone(timezone).replace(tzinfo=None)
        if source.updated:
            info["update"] = source.updated.astimezone(timezone).replace(tzinfo=None)
        info["tags"] = list(source.tags)
        info["category"] = list(source.categories)
        info["author"] = list(source.authors)
        info["doctree"] = None
        info["excerpt"] = []

    section = next(iter(doctree.findall(nodes.section)), None)
    body = [child for child in section.children if not isinstance(child, nodes.title)] if section else []
    opening = next((child for child in body if isinstance(child, nodes.paragraph)), None)
    records(env)[docname] = PostRecord(
        docname=docname,
        title=section[0].astext() if section else source.title,
        source=source,
        words=_count_words(body),
        pending_excerpt=[] if source.description or opening is None else [shortened(opening, EXCERPT_WORDS)],
    )


def shortened(paragraph: nodes.paragraph, limit: int) -> nodes.paragraph:
    """A copy of *paragraph*, text only, cut after *limit* words, ending in an ellipsis
    if anything was cut. (Images are left out: an excerpt is shown on other pages.)"""
    copy = paragraph.deepcopy()
    for image in list(copy.findall(nodes.image)):
        image.parent.remove(image)
    remaining, cut = limit, False
    for text in list(copy.findall(nodes.Text)):
        if remaining <= 0:
            cut = cut or bool(text.astext().strip())
            parent = text.parent
            parent.remove(text)
            while parent is not copy and not parent.children:  # inline markup left empty
                grandparent = parent.parent
                grandparent.remove(parent)
                parent = grandparent
            continue
        words = list(WORD_RE.finditer(text.astext()))
        if len(words) > remaining:
            text.parent.replace(text, nodes.Text(text.astext()[: words[remaining - 1].end()]))
            cut = True
        remaining -= len(words)
    if cut:
        last = list(copy.findall(nodes.Text))[-1]
        last.parent.replace(last, nodes.Text(last.astext().rstrip(" ,;:—–-")))
        copy.append(nodes.Text("…"))
    return copy


def _count_words(body: list[nodes.Node]) -> int:
    skip = (nodes.literal_block, nodes.comment, nodes.raw, nodes.system_message, nodes.title)
    count = 0
    for part in body:
        for text in part.findall(nodes.Text):
            if not any(isinstance(ancestor, skip) for ancestor in _ancestors(text, part)):
                count += len(WORD_RE.findall(text.astext()))
    return count


def _ancestors(node: nodes.Node, stop: nodes.Node):
    while node is not None:
        yield node
        if node is stop:
            return
        node = node.parent


def render_excerpts(app: Sphinx, env: BuildEnvironment) -> None:
    from unscripted.fragments import FragmentRenderer

    if not publishing(app):
        return
    pending = [record for record in records(env).values() if record.pending_excerpt]
    if not pending:
        return
    renderer = FragmentRenderer(app)
    for record in pending:
        record.excerpt_html = renderer.render(record.pending_excerpt, record.docname)
        record.pending_excerpt = []


def register_with_ablog(app: Sphinx, env: BuildEnvironment) -> None:
    """ABlog creates its tag, category and year references while registering posts;
    on an incremental build that would happen after references are resolved."""
    published_blog(app)


def restore_ablog(app: Sphinx, exception: Exception | None) -> None:
    ablog.blog.TOMORROW = getattr(app, "unscripted_ablog_tomorrow", ablog.blog.TOMORROW)


def setup(app: Sphinx) -> dict:
    app.setup_extension("ablog")
    app.add_config_value("unscripted_timezone", "UTC", "env", types=frozenset({str}))
    app.add_config_value("unscripted_words_per_minute", 230, "env", types=frozenset({int}))
    app.add_config_value("unscripted_preview", False, "env", types=frozenset({bool}))
    # "now" moves every build; it must not invalidate the environment by itself.
    app.add_config_value("unscripted_now", "", "", types=frozenset({str}))
    app.connect("config-inited", scan_posts, priority=600)  # after ABlog's own
    app.connect("doctree-read", record_post, priority=600)  # after ABlog's process_posts
    app.add_transform(HideImageFromABlog)
    app.connect("builder-inited", hide_unpublished)
    app.connect("env-get-outdated", restore_exclude_patterns)
    app.connect("env-updated", render_excerpts)
    app.connect("env-updated", register_with_ablog, priority=950)
    app.connect("build-finished", restore_ablog)
    records.connect(app)
    # Records made by older code are not reused: the environment is rebuilt.
    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": package_digest(),
    }
