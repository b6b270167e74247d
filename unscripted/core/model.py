"""The publication as data: essays, their collections, and the names of everything made from them.

Every output (listings, feeds, the sitemap, cards...) asks this module what
exists and what it is called; none of them records names for another to read
back. The collections and page names follow ABlog's layout (``<blog_path>/tag/<slug>``,
``<blog_path>/<year>``) with one slug rule (``slugify``) that ABlog is given too,
so ABlog's own labels (``tag-intimacy``, ``blog-posts``) and our pages agree.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePosixPath
from urllib.parse import quote

import regex

from unscripted.core.frontmatter import EssaySource
from unscripted.core.text import Length

# (file name, media type, name readers know it by): every feed exists in all three.
FEED_FORMATS = (
    ("atom.xml", "application/atom+xml", "Atom"),
    ("rss.xml", "application/rss+xml", "RSS"),
    ("feed.json", "application/feed+json", "JSON Feed"),
)
CARDS = "social"  # social/<docname>.png (or the essay's own image), social/site.png
SITE_CARD = f"{CARDS}/site.png"
# E-books: books/<docname>.epub for each published essay, books/<site>.epub for them all.
BOOKS = "books"
EPUB_MEDIA_TYPE = "application/epub+zip"
# Pages Sphinx itself makes; never an essay's name, never in the sitemap.
SPHINX_PAGES = frozenset({"search", "genindex", "404"})
# Labels the site's own pages answer to: Sphinx's, the site's pages, and ABlog's
# (``ablog.blog.Blog``: ``blog-posts``..., and one per collection, ``tag-<slug>``...).
RESERVED_LABELS = SPHINX_PAGES | {"modindex", "py-modindex", "index", "about", "essays"}
RESERVED_LABEL_PREFIXES = ("blog-", "tag-", "author-", "category-", "location-", "language-", "archive-")


def is_reserved_label(name: str) -> bool:
    """Whether a label (or an essay's file name, which ABlog makes its label) is the site's own."""
    return name in RESERVED_LABELS or name.startswith(RESERVED_LABEL_PREFIXES)


def alias_pages(alias: str) -> tuple[str, ...]:
    """The pages an old address becomes (as page names, without ``.html``): ``a/b.html`` is
    that page, ``a/b/`` its folder's index, and ``a/b`` both, so that links made by either
    of Sphinx's builders arrive (``html``: ``a/b.html``; ``dirhtml``, ABlog's default: ``a/b/``)."""
    path = alias.lstrip("/")
    if path.endswith(".html"):
        return (path.removesuffix(".html"),)
    if path.endswith("/"):
        return (f"{path}index",)
    return (path, f"{path}/index")


def slugify(text: str) -> str:
    """The last part of a collection's page name: its label in lower case, every script's
    letters, marks (vowel signs, accents) and digits kept, the rest between words a hyphen.

    ABlog's own rule decomposes the text and drops every mark, which mangles most
    scripts (つながり becomes つなかり, आत्मीयता आतमयत); the ABlog bridge hands ABlog
    this rule, so that its labels (``tag-…``) and our pages keep agreeing."""
    text = unicodedata.normalize("NFC", str(text)).lower()
    text = regex.sub(r"[^\p{L}\p{M}\p{N}\s-]", "", text)
    return regex.sub(r"[-\s]+", "-", text).strip("-")


def heading_slug(title: str) -> str:
    """A heading's anchor (MyST's ``heading_slug_func``): GitHub's rule, marks kept in every script."""
    text = unicodedata.normalize("NFC", title).lower()
    return regex.sub(r"[^\p{L}\p{M}\p{N}\p{Pc}\- ]", "", text).replace(" ", "-")


@dataclass
class Essay:
    """One essay as read: its front matter and what its text says about it."""

    docname: str
    title: str  # as rendered (plain text), not as typed
    source: EssaySource
    length: Length
    excerpt_html: str = ""  # the opening, rendered once relative to the essay's own page

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

    @property
    def words(self) -> int:
        """Words, with two characters of Chinese or Japanese counted as one (schema.org's wordCount)."""
        return round(self.length.units)

    def appearance(self, now: dt.datetime) -> tuple:
        """What other pages show of the essay: when it changes, they must be rewritten."""
        source = self.source
        return (
            self.status(now),
            self.title,
            source.date.isoformat(),
            source.updated.isoformat() if source.updated else None,
            source.tags,
            source.categories,
            source.authors,
            source.description,
            source.draft,
            self.excerpt_html,
            self.length,
            source.language,
            source.external_link,
        )

    @property
    def card_path(self) -> str:
        """Where its social preview is published: its own image, else a drawn card."""
        suffix = PurePosixPath(self.source.image).suffix.lower() if self.source.image else ".png"
        return f"{CARDS}/{self.docname}{suffix}"

    @property
    def book_path(self) -> str:
        """Where its e-book is published (only once it is published)."""
        return f"{BOOKS}/{self.docname}.epub"


