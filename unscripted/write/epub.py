"""E-books: an EPUB of every published essay, and one of all of them.

* ``books/<docname>.epub`` (``Essay.book_path``): the essay alone, opening on
  its title and byline; the writer's own picture, if the essay has one, is its
  cover. A drawn card is not: it only repeats the title, and it was 5 of a
  book's 12 KB (at ten thousand essays, 50 MB of a site that must stay small);
* ``books/<site>.epub`` (``Site.collected_book_path``): every published essay,
  newest first, after a cover drawn like the social cards (``core.covers``), a
  title page with the byline, and the table of contents; links between essays
  stay inside the book.

Each essay's text is taken from its written page (``write.articles``), exactly
as readers of the site see it, and converted to a chapter once, for its own
book; the collected book is assembled from those chapters. The format itself
(XHTML, package, zip) is ``core.ebooks``; drafts and scheduled essays never
reach a book. A book is only remade when what it is made from changed, and
books of essays that are gone are deleted.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urldefrag, urljoin

from lxml import etree
from PIL import Image
from sphinx.application import Sphinx

from unscripted.core import covers, ebooks
from unscripted.core.dates import machine_date
from unscripted.core.model import BOOKS, Site
from unscripted.core.problems import Problem
from unscripted.infra.files import Fingerprints, prune, write_if_changed
from unscripted.infra.output import page_file
from unscripted.infra.processes import in_processes
from unscripted.infra.strict import stop_build
from unscripted.read.state import build_state, publishing, site_fingerprint, site_of
from unscripted.write.articles import essay_parts
from unscripted.write.entries import human_date


def write_books(app: Sphinx, exception: Exception | None) -> None:
    """After the pages and cards are written: remake the books whose inputs changed."""
    if exception is not None or not publishing(app):
        return
    site, outdir, now = site_of(app), Path(app.outdir), build_state(app).now
    published = site.published(now)
    fingerprints = Fingerprints(app, "books")
    shared = site_fingerprint(app)  # configuration, code, templates, installed packages
    stale = []
    for docname in published:
        essay = site.essays[docname]
        path = outdir / essay.book_path
        page, card = page_file(app, docname), outdir / essay.card_path
        if fingerprints.changed(essay.book_path, shared, essay.appearance(now), stamp(page), stamp(card)) or (
            not path.is_file()
        ):
            stale.append(docname)
    if problems := make_essay_books(app, site, stale):
        stop_build(problems, "the e-books were not written")

    def members() -> list:
        return [(d, site.essays[d].appearance(now), stamp(outdir / site.essays[d].book_path)) for d in published]

    path = outdir / site.collected_book_path
    same_cover = not fingerprints.changed("cover", shared)  # it is drawn from the configuration alone
    if fingerprints.changed(site.collected_book_path, shared, members()) or not path.is_file():
        write_if_changed(path, ebooks.pack(collected_book(app, site, published, reuse_cover=same_cover)))
        fingerprints.changed(site.collected_book_path, shared, members())  # it may have remade an essay's book
    prune(outdir, BOOKS, {site.collected_book_path} | {site.essays[d].book_path for d in published}, ("*.epub",))
    fingerprints.save()


PARALLEL_FROM = 20  # books: fewer are made faster than a process is forked


def make_essay_books(app: Sphinx, site: Site, docnames: list[str]) -> list[Problem]:
    """Write these essays' books (in the build's processes: a clean build makes one per
    essay); return what stopped any."""

    def make(chunk: list[str]) -> list[Problem]:
        return [problem for docname in chunk if (problem := write_essay_book(app, site, docname))]

    return in_processes(app, docnames, make, from_count=PARALLEL_FROM)


def write_essay_book(app: Sphinx, site: Site, docname: str) -> Problem | None:
    """Write the essay's book; an essay that cannot be a book is a problem, named with its file."""
    try:
        book = ebooks.pack(essay_book(app, site, docname))
    except ebooks.BookError as error:
        where = app.env.doc2path(docname, base=False).as_posix()
        return Problem(where, None, f"cannot make its e-book: {error}")
    write_if_changed(Path(app.outdir, site.essays[docname].book_path), book)
    return None


