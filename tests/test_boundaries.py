"""The two boundaries, tried as a careless writer and a hostile guest author would.

* A corpus of hostile or mistaken essays, one defect each, over every route by
  which a file, a URL or active markup could get in: each is refused with its
  file and line, and the published site stays byte for byte as it was.
* Essays that must publish do, with nothing dangerous in any output byte.
* Property-based tests of the write boundary: whatever HTML goes in (nested
  SVG/MathML, entities, odd casing, broken quoting, comments), what readers
  receive, judged by an independent parser of the browsers' algorithm
  (html5lib), holds nothing active or remote; and when the boundary reports
  nothing removed, the original held nothing either.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import re
import threading
from pathlib import Path

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unscripted.core.html_policy import raw_html_problems, sanitize

from conftest import SITE_URL, STRICT, SiteMaker, sphinx_build

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360")
PNG += bytes.fromhex("f8cfc0f01f0005000201e2218bc10000000049454e44ae426082")
# What every attack goes after: files of the build machine, planted with a marker.
PRIVATE = {
    ".env": "SECRET_TOKEN=CANARY-DOTENV\n",
    ".venv/pyvenv.cfg": "home = CANARY-VENV\n",
    ".git/config": "[user]\n\tsigningkey = CANARY-GITCONFIG\n",
    "private/notes.txt": "CANARY-NOTES\n",
    "private/photo.png": PNG + b"CANARY-PHOTO",
}
CANARIES = ("CANARY-", "root:x:0:0", "site_url_from_environment")
SVG_WITH_SCRIPT = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def essay(body: str, front: str = "date: 2024-03-14") -> str:
    """An essay whose body starts on line 7."""
    return f"---\n{front}\n---\n\n# A Title\n\n{body}\n"


def rest(body: str, fields: str = ":date: 2024-03-14") -> str:
    """A reStructuredText essay whose body starts on line 6."""
    return f"{fields}\n\nA Title\n=======\n\n{body}\n"


def fenced(name: str, argument: str = "", *lines: str) -> str:
    return "\n".join([f"```{{{name}}} {argument}".rstrip(), *lines, "```"])


E = "posts/2024/attack.md"
R = "posts/2024/attack.rst"
# (name, files, the file the message names, its line (None: the file alone), what it says)
REJECTED = [
    # -- Files from outside the content, by every route --------------------------------------
    ("include conf.py", {E: essay(fenced("include", "../../conf.py", ":literal:"))}, E, 7, "reads another file"),
    ("include /etc/passwd", {E: essay(fenced("include", "../../../../../../../etc/passwd"))}, E, 7, "reads another"),
    ("include .git/config", {E: essay(fenced("include", "../../.git/config", ":literal:"))}, E, 7, "reads another"),
    ("include .venv", {E: essay(fenced("include", "../../.venv/pyvenv.cfg", ":code:"))}, E, 7, "reads another"),
    ("include <standard>", {E: essay(fenced("include", "<../../../../../etc/passwd>"))}, E, 7, "reads another"),
    ("literalinclude conf.py", {E: essay(fenced("literalinclude", "../../conf.py"))}, E, 7, "reads another"),
    ("literalinclude /.env", {E: essay(fenced("literalinclude", "/.env"))}, E, 7, "reads another"),
    (
        "reST include",
        {E: essay(fenced("eval-rst", "", ".. include:: ../../conf.py", "   :literal:"))},
        E,
        8,
        "reads another file",
    ),
    (
        "reST raw :file:",
        {E: essay(fenced("eval-rst", "", ".. raw:: html", "   :file: ../../.env"))},
        E,
        8,
        "reads another file",
    ),
    (
        "reST raw :url: file:",
        {E: essay(fenced("eval-rst", "", ".. raw:: html", "   :url: file:///etc/passwd"))},
        E,
        8,
        "reads another file",
    ),
    ("MyST raw :file:", {E: essay(fenced("raw", "html", ":file: ../../private/notes.txt"))}, E, 7, "reads another"),
    (
        "reST csv-table :file:",
        {E: essay(fenced("eval-rst", "", ".. csv-table::", "   :file: /etc/passwd", "   :delim: :"))},
        E,
        8,
        "reads another file",
    ),
    ("csv-table :url:", {E: essay(fenced("csv-table", "", ":url: file:///etc/passwd"))}, E, 7, "reads another"),
    ("image ../ outside", {E: essay("![x](../../private/photo.png)")}, E, 7, "is outside the publication"),
    ("image /root-relative", {E: essay("![x](/private/photo.png)")}, E, 7, "is outside the publication"),
    ("image /etc/passwd", {E: essay(fenced("image", "../../../../../../etc/passwd"))}, E, 7, "outside the public"),
    ("image in a hidden folder", {E: essay("![x](/posts/.hidden/photo.png)")}, E, 7, "hidden folder or file"),
    ("remote image", {E: essay("![x](https://tracker.example/p.gif)")}, E, 7, "is on another site"),
    ("data: image", {E: essay("![x](data:image/png;base64,iVBORw0KGgo=)")}, E, 7, "(data: URL)"),
    ("protocol-relative figure", {E: essay(fenced("figure", "//tracker.example/p.gif"))}, E, 7, "another site"),
    (
        "SVG with a script",
        {E: essay("![chart](chart.svg)"), "posts/2024/chart.svg": SVG_WITH_SCRIPT},
        E,
        7,
        "SVG drawing",
    ),
    (
        "SVG named .png",
        {E: essay("![chart](chart.png)"), "posts/2024/chart.png": SVG_WITH_SCRIPT},
        E,
        7,
        "SVG drawing",
    ),
    ("text named .png", {E: essay("![x](fake.png)"), "posts/2024/fake.png": "hello"}, E, 7, "not a PNG"),
    ("download of .env", {E: essay("{download}`the key <../../.env>`")}, E, 7, "is outside the publication"),
    ("link to conf.py", {E: essay("[settings](../../conf.py)")}, E, 7, "is outside the publication"),
    ("link to a hidden file", {E: essay("[x](../../.git/config)")}, E, 7, "outside the publication"),
    # -- Symbolic links and stray files: nothing silently dropped ---------------------------
    (
        "essay that is a symlink",
        {"posts/2024/diary.md": Path("../../private/notes.txt")},
        "posts/2024/diary.md",
        None,
        "is a symbolic link",
    ),
    (
        "image that is a symlink",
        {E: essay("![x](photo.png)"), "posts/2024/photo.png": Path("../../private/photo.png")},
        "posts/2024/photo.png",
        None,
        "is a symbolic link",
    ),
    ("stray .markdown", {"posts/2024/almost.markdown": essay("x")}, "posts/2024/almost.markdown", None, "rename it"),
    ("stray .MD", {"posts/2024/loud.MD": essay("x")}, "posts/2024/loud.MD", None, "rename it to loud.md"),
    ("reST essay without details", {"posts/2024/old.rst": "Old\n===\n"}, "posts/2024/old.rst", 1, "has no details"),
    ("stray .rest", {"posts/2024/old.rest": rest("x")}, "posts/2024/old.rest", None, "rename it to old.rst"),
    ("unused image", {"posts/2024/unused.png": PNG}, "posts/2024/unused.png", None, "not used by any essay"),
    ("unused text file", {"posts/2024/ideas.txt": "x"}, "posts/2024/ideas.txt", None, "not used by any essay"),
    ("essay too deep", {"posts/2024/drafts/idea.md": essay("x")}, "posts/2024/drafts/idea.md", None, "posts/YYYY/"),
    (
        "two images, one name",
        {
            E: essay("![x](photo.png)"),
            "posts/2024/photo.png": PNG,
            "posts/2023/older.md": essay("![y](photo.png)", "date: 2023-01-02"),
            "posts/2023/photo.png": PNG + b"other",
        },
        "posts/2024/photo.png",
        None,
        "same file name as posts/2023/photo.png",
    ),
    # -- The same routes from a reStructuredText essay ----------------------------------------
    ("rst include conf.py", {R: rest(".. include:: ../../conf.py\n   :literal:")}, R, 6, "reads another file"),
    ("rst literalinclude", {R: rest(".. literalinclude:: /.env")}, R, 6, "reads another file"),
    ("rst raw html", {R: rest(".. raw:: html\n\n   <script>alert(1)</script>")}, R, 6, "a raw block"),
    ("rst raw iframe", {R: rest('.. raw:: html\n\n   <iframe src="https://t.example/"></iframe>')}, R, 6, "raw block"),
    ("rst raw :file:", {R: rest(".. raw:: html\n   :file: ../../.env")}, R, 6, "reads another file"),
    ("rst csv-table :url:", {R: rest(".. csv-table::\n   :url: file:///etc/passwd")}, R, 6, "reads another"),
    ("rst image outside", {R: rest(".. image:: ../../private/photo.png")}, R, 6, "is outside the publication"),
    ("rst remote figure", {R: rest(".. figure:: https://tracker.example/p.gif")}, R, 6, "is on another site"),
    ("rst download .env", {R: rest(":download:`the key <../../.env>`")}, R, 6, "is outside the publication"),
    ("rst meta", {R: rest(".. meta::\n   :http-equiv=refresh: 0; url=https://evil.example/")}, R, 6, "<meta>"),
    ("rst title", {R: rest(".. title:: Another Title")}, R, 6, "<title>"),
    ("rst javascript link", {R: rest("`Click <javascript:alert(1)>`_ now.")}, R, 6, "allowlist does not allow"),
    ("rst post directive inside a note", {R: rest(".. note::\n\n   .. post:: 2024-01-01")}, R, 8, "top level"),
    ("rst label blog-posts", {R: rest(".. _blog-posts:\n\nSection\n-------\n\nx")}, R, 6, "the label blog-posts"),
    ("rst essay named search", {"posts/2024/search.rst": rest("x")}, "posts/2024/search.rst", None, "rename"),
    ("rst and md, one essay", {E: essay("x"), R: rest("x")}, R, None, "is the same essay in another syntax"),
    ("rst NUL character", {R: rest("calm\x00storm")}, R, 6, "U+0000"),
    ("rst ambiguous date", {R: rest("x", ":date: 01/02/2024")}, R, 1, "write 2024-02-01 or 2024-01-02"),
    # -- Active or remote markup -------------------------------------------------------------
    ("raw <script>", {E: essay("<script>alert(1)</script>")}, E, 7, "<script> is not allowed"),
    ("inline <script>", {E: essay("Some <script>alert(1)</script> text.")}, E, 7, "<script> is not allowed"),
    ("event handler", {E: essay('A <span onclick="steal()">word</span>.')}, E, 7, "onclick"),
    ("SVG image href", {E: essay('<svg><image href="https://tracker.example/x"/></svg>')}, E, 7, "<svg>"),
    ("a ping", {E: essay('<a href="https://example.org" ping="https://tracker.example/p">x</a>')}, E, 7, "<a>"),
    ("CSS escape", {E: essay('A <span style="background:\\75rl(https://t.example/e.gif)">b</span>')}, E, 7, "style"),
    (
        "image-set",
        {E: essay("A <span style=\"background-image:image-set('https://t.example/s' 1x)\">b</span>")},
        E,
        7,
        "style",
    ),
    (
        "noscript trick",
        {E: essay('<noscript><p title="</noscript><img src=https://t.example/n.gif>">')},
        E,
        7,
        "<noscript>",
    ),
    ("meta refresh", {E: essay('<meta http-equiv="refresh" content="0; url=https://evil.example/">')}, E, 7, "<meta>"),
    ("base href", {E: essay('<base href="https://evil.example/">')}, E, 7, "<base>"),
    ("stylesheet link", {E: essay('<link rel="stylesheet" href="https://evil.example/s.css">')}, E, 7, "<link>"),
    (
        "form to another origin",
        {E: essay('<form action="https://evil.example/"><button>Go</button></form>')},
        E,
        7,
        "<form>",
    ),
    ("pasted video", {E: essay('<iframe src="https://www.youtube.com/embed/x"></iframe>')}, E, 7, "link to it instead"),
    ("MathML remote glyph", {E: essay('<math><mglyph src="https://t.example/g.png"/></math>')}, E, 7, "<math>"),
    ("raw block HTML", {E: essay('<div class="callout">Note</div>')}, E, 7, "write it in Markdown"),
    (
        "reST meta",
        {E: essay(fenced("eval-rst", "", ".. meta::", "   :http-equiv=refresh: 0; url=https://evil.example/"))},
        E,
        8,
        "<meta>",
    ),
    ("reST title", {E: essay(fenced("eval-rst", "", ".. title:: Another Title"))}, E, 8, "<title>"),
    (
        "reST javascript link",
        {E: essay(fenced("eval-rst", "", "`Click <javascript:alert(1)>`_ now."))},
        E,
        8,
        "HTML allowlist does not allow",
    ),
    # -- Text that would not reach readers ---------------------------------------------------
    ("unknown element", {E: essay("I smiled <grin>widely</grin>.")}, E, 7, "<grin> is not an HTML element"),
    ("vertical tab", {E: essay("One line\x0bthe next")}, E, 7, "U+000B"),
    ("NUL character", {E: essay("calm\x00storm")}, E, 7, "U+0000"),
    ("right-to-left override", {E: essay("harmless \u202etxt.exe")}, E, 7, "U+202E"),
    ("NUL by YAML escape", {E: essay("x", 'date: 2024-03-14\ndescription: "calm\\0storm"')}, E, 3, "U+0000"),
    ("two titles", {E: essay("Text.\n\n# Another Title\n\nMore.")}, E, 9, "a second `#` title"),
    # -- Names the site's own pages use ------------------------------------------------------
    ("label blog-posts", {E: essay("(blog-posts)=\n## Section")}, E, 7, "the label blog-posts"),
    ("label search", {E: essay("(search)=\n## Section")}, E, 7, "the label search"),
    ("essay named search", {"posts/2024/search.md": essay("x")}, "posts/2024/search.md", None, "rename the file"),
    ("essay named blog-posts", {"posts/2024/blog-posts.md": essay("x")}, "posts/2024/blog-posts.md", None, "rename"),
    ("essay named tag-x", {"posts/2024/tag-intimacy.md": essay("x")}, "posts/2024/tag-intimacy.md", None, "rename"),
    # -- Dates and bounded cost --------------------------------------------------------------
    ("year 0024", {"posts/0024/old.md": essay("x", "date: 0024-01-01")}, "posts/0024/old.md", 2, "year 0024"),
    ("year 9999 with an offset", {E: essay("x", "date: 9999-12-31T23:59:59-14:00")}, E, 2, "year 9999"),
    (
        "updated out of range",
        {E: essay("x", "date: 2024-03-14\nupdated: 9999-12-31T23:59:59-14:00")},
        E,
        3,
        "year 9999",
    ),
    ("YAML alias", {E: essay("x", "date: 2024-03-14\ntags: &t [a, b]\ncategory: *t")}, E, 3, "anchors or aliases"),
    (
        "billion laughs",
        {E: essay("x", "date: 2024-03-14\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]")},
        E,
        3,
        "anchors or aliases",
    ),
    (
        "huge description",
        {E: essay("x", "date: 2024-03-14\ndescription: " + "word " * 200_000)},
        E,
        3,
        "characters long",
    ),
    ("huge date", {E: essay("x", "date: 2024-" + "9" * 200_000)}, E, 2, "is not a date; write it as YYYY-MM-DD"),
]


class Recorder(http.server.BaseHTTPRequestHandler):
    """Stands in for the web: any request a build makes is remembered."""

    requests: list[str] = []  # noqa: RUF012 - shared by design

    def do_GET(self) -> None:
        Recorder.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"CANARY-HTTP")

    def log_message(self, format: str, *args) -> None:
        pass


@pytest.fixture(scope="module")
def web():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A good site, built and published once: every refused build must leave it exactly as it is."""
    base = tmp_path_factory.mktemp("boundaries")
    srcdir = SiteMaker(base).make(PRIVATE, with_essay=True)
    build = sphinx_build(srcdir, base / "out", doctreedir=base / "doctrees")
    assert build.returncode == 0, build.log
    return srcdir, base


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def place(srcdir: Path, files: dict) -> list[Path]:
    placed = []
    for rel, content in files.items():
        path = srcdir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            path.symlink_to(content)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        placed.append(path)
    return placed


