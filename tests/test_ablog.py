"""ABlog writers feel at home: their posts build as they are, and an ABlog site moves in with one command.

* A corpus of real-world-shaped ABlog posts (MyST with front matter, MyST with
  ``{post}``, reST with field lists and with ``.. post::``) builds unchanged,
  and every post is published with the title, date, tags and authors ABlog
  itself gave it (``tests/data/ablog/inventory``: ABlog 0.11.13's own record).
* `make import` moves a small ABlog site in (posts in both syntaxes, images, a
  download, links between posts, several authors): the site then builds with
  no edit, and every old address of every post, as ABlog's html and dirhtml
  builders made them, sends a browser to the essay.
* On a site with problems, the report names each with its file and line, and
  the build stops only where the report said it would.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
from lxml import etree
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from conftest import ABLOG, BASE_PATH, DATA, SITE_URL, SiteMaker, sphinx_build
from feed_rules import json_feed_problems, rss_problems

CORPUS = ABLOG / "corpus"
# Each corpus file, and where ABlog's own inventory records it (file, source in that site).
ORIGIN = {
    "posts/2020/first-light.md": ("site-good", "blog/2020/first-light.md"),
    "posts/2020/hello-again.rst": ("site-good", "blog/2020/hello-again.rst"),
    "posts/2020/winter-rhythm.rst": ("site-good", "blog/2020/winter-rhythm.rst"),
    "posts/2021/seed-library.md": ("site-good", "blog/2021/seed-library.md"),
    "posts/2021/bracket-tags.rst": ("corpus-misc", "bracket-tags.rst"),
    "posts/2024/ordinal-date.md": ("corpus-misc", "ordinal-date.md"),
    "posts/2024/year-first-date.md": ("corpus-misc", "year-first-date.md"),
    "posts/2021/external-entry.rst": ("corpus-ablog-docs", "manual/external-entry.rst"),
    "posts/2020/markdown-support.md": ("corpus-ablog-docs", "manual/markdown-support.md"),
    "posts/2026/new-post-template.rst": ("corpus-ablog-docs", "manual/new-post-template.rst"),
    "posts/2023/release-v2-notes.rst": ("corpus-ablog-docs", "release/release-v2-notes.rst"),
}
# The people and places the posts name, as their blogs' conf.py listed them (or should have).
AUTHORS = {
    "mara": "Mara Quinn",
    "tomas": "Tomás Ferreira",
    "jo": "Jo Park",
    "Nadia": "Nadia Ferrante",
    "Chris": "Chris Hollander",
    "lena": "Lena Park",
    "nabeel": "Nabeel Farid",
}
LOCATIONS = {"Lisbon": "Lisbon, Portugal", "Porto": "Porto, Portugal", "World": "Everywhere"}
CONFIGURATION = (
    "\nblog_authors.update({"
    + ", ".join(f"{key!r}: ({name!r}, None)" for key, name in AUTHORS.items())
    + "})\nblog_locations = {"
    + ", ".join(f"{key!r}: ({name!r}, None)" for key, name in LOCATIONS.items())
    + "}\n"
)
LATER = {"UNSCRIPTED_NOW": "2027-01-01T00:00:00+00:00"}  # `ablog post`'s template is dated Dec 01, 2026


def inventory(name: str) -> dict[str, dict]:
    posts = json.loads((ABLOG / "inventory" / f"{name}.json").read_text(encoding="utf-8"))["posts"]
    return {post["source"]: post for post in posts}


def corpus_site(sites: SiteMaker) -> Path:
    files = {path.relative_to(CORPUS).as_posix(): path.read_bytes() for path in CORPUS.rglob("*") if path.is_file()}
    srcdir = sites.make(files)
    with (srcdir / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(CONFIGURATION)
    return srcdir


def feed_items(build) -> dict[str, dict]:
    items = json.loads(build.text("essays/feed.json"))["items"]
    return {item["url"].removeprefix(SITE_URL): item for item in items}


def test_the_corpus_builds_as_it_is_and_agrees_with_ablog(sites, tmp_path):
    srcdir = corpus_site(sites)
    essays = sorted(
        p.relative_to(srcdir).as_posix() for p in (srcdir / "posts").rglob("*.*") if p.suffix in {".md", ".rst"}
    )
    assert essays == sorted(ORIGIN), "every post of the corpus is checked"

    build = sphinx_build(srcdir, tmp_path / "out", env=LATER)
    assert build.returncode == 0, build.log
    assert "draft:" not in build.log and "scheduled:" not in build.log
    items = feed_items(build)
    assert sorted(items) == sorted(f"{path.rsplit('.', 1)[0]}.html" for path in ORIGIN), "nothing silently skipped"
    names = {**AUTHORS, "alex": "Alex Rowan"}
    for path, (record, source) in ORIGIN.items():
        ablog = inventory(record)[source]
        ours = items[f"{path.rsplit('.', 1)[0]}.html"]
        assert ours["title"] == ablog["title"], path
        assert ours["date_published"][:10] == ablog["date"][:10], path
        assert ours["tags"] == [tag for tag in ablog["tags"] if tag], path  # `ablog post`'s empty :tags: is none
        authors = [names.get(author, author) for author in ablog["author"]] or ["Alex Rowan"]  # our default
        assert [author["name"] for author in ours["authors"]] == authors, path
        link = ablog["external_link"]  # ABlog keeps a list, or the text itself
        assert ours.get("external_url") == ((link or [None])[0] if isinstance(link, list) else link), path
    # A link post's entry links out, in every format, and every feed stays valid.
    now = dt.datetime.fromisoformat(LATER["UNSCRIPTED_NOW"])
    assert json_feed_problems(json.loads(build.text("essays/feed.json")), feed_url=SITE_URL + "essays/feed.json",
                              now=now) == []  # fmt: skip
    rss = (build.outdir / "essays/rss.xml").read_bytes()
    assert rss_problems(rss, self_url=SITE_URL + "essays/rss.xml", now=now) == []
    atom = etree.fromstring((build.outdir / "essays/atom.xml").read_bytes())
    grammar = etree.RelaxNG(etree.parse(str(DATA / "atom.rng")))
    assert grammar.validate(atom), grammar.error_log
    entry = next(
        e for e in feedparser.parse(etree.tostring(atom)).entries if e.title == "An entry that lives elsewhere"
    )
    assert entry.link == "https://www.example.org/elsewhere/"
    assert entry.id == SITE_URL + "posts/2021/external-entry.html"
    # ABlog's language, as a tag: `:language: pt`, `language: English` (the site's: no mark).
    assert build.page("posts/2020/winter-rhythm.html").css_first("article div.essay-text").attributes["lang"] == "pt"
    assert build.page("posts/2020/markdown-support.html").css_first("article div.essay-text") is None
    # The byline shows the place, by its blog_locations name.
    byline = build.page("posts/2020/first-light.html").css_first(".post-byline").text()
    assert "in Lisbon, Portugal" in " ".join(byline.split())
    # A link post: its listing links out, its page stays and says where it lives.
    listing = build.page("essays.html").css_first('a[href="https://www.example.org/elsewhere/"]')
    assert listing is not None and listing.text() == "An entry that lives elsewhere"
    assert build.page("posts/2021/external-entry.html").css_first(".post-elsewhere a").attributes["href"] == (
        "https://www.example.org/elsewhere/"
    )
    # ABlog's {post} text is the excerpt; `:excerpt: 2` shows two paragraphs.
    summary = items["posts/2021/seed-library.html"]["summary"]
    assert summary.startswith("Our street now has a seed library")
    # ABlog's automatic labels and its {update}, with a month-name date, still work.
    winter = build.page("posts/2020/winter-rhythm.html")
    assert winter.css_first('a[href="first-light.html"] .std-ref').text() == "First light on the plot"


def test_make_import_moves_an_ablog_site_in_and_it_builds_as_it_comes(imported):
    report = imported.report
    assert "Imported 7 post(s)" in report, report
    assert "Nothing needs a person: `make html` builds the site as imported." in report, report
    assert imported.build.returncode == 0, imported.build.log
    for old, new in [
        ("blog/2021/long-ride/index.md", "posts/2021/long-ride.md"),
        ("blog/2020/winter-rhythm.rst", "posts/2020/winter-rhythm.rst"),
        ("blog/2021/seed-library.md", "posts/2021/seed-library.md"),
    ]:
        assert f"  {old} -> {new}  " in report, report
    srcdir = imported.srcdir
    conf = (srcdir / "conf.py").read_text(encoding="utf-8")
    assert '"mara": ("Mara Quinn", "https://fieldnotes.example.org/about.html"),' in conf
    assert '"tomas": ("Tomás Ferreira", None),' in conf and '"Lisbon": ("Lisbon, Portugal", None),' in conf
    # The folder post became an essay; its image came along; links between posts point to the new files.
    ride = (srcdir / "posts/2021/long-ride.md").read_text(encoding="utf-8")
    assert "![The route](route.png)" in ride and "[seed library](seed-library.md)" in ride
    assert (srcdir / "posts/2021/route.png").read_bytes() == (
        ABLOG / "sites/good/blog/2021/long-ride/route.png"
    ).read_bytes()
    tools = (srcdir / "posts/2022/tool-notes.rst").read_text(encoding="utf-8")
    assert ":doc:`../2021/long-ride`" in tools
    page = imported.build.page("posts/2022/tool-notes.html")
    assert page.css_first('a[href="../2021/long-ride.html"]') is not None
    # Every post as ABlog published it.
    items = feed_items(imported.build)
    for source, ablog in inventory("site-good").items():
        new = next(new for old, new in re.findall(r"  (\S+) -> (\S+)  ", report) if old == source)
        ours = items[new.rsplit(".", 1)[0] + ".html"]
        assert (ours["title"], ours["date_published"][:10]) == (ablog["title"], ablog["date"][:10])
        assert ours["tags"] == ablog["tags"]
        assert {a["name"] for a in ours["authors"]} == {AUTHORS.get(a, a) for a in ablog["author"]}


def fetch(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.geturl(), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, url, ""


def test_every_old_address_of_the_imported_site_sends_readers_to_its_essay(imported):
    from tools import serve

    build = imported.build
    sitemap = build.text("sitemap.xml")
    with serve(build.outdir, BASE_PATH) as base:
        for post in inventory("site-good").values():
            for old in (post["url_html"], post["url_dirhtml"]):
                status, _, html = fetch(base + old)
                assert status == 200, old
                page = HTMLParser(html)
                refresh = page.css_first('meta[http-equiv="refresh"]').attributes["content"]
                delay, _, target = refresh.partition("; url=")
                assert delay == "0" and not re.match(r"[a-z]+:|/", target), refresh  # same site, at once
                assert page.css_first("main a").attributes["href"] == target  # for readers without refreshes
                essay_url = urljoin(base + old, target)
                status, _, essay = fetch(essay_url)
                assert status == 200 and HTMLParser(essay).css_first("h1").text().rstrip("#") == post["title"]
                canonical = page.css_first('link[rel="canonical"]').attributes["href"]
                assert canonical == SITE_URL + essay_url.removeprefix(base)
                assert page.css_first('meta[name="robots"]').attributes["content"] == "noindex"
                assert (
                    "default-src 'self'"
                    in page.css_first('meta[http-equiv="Content-Security-Policy"]').attributes["content"]
                )
                assert old.rstrip("/") not in sitemap, "old addresses are not in the sitemap"


def tree(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def test_importing_again_overwrites_nothing(imported, tmp_path):
    srcdir = imported.srcdir
    before = tree(srcdir / "posts"), (srcdir / "conf.py").read_bytes()
    result = run_import(srcdir, ABLOG / "sites/good")
    assert "Imported 0 post(s)" in result.stdout
    assert "blog/2020/first-light.md: already imported as posts/2020/first-light.md; nothing was overwritten" in (
        result.stdout
    )
    assert (tree(srcdir / "posts"), (srcdir / "conf.py").read_bytes()) == before


def run_import(srcdir: Path, source: Path, today: str = "2026-12-02") -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "unscripted.importer", str(source), "--root", str(srcdir), "--today", today]
    result = subprocess.run(command, capture_output=True, text=True, cwd=srcdir, check=False, timeout=600)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stdout + result.stderr
    return result


# (new file, the text on the reported line, what the report says): every problem of sites/README.md.
PROBLEMS = [
    ("posts/2021/concert-video.md", "<iframe", "an embedded iframe (<iframe>) from another site"),
    ("posts/2021/dance-night.rst", ".. raw:: html", "the raw directive (raw HTML) is not allowed"),
    ("posts/2021/dance-night.rst", "<iframe", "an embedded iframe"),
    ("posts/2021/dance-night.rst", "<video", "an embedded video"),
    ("posts/2021/dance-night.rst", ":doc:`/reading-list`", "a link to reading-list, a page of the old site that was"),
    ("posts/2021/dance-night.rst", ":doc:`/about`", "a link to about, a page of the old site that was not a post"),
    ("posts/2022/soil-maths.md", "../../reading-list.md", "a link to reading-list, a page of the old site"),
    ("posts/2022/soil-maths.md", "../tag/gardening.html", "a link to ../tag/gardening.html, a page of the old"),
    ("posts/2022/soil-maths.md", "{ghissue}`42`", "[issue 42](https://github.com/example/garden-tools/issues/42)"),
    ("posts/2022/repair-log.rst", ":ghissue:`57`", "comes from sphinx.ext.extlinks, which Unscripted does not"),
    ("posts/2024/market-day.rst", ":date: 01/02/2024", "could be 1 February 2024 or 2 January 2024; write 2024-02"),
    ("posts/2024/double.md", "```{post}", "has both front matter (line 1) and a {post} directive"),
]


def reported(report: str) -> set[tuple[str, int]]:
    return {(path, int(line)) for path, line in re.findall(r"^  (posts/\S+?):(\d+): ", report, re.M)}


def build_problems(log: str) -> set[tuple[str, int]]:
    return {(path, int(line)) for path, line in re.findall(r"^(posts/\S+?):(\d+): (?:ERROR|WARNING): ", log, re.M)}


def test_make_import_reports_what_needs_a_person_with_file_and_line(sites, tmp_path):
    srcdir = sites.make({})
    report = run_import(srcdir, ABLOG / "sites/problems").stdout
    for path, marker, says in PROBLEMS:
        lines = (srcdir / path).read_text(encoding="utf-8").split("\n")
        numbers = [number for number, line in enumerate(lines, 1) if marker in line]
        assert numbers, (path, marker)
        for number in numbers:
            entry = next((line for line in report.splitlines() if line.startswith(f"  {path}:{number}: ")), None)
            assert entry is not None and says in entry, (path, number, says, report)
    needs = report.split("Needs a person", 1)[1]
    assert sum(1 for line in needs.splitlines() if line.startswith("  posts/")) == len(reported(report)) == 13
    # What the import decided for the person, each said.
    today_year = 2026
    for line in [
        "blog/2023/scratch.md: matched by blog_post_pattern, but has no details",
        "  blog/2023/Winter_Log.rst -> posts/2023/winter-log.rst  (old addresses: blog/2023/Winter_Log.html, "
        "blog/2023/Winter_Log/)",
        "posts/2023/winter-log.rst: renamed ('Winter_Log' is not a URL slug); its old addresses are aliases",
        "posts/2023/notes-2023.md: renamed (another essay already has the slug 'notes')",
        "  blog/2023/late-summer.md -> posts/2022/late-summer.md",  # filed under its date's year
        "  blog/2024/next-season.md -> posts/2027/next-season.md",  # scheduled, as it was
        f"posts/{today_year}/unfinished.md: the old site's default author written out; undated (a draft in the old "
        "site): dated today and kept a draft",
        "conf.py: 'Dana Whit' was not in the old site's blog_authors; added as 'dana-whit': check the spelling",
        "posts/2022/announcement.md: `redirect` became aliases",
    ]:
        assert line in report, (line, report)
    announcement = (srcdir / "posts/2022/announcement.md").read_text(encoding="utf-8")
    assert 'aliases: ["pages/announcement", "news/announcement", "blog/2022/announcement"]' in announcement
    unfinished = (srcdir / f"posts/{today_year}/unfinished.md").read_text(encoding="utf-8")
    assert "```{post} 2026-12-02\n:tags: tools\n:aliases: blog/2024/unfinished\n:author: mara\n:draft: true\n" in (
        unfinished
    )
    assert '"dana-whit": ("Dana Whit", None),' in (srcdir / "conf.py").read_text(encoding="utf-8")
    assert not (srcdir / "posts/2023/scratch.md").exists()

    # The build stops exactly where the report said: first at the essays' details ...
    listed = reported(report)
    first = sphinx_build(srcdir, tmp_path / "out")
    assert first.returncode != 0 and build_problems(first.log) and build_problems(first.log) <= listed, first.log
    fix_details(srcdir)
    # ... then in the essays' text; nowhere else.
    second = sphinx_build(srcdir, tmp_path / "out")
    assert second.returncode != 0 and build_problems(second.log) and build_problems(second.log) <= listed, second.log
    fix_text(srcdir)
    last = sphinx_build(srcdir, tmp_path / "out")
    assert last.returncode == 0, last.log


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def fix_details(srcdir: Path) -> None:
    """What a person does for the report's first two lines."""
    edit(srcdir / "posts/2024/market-day.rst", ":date: 01/02/2024", ":date: 2024-01-02")
    edit(srcdir / "posts/2024/double.md", "```{post} 2024-06-02\n:tags: drafts\n```\n", "")


