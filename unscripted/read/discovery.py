"""Discovery: every essay is found and validated before Sphinx reads any.

* every file under ``posts/`` is checked against the essay schema
  (``core.frontmatter``): Markdown (``.md``) and reStructuredText (``.rst``)
  essays alike, whether their details are front matter, a field list or
  ABlog's ``{post}`` directive; any problem stops the build with the file and
  line, before anything is written; unknown authors are named once, together,
  with the ``blog_authors`` entries that would make them known;
* two essays may not share a slug, nor two tags (or categories) a page;
* drafts and essays dated after "now" are left out of the production build
  entirely (through ``exclude_patterns``), so no page, feed, sitemap or search
  index can mention them; ``unscripted_preview`` shows them.

Writes ``BuildState.now``, ``timezone``, ``sources``, ``unpublished``.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import posixpath
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError
from sphinx.util import logging

from unscripted.core.frontmatter import ESSAY_SUFFIXES, EssaySource, read_essay_source, unknown_authors
from unscripted.core.model import is_reserved_label, slugify
from unscripted.core.problems import Problem, ProblemsFound
from unscripted.infra.files import code_digest
from unscripted.infra.output import folders as output_folders
from unscripted.infra.strict import stop_build
from unscripted.read.state import build_state
from unscripted.read.typography import typeset_front_matter

logger = logging.getLogger(__name__)

POSTS_DIR = "posts"
POST_PATH_RE = re.compile(r"posts/(\d{4})/[^/]+\.(?:md|rst)")


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
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, AttributeError, ImportError):
            stored_settings, self.entries = None, {}
        if stored_settings != settings:
            self.entries = {}
        self.seen: dict[str, tuple] = {}

    @staticmethod
    def stamp(path: Path) -> tuple[int, int]:
        status = path.stat()
        return status.st_mtime_ns, status.st_size

    def get(self, path: Path) -> EssaySource | None:
        stamp, source = self.entries.get(str(path), (None, None))
        if source is None or stamp != self.stamp(path):
            return None
        if source.image and not (path.parent / source.image).is_file():
            return None  # parse again, to report the missing image
        self.seen[str(path)] = (stamp, source)
        return source

    def put(self, path: Path, source: EssaySource) -> EssaySource:
        self.seen[str(path)] = (self.stamp(path), source)
        return source

    def save(self) -> None:
        if self.seen != self.entries:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("wb") as handle:
                pickle.dump((self.settings, self.seen), handle, pickle.HIGHEST_PROTOCOL)


def scan_essays(app: Sphinx, config: Config) -> None:
    state = build_state(app)
    state.started = time.monotonic()
    srcdir = Path(app.srcdir)
    timezone = state.timezone = site_timezone(config)
    now = state.now = build_now(config)
    authors = {key: name for key, (name, _link) in config.blog_authors.items()}
    locations = {key: name for key, (name, _link) in config.blog_locations.items()}
    languages = {key: name for key, (name, _link) in config.blog_languages.items()}
    sources: dict[str, EssaySource] = {}
    problems: list[Problem] = []
    unknown: list[Problem] = []
    found = content_files(srcdir, problems)
    state.assets = found.assets
    # New code may have new rules: parse everything again.
    settings = (str(timezone), *(sorted(m.items()) for m in (authors, locations, languages)), code_digest())
    cache = ParsedSources(Path(app.doctreedir) / SOURCES_CACHE, settings)
    for path in found.essays:
        rel = path.relative_to(srcdir).as_posix()
        try:
            source = cache.get(path) or cache.put(
                path,
                read_essay_source(
                    path, srcdir, timezone=timezone, authors=authors, locations=locations, languages=languages
                ),
            )
        except ProblemsFound as error:
            problems.extend(p for p in error.problems if p.author is None)
            unknown.extend(p for p in error.problems if p.author is not None)
            continue
        match = POST_PATH_RE.fullmatch(rel)
        docname = rel.rsplit(".", 1)[0]
        if not match:
            problems.append(
                Problem(
                    rel,
                    None,
                    f"essays live at posts/YYYY/<slug>{path.suffix}; move it to posts/{source.date.year}/{path.name}",
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
        if docname in sources:
            message = f"{sources[docname].path} is the same essay in another syntax; keep one of the two files"
            problems.append(Problem(rel, None, message))
        sources[docname] = typeset_front_matter(source, config)
    problems.extend(_collisions(sources.values(), config))
    if unknown:
        problems.append(unknown_authors(unknown, authors))
    if problems:
        stop_build(problems, "nothing was built")
    cache.save()

    hidden = []
    for docname, source in sources.items():
        if source.draft:
            hidden.append(docname)
            if not config.unscripted_preview:
                logger.info("draft: %s is not published (remove `draft: true` to publish it)", source.path)
        elif source.date > now:
            hidden.append(docname)
            if not config.unscripted_preview:
                logger.info(
                    "scheduled: %s will appear in the first build after %s",
                    source.path,
                    source.date.isoformat(),
                )
    state.unpublished = [] if config.unscripted_preview else [sources[d].path for d in hidden]
    state.held = {sources[d].path: sources[d] for d in hidden} if not config.unscripted_preview else {}
    state.used_assets = {
        posixpath.join(posixpath.dirname(source.path), source.image) for source in sources.values() if source.image
    }
    for name in state.unpublished:
        # Held back, so not read: the files it names are still the writer's, not strays.
        state.used_assets |= referenced_files(srcdir / name, srcdir, config)
        del sources[name.rsplit(".", 1)[0]]
    state.sources = sources


@dataclass
class ContentFiles:
    essays: list[Path] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)  # every other file, relative to the project


# Files that are never a writer's content: editors' locks and backups, desktops' notes.
SYSTEM_FILES = re.compile(r"[.#].*|.*~|Thumbs\.db|desktop\.ini")
REST_LOOKALIKES = {".rst", ".rest"}
ESSAY_LOOKALIKES = {".md", ".markdown", ".mdown", ".mkd", ".mkdn"} | REST_LOOKALIKES


def content_files(srcdir: Path, problems: list[Problem]) -> ContentFiles:
    """Every file under ``posts/``: an essay, an asset (checked once the essays are
    read), or refused here. Nothing is left out without a word."""
    found = ContentFiles()
    for directory, folders, files in os.walk(srcdir / POSTS_DIR):
        here = Path(directory)
        for name in sorted(folders):
            if (here / name).is_symlink():
                rel = (here / name).relative_to(srcdir).as_posix()
                problems.append(Problem(rel, None, "is a symbolic link to a folder; move the folder itself here"))
        folders[:] = sorted(name for name in folders if not name.startswith(".") and not (here / name).is_symlink())
        for name in sorted(files):
            path = here / name
            rel = path.relative_to(srcdir).as_posix()
            if SYSTEM_FILES.fullmatch(name):
                continue
            if path.is_symlink():
                problems.append(Problem(rel, None, "is a symbolic link; copy the file itself into posts/"))
            elif path.suffix in ESSAY_SUFFIXES:
                found.essays.append(path)
            elif path.suffix.lower() in ESSAY_LOOKALIKES:
                kind = "reStructuredText" if path.suffix.lower() in REST_LOOKALIKES else "Markdown"
                suffix = ".rst" if kind == "reStructuredText" else ".md"
                message = f"{kind} essays are files ending in {suffix}; rename it to {path.stem}{suffix}"
                problems.append(Problem(rel, None, message))
            else:
                found.assets.append(rel)
    return found


REST_FILE_RE = re.compile(r"^\s*\.\.\s+(?:image|figure)::\s+(\S+)|:download:`(?:[^`<]*<([^>`]+)>|([^`]+))`", re.M)


def referenced_files(path: Path, srcdir: Path, config: Config) -> set[str]:
    """The local files an essay names (images, links, figures, downloads), relative to the
    project: as MyST's own parser reads Markdown; in reStructuredText, its images,
    figures and downloads."""
    folder = posixpath.dirname(path.relative_to(srcdir).as_posix())
    if path.suffix == ".rst":
        names = [next(g for g in match.groups() if g) for match in REST_FILE_RE.finditer(path.read_text("utf-8"))]
        return _local(names, folder)
    from myst_parser.config.main import MdParserConfig
    from myst_parser.mdit_to_docutils.base import DocutilsRenderer
    from myst_parser.parsers.mdit import create_md_parser

    parser = create_md_parser(MdParserConfig(enable_extensions=set(config.myst_enable_extensions)), DocutilsRenderer)
    names: list[str] = []
    for token in _walk(parser.parse(path.read_text(encoding="utf-8"))):
        if token.type == "image":
            names.append(str(token.attrs.get("src", "")))
        elif token.type == "link_open":
            names.append(str(token.attrs.get("href", "")))
        elif token.type in {"fence", "colon_fence"} and token.info.startswith(("{figure}", "{image}")):
            names.append(token.info.partition(" ")[2])
        elif token.type == "myst_role" and token.meta.get("name") == "download":
            names.append(token.content.rsplit("<", 1)[-1].rstrip(">"))
    return _local(names, folder)


def _local(names: list[str], folder: str) -> set[str]:
    local = (name.split("#", 1)[0].strip() for name in names)
    return {
        posixpath.normpath(name.lstrip("/") if name.startswith("/") else posixpath.join(folder, name))
        for name in local
        if name and ":" not in name and not name.startswith("//")
    }


def _walk(tokens):
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def summarise(app: Sphinx, exception: Exception | None) -> None:
    """The build's last line: what readers now have, what is held back, and how long it took."""
    state, published = build_state(app), output_folders(app)
    if published.changed is None or state.site is None:
        return
    essays = len(state.site.essays)
    held = sorted((source.date, path) for path, source in state.held.items() if not source.draft)
    drafts = sum(1 for source in state.held.values() if source.draft)
    parts = [f"{essays} essay{'' if essays == 1 else 's'}"]
    if drafts:
        parts.append(f"{drafts} draft{'' if drafts == 1 else 's'} held back")
    if held:
        parts.append(f"{len(held)} scheduled (next: {held[0][1]}, on {held[0][0].date().isoformat()})")
    seconds = time.monotonic() - state.started
    logger.info(
        "Published %s to %s: %d file%s updated, in %.1f s.",
        ", ".join(parts),
        published.published,
        published.changed,
        "" if published.changed == 1 else "s",
        seconds,
    )