@pytest.mark.parametrize(("files", "path", "line", "says"), [c[1:] for c in REJECTED], ids=[c[0] for c in REJECTED])
def test_each_hostile_or_careless_essay_is_refused_and_nothing_is_published(published, web, files, path, line, says):
    srcdir, base = published
    before = tree_digest(base / "out")
    placed = place(srcdir, files)
    try:
        build = sphinx_build(srcdir, base / "out", doctreedir=base / "doctrees")
    finally:
        for placed_path in placed:
            placed_path.unlink()
    assert build.returncode != 0, build.log
    where = f"{path}:{line}: ERROR: " if line else f"{path}: ERROR: "
    assert where in build.log or (line is None and f"{path}:1: ERROR: " in build.log), build.log
    assert says in build.log, build.log
    assert "Traceback" not in build.log and "sphinx-err-" not in build.log, build.log
    assert max(len(line) for line in build.log.splitlines()) < 1000, "a message quotes too much"
    errors = [line for line in build.log.splitlines() if ": ERROR: " in line]
    assert len(errors) == len(set(errors)), "one message per mistake"
    assert tree_digest(base / "out") == before, "a refused build changed the published site"


def test_a_parallel_build_refuses_every_hostile_essay_a_serial_one_does(sites, tmp_path):
    """`make html` reads in several processes: each sends back what it found, and a problem
    left behind in a child would publish what a serial build refuses (an essay's problems
    stored with ``dict.setdefault`` once never left its reader: a file from outside the
    repository was published). Every one-file hostile essay at once, built both ways; the
    build stops at the first stage that finds problems (front matter, reading, writing), so
    the essays it names are taken out and the rest built again until every one was named."""
    corpus = {}
    for number, (_, files, *_) in enumerate(REJECTED):
        if len(files) == 1 and {E, R} >= files.keys():
            ((written, text),) = files.items()
            corpus[f"posts/2024/attack-{number:02d}{Path(written).suffix}"] = text
    srcdir = sites.make({**PRIVATE, **corpus}, with_essay=True)

    def problems(round_: int, *options: str) -> list[str]:
        out = tmp_path / "-".join((f"out{round_}", *options))
        build = sphinx_build(srcdir, out, options=(*STRICT, *options), doctreedir=tmp_path / f"{out.name}.doctrees")
        assert build.returncode != 0 and "Traceback" not in build.log, build.log
        assert not any(out.rglob("*")), "a refused build published something"
        return sorted(line for line in build.log.splitlines() if ": ERROR: " in line)

    left, rounds = set(corpus), 0
    while left:
        rounds += 1
        serial, parallel = problems(rounds), problems(rounds, "-j", "2")
        assert parallel == serial
        named = {line.split(":")[0] for line in serial} & left
        assert named, f"never refused: {sorted(left)}"
        for path in named:
            (srcdir / path).unlink()
        left -= named
    assert rounds > 1 and len(corpus) > 60