@dataclass(frozen=True)
class Collection:
    """Essays sharing a tag, a category, an author or a year; newest first."""

    kind: str  # a key of CATALOGS
    key: str  # as the writer wrote it (an author's key, a year's digits)
    name: str  # as readers see it
    docname: str  # its listing page
    essays: tuple[str, ...]


@dataclass(frozen=True)
class CatalogKind:
    kind: str
    path: str  # below blog_path: its index page, and the folder of its listings
    index_title: str
    index_description: str
    listing_title: str
    has_feeds: bool


CATALOGS = (
    CatalogKind(
        "tags",
        "tag",
        "Tags",
        "Every tag used in {site}’s essays, with how many essays carry it.",
        "Essays tagged “{}”",
        True,
    ),
    CatalogKind(
        "category",
        "category",
        "Categories",
        "The categories of {site}’s essays, with how many essays each holds.",
        "Essays in {}",
        True,
    ),
    CatalogKind(
        "author",
        "author",
        "Authors",
        "The writers of {site}, with how many essays each has signed.",
        "Essays by {}",
        False,
    ),
    CatalogKind(
        "archive",
        "archive",
        "Archive",
        "{site}, year by year: how many essays each year brought.",
        "Essays from {}",
        False,
    ),
)
CATALOG_KINDS = {catalog.kind: catalog for catalog in CATALOGS}


@dataclass(frozen=True)
class Catalog:
    """The index of one kind of collection, and the collections that have essays."""

    kind: CatalogKind
    docname: str
    collections: tuple[Collection, ...]


@dataclass(frozen=True)
class Feed:
    listing: str  # docname of the page the feed follows; its files live in its folder
    title: str
    essays: tuple[str, ...]  # newest first

    def path(self, file_name: str) -> str:
        return feed_path(self.listing, file_name)


def url_path(path: str) -> str:
    """A file's path as it goes into a URL: percent-encoded, once (file names on disk are not)."""
    return quote(path)


def feed_path(listing: str, file_name: str) -> str:
    return f"{listing}/{file_name}"


RELATED_WINDOW = 12  # essays either side, in each tag's time order, that may be related (Site.related)
FRONT = 0  # the number of a listing's front page (its own name: the newest essays)


def page_name(listing: str, number: int) -> str:
    """The front page of a listing keeps the listing's own name; page N is ``<listing>/page/N``."""
    return listing if number == FRONT else f"{listing}/page/{number}"


