"""E-books: an EPUB of every published essay and one of them all, valid, complete, reproducible.

Books are opened as readers' software opens them (zipfile, then the OCF
container, the package document, the spine) and checked with EPUBCheck.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import zipfile
from functools import cached_property
from urllib.parse import urldefrag, urlsplit

import pytest
from lxml import etree
from PIL import Image

from unscripted.core import ebooks

from conftest import SITE_URL, SiteMaker, manuscript, resolve, sphinx_build
from tools import MEASUREMENTS, as_typed, epubcheck

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "x": "http://www.w3.org/1999/xhtml",
    "m": "http://www.w3.org/1998/Math/MathML",
    "epub": "http://www.idpf.org/2007/ops",
    "dc": "http://purl.org/dc/elements/1.1/",
}
ESSAY_BOOK = "books/posts/2024/the-quiet-lie.epub"
LISTENING_BOOK = "books/posts/2025/on-listening.epub"
COLLECTED = "books/unscripted.epub"
QUIET_LIE = "The Quiet Lie We’re Sold About Sex (And How I’m Unlearning It)"
QUIET_LIE_ID = "the-quiet-lie-were-sold-about-sex-and-how-im-unlearning-it"


class Epub:
    """A book as a reading system sees it."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        container = etree.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_path = container.find(".//{*}rootfile").get("full-path")
        self.base = posixpath.dirname(self.opf_path)
        self.opf = etree.fromstring(self.zip.read(self.opf_path))

    @cached_property
    def items(self) -> dict[str, etree._Element]:
        return {item.get("href"): item for item in self.opf.iterfind("opf:manifest/opf:item", NS)}

    def spine(self) -> list[str]:
        by_id = {item.get("id"): href for href, item in self.items.items()}
        return [by_id[ref.get("idref")] for ref in self.opf.iterfind("opf:spine/opf:itemref", NS)]

    def read(self, href: str) -> bytes:
        return self.zip.read(posixpath.join(self.base, href))

    def document(self, href: str) -> etree._Element:
        return etree.fromstring(self.read(href))

    def meta(self, name: str) -> list[str]:
        if ":" in name and not name.startswith("dc:"):
            return [m.text for m in self.opf.iterfind(f"opf:metadata/opf:meta[@property='{name}']", NS)]
        return [e.text for e in self.opf.iterfind(f"opf:metadata/{name}", NS)]

    def text(self) -> bytes:
        """Every entry, uncompressed: what a search through the book finds."""
        return b"\n".join(self.zip.read(name) for name in self.zip.namelist())


def chapter(book: Epub, number: int = 0) -> etree._Element:
    chapters = [href for href in book.spine() if href.startswith("text/")]
    return book.document(chapters[number]).find(".//x:section[@epub:type='chapter']", NS)


def words(text: str) -> str:
    return " ".join(text.split())


# -- The real site's essay ---------------------------------------------------------------------


def test_the_essay_book_holds_the_essay_word_for_word(site):
    title, paragraphs = manuscript()
    book = Epub((site.outdir / ESSAY_BOOK).read_bytes())
    assert book.spine() == ["text/posts/2024/the-quiet-lie.xhtml"]  # it opens on the essay's title
    essay = chapter(book)
    assert essay.findtext("x:header/x:h1", namespaces=NS) == title
    published = [words("".join(p.itertext())) for p in essay.iterfind("x:p", NS)]
    assert [as_typed(p) for p in published] == [as_typed(p) for p in paragraphs]  # typeset, word for word
    byline = words("".join(essay.find("x:header/x:p[@class='byline']", NS).itertext()))
    assert byline == "by Alex Rowan · 14 March 2024"
    assert book.meta("dc:title") == [title] and book.meta("dc:creator") == ["Alex Rowan"]
    assert book.meta("dc:source") == [f"{SITE_URL}posts/2024/the-quiet-lie.html"]
    assert book.meta("dcterms:modified") == ["2024-03-14T00:00:00Z"]  # the essay's date, not the clock
    assert "performance anxiety" in book.meta("dc:subject")
    # The page's furniture stays on the page.
    text = book.read("text/posts/2024/the-quiet-lie.xhtml")
    for furniture in (b"min read", b"post-header", b"headerlink", b"Related essays", b"essay-books", b"EPUB"):
        assert furniture not in text, furniture