def test_no_build_fetches_anything(published, web):
    srcdir, base = published
    Recorder.requests.clear()
    for name, files in [
        ("raw", {E: essay(fenced("eval-rst", "", ".. raw:: html", f"   :url: {web}/tracker.html"))}),
        ("csv", {E: essay(fenced("csv-table", "", f":url: {web}/data.csv"))}),
    ]:
        placed = place(srcdir, files)
        try:
            build = sphinx_build(srcdir, base / "out", doctreedir=base / "doctrees")
        finally:
            for path in placed:
                path.unlink()
        assert build.returncode != 0, name
    assert Recorder.requests == []


ACCEPTED = {
    "posts/2024/kbd.md": essay(
        'Press <kbd>Ctrl</kbd> and <abbr title="as soon as possible">ASAP</abbr>, H<sub>2</sub>O.'
    ),
    "posts/2024/lamp.md": essay("![A lamp at night](lamp.png)\n\n[The guide (PDF)](guide.pdf)"),
    "posts/2024/lamp.png": PNG,
    "posts/2024/guide.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
    "posts/2024/code.md": essay("```html\n<script>alert('shown, not run')</script>\n```\n\nAnd `javascript:void(0)`."),
    "posts/2024/book.md": essay("I reread *JavaScript: The Good Parts* and [a page](https://example.com/)."),
    "posts/2024/mark.md": essay('<mark>Marked</mark> and <span lang="fr">un peu de français</span>.'),
    "posts/2024/notes.md": essay("Before <!-- PRIVATE-NOTE: not for readers --> after.\n\n<!-- PRIVATE-NOTE two -->"),
    "posts/2024/figure.md": essay(":::{figure} lamp.png\nA lamp, captioned.\n:::"),
    "posts/2024/draft-idea.md": essay("Unfinished.", "date: 2024-03-14\ndraft: true"),
}
NOTHING_ACTIVE = re.compile(
    # a resource from another host (the site's own absolute URLs are fine in feeds), a handler, a script URL
    r"\b(?:src|srcset|poster)=\"(?!https://example\.org/unscripted/)(?:[a-z][a-z0-9+.-]*:|//)|\son[a-z]+=|"
    r"=\s*[\"']?\s*javascript:|tracker\.example|"
    r"PRIVATE-NOTE|CANARY-",
    re.I,
)