def paginated(essays: tuple[str, ...], size: int) -> list[tuple[int, tuple[str, ...]]]:
    """A listing's pages, newest first: (number, essays newest first) of each.

    Pages are numbered from the oldest essay and hold *size* essays each, for good:
    page N always holds essays (N-1)*size+1 to N*size counted from the first. The
    front page (``FRONT``) holds the rest, the newest: between *size* and
    2*size-1 of them (all, when there are fewer). So a new essay changes the front
    page only, and once every *size* essays adds one page, where numbering from
    the newest would rewrite every page of every listing it is in. Never no
    page: an empty listing still has its front page."""
    fixed = max(0, len(essays) // size - 1)
    front = len(essays) - fixed * size
    pages = [(FRONT, essays[:front])]
    for number in range(fixed, 0, -1):
        start = front + (fixed - number) * size
        pages.append((number, essays[start : start + size]))
    return pages


@dataclass(frozen=True)
class SiteSettings:
    title: str  # the feed's and the site's name
    blog_path: str  # all essays at <blog_path>; tags at <blog_path>/tag/<slug>
    authors: dict[str, str]  # key -> display name (conf.py's blog_authors)
    default_authors: tuple[str, ...]
    page_size: int  # essays a page of all essays shows, with their excerpts
    group_page_size: int | None = None  # a tag's, category's, author's or year's page: titles only
    locations: dict[str, str] = field(default_factory=dict)  # key -> display name (blog_locations)


@dataclass
class Site:
    """Every essay of this build (preview: drafts and scheduled ones too) and what is made of them."""

    essays: dict[str, Essay]
    settings: SiteSettings
    _order: list[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Oldest first, ties by title then name: ABlog's order for its lists and neighbours.
        self._order = sorted(self.essays, key=lambda d: (self.essays[d].date, self.essays[d].title, d))

    # -- Order and neighbourhood ---------------------------------------------------------

    @property
    def chronological(self) -> list[str]:
        return self._order

    @cached_property
    def newest_first(self) -> tuple[str, ...]:
        return tuple(reversed(self._order))

    @cached_property
    def neighbours(self) -> dict[str, tuple[str | None, str | None]]:
        """docname -> (older essay, newer essay)."""
        order = self._order
        return {
            docname: (order[i - 1] if i else None, order[i + 1] if i + 1 < len(order) else None)
            for i, docname in enumerate(order)
        }

    @cached_property
    def related(self) -> dict[str, tuple[str, ...]]:
        """Up to three essays sharing tags with each essay: most shared tags first, then nearest in
        time, then by title. Candidates are the ``RELATED_WINDOW`` essays on either side of it in
        each of its tags' time order, so the work grows with the essays, not with their square
        (a tag on half of ten thousand essays would otherwise compare each with five thousand),
        and a new essay joins the related essays of its recent neighbours only."""
        essays = self.essays
        by_tag: dict[str, list[str]] = defaultdict(list)
        for docname in self._order:  # oldest first: each tag's essays in time order
            for tag in dict.fromkeys(essays[docname].source.tags):
                by_tag[tag].append(docname)
        place = {(tag, docname): at for tag, members in by_tag.items() for at, docname in enumerate(members)}
        tags = {docname: set(essay.source.tags) for docname, essay in essays.items()}
        when = {docname: essay.date.timestamp() for docname, essay in essays.items()}
        related = {}
        for docname in essays:
            candidates: set[str] = set()
            for tag in tags[docname]:
                members, at = by_tag[tag], place[tag, docname]
                candidates.update(members[max(0, at - RELATED_WINDOW) : at + RELATED_WINDOW + 1])
            candidates.discard(docname)
            ranked = sorted(
                candidates,
                key=lambda o: (-len(tags[docname] & tags[o]), abs(when[o] - when[docname]), essays[o].title, o),
            )
            related[docname] = tuple(ranked[:3])
        return related

    # -- Collections -----------------------------------------------------------------------

    def places_of(self, docname: str) -> tuple[str, ...]:
        """Where an essay was written, as readers see it (blog_locations' names for its keys)."""
        names = self.settings.locations
        return tuple(names.get(place, place) for place in self.essays[docname].source.locations)

    def authors_of(self, docname: str) -> tuple[str, ...]:
        return self.essays[docname].source.authors or self.settings.default_authors

    def labels_of(self, docname: str, kind: str) -> tuple[str, ...]:
        """The keys an essay files itself under, in the writer's order."""
        source = self.essays[docname].source
        if kind == "tags":
            return source.tags
        if kind == "category":
            return source.categories
        if kind == "author":
            return self.authors_of(docname)
        return (str(source.date.year),)

    @cached_property
    def all_essays(self) -> Collection:
        path = self.settings.blog_path
        return Collection("all", "all", "All essays", path, self.newest_first)

    @cached_property
    def catalogs(self) -> dict[str, Catalog]:
        return {kind.kind: self._catalog(kind) for kind in CATALOGS}

    def _catalog(self, kind: CatalogKind) -> Catalog:
        blog_path = self.settings.blog_path
        members: dict[str, list[str]] = defaultdict(list)
        for docname in self.newest_first:
            for key in self.labels_of(docname, kind.kind):
                members[key].append(docname)
        if kind.kind == "archive":
            keys = sorted(members, key=int, reverse=True)
            return Catalog(
                kind,
                f"{blog_path}/archive",
                tuple(Collection("archive", k, k, f"{blog_path}/{k}", tuple(members[k])) for k in keys),
            )
        names = self.settings.authors if kind.kind == "author" else {}
        collections = []
        for key in sorted(members):
            name = names.get(key, key)
            collections.append(
                Collection(kind.kind, key, name, f"{blog_path}/{kind.path}/{slugify(name)}", tuple(members[key]))
            )
        return Catalog(kind, f"{blog_path}/{kind.path}", tuple(collections))

    def collections_of(self, docname: str, kind: str) -> tuple[Collection, ...]:
        """The collections an essay belongs to, in the writer's order."""
        by_key = self._collections_by_key[kind]
        return tuple(by_key[key] for key in self.labels_of(docname, kind))

    @cached_property
    def _collections_by_key(self) -> dict[str, dict[str, Collection]]:
        return {kind: {c.key: c for c in catalog.collections} for kind, catalog in self.catalogs.items()}

    @cached_property
    def widgets(self) -> dict[str, list[tuple[str, str]]]:
        """The sidebar's tags, categories and years: (name, docname) of each with essays."""
        return {
            kind: [(c.name, c.docname) for c in self.catalogs[kind].collections]
            for kind in ("tags", "category", "archive")
        }

    # -- Pages and files -------------------------------------------------------------------

    @cached_property
    def alias_targets(self) -> dict[str, str]:
        """Every old address's page -> the essay it sends readers to (the first essay to claim
        it; ``alias_problems`` refuses a second)."""
        targets: dict[str, str] = {}
        for docname in self.chronological:
            for alias in self.essays[docname].source.aliases:
                for page in alias_pages(alias):
                    targets.setdefault(page, docname)
        return targets

    def alias_problems(self, pages: set[str]) -> list[tuple[str, str]]:
        """(essay, what is wrong) for each alias that would take the place of one of *pages*
        (every page the site publishes or holds back) or of another alias. Compared without
        case too: on some file systems two names that differ only in case are one file."""
        taken = {page.casefold(): f"the page {page}" for page in pages}
        problems = []
        for docname in self.chronological:
            for alias in self.essays[docname].source.aliases:
                for page in alias_pages(alias):
                    other = taken.get(page.casefold())
                    if other:
                        problems.append((docname, f"the alias {alias!r} would replace {other}; choose another"))
                        break
                else:
                    for page in alias_pages(alias):
                        taken[page.casefold()] = f"the alias {alias!r} of {self.essays[docname].source.path}"
        return problems

    def page_size_of(self, collection: Collection) -> int:
        """All essays come ten to a page with their excerpts; a group (a tag, ...) lists
        titles only, more to a page: seven listings hold each essay, and at ten thousand
        essays their pages would outweigh the essays."""
        if collection == self.all_essays or self.settings.group_page_size is None:
            return self.settings.page_size
        return self.settings.group_page_size

    def listing_pages(self, collection: Collection) -> list[str]:
        pages = paginated(collection.essays, self.page_size_of(collection))
        return [page_name(collection.docname, number) for number, _ in pages]

    @cached_property
    def generated_pages(self) -> frozenset[str]:
        """Every listing page and catalog index this build publishes."""
        names = set(self.listing_pages(self.all_essays))
        for catalog in self.catalogs.values():
            names.add(catalog.docname)
            for collection in catalog.collections:
                names.update(self.listing_pages(collection))
        return frozenset(names)

    @cached_property
    def feeds(self) -> list[Feed]:
        """The whole site's feed, then each tag's and each category's."""
        title = self.settings.title
        feeds = [Feed(self.all_essays.docname, title, self.all_essays.essays)]
        for kind, label in (("tags", "tagged"), ("category", "in")):
            for collection in self.catalogs[kind].collections:
                feeds.append(
                    Feed(collection.docname, f"{title}: essays {label} “{collection.name}”", collection.essays)
                )
        return feeds

    def published(self, now: dt.datetime) -> tuple[str, ...]:
        """The published essays, newest first: what readers may take away as e-books."""
        return tuple(d for d in self.newest_first if self.essays[d].status(now) == "published")

    @cached_property
    def collected_book_path(self) -> str:
        """The one e-book of every published essay, named after the publication (it is what
        readers' devices show); it exists even before the first essay, as the feeds do."""
        return f"{BOOKS}/{slugify(self.settings.title) or 'essays'}.epub"

    def feed_links(self, listing: str, title: str) -> list[dict[str, str]]:
        """The feeds of a listing page, for ``<link rel="alternate">`` and visible links."""
        site = self.settings.title
        name = site if listing == self.all_essays.docname else f"{site}: {title}"
        return [
            {
                "path": url_path(feed_path(listing, file_name)),
                "type": media_type,
                "title": f"{name} ({label})",
                "label": label,
            }
            for file_name, media_type, label in FEED_FORMATS
        ]