def fix_text(srcdir: Path) -> None:
    """... and for the others."""
    video = re.search(r"<iframe.*</iframe>", (srcdir / "posts/2021/concert-video.md").read_text())[0]
    edit(srcdir / "posts/2021/concert-video.md", video, "[The last song](https://www.youtube.com/watch?v=dQw4w9WgXcQ)")
    dance = srcdir / "posts/2021/dance-night.rst"
    text = dance.read_text(encoding="utf-8")
    start, end = text.index(".. raw:: html"), text.index("</video>") + len("</video>\n")
    dance.write_text(text[:start] + "`The dance <https://media.example.org/dance-night.mp4>`__\n" + text[end:])
    edit(dance, ":doc:`/reading-list`", "reading list")
    edit(dance, ":doc:`/about`", ":doc:`/about`")  # this site's own About page is a fine target
    edit(srcdir / "posts/2022/repair-log.rst", ":ghissue:`57`", "`issue 57 <https://github.com/example/issues/57>`__")
    soil = srcdir / "posts/2022/soil-maths.md"
    edit(soil, "{ghissue}`42`", "[issue 42](https://github.com/example/issues/42)")
    edit(soil, "[reading list](../../reading-list.md)", "reading list")
    edit(soil, "[tag page](../tag/gardening.html)", "tag page")