def stamp(path: Path) -> tuple[int, int] | None:
    """A written file's time and size: they change whenever Sphinx or a writer rewrites it."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_mtime_ns, status.st_size


def essay_url(app: Sphinx, docname: str) -> str:
    return app.config.blog_baseurl + app.builder.get_target_uri(docname)


def authors_of(site: Site, docname: str) -> tuple[str, ...]:
    return tuple(collection.name for collection in site.collections_of(docname, "author"))


def essay_book(app: Sphinx, site: Site, docname: str) -> ebooks.Book:
    config, outdir = app.config, Path(app.outdir)
    essay, url = site.essays[docname], essay_url(app, docname)
    name = ebooks.chapter_name(docname)
    authors = authors_of(site, docname)
    language = config.language or "en"

    def link(href: str) -> str:
        """Links within the essay stay in its chapter; every other one goes to the web."""
        target, fragment = urldefrag(urljoin(url, href))
        if target != url:
            return urljoin(url, href)
        return f"#{fragment}" if fragment else PurePosixPath(name).name

    chapter = ebooks.essay_chapter(
        name=name,
        title=essay.title,
        url=url,
        byline=f"by {', '.join(authors)}",
        date_iso=machine_date(essay.date),
        date_text=human_date(essay.date.date(), language),
        language=language,
        parts=essay_parts((page_file(app, docname)).read_bytes()),
        link=link,
        image=lambda src: site_image(app, urljoin(url, src)),
    )
    cover = None
    if essay.source.image:
        cover_path = outdir / essay.card_path
        cover_name, cover_data = book_image(f"cover{cover_path.suffix.lower()}", cover_path)
        cover = ebooks.Cover(cover_name, cover_data, f"Cover: {essay.title}, by {', '.join(authors)}")
    return ebooks.Book(
        identifier=ebooks.identifier(url),
        title=essay.title,
        language=language,
        creators=authors,
        publisher=config.project,
        rights=f"© {config.copyright}",
        modified=essay.updated,
        published=essay.date,
        description=essay.source.description or "",
        subjects=tuple(collection.name for collection in site.collections_of(docname, "tags")),
        source=url,
        cover=cover,
        chapters=(chapter,),
    )


def site_image(app: Sphinx, url: str) -> tuple[str, bytes]:
    """An image of the site (Sphinx copies essays' images to ``_images/``): its name in the book, its bytes."""
    base = app.config.blog_baseurl
    local = unquote(url.removeprefix(base)) if url.startswith(base) else None
    if local is None or not Path(app.outdir, local).is_file():
        raise ebooks.BookError(f"the image {url} is not a file of the built site")
    return book_image(f"{ebooks.IMAGES}/{local.removeprefix('_images/')}", Path(app.outdir, local))


def book_image(name: str, path: Path) -> tuple[str, bytes]:
    """(name, bytes) of an image in a book: PNG, JPEG, GIF and SVG as they are, anything
    else Pillow reads (WebP: a core type only since EPUB 3.3) converted to PNG."""
    if PurePosixPath(name).suffix.lower() in ebooks.IMAGE_TYPES:
        return name, path.read_bytes()
    buffer = io.BytesIO()
    try:
        with Image.open(path) as image:
            image.save(buffer, format="PNG", compress_level=9, optimize=False)
    except OSError as error:
        raise ebooks.BookError(f"the image {path.name} cannot be converted to PNG: {error}") from None
    return f"{name}.png", buffer.getvalue()


def collected_book(app: Sphinx, site: Site, published: tuple[str, ...], *, reuse_cover: bool) -> ebooks.Book:
    """Every published essay, newest first, each chapter as its own book has it; the cover is
    drawn, or (*reuse_cover*) taken from the last collected book, to save drawing it again."""
    config, outdir = app.config, Path(app.outdir)
    language = config.language or "en"
    chapters = []
    for docname in published:
        title, url, name = site.essays[docname].title, essay_url(app, docname), ebooks.chapter_name(docname)
        path = outdir / site.essays[docname].book_path
        try:
            chapters.append(ebooks.read_chapter(path.read_bytes(), name, title, url))
        except (OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):  # not the book we wrote: remake it
            if problem := write_essay_book(app, site, docname):
                stop_build([problem], "the e-books were not written")
            chapters.append(ebooks.read_chapter(path.read_bytes(), name, title, url))
    in_book = {chapter.url: chapter.name for chapter in chapters}
    essays = [site.essays[d] for d in published]
    title, tagline = config.project, config.html_context.get("tagline", "")
    subtitle, byline = "Collected essays", f"by {config.author}"
    if essays:
        first, last = (human_date(e.date.date(), language) for e in (essays[-1], essays[0]))
        span = first if first == last else f"{first} to {last}"
        edition = f"{len(essays)} essay{'' if len(essays) == 1 else 's'}, {span}."
    else:
        edition = "No essays are published yet."
    cover = None
    if reuse_cover:
        with (
            contextlib.suppress(OSError, zipfile.BadZipFile, KeyError),
            zipfile.ZipFile(outdir / site.collected_book_path) as last,
        ):
            cover = last.read("EPUB/cover.png")
    if cover is None:
        style = {"title": title, "masthead": subtitle, "byline": byline, "tagline": tagline}
        cover = covers.draw_cover(**style, colours=config.unscripted_colours)
    return ebooks.Book(
        identifier=ebooks.identifier(config.blog_baseurl + site.collected_book_path),
        title=title,
        language=language,
        creators=(config.author,),
        publisher=title,
        rights=f"© {config.copyright}",
        modified=max((e.updated for e in essays), default=ebooks.ZIP_EPOCH),
        published=min((e.date for e in essays), default=None),
        description=f"{subtitle} of {title}, newest first. {tagline}".strip(),
        subjects=(),
        source=None,
        cover=ebooks.Cover("cover.png", cover, f"Cover: {title}, {subtitle.lower()}, {byline}"),
        chapters=tuple(ebooks.relink(chapter, in_book) for chapter in chapters),
        title_page=(
            ("title", title),
            ("subtitle", subtitle),
            ("author", byline),
            ("tagline", tagline),
            ("edition", edition),
            ("rights", f"© {config.copyright}"),
        ),
    )