def test_harmless_essays_publish_with_nothing_dangerous_in_any_output(sites, tmp_path):
    srcdir = sites.make({**PRIVATE, **ACCEPTED}, with_essay=True)
    build = sphinx_build(srcdir, tmp_path / "out")
    assert build.returncode == 0, build.log
    assert "draft: posts/2024/draft-idea.md is not published" in build.log
    assert build.exists("posts/2024/kbd.html") and build.exists("posts/2024/lamp.html")
    assert any(name.endswith("/guide.pdf") for name in build.files())
    for name, content in build.files().items():
        if name.startswith("_static/"):  # the site's own scripts and styles, not an essay's
            continue
        text = content.decode("utf-8", "replace")
        assert not NOTHING_ACTIVE.search(text), (name, NOTHING_ACTIVE.search(text))
    assert "<kbd>Ctrl</kbd>" in build.text("posts/2024/kbd.html")
    assert "JavaScript: The Good Parts" in build.text("posts/2024/book.html")
    assert "Before  after." in build.text("posts/2024/notes.html")


def test_a_docutils_conf_cannot_switch_file_insertion_back_on(sites, tmp_path):
    srcdir = sites.make({"docutils.conf": "[general]\nfile_insertion_enabled: true\nraw_enabled: true\n"})
    build = sphinx_build(srcdir, tmp_path / "out")
    assert build.returncode != 0
    assert "file insertion or raw input switched on" in build.log