def test_aliases_that_collide_and_unknown_authors_are_refused_once(sites, tmp_path):
    essay = "---\ndate: 2024-03-14\n{}\n---\n\n# A Title\n\nText.\n"
    srcdir = sites.make(
        {
            "posts/2024/first.md": essay.format("aliases: [about, old/x]\nauthor: Dana Whit"),
            "posts/2024/second.md": essay.format("aliases: [old/x.html, posts/2024/first]\nauthor: Dana Whit, kim"),
        },
        with_essay=True,
    )
    build = sphinx_build(srcdir, tmp_path / "out")
    assert build.returncode != 0
    once = (
        r"^posts/2024/first\.md:4: ERROR: 2 unknown authors: 'Dana Whit' in posts/2024/first\.md:4, "
        r"posts/2024/second\.md:4; 'kim' in posts/2024/second\.md:4\."
    )
    assert re.search(once, build.log, re.M), build.log
    assert build.log.count("unknown author") == 1
    assert '"dana-whit": ("Dana Whit", None),' in build.log
    for path, author in (
        ("posts/2024/first.md", "author: Dana Whit"),
        ("posts/2024/second.md", "author: Dana Whit, kim"),
    ):
        (srcdir / path).write_text((srcdir / path).read_text().replace(f"\n{author}", ""))
    build = sphinx_build(srcdir, tmp_path / "out")
    assert "posts/2024/first.md:3: ERROR: the alias 'about' would replace the page about; choose another" in build.log
    assert (
        "posts/2024/second.md:3: ERROR: the alias 'old/x.html' would replace the alias 'old/x' of posts/2024/first.md"
        in build.log
    )
    assert "posts/2024/second.md:3: ERROR: the alias 'posts/2024/first' would replace the page posts/2024/first" in (
        build.log
    )


