"""A writer's mistakes are caught with the file, the line and the fix; drafts never leak."""

from __future__ import annotations

import io
import zipfile

import pytest

from conftest import ROOT, sphinx_build

ESSAY = (ROOT / "posts/2024/the-quiet-lie.md").read_text(encoding="utf-8")
BODY = "\n# A Title\n\nFirst paragraph.\n"


def post(front: str, body: str = BODY) -> str:
    return f"---\n{front.strip()}\n---\n{body}"


# (name, files, file the message names, its line, what the message says)
BAD_INPUT = [
    (
        "malformed YAML",
        {"posts/2024/bad.md": post("date: 2024-03-14\ntags: [a, b")},
        "posts/2024/bad.md",
        3,
        "not valid YAML",
    ),
    ("no front matter", {"posts/2024/bad.md": BODY}, "posts/2024/bad.md", 1, "has no front matter"),
    ("missing date", {"posts/2024/bad.md": post("tags: [a]")}, "posts/2024/bad.md", 2, "no `date:`"),
    ("ambiguous date", {"posts/2024/bad.md": post("date: 01/02/2024")}, "posts/2024/bad.md", 2, "write 2024-02-01 or"),
    ("impossible date", {"posts/2024/bad.md": post("date: 2024-02-30")}, "posts/2024/bad.md", 2, "not a real date"),
    (
        "date-time without offset",
        {"posts/2024/bad.md": post("date: 2024-03-14T09:30:00")},
        "posts/2024/bad.md",
        2,
        "no UTC offset",
    ),
    (
        "updated before date",
        {"posts/2024/bad.md": post("date: 2024-03-14\nupdated: 2024-03-01")},
        "posts/2024/bad.md",
        3,
        "earlier than `date`",
    ),
    (
        "no title",
        {"posts/2024/bad.md": post("date: 2024-03-14", "\nJust text.\n")},
        "posts/2024/bad.md",
        5,
        "`# Title`",
    ),
    (
        "unknown key",
        {"posts/2024/bad.md": post("date: 2024-03-14\ntag: [a]")},
        "posts/2024/bad.md",
        3,
        "did you mean 'tags'",
    ),
    (
        "duplicate key",
        {"posts/2024/bad.md": post("date: 2024-03-14\ntags: [a]\ntags: [b]")},
        "posts/2024/bad.md",
        4,
        "given twice",
    ),
    (
        "unknown author",
        {"posts/2024/bad.md": post("date: 2024-03-14\nauthor: bob")},
        "posts/2024/bad.md",
        3,
        "unknown author 'bob'",
    ),
    (
        "draft not a boolean",
        {"posts/2024/bad.md": post("date: 2024-03-14\ndraft: soon")},
        "posts/2024/bad.md",
        3,
        "true or false",
    ),
    (
        "tags sharing a page",
        {"posts/2024/bad.md": post("date: 2024-03-14\ntags: [C++, C#]")},
        "posts/2024/bad.md",
        3,
        "would share one page",
    ),
    (
        "tags sharing a page across essays",
        {
            "posts/2024/one.md": post("date: 2024-03-14\ntags: [C]"),
            "posts/2024/two.md": post("date: 2024-03-15\ntags: [c]"),
        },
        "posts/2024/two.md",
        3,
        "'c' and 'C' (in posts/2024/one.md) would share one page",
    ),
    (
        "tag with no URL",
        {"posts/2024/bad.md": post("date: 2024-03-14\ncategory: '++'")},
        "posts/2024/bad.md",
        3,
        "no letters or digits",
    ),
    (
        "two essays with one slug",
        {"posts/2024/hello.md": post("date: 2024-03-14"), "posts/2025/hello.md": post("date: 2025-01-02")},
        "posts/2025/hello.md",
        1,
        "already used by posts/2024/hello.md",
    ),
    (
        "file name not a slug",
        {"posts/2024/My Essay.md": post("date: 2024-03-14")},
        "posts/2024/My Essay.md",
        1,
        "rename it to my-essay.md",
    ),
    (
        "wrong year folder",
        {"posts/2023/bad.md": post("date: 2024-03-14")},
        "posts/2023/bad.md",
        2,
        "move it to posts/2024/",
    ),
    ("outside a year folder", {"posts/bad.md": post("date: 2024-03-14")}, "posts/bad.md", 1, "posts/YYYY/<slug>.md"),
    (
        "not UTF-8",
        {"posts/2024/bad.md": post("date: 2024-03-14", "\n# Caf\xe9\n").encode("latin-1")},
        "posts/2024/bad.md",
        5,
        "not UTF-8",
    ),
    (
        "missing image in front matter",
        {"posts/2024/bad.md": post("date: 2024-03-14\nimage: cover.png")},
        "posts/2024/bad.md",
        3,
        "not a file next to the essay",
    ),
    (
        "raw script",
        {"posts/2024/bad.md": post("date: 2024-03-14", BODY + "\n<script>alert(1)</script>\n")},
        "posts/2024/bad.md",
        9,
        "<script>",
    ),
    (
        "inline event handler",
        {"posts/2024/bad.md": post("date: 2024-03-14", BODY + '\nSee <span onclick="steal()">this</span>.\n')},
        "posts/2024/bad.md",
        9,
        "the attribute onclick on <span> is not allowed",
    ),
    (
        "javascript: link",
        {
            "posts/2024/bad.md": post(
                "date: 2024-03-14", BODY + "\n```{eval-rst}\n`Click <javascript:alert(1)>`_ here.\n```\n"
            )
        },
        "posts/2024/bad.md",
        10,
        "the publication's HTML allowlist does not allow",
    ),
    (
        "embedded iframe",
        {"posts/2024/bad.md": post("date: 2024-03-14", BODY + '\n<iframe src="https://example.com/"></iframe>\n')},
        "posts/2024/bad.md",
        9,
        "link to it instead",
    ),
    (
        "inline svg",  # its e-book could not keep it
        {"posts/2024/bad.md": post("date: 2024-03-14", BODY + '\n<svg viewBox="0 0 2 1"><rect/></svg>\n')},
        "posts/2024/bad.md",
        9,
        "export it as a PNG or WebP image",
    ),
    (
        "missing image",
        {"posts/2024/bad.md": post("date: 2024-03-14", BODY + "\n![A cover](cover.png)\n")},
        "posts/2024/bad.md",
        9,
        "does not exist",
    ),
    (
        "title no card font can draw",
        {"posts/2024/bad.md": post("date: 2024-03-14", "\n# The \U00013080 Eye\n\nFirst paragraph.\n")},
        "posts/2024/bad.md",
        5,
        "the title has '\U00013080' (U+13080 EGYPTIAN HIEROGLYPH D010), which no card font can draw",
    ),
    (
        "remote image",
        {"posts/2024/bad.md": post("date: 2024-03-14", BODY + "\n![A cover](https://example.com/c.png)\n")},
        "posts/2024/bad.md",
        9,
        "on another site",
    ),
]