def test_the_essay_book_has_no_drawn_cover(site):
    """A drawn card only repeats the title the book opens on; it was 5 of a book's 12 KB."""
    book = Epub((site.outdir / ESSAY_BOOK).read_bytes())
    assert not [href for href, item in book.items.items() if "cover-image" in (item.get("properties") or "")]
    assert not [name for name in book.zip.namelist() if name.lower().endswith((".png", ".jpg", ".jpeg", ".gif"))]
    assert b'name="cover"' not in book.read("package.opf")
    assert b"cover.xhtml" not in book.read("nav.xhtml")


def test_the_real_site_has_one_book_per_essay_and_the_collected_one(site):
    assert sorted(p.relative_to(site.outdir).as_posix() for p in site.outdir.rglob("*.epub")) == [
        ESSAY_BOOK,
        COLLECTED,
    ]
    book = Epub((site.outdir / COLLECTED).read_bytes())
    assert book.spine() == ["cover.xhtml", "titlepage.xhtml", "nav.xhtml", "text/posts/2024/the-quiet-lie.xhtml"]


def test_pages_link_to_the_books_with_their_media_type(site):
    page = "posts/2024/the-quiet-lie.html"
    links = site.page(page).css('.essay-books a[type="application/epub+zip"]')
    assert [(a.text(), resolve(page, a.attributes["href"])) for a in links] == [
        ("this essay as an EPUB", ESSAY_BOOK),
        ("all essays in one EPUB", COLLECTED),
    ]
    listing = site.page("essays.html").css_first('.listing-book a[type="application/epub+zip"]')
    assert resolve("essays.html", listing.attributes["href"]) == COLLECTED
    for path in ("index.html", "about.html", page):  # the navigation, on every page
        nav = site.page(path).css_first('nav.site-navigation a[type="application/epub+zip"]')
        assert nav.text() == "E-book" and resolve(path, nav.attributes["href"]) == COLLECTED
    # The links follow the essay, outside its section: not in its feed entry.
    assert site.page(page).css_first("article section .essay-books") is None
    assert "EPUB" not in site.text("essays/atom.xml")


# -- A site with footnotes, images, links between essays, a draft and a scheduled essay -----


LISTENING = """---
date: 2025-02-01
updated: 2025-03-01T10:00:00+01:00
category: Notes
tags: [listening, quiet]
image: dusk.webp
description: Listening as a practice, with a footnote or two.
---

# On Listening: Notes & Footnotes

Listening is a practice[^first], not a talent. See [the quiet lie](../2024/the-quiet-lie.md),
[its title](../2024/the-quiet-lie.md#the-quiet-lie-were-sold-about-sex-and-how-im-unlearning-it),
[the table below](#a-table), the [about page](../../about.md) and [a far site](https://example.com/x?a=1&b=2).

## A table

| who | what |
| --- | --- |
| me | *quiet* |

> A quotation, from someone who listened.

Term
: Its definition.

![A small pause](pause.png)

![Dusk, in WebP](dusk.webp)

```python
print("code <here>")
```

1. one
2. two[^second]

[^first]: The first note, with [a link](https://example.com/).
[^second]: The second note.
"""
DRAFT = "---\ndate: 2025-01-05\ndraft: true\n---\n\n# A Private Draft\n\nDRAFT-MARKER-TEXT.\n"
SCHEDULED = "---\ndate: 2026-09-01\n---\n\n# A Later Essay\n\nSCHEDULED-MARKER-TEXT.\n"