def test_the_post_directives_text_and_excerpt_counts_make_the_excerpt(sites, tmp_path):
    srcdir = sites.make(
        {
            "posts/2024/hidden.md": (
                "# Hidden\n\n```{post} 2024-03-14\n:exclude:\n\nOnly in listings.\n```\n\nThe page.\n"
            ),
            "posts/2024/shown.rst": "Shown\n=====\n\n.. post:: 2024-03-15\n\n   In both places.\n\nThe rest.\n",
            "posts/2024/two.rst": ":date: 2024-03-16\n:excerpt: 2\n\nTwo\n===\n\nOne.\n\nTwo.\n\nThree.\n",
            "posts/2024/none.md": "---\ndate: 2024-03-17\nexcerpt: 0\n---\n\n# None\n\nNot shown.\n",
            "posts/2024/updated.md": (
                "---\ndate: 2024-03-18\n---\n\n# Updated\n\n```{update} Aug 20, 2024\nMore.\n```\n"
            ),
        }
    )
    build = sphinx_build(srcdir, tmp_path / "out")
    assert build.returncode == 0, build.log
    items = feed_items(build)
    assert items["posts/2024/hidden.html"]["summary"] == "Only in listings."
    hidden = build.page("posts/2024/hidden.html").css_first("article").text()
    assert "Only in listings." not in hidden and "The page." in hidden  # :exclude: keeps it off the page
    assert items["posts/2024/shown.html"]["summary"] == "In both places."
    assert "In both places." in build.page("posts/2024/shown.html").css_first("article").text()
    assert items["posts/2024/two.html"]["summary"] == "One. Two."
    assert items["posts/2024/none.html"]["summary"] == ""
    listing = build.page("essays.html").css_first('a[href="posts/2024/none.html"]').parent.parent
    assert listing.css_first(".essay-excerpt").text().strip() == ""
    assert "Updated on 20 August 2024" in build.page("posts/2024/updated.html").css_first(".update").text()