@pytest.mark.parametrize(
    ("files", "path", "line", "says"), [case[1:] for case in BAD_INPUT], ids=[c[0] for c in BAD_INPUT]
)
@pytest.mark.parametrize("strict", [True, False], ids=["make", "plain"])
def test_bad_input_stops_the_build_before_anything_is_written(sites, tmp_path, files, path, line, says, strict):
    build = sphinx_build(sites.make(files), tmp_path / "out", options=("-n", "-W", "--keep-going") if strict else ())
    assert build.returncode != 0
    assert f"{path}:{line}: ERROR: " in build.log, build.log
    assert says in build.log, build.log
    assert "Traceback" not in build.log
    assert not [p for p in (tmp_path / "out").rglob("*") if p.is_file()], "something was published"


@pytest.mark.parametrize("strict", [True, False], ids=["make", "plain"])
def test_link_to_a_missing_page_fails_the_build(sites, tmp_path, strict):
    files = {"posts/2024/bad.md": post("date: 2024-03-14", BODY + "\nSee [the other essay](other.md).\n")}
    build = sphinx_build(sites.make(files), tmp_path / "out", options=("-n", "-W", "--keep-going") if strict else ())
    assert build.returncode != 0
    assert "posts/2024/bad.md:9: WARNING: " in build.log, build.log