def picture(colour: tuple[int, int, int], kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), colour).save(buffer, format=kind)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def rich(tmp_path_factory):
    base = tmp_path_factory.mktemp("books")
    files = {
        "posts/2025/on-listening.md": LISTENING,
        "posts/2025/pause.png": picture((200, 100, 50), "PNG"),
        "posts/2025/dusk.webp": picture((20, 100, 50), "WEBP"),
        "posts/2025/a-draft.md": DRAFT,
        "posts/2026/later.md": SCHEDULED,
    }
    srcdir = SiteMaker(base).make(files, with_essay=True)
    build = sphinx_build(srcdir, base / "html", doctreedir=base / "doctrees")
    assert build.returncode == 0, build.log
    return build


def book_of(build, path: str) -> Epub:
    return Epub((build.outdir / path).read_bytes())


def test_the_collected_book_newest_first_with_title_page_contents_and_cover(rich):
    book = book_of(rich, COLLECTED)
    essays = ["text/posts/2025/on-listening.xhtml", "text/posts/2024/the-quiet-lie.xhtml"]
    assert book.spine() == ["cover.xhtml", "titlepage.xhtml", "nav.xhtml", *essays]
    toc = book.document("nav.xhtml").find(".//x:nav[@epub:type='toc']", NS)
    assert [(a.text, a.get("href")) for a in toc.iterfind(".//x:a", NS)] == [
        ("On Listening: Notes & Footnotes", essays[0]),
        (QUIET_LIE, essays[1]),
    ]
    title_page = [e.text for e in book.document("titlepage.xhtml").find(".//x:section", NS)]
    assert title_page[:5] == [
        "Unscripted",
        "Collected essays",
        "by Alex Rowan",
        "Intimacy, without the performance.",
        "2 essays, 14 March 2024 to 1 February 2025.",
    ]
    cover = next(href for href, item in book.items.items() if item.get("properties") == "cover-image")
    assert Image.open(io.BytesIO(book.read(cover))).size == (1600, 2560)
    assert book.meta("dcterms:modified") == ["2025-03-01T09:00:00Z"]  # the newest update
    assert book.meta("dc:identifier") == [ebooks.identifier(SITE_URL + COLLECTED)]
    text = words("".join(chapter(book, 1).itertext()))
    assert all(as_typed(text).count(as_typed(paragraph)) == 1 for paragraph in manuscript()[1])


def test_footnotes_images_and_links(rich):
    book = book_of(rich, LISTENING_BOOK)
    essay = chapter(book)
    assert essay.find(".//x:aside[@epub:type='footnotes']", NS) is not None
    notes = essay.findall(".//x:aside[@epub:type='footnote']", NS)
    assert [note.get("id") for note in notes] == ["first", "second"]
    assert [a.get("href") for a in essay.iterfind(".//x:a[@epub:type='noteref']", NS)] == ["#first", "#second"]
    media = {href: item.get("media-type") for href, item in book.items.items() if href.startswith("images/")}
    assert media == {
        "images/pause.png": "image/png",
        "images/dusk.webp.png": "image/png",
    }
    assert book.read("images/dusk.webp.png").startswith(b"\x89PNG")  # WebP is not an EPUB 3.2 core type
    cover = book.items["cover.webp.png"]
    assert cover.get("properties") == "cover-image" and cover.get("media-type") == "image/png"
    # Alone, links to another essay go to the site; in the collected book, to its chapter.
    alone = [a.get("href") for a in essay.iterfind(".//x:p/x:a", NS)]
    together = [a.get("href") for a in chapter(book_of(rich, COLLECTED)).iterfind(".//x:p/x:a", NS)]
    essay_url = f"{SITE_URL}posts/2024/the-quiet-lie.html"
    assert alone[1:6] == [
        essay_url,
        f"{essay_url}#{QUIET_LIE_ID}",
        "#a-table",
        f"{SITE_URL}about.html",
        "https://example.com/x?a=1&b=2",
    ]
    assert together[1:3] == ["../2024/the-quiet-lie.xhtml", f"../2024/the-quiet-lie.xhtml#{QUIET_LIE_ID}"]
    assert together[3:] == alone[3:]