def test_a_held_back_rest_essays_files_are_its_own(sites, tmp_path):
    """A reST draft is not read, yet the image and download it names are not strays."""
    png = (CORPUS / "posts/2020/frost.png").read_bytes()
    draft = (
        ":date: 2024-03-14\n:draft: true\n\nLater\n=====\n\n.. image:: frost.png\n\n:download:`the plan <plan.csv>`\n"
    )
    files = {"posts/2024/later.rst": draft, "posts/2024/frost.png": png, "posts/2024/plan.csv": "a,b\n"}
    build = sphinx_build(sites.make(files, with_essay=True), tmp_path / "out")
    assert build.returncode == 0, build.log
    assert "draft: posts/2024/later.rst is not published" in build.log
    assert not build.exists("posts/2024/later.html")


def test_a_blog_already_laid_out_like_this_one_keeps_its_addresses(sites, tmp_path):
    """Posts at posts/YYYY/<slug> already: the html address is the essay's own page; only dirhtml's needs one."""
    old = tmp_path / "old"
    (old / "posts/2024").mkdir(parents=True)
    (old / "conf.py").write_text('extensions = ["myst_parser", "ablog"]\nblog_post_pattern = "posts/*/*"\n')
    (old / "index.md").write_text("# Home\n")
    (old / "posts/2024/same-place.md").write_text("---\ndate: May 6, 2024\n---\n\n# Same place\n\nText.\n")
    srcdir = sites.make({})
    report = run_import(srcdir, old).stdout
    assert "  posts/2024/same-place.md -> posts/2024/same-place.md  " in report, report
    assert 'aliases: ["posts/2024/same-place/"]' in (srcdir / "posts/2024/same-place.md").read_text(encoding="utf-8")
    build = sphinx_build(srcdir, tmp_path / "out")
    assert build.returncode == 0, build.log
    assert "url=../same-place.html" in build.text("posts/2024/same-place/index.html")


def test_an_imported_draft_is_dated_the_day_of_the_import(sites):
    srcdir = sites.make({})
    run_import(srcdir, ABLOG / "sites/problems", today=dt.date(2031, 2, 3).isoformat())
    assert "```{post} 2031-02-03\n" in (srcdir / "posts/2031/unfinished.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("conf", sorted((ABLOG / "sites").glob("*/conf.py")), ids=lambda p: p.parent.name)
def test_the_old_configuration_is_read_without_running_it(conf, tmp_path):
    """The importer reads conf.py with ast: a conf that would fail, or do harm, when run is still read."""
    from unscripted.importer import read_conf

    hostile = tmp_path / "conf.py"
    hostile.write_text(
        "import shutil\nshutil.rmtree('/definitely/not/here')\nraise SystemExit('ran')\n" + conf.read_text("utf-8")
    )
    values = read_conf(hostile).values
    assert values["blog_authors"]["tomas"] == ("Tomás Ferreira", None)
    assert values["blog_post_pattern"] == ["blog/*/*.md", "blog/*/*.rst", "blog/*/*/index.md"]