def test_a_removed_essays_downloads_and_images_disappear(sites, tmp_path):
    srcdir = sites.make(
        {
            "posts/2024/lamp.md": essay("![A lamp](lamp.png) and [the guide](guide.pdf)."),
            "posts/2024/lamp.png": PNG,
            "posts/2024/guide.pdf": b"%PDF-1.4\n",
        },
        with_essay=True,
    )
    first = sphinx_build(srcdir, tmp_path / "out", doctreedir=tmp_path / "doctrees")
    assert first.returncode == 0, first.log
    assert any(name.startswith("_downloads/") for name in first.files())
    for name in ("lamp.md", "lamp.png", "guide.pdf"):
        (srcdir / "posts/2024" / name).unlink()
    again = sphinx_build(srcdir, tmp_path / "out", doctreedir=tmp_path / "doctrees")
    clean = sphinx_build(srcdir, tmp_path / "clean", doctreedir=tmp_path / "clean-doctrees")
    assert again.returncode == clean.returncode == 0
    assert again.files() == clean.files()
    assert not any(name.startswith(("_downloads/", "_images/")) for name in again.files())


# -- The write boundary, property-based ---------------------------------------------------------

# Judged independently: html5lib implements the HTML parsing algorithm browsers use.
ACTIVE_HTML = {"script", "style", "iframe", "frame", "object", "embed", "noscript", "template", "link", "meta", "base",
               "form", "input", "button", "video", "audio", "source", "picture"}  # fmt: skip