@pytest.mark.parametrize("path", [COLLECTED, ESSAY_BOOK, LISTENING_BOOK])
def test_every_link_inside_a_book_arrives(rich, path):
    """Every relative link and image leads to a file of the book, and its fragment to an id there."""
    book = book_of(rich, path)
    ids = {}
    checked = 0
    for href, item in book.items.items():
        if item.get("media-type") != "application/xhtml+xml":
            continue
        document = book.document(href)
        for element in document.iter():
            target = element.get("href") if element.tag in {f"{{{NS['x']}}}a", f"{{{NS['x']}}}link"} else None
            target = element.get("src") if element.tag == f"{{{NS['x']}}}img" else target
            if target is None or urlsplit(target).scheme:
                continue
            name, fragment = urldefrag(target)
            name = posixpath.normpath(posixpath.join(posixpath.dirname(href), name)) if name else href
            assert name in book.items, f"{href}: {target}"
            if fragment:
                if name not in ids:
                    ids[name] = {e.get("id") for e in book.document(name).iter() if e.get("id")}
                assert fragment in ids[name], f"{href}: {target}"
            checked += 1
    # A book of one essay without links or a picture links only its contents and landmarks.
    assert checked >= (3 if path == ESSAY_BOOK else 7)


def test_drafts_and_scheduled_essays_are_in_no_book(rich):
    books = sorted(p.relative_to(rich.outdir).as_posix() for p in rich.outdir.rglob("*.epub"))
    assert books == [ESSAY_BOOK, LISTENING_BOOK, COLLECTED]
    for path in books:
        text = book_of(rich, path).text()
        for leak in (b"DRAFT-MARKER", b"SCHEDULED-MARKER", b"Private Draft", b"Later Essay", b"a-draft", b"later"):
            assert leak not in text, f"{leak!r} in {path}"


def test_two_clean_builds_make_the_same_books(rich, tmp_path):
    again = sphinx_build(
        rich.srcdir, tmp_path / "out", doctreedir=tmp_path / "cache", env={"TZ": "Asia/Tokyo", "PYTHONHASHSEED": "7"}
    )
    assert again.returncode == 0, again.log
    for path in (COLLECTED, ESSAY_BOOK, LISTENING_BOOK):
        assert again.files()[path] == rich.files()[path], path


def test_a_book_is_remade_only_when_what_it_is_made_from_changes(rich):
    """A rebuild with nothing changed leaves even tampered books alone (their fingerprints
    hold), but an essay's book that the collected book cannot read is remade. (Sphinx writes
    into the staging folder; the published folder then holds exactly what it holds.)"""
    staging = rich.outdir.with_name(rich.outdir.name + ".staging")
    collected, essay = staging / COLLECTED, staging / ESSAY_BOOK
    originals = collected.read_bytes(), essay.read_bytes()

    def rebuild() -> None:
        again = sphinx_build(rich.srcdir, rich.outdir, doctreedir=rich.outdir.parent / "doctrees")
        assert again.returncode == 0, again.log

    with zipfile.ZipFile(io.BytesIO(originals[1])) as book:
        files = {name: book.read(name) for name in book.namelist() if name != "mimetype"}
    variant = ebooks.zip_files({**files, "EPUB/cover.png": picture((0, 0, 0), "PNG")}, ebooks.ZIP_EPOCH)
    try:
        essay.write_bytes(variant)  # still a book the collected one can read
        rebuild()
        assert essay.read_bytes() == variant
        assert collected.read_bytes() == originals[0]  # remade (an essay's book changed), the same
        collected.write_bytes(b"not remade")
        rebuild()
        assert collected.read_bytes() == b"not remade"
        essay.write_bytes(b"not a book")  # a new stamp: the collected book is remade, and needs it
        rebuild()
        assert essay.read_bytes() == originals[1]
        assert collected.read_bytes() == originals[0]
        assert (rich.outdir / ESSAY_BOOK).read_bytes() == originals[1]  # published as built
    finally:
        collected.write_bytes(originals[0])
        essay.write_bytes(originals[1])