def test_every_problem_is_reported_at_once(sites, tmp_path):
    files = {
        "posts/2024/one.md": post("date: 01/02/2024\ntag: [a]"),
        "posts/2024/two.md": post("date: 2024-03-14\nauthor: bob"),
    }
    build = sphinx_build(sites.make(files), tmp_path / "out")
    assert build.returncode != 0
    for expected in ("posts/2024/one.md:2: ERROR", "posts/2024/one.md:3: ERROR", "posts/2024/two.md:3: ERROR"):
        assert expected in build.log
    assert "3 problems in the essays above; nothing was built." in build.log


def test_lists_and_single_strings_for_tags_and_categories(sites, tmp_path):
    files = {
        "posts/2024/lists.md": post("date: 2024-03-14\ncategory: [Reflections, Letters]\ntags: [first tag, second]"),
        "posts/2024/strings.md": post("date: 2024-03-15\ncategory: Letters\ntags: solo", "\n# Strings\n\nText.\n"),
    }
    build = sphinx_build(sites.make(files), tmp_path / "out")
    assert build.returncode == 0, build.log
    for page in ("essays/category/reflections.html", "essays/category/letters.html", "essays/tag/first-tag.html"):
        assert build.exists(page), page
    letters = build.page("essays/category/letters.html").css("ol.essay-list > li > h2")
    assert [a.text().strip() for a in letters] == ["Strings", "A Title"]
    assert build.exists("essays/tag/solo.html")


DRAFT = post("date: 2024-05-01\ndraft: true\ntags: [secret-tag]", "\n# A Private Draft\n\nUnfinished.\n")
SCHEDULED = post("date: 2026-09-01\ntags: [later-tag]", "\n# A Scheduled Essay\n\nComing soon.\n")


def drafts_site(sites):
    return sites.make({"posts/2024/private.md": DRAFT, "posts/2026/later.md": SCHEDULED}, with_essay=True)


def test_production_leaves_drafts_and_scheduled_essays_out_of_everything(sites, tmp_path):
    build = sphinx_build(drafts_site(sites), tmp_path / "out")
    assert build.returncode == 0, build.log
    assert build.log.count("scheduled: posts/2026/later.md will appear in the first build after 2026-09-01") == 1
    assert "draft: posts/2024/private.md is not published" in build.log
    files = build.files()
    assert "essays/drafts.html" not in files
    for name, content in list(files.items()):  # what the e-books hold, uncompressed
        if name.endswith(".epub"):
            with zipfile.ZipFile(io.BytesIO(content)) as book:
                files.update({f"{name}!{entry}": book.read(entry) for entry in book.namelist()})
    assert len([name for name in files if name.startswith("books/")]) > 10
    for name, content in files.items():  # pages, listings, feeds, search index, e-books, everything
        for leak in (b"Private Draft", b"Scheduled Essay", b"private.html", b"later.html", b"secret-tag", b"later-tag"):
            assert leak not in content, f"{leak!r} in {name}"


def test_preview_shows_drafts_and_scheduled_essays_marked_as_such(sites, tmp_path):
    build = sphinx_build(drafts_site(sites), tmp_path / "out", env={"UNSCRIPTED_PREVIEW": "1"})
    assert build.returncode == 0, build.log
    assert build.exists("posts/2024/private.html") and build.exists("posts/2026/later.html")
    badges = {
        item.css_first("h2").text().strip(): (item.css_first(".draft-badge") or item).text().strip()
        for item in build.page("essays.html").css("ol.essay-list > li")
    }
    assert badges["A Private Draft"] == "Draft"
    assert badges["A Scheduled Essay"] == "Scheduled"
    assert build.page("posts/2024/private.html").css_first(".post-header .draft-badge").text() == "Draft"
    # E-books hold what would be published: neither the draft nor the scheduled essay has one.
    assert not build.page("posts/2024/private.html").css(".essay-books")
    assert build.page("posts/2024/the-quiet-lie.html").css(".essay-books a")
    assert sorted(p.name for p in (tmp_path / "out/books").rglob("*.epub")) == ["the-quiet-lie.epub", "unscripted.epub"]
    with zipfile.ZipFile(tmp_path / "out/books/unscripted.epub") as book:
        assert not [name for name in book.namelist() if "private" in name or "later" in name]


def test_a_scheduled_essay_appears_once_its_date_has_come(sites, tmp_path):
    build = sphinx_build(drafts_site(sites), tmp_path / "out", env={"UNSCRIPTED_NOW": "2026-09-01T00:00:01+01:00"})
    assert build.returncode == 0, build.log
    assert build.exists("posts/2026/later.html")
    assert not build.exists("posts/2024/private.html")
    assert "scheduled:" not in build.log