# In SVG or MathML: drawings that can fetch, animate attributes, or hold HTML again.
ACTIVE_FOREIGN = {"svg", "script", "style", "image", "use", "animate", "set", "foreignobject", "mglyph", "maction"}
# Where a URL loads or is followed, in HTML; in SVG and MathML, href and src on any element.
HTML_URLS = {
    "href": {"a", "area", "link", "base"},
    "src": {"img", "iframe", "frame", "script", "video", "audio", "source", "embed", "input", "track"},
    "srcset": {"img", "source"},
    "poster": {"video"},
    "action": {"form"},
    "formaction": {"button", "input"},
    "ping": {"a", "area"},
    "data": {"object"},
    "background": {"body", "table", "td", "th"},
}
FOREIGN_URLS = {"href", "src"}


def active_or_remote(fragment: str, *, site: str | None = None) -> list[str]:
    """What in *fragment*, as a browser parses it, could run code or fetch from another host."""
    found = []
    tree = html5lib.parseFragment(fragment, namespaceHTMLElements=False)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        foreign = element.tag.startswith("{")  # SVG or MathML: href is a link on any of their elements
        name = element.tag.rsplit("}", 1)[-1].lower()
        if name in (ACTIVE_FOREIGN if foreign else ACTIVE_HTML):
            found.append(f"<{name}>")
        for attribute, value in element.attrib.items():
            key = attribute.rsplit("}", 1)[-1].lower()
            cleaned = re.sub(r"[\x00-\x20]", "", value).lower()
            url = key in FOREIGN_URLS if foreign else name in HTML_URLS.get(key, ())
            if key.startswith("on"):
                found.append(f"{key}=")
            elif key == "style" and re.search(r"url|image|\\|@|expression|\(", cleaned):
                found.append(f"style={value!r}")
            elif url and re.match(r"(javascript|vbscript|data|file):", cleaned):
                found.append(f"{key}={value!r}")
            elif (
                url
                and not (key == "href" and name in {"a", "area"})
                and (re.match(r"[a-z][a-z0-9+.-]*:|//|\\\\", cleaned) and not (site and value.startswith(site)))
            ):
                found.append(f"{key}={value!r} (remote)")
    return found