# -- EPUBCheck ----------------------------------------------------------------------------------


def empty_collected_book() -> bytes:
    """What a site without essays publishes as its collected book (the navigation links to it)."""
    cover = ebooks.Cover("cover.png", picture((255, 255, 255), "PNG"), "Cover")
    return ebooks.pack(
        ebooks.Book(
            identifier=ebooks.identifier(SITE_URL + COLLECTED),
            title="Unscripted",
            language="en",
            creators=("Alex Rowan",),
            publisher="Unscripted",
            rights="© 2024 Alex Rowan",
            modified=ebooks.ZIP_EPOCH,
            published=None,
            description="",
            subjects=(),
            source=None,
            cover=cover,
            chapters=(),
            title_page=(("title", "Unscripted"), ("edition", "No essays are published yet.")),
        )
    )


def broken_book() -> bytes:
    """A book with MathML that its manifest does not declare (properties="mathml")."""
    with zipfile.ZipFile(io.BytesIO(empty_collected_book())) as source:
        files = {name: source.read(name) for name in source.namelist() if name != "mimetype"}
    files["EPUB/titlepage.xhtml"] = files["EPUB/titlepage.xhtml"].replace(
        b"</section>", b'<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math></section>'
    )
    return ebooks.zip_files(files, ebooks.ZIP_EPOCH)


def test_epubcheck_finds_nothing_to_report(site, rich, tmp_path):
    """EPUBCheck (one JVM: each start costs seconds) passes every kind of book, and fails a
    broken one, so the check is real."""
    (tmp_path / "empty.epub").write_bytes(empty_collected_book())
    (tmp_path / "broken.epub").write_bytes(broken_book())
    books = [site.outdir / ESSAY_BOOK, site.outdir / COLLECTED, *(rich.outdir / p for p in (COLLECTED, LISTENING_BOOK))]
    books.append(tmp_path / "empty.epub")
    started = dt.datetime.now()
    result = epubcheck([*books, tmp_path / "broken.epub"])
    seconds = (dt.datetime.now() - started).total_seconds()
    MEASUREMENTS.append(f"EPUBCheck, {len(books) + 1} books in one JVM: {seconds:.1f} s")
    report = result.stdout + result.stderr
    for book in books:
        assert f"{book}: 0 fatals / 0 errors / 0 warnings" in result.stdout, report
    assert f"{tmp_path / 'broken.epub'}: 0 fatals / 1 errors" in result.stdout and "OPF-014" in report, report
    assert result.returncode == 1, report


# -- The format itself (pure, fast) --------------------------------------------------------------