PNG = bytes.fromhex(  # a 2x1 pixel PNG
    "89504e470d0a1a0a0000000d49484452000000020000000108020000007b40e8dd0000000f"
    "49444154789c63ecd1f76660600000056d0108eedd3c000000000049454e44ae426082"
)


def test_an_essay_image_is_its_social_preview(sites, tmp_path):
    """ABlog reads `image` as a number; ours is a file, used instead of the drawn card."""
    files = {
        "posts/2024/pictured.md": post("date: 2024-03-14\nimage: cover.png"),
        "posts/2024/cover.png": PNG,
    }
    build = sphinx_build(sites.make(files), tmp_path / "out")
    assert build.returncode == 0, build.log
    assert build.files()["social/posts/2024/pictured.png"] == PNG
    page = build.page("posts/2024/pictured.html")
    image = page.css_first('meta[property="og:image"]').attributes["content"]
    assert image.endswith("/social/posts/2024/pictured.png")
    assert page.css_first('meta[property="og:image:width"]').attributes["content"] == "2"
    assert page.css_first('meta[property="og:image:height"]').attributes["content"] == "1"


def test_numbers_and_hashes_are_fine_in_labels_and_titles(sites, tmp_path):
    files = {"posts/2024/numbers.md": post("date: 2024-03-14\ntags: [2024, C#]", "\n# Notes on C#\n\nText.\n")}
    build = sphinx_build(sites.make(files), tmp_path / "out")
    assert build.returncode == 0, build.log
    assert build.exists("essays/tag/2024.html")
    assert build.page("posts/2024/numbers.html").css_first("h1").text(deep=False).strip() == "Notes on C#"


def test_a_site_with_no_essays_yet_still_has_every_destination(sites, tmp_path):
    build = sphinx_build(sites.make({}), tmp_path / "out")
    assert build.returncode == 0, build.log
    for page in (
        "essays.html",
        "essays/tag.html",
        "essays/archive.html",
        "essays/category.html",
        "books/unscripted.epub",
    ):
        assert build.exists(page), page
    assert "Nothing here yet" in build.page("essays/tag.html").text()


def test_other_builders_read_the_essays_and_dirhtml_is_refused(sites, tmp_path):
    srcdir = sites.make({}, with_essay=True)
    text = sphinx_build(srcdir, tmp_path / "text", options=("-b", "text", "-W", "--keep-going"))
    assert text.returncode == 0, text.log
    assert (
        "I used to think great sex was a performance." in (tmp_path / "text/posts/2024/the-quiet-lie.txt").read_text()
    )
    dirhtml = sphinx_build(srcdir, tmp_path / "dirhtml", options=("-b", "dirhtml"))
    assert dirhtml.returncode != 0
    assert "Unscripted publishes with the html builder, not dirhtml" in dirhtml.log


def test_an_essay_with_its_own_image_may_have_any_title(sites, tmp_path):
    """No card is drawn for it, so no card font needs the title's characters."""
    files = {
        "posts/2024/pictured.md": post("date: 2024-03-14\nimage: cover.png", "\n# The \U00013080 Eye\n\nText.\n"),
        "posts/2024/cover.png": PNG,
    }
    build = sphinx_build(sites.make(files), tmp_path / "out")
    assert build.returncode == 0, build.log


def test_a_tagline_no_card_font_can_draw_stops_the_build(sites, tmp_path):
    conf = (
        (ROOT / "conf.py")
        .read_text()
        .replace(
            'tagline = "Intimacy, without the performance."',
            'tagline = "Intimacy \u2d5c\u2d49\u2d3c\u2d49\u2d4f\u2d30\u2d56"',
        )
    )
    build = sphinx_build(sites.make({"conf.py": conf}), tmp_path / "out")
    assert build.returncode != 0
    assert "conf.py:1: ERROR: the tagline 'Intimacy" in build.log, build.log
    assert "(U+2D5C TIFINAGH LETTER YAT)" in build.log and "Traceback" not in build.log
    assert not [p for p in (tmp_path / "out").rglob("*") if p.is_file()], "something was published"