TAGS = ["p", "em", "a", "img", "span", "div", "svg", "math", "mi", "mglyph", "script", "style", "noscript",
        "iframe", "image", "use", "foreignObject", "annotation-xml", "table", "td", "kbd", "SCRIPT", "Img", "sCrIpT",
        "template", "object", "form", "base", "meta", "link", "animate", "set", "title", "textarea", "xmp"]  # fmt: skip
ATTRIBUTES = ["href", "src", "style", "onclick", "onerror", "OnLoad", "ping", "srcset", "xlink:href", "poster",
              "action", "class", "title", "attributeName", "values", "to", "encoding", "id"]  # fmt: skip
VALUES = ["javascript:alert(1)", "JaVaScRiPt:x", "java\tscript:x", "&#106;avascript:x", "&#x6A;avascript:x",
          "https://tracker.example/p.gif", "//tracker.example/x", "\\\\tracker.example\\x", "data:text/html,<b>",
          "background:url(https://t.example)", "width:\\75rl(https://t.example)", "image-set('https://t.example' 1x)",
          "../_images/a.png", "#section", "plain words", "x\" onmouseover=\"alert(1)",
          "</noscript><img src=//t.example>", "text/html", "href", "vbscript:x",
          "https://example.org/unscripted/_images/ok.png"]  # fmt: skip