@pytest.mark.fast
def test_the_container_is_what_readers_expect_and_the_same_every_time():
    moment = dt.datetime(2024, 3, 14, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    files = {"EPUB/b.xhtml": b"<b/>", "EPUB/a.png": b"\x89PNG", "META-INF/container.xml": ebooks.CONTAINER_XML}
    data = ebooks.zip_files(files, moment)
    assert data == ebooks.zip_files(dict(reversed(files.items())), moment)
    entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    assert [e.filename for e in entries] == ["mimetype", "EPUB/a.png", "EPUB/b.xhtml", "META-INF/container.xml"]
    first = entries[0]
    assert first.compress_type == zipfile.ZIP_STORED and not first.extra and data[30:38] == b"mimetype"
    assert data[38:58] == b"application/epub+zip"  # readable at a fixed offset, as OCF requires
    assert {e.date_time for e in entries} == {(2024, 3, 14, 8, 30, 0)}  # the moment in UTC
    assert [e.compress_type for e in entries[1:]] == [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_DEFLATED]
    assert {e.external_attr >> 16 for e in entries} == {0o100644}
    assert (
        ebooks.zip_files(files, dt.datetime(1970, 1, 1, tzinfo=dt.UTC))[10:14]
        == ebooks.zip_files(files, ebooks.ZIP_EPOCH)[10:14]
    )  # before 1980 (empty books): the earliest time zip can hold


def chapter_of(html: str) -> ebooks.Chapter:
    """A chapter made from one section of HTML, links and images as they are."""
    import lxml.html

    return ebooks.essay_chapter(
        name="text/posts/2024/m.xhtml",
        title="M",
        url="https://example.org/m.html",
        byline="by A",
        date_iso="2024-01-01",
        date_text="1 January 2024",
        language="en",
        parts=[lxml.html.fragment_fromstring(html)],
        link=lambda href: href,
        image=lambda src: (src, b""),
    )


@pytest.mark.fast
def test_math_keeps_its_namespace_and_is_declared():

    made = chapter_of('<section id="s"><p>So <math><mi>x</mi></math>.</p></section>')
    assert made.properties == {"mathml"}
    assert etree.fromstring(made.document).find(".//m:math/m:mi", NS).text == "x"
    book = ebooks.read_chapter(
        ebooks.zip_files({f"EPUB/{made.name}": made.document}, ebooks.ZIP_EPOCH), made.name, "M", made.url
    )
    assert book.properties == {"mathml"}


@pytest.mark.fast
def test_inline_svg_is_refused_with_a_reason():

    with pytest.raises(ebooks.BookError, match="inline <svg>"):
        chapter_of('<section><p><svg viewBox="0 0 1 1"></svg></p></section>')


@pytest.mark.fast
def test_links_between_chapters_stay_in_the_book_but_the_source_stays_on_the_web():
    document = (
        b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p><a href="https://e.org/b.html#x">b</a> '
        b'<a href="https://e.org/c.html">c</a></p><footer class="source"><p><a href="https://e.org/a.html">'
        b"here</a></p></footer></body></html>"
    )
    chapter = ebooks.Chapter("text/posts/a.xhtml", "A", "https://e.org/a.html", document, frozenset(), ())
    in_book = {"https://e.org/a.html": "text/posts/a.xhtml", "https://e.org/b.html": "text/other/b.xhtml"}
    linked = etree.fromstring(ebooks.relink(chapter, in_book).document)
    assert [a.get("href") for a in linked.iterfind(".//x:a", NS)] == [
        "../other/b.xhtml#x",
        "https://e.org/c.html",
        "https://e.org/a.html",
    ]


def test_a_book_carries_only_the_style_rules_its_documents_use():
    from unscripted.core.ebooks import CSS, SELECTOR_PARTS, style_sheet_for

    plain = style_sheet_for([b'<body><h1>T</h1><p class="byline">by</p><p>text</p></body>'])
    assert ".byline {" in plain and "p {" in plain
    assert not any(name in plain for name in ("table", "figure", "footnote", "math", "cover", "nav "))
    rich = style_sheet_for(
        [b'<body><table><tr><td>1</td></tr></table><aside class="footnote"><span class="label">1</span></aside></body>']
    )
    assert "td, th {" in rich and "aside.footnote > span.label {" in rich and "aside.footnote-list" not in rich
    named = {part for line in CSS.splitlines() for part in SELECTOR_PARTS.findall(line.split("{")[0])}
    elements = "".join(f"<{name}>" for name in named if not name.startswith("."))
    classes = " ".join(name[1:] for name in named if name.startswith("."))
    assert style_sheet_for([f'{elements}<div class="{classes}">'.encode()]) == CSS  # every rule, in order