def hide_unpublished(app: Sphinx) -> None:
    """Leave drafts and scheduled essays out of what Sphinx finds to read.

    Through ``exclude_patterns``, but only while Sphinx looks for files: left in
    the configuration that Sphinx compares between builds, every change of a
    draft would look like a new configuration and force a full rebuild.
    """
    if app.builder.name in {"dirhtml", "singlehtml"}:
        raise ConfigError(f"Unscripted publishes with the html builder, not {app.builder.name}")
    config, state = app.config, build_state(app)
    state.exclude_patterns = config.exclude_patterns
    config.exclude_patterns = [*config.exclude_patterns, *state.unpublished]


def restore_exclude_patterns(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    app.config.exclude_patterns = build_state(app).exclude_patterns
    return []


def _collisions(sources, config: Config) -> list[Problem]:
    """Labels that ABlog would silently merge or lose."""
    problems = []
    by_slug: dict[str, EssaySource] = {}
    for source in sources:
        if is_reserved_label(source.slug):
            problems.append(
                Problem(
                    source.path,
                    None,
                    f"the file name {source.slug!r} is a name the site's own pages use "
                    "(search, essays, about, blog-…, tag-…, category-…); rename the file",
                )
            )
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
    for key, attribute, noun in (("tags", "tags", "tag"), ("category", "categories", "category")):
        seen: dict[str, tuple[str, EssaySource]] = {}
        for source in sources:
            for label in getattr(source, attribute):
                slug = slugify(label)
                line = source.lines.get(key)
                if not slug:
                    problems.append(
                        Problem(
                            source.path,
                            line,
                            f"the {noun} {label!r} has no letters or digits to make its page's address from; "
                            "write it as a word (an emoji may stand beside one)",
                        )
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