QUOTES = ['"', "'", "", " "]


@st.composite
def html_fragments(draw, depth: int = 3) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["text", "element", "comment", "entity", "broken"]))
        if kind == "text":
            parts.append(draw(st.sampled_from(["words ", "<", ">", "&", '"', "'", "x < y", "—"])))
        elif kind == "comment":
            parts.append(draw(st.sampled_from(["<!-- note -->", "<!--> x", "<!-- <script>alert(1)</script> -->"])))
        elif kind == "entity":
            parts.append(draw(st.sampled_from(["&lt;script&gt;", "&amp;", "&#60;img src=x&#62;", "&nbsp;"])))
        elif kind == "broken":
            parts.append(draw(st.sampled_from(['<a href="x"title="y">', "<img src=x onerror=alert(1)", "</p>",
                                               '<p title="a>b">', "<svg/onload=alert(1)>"])))  # fmt: skip
        else:
            tag = draw(st.sampled_from(TAGS))
            attributes = ""
            for _ in range(draw(st.integers(0, 2))):
                opening, closing = draw(st.sampled_from(QUOTES)), draw(st.sampled_from(QUOTES))
                attributes += f" {draw(st.sampled_from(ATTRIBUTES))}={opening}{draw(st.sampled_from(VALUES))}{closing}"
            inner = draw(html_fragments(depth - 1)) if depth > 0 else ""
            parts.append(f"<{tag}{attributes}>{inner}</{tag}>")
    return "".join(parts)


SITE_PREFIX = SITE_URL


@settings(max_examples=600, deadline=None)
@given(html_fragments(), st.booleans())
def test_what_readers_receive_is_never_active_or_remote(fragment, in_a_feed):
    prefix = SITE_PREFIX if in_a_feed else None
    delivered, removed = sanitize(fragment, site_prefix=prefix)
    assert active_or_remote(delivered, site=prefix) == [], delivered
    if not removed:  # the build passes only if the essay itself held nothing of the kind
        assert active_or_remote(fragment, site=prefix) == [], fragment


@settings(max_examples=400, deadline=None)
@given(html_fragments())
def test_raw_html_a_writer_may_type_is_never_active_or_remote(fragment):
    if not raw_html_problems(fragment):
        assert active_or_remote(fragment) == [], fragment


def test_the_judge_can_fail():
    assert active_or_remote('<img src="https://tracker.example/x.gif">')
    assert active_or_remote('<a href="java&#x0A;script:alert(1)">x</a>')
    assert active_or_remote('<p style="background:\\75rl(x)">')
    assert not active_or_remote('<p><a href="https://example.org/">x</a> <img src="../_images/a.png"></p>')


def test_pages_and_feeds_are_sanitized_by_the_same_allowlist():
    page, _ = sanitize('<img src="../../_images/a.png" alt="">')
    feed, removed = sanitize('<img src="https://elsewhere.example/a.png" alt="">', site_prefix=SITE_PREFIX)
    assert "src" in page and "src" not in feed and removed
    assert sanitize('<img src="https://example.org/unscripted/_images/a.png">', site_prefix=SITE_PREFIX)[1] == []


@pytest.fixture(autouse=True, scope="module")
def _no_proxy():
    """The recorder listens on 127.0.0.1: a proxy from the environment must not intercept."""
    saved = {key: os.environ.pop(key) for key in list(os.environ) if key.lower().endswith("_proxy")}
    yield
    os.environ.update(saved)
