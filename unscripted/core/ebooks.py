"""EPUB 3 books, written by hand: the format, from essays' HTML to a zip file.

Sphinx's epub builder makes one book of a whole project in a build of its own,
and ebooklib stamps the clock and random identifiers into every book; neither
fits a reproducible build that makes a book per essay. So:

* each essay becomes one XHTML content document (a *chapter*), converted
  element by element from the HTML of its written page (``Converter``), with
  its title and byline above and where it was first published below; MathML
  keeps its namespace, footnotes become EPUB footnotes;
* a book is a cover (if it has one: a book of one essay has only the writer's
  own picture), (for the collected book) a title page and the table of
  contents, and its chapters in reading order; links between chapters of one
  book stay inside it (``relink``);
* ``pack`` writes the OCF zip: ``mimetype`` first and stored, then every file
  in sorted order, one timestamp (the book's ``dcterms:modified``, which comes
  from the essays' dates, never the clock), fixed permissions, no extra fields.
  Same book in, same bytes out.

What epubcheck 4.2 (EPUB 3.2 rules) requires is noted where it is met.
Pure Python with lxml: no Sphinx here.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from urllib.parse import urldefrag

import lxml.html
from lxml import etree

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
MATHML = "http://www.w3.org/1998/Math/MathML"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_MEDIA_TYPE = "application/epub+zip"
XHTML_MEDIA_TYPE = "application/xhtml+xml"
# EPUB 3.2's core image types; others (WebP) must be converted before they go in.
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
}
# Already compressed: stored as they are, deflating them again only costs time.
STORED_TYPES = (".png", ".jpg", ".jpeg", ".gif")
# Attributes a web page may carry that EPUB 3.2's XHTML schema rejects.
DROP_ATTRIBUTES = frozenset(
    {"loading", "decoding", "fetchpriority", "referrerpolicy", "crossorigin", "nonce", "srcset"}
)
ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)  # the earliest time a zip entry can carry
STYLESHEET = "style.css"
TEXT = "text"  # chapters live in text/, named after their essay: text/<docname>.xhtml
IMAGES = "images"

CSS = """\
body { margin: 0 5%; line-height: 1.45; }
h1 { font-size: 1.6em; line-height: 1.2; margin: 1.5em 0 0.3em; }
h2 { font-size: 1.25em; margin-top: 1.5em; }
h3 { font-size: 1.1em; }
p { margin: 0 0 0.8em; }
.byline { font-style: italic; margin-bottom: 2em; }
img { max-width: 100%; height: auto; }
figure { margin: 1.5em 0; text-align: center; }
figcaption { font-size: 0.9em; font-style: italic; }
blockquote { margin: 1em 1.5em; }
pre { white-space: pre-wrap; font-size: 0.85em; }
table { border-collapse: collapse; margin: 1em auto; }
td, th { border: 1px solid #999; padding: 0.2em 0.5em; }
div.math { margin: 1em 0; overflow-x: auto; }
.content-note { border-left: 0.2em solid #999; padding-left: 0.8em; font-size: 0.9em; }
aside.footnote-list { border-top: 1px solid #999; margin-top: 2em; padding-top: 0.5em; font-size: 0.9em; }
aside.footnote { margin: 0.4em 0; }
aside.footnote > span.label { float: left; margin-right: 0.4em; }
.source { margin-top: 2em; font-size: 0.85em; }
section.cover { margin: 0; padding: 0; text-align: center; }
section.cover img { max-height: 100vh; max-width: 100%; }
section.titlepage { text-align: center; margin-top: 20%; }
section.titlepage h1 { font-size: 2.2em; }
section.titlepage .subtitle { font-size: 1.3em; font-style: italic; }
section.titlepage .author { font-size: 1.2em; margin-top: 2em; }
nav ol { list-style: none; padding-left: 0; }
nav li { margin: 0.4em 0; }
"""

SELECTOR_PARTS = re.compile(r"\.?[A-Za-z][\w-]*")  # a selector's element names and classes


def style_sheet_for(documents: list[bytes]) -> str:
    """The rules of ``CSS`` that can apply in these documents (each rule one line): a rule
    stays if, for one of its selectors, every element name and class it names is in them.
    A book of one essay rarely has a table, a figure, math or footnotes (30 % of its bytes)."""
    text = b"".join(documents).decode()
    elements = set(re.findall(r"<([A-Za-z][\w-]*)", text))
    classes = {name for names in re.findall(r'\sclass="([^"]*)"', text) for name in names.split()}

    def present(part: str) -> bool:
        return part[1:] in classes if part.startswith(".") else part in elements

    rules = [
        rule
        for rule in CSS.splitlines()
        if any(all(map(present, SELECTOR_PARTS.findall(s))) for s in rule.split("{")[0].split(","))
    ]
    return "\n".join(rules) + "\n"


CONTAINER_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
    b'  <rootfiles>\n    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>\n'
    b"  </rootfiles>\n</container>\n"
)


class BookError(Exception):
    """Something on an essay's page cannot go into a book; the message says what."""


@dataclass(frozen=True)
class Chapter:
    """One essay as a content document of a book."""

    name: str  # its path in the book, below EPUB/: text/<docname>.xhtml
    title: str
    url: str  # where it was first published
    document: bytes
    properties: frozenset[str]  # the manifest's: "mathml"
    images: tuple[tuple[str, bytes], ...]  # (path in the book, content), sorted


@dataclass(frozen=True)
class Cover:
    name: str  # below EPUB/: cover.png, cover.jpg
    data: bytes
    alt: str


@dataclass(frozen=True)
class Book:
    identifier: str
    title: str
    language: str
    creators: tuple[str, ...]
    publisher: str
    rights: str
    modified: dt.datetime  # dcterms:modified, and every zip entry's time
    published: dt.datetime | None
    description: str
    subjects: tuple[str, ...]
    source: str | None  # the essay's URL (a book of one essay)
    cover: Cover | None  # None: the book opens on its essay's title
    chapters: tuple[Chapter, ...]  # reading order
    title_page: tuple[tuple[str, str], ...] = ()  # (class, text): the collected book's, first an h1

    @property
    def collected(self) -> bool:
        return bool(self.title_page)


def identifier(url: str) -> str:
    """The same URL always names the same book: a name-based UUID."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}"


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def chapter_name(docname: str) -> str:
    return f"{TEXT}/{docname}.xhtml"


def relative(target: str, here: str) -> str:
    """*target*'s href from the document at *here* (both paths below EPUB/)."""
    return posixpath.relpath(target, posixpath.dirname(here) or ".")


# -- From HTML to a content document --------------------------------------------------------


def x(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    """An XHTML child element; ``class_`` stands for ``class``."""
    element = etree.SubElement(parent, f"{{{XHTML}}}{tag}", {k.rstrip("_"): v for k, v in attributes.items()})
    element.text = text
    return element


def content_document(title: str, language: str, here: str, body_type: str) -> tuple[etree._Element, etree._Element]:
    """An empty XHTML content document (root, body) at *here*, with the book's stylesheet."""
    root = etree.Element(f"{{{XHTML}}}html", nsmap={None: XHTML, "epub": OPS})
    root.set("lang", language)
    root.set(XML_LANG, language)
    head = x(root, "head")
    x(head, "meta", charset="utf-8")
    x(head, "title", title)
    x(head, "link", rel="stylesheet", type="text/css", href=relative(STYLESHEET, here))
    body = x(root, "body")
    body.set(f"{{{OPS}}}type", body_type)
    return root, body


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>") + b"\n"


class Converter:
    """HTML elements of a written page to XHTML (and MathML) elements of a content document.

    *link* maps an ``<a href>`` of the page to the book's, *image* an ``<img src>``
    to the image's href in the book (adding the image to it)."""

    def __init__(self, link: Callable[[str], str], image: Callable[[str], str]) -> None:
        self.link, self.image = link, image
        self.properties: set[str] = set()

    def copy(self, source: lxml.html.HtmlElement, parent: etree._Element, namespace: str = XHTML) -> None:
        tag = source.tag.lower()
        if tag == "svg":  # the HTML parser lowercases SVG's camelCase attributes (viewBox)
            raise BookError(
                "inline <svg> cannot go into an e-book; save the drawing as an .svg file and show it as an image"
            )
        if tag == "math":
            namespace = MATHML
            self.properties.add("mathml")  # required in the manifest (OPF-014)
        declare = {None: namespace} if parent.nsmap.get(None) != namespace else None
        element = etree.SubElement(parent, f"{{{namespace}}}{tag}", nsmap=declare)
        for name, value in source.attrib.items():
            if name in DROP_ATTRIBUTES or name.startswith("on") or ":" in name or name == "xmlns":
                continue
            if tag == "a" and name == "href":
                value = self.link(value)
            elif tag == "img" and name == "src":
                value = self.image(value)
            try:
                element.set(name, value)
            except ValueError:  # not a name XML allows; nothing a reader would miss
                continue
        classes = source.get("class", "").split()
        if tag == "a" and "footnote-reference" in classes:
            element.set(f"{{{OPS}}}type", "noteref")
        elif tag == "aside" and "footnote" in classes:
            element.set(f"{{{OPS}}}type", "footnote")
        elif tag == "aside" and "footnote-list" in classes:
            element.set(f"{{{OPS}}}type", "footnotes")
        element.text = source.text
        for child in source:
            if isinstance(child.tag, str):
                self.copy(child, element, namespace)
                element[-1].tail = child.tail
            elif child.tail:  # a comment or processing instruction: keep the text after it
                if len(element):
                    element[-1].tail = (element[-1].tail or "") + child.tail
                else:
                    element.text = (element.text or "") + child.tail


def essay_chapter(
    *,
    name: str,
    title: str,
    url: str,
    byline: str,
    date_iso: str,
    date_text: str,
    language: str,
    parts: Iterable[lxml.html.HtmlElement],
    link: Callable[[str], str],
    image: Callable[[str], tuple[str, bytes]],
) -> Chapter:
    """One essay as a chapter: its title and byline, its text (*parts*: its section of the
    page, then its footnotes), and where it was first published.

    *link* maps a link of the page to the book's; *image* maps an image's src to
    (its path in the book, its content)."""
    images: dict[str, bytes] = {}

    def add_image(src: str) -> str:
        path, data = image(src)
        images[path] = data
        return relative(path, name)

    try:
        root, body = content_document(title, language, name, "bodymatter")
        section, *notes = parts
        chapter = x(body, "section", id=section.get("id") or "essay", role="doc-chapter")
        chapter.set(f"{{{OPS}}}type", "chapter")
        header = x(chapter, "header")
        x(header, "h1", title)
        line = x(header, "p", f"{byline} · ", class_="byline")
        x(line, "time", date_text, datetime=date_iso)
        converter = Converter(link, add_image)
        if section.text and section.text.strip():
            x(chapter, "p", section.text.strip())
        for child in [*section, *notes]:
            if isinstance(child.tag, str):
                converter.copy(child, chapter)
        footer = x(chapter, "footer", class_="source")
        note = x(footer, "p", "First published at ")
        x(note, "a", url, href=url).tail = "."
        document = serialize(root)
    except ValueError as error:  # lxml refuses text XML cannot hold (control characters)
        raise BookError(f"the page holds text an e-book cannot: {error}") from None
    return Chapter(name, title, url, document, frozenset(converter.properties), tuple(sorted(images.items())))


def relink(chapter: Chapter, in_book: dict[str, str]) -> Chapter:
    """The chapter in a book that also holds other essays: links to them (their URLs,
    keys of *in_book*, to their chapters' names) stay inside the book. A link to the
    essay itself (the footer's: where it was first published) stays on the web."""
    root = etree.fromstring(chapter.document)
    changed = False
    for link in root.iterfind(f".//{{{XHTML}}}a[@href]"):
        url, fragment = urldefrag(link.get("href"))
        target = in_book.get(url)
        if target is None or target == chapter.name:
            continue
        link.set("href", relative(target, chapter.name) + (f"#{fragment}" if fragment else ""))
        changed = True
    return replace(chapter, document=serialize(root)) if changed else chapter


def read_chapter(book: bytes, name: str, title: str, url: str) -> Chapter:
    """The chapter *name* and its images, out of a book ``pack`` wrote."""
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        document = archive.read(f"EPUB/{name}")
        images = tuple(
            (entry.removeprefix("EPUB/"), archive.read(entry))
            for entry in archive.namelist()
            if entry.startswith(f"EPUB/{IMAGES}/")
        )
    properties = (
        frozenset({"mathml"}) if etree.fromstring(document).find(f".//{{{MATHML}}}math") is not None else frozenset()
    )
    return Chapter(name, title, url, document, properties, images)


# -- The book's own documents ----------------------------------------------------------------


def cover_document(book: Book, cover: Cover) -> bytes:
    root, body = content_document("Cover", book.language, "cover.xhtml", "cover")
    section = x(body, "section", class_="cover")
    section.set(f"{{{OPS}}}type", "cover")
    x(section, "img", src=cover.name, alt=cover.alt)
    return serialize(root)


def title_page_document(book: Book) -> bytes:
    root, body = content_document(book.title, book.language, "titlepage.xhtml", "frontmatter")
    section = x(body, "section", class_="titlepage")
    section.set(f"{{{OPS}}}type", "titlepage")
    for number, (kind, text) in enumerate(book.title_page):
        x(section, "h1" if number == 0 else "p", text, class_=kind)
    return serialize(root)


def nav_document(book: Book) -> bytes:
    """The table of contents (newest essay first, as the book reads) and the landmarks.
    Everything the nav links to must be in the spine (RSC-011)."""
    root, body = content_document("Contents", book.language, "nav.xhtml", "frontmatter")
    toc = x(body, "nav", id="toc", role="doc-toc")
    toc.set(f"{{{OPS}}}type", "toc")
    x(toc, "h1", "Contents")
    items = x(toc, "ol")  # never empty: a book without essays lists its title page
    for chapter in book.chapters or ():
        x(x(items, "li"), "a", chapter.title, href=chapter.name)
    if not book.chapters:
        x(x(items, "li"), "a", book.title, href="titlepage.xhtml")
    landmarks = x(body, "nav", hidden="hidden")
    landmarks.set(f"{{{OPS}}}type", "landmarks")
    x(landmarks, "h2", "Landmarks")
    marks = x(landmarks, "ol")
    places = [("cover", "cover.xhtml", "Cover")] if book.cover else []
    if book.collected:  # only the collected book has the title page and the nav in its spine
        places += [("titlepage", "titlepage.xhtml", "Title page"), ("toc", "nav.xhtml#toc", "Contents")]
    if book.chapters:
        places.append(
            ("bodymatter", book.chapters[0].name, "Start of the essays" if book.collected else "Start of the essay")
        )
    for kind, href, label in places:
        link = x(x(marks, "li"), "a", label, href=href)
        link.set(f"{{{OPS}}}type", kind)
    return serialize(root)


def package_document(book: Book, manifest: list[tuple[str, str, str, str]], spine: list[str]) -> bytes:
    """The OPF: metadata, manifest (id, href, media type, properties), spine."""
    root = etree.Element(f"{{{OPF}}}package", nsmap={None: OPF}, version="3.0", attrib={"unique-identifier": "book-id"})
    root.set(XML_LANG, book.language)
    metadata = etree.SubElement(root, f"{{{OPF}}}metadata", nsmap={"dc": DC})

    def dc(name: str, text: str, **attributes: str) -> None:
        etree.SubElement(metadata, f"{{{DC}}}{name}", attributes).text = text

    def meta(prop: str, text: str) -> None:
        etree.SubElement(metadata, f"{{{OPF}}}meta", property=prop).text = text

    dc("identifier", book.identifier, id="book-id")
    dc("title", book.title)
    for number, creator in enumerate(book.creators, start=1):
        dc("creator", creator, id=f"creator-{number}")
    dc("language", book.language)
    if book.published is not None:
        dc("date", utc(book.published))
    dc("publisher", book.publisher)
    dc("rights", book.rights)
    if book.source:
        dc("source", book.source)
    if book.description:
        dc("description", book.description)
    for subject in book.subjects:
        if subject.strip():  # an empty dc:subject is an error (RSC-005)
            dc("subject", subject)
    meta("dcterms:modified", utc(book.modified))
    if book.cover:
        etree.SubElement(metadata, f"{{{OPF}}}meta", name="cover", content="cover-image")  # EPUB 2 reading systems
    # EPUB Accessibility 1.1 discovery metadata: only what is true of every book.
    has_images = any(chapter.images for chapter in book.chapters)
    has_math = any("mathml" in chapter.properties for chapter in book.chapters)
    for prop, value in (
        ("schema:accessMode", "textual"),
        *((("schema:accessMode", "visual"),) if has_images else ()),
        ("schema:accessModeSufficient", "textual"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
        *((("schema:accessibilityFeature", "MathML"),) if has_math else ()),
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", "Essays as text, with headings, a table of contents and footnotes."),
    ):
        meta(prop, value)
    items = etree.SubElement(root, f"{{{OPF}}}manifest")
    for item_id, href, media_type, properties in manifest:
        item = etree.SubElement(items, f"{{{OPF}}}item", id=item_id, href=href, attrib={"media-type": media_type})
        if properties:
            item.set("properties", properties)
    order = etree.SubElement(root, f"{{{OPF}}}spine")
    for item_id in spine:
        etree.SubElement(order, f"{{{OPF}}}itemref", idref=item_id)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8") + b"\n"


def media_type(name: str) -> str:
    suffix = posixpath.splitext(name)[1].lower()
    if suffix not in IMAGE_TYPES:
        raise BookError(f"{name}: not an image type every reading system shows (PNG, JPEG, GIF, SVG)")
    return IMAGE_TYPES[suffix]


def pack(book: Book) -> bytes:
    """The book as an EPUB file."""
    files: dict[str, bytes] = {
        "META-INF/container.xml": CONTAINER_XML,
        "EPUB/nav.xhtml": nav_document(book),
    }
    manifest = [("nav", "nav.xhtml", XHTML_MEDIA_TYPE, "nav"), ("style", STYLESHEET, "text/css", "")]
    spine = []
    if book.cover:
        files["EPUB/cover.xhtml"] = cover_document(book, book.cover)
        files[f"EPUB/{book.cover.name}"] = book.cover.data
        manifest += [
            ("cover", "cover.xhtml", XHTML_MEDIA_TYPE, ""),
            ("cover-image", book.cover.name, media_type(book.cover.name), "cover-image"),
        ]
        spine.append("cover")
    if book.collected:
        files["EPUB/titlepage.xhtml"] = title_page_document(book)
        manifest.append(("titlepage", "titlepage.xhtml", XHTML_MEDIA_TYPE, ""))
        spine += ["titlepage", "nav"]
    images: dict[str, bytes] = {}
    for number, chapter in enumerate(book.chapters, start=1):
        files[f"EPUB/{chapter.name}"] = chapter.document
        manifest.append((f"chapter-{number}", chapter.name, XHTML_MEDIA_TYPE, " ".join(sorted(chapter.properties))))
        spine.append(f"chapter-{number}")
        images.update(chapter.images)  # one name, one file: images are named by the site, uniquely
    for number, name in enumerate(sorted(images), start=1):
        files[f"EPUB/{name}"] = images[name]
        manifest.append((f"image-{number}", name, media_type(name), ""))
    files[f"EPUB/{STYLESHEET}"] = style_sheet_for(
        [data for name, data in files.items() if name.endswith(".xhtml")]
    ).encode()
    files["EPUB/package.opf"] = package_document(book, manifest, spine)
    return zip_files(files, book.modified)


def zip_files(files: dict[str, bytes], moment: dt.datetime) -> bytes:
    """The OCF container, byte for byte the same for the same files and moment:
    ``mimetype`` first and stored, then every file in sorted order (images stored,
    the rest deflated at level 9), one timestamp, Unix permissions 0644, no extra fields."""
    stamp = max(moment.astimezone(dt.UTC), ZIP_EPOCH).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        entries = [("mimetype", EPUB_MEDIA_TYPE.encode("ascii"))] + [(name, files[name]) for name in sorted(files)]
        for name, data in entries:
            stored = name == "mimetype" or name.lower().endswith(STORED_TYPES)
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever machine builds
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data, compresslevel=None if stored else 9)
    return buffer.getvalue()
