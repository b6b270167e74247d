"""Search on built sites: the index holds exactly the published essays and the about page,
a build rewrites only what changed, and the search page finds essays in every script in a
real browser, under the site's policy, from this site only."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from unscripted.core import search

from conftest import BASE_PATH, ROOT, built_site, sphinx_build
from tools import serve

ESSAY = (ROOT / "posts/2024/the-quiet-lie.md").read_text(encoding="utf-8")


def post(front: str, body: str) -> str:
    return f"---\n{front.strip()}\n---\n{body}"


# One made-up word each, found nowhere else.
PUBLISHED = post(
    "date: 2024-05-02\ntags: [found-tag]",
    "\n# A Findable Essay\n\nA word only this essay has: quillwort.\n\n## Second thoughts\n\nMore text.\n",
)
THAI = post("date: 2024-06-01\nlanguage: th", "\n# Thai Notes\n\nความเงียบระหว่างเรา ไม่ใช่ระยะห่าง\n")
DRAFT = post("date: 2024-05-01\ndraft: true", "\n# A Private Draft\n\nA word only the draft has: zanthoxyl.\n")
SCHEDULED = post("date: 2026-09-01", "\n# A Scheduled Essay\n\nA word only the scheduled essay has: marrowfat.\n")
SECRET = (b"zanthoxyl", b"marrowfat", b"private.html", b"later.html", b"Private Draft", b"Scheduled Essay")
FILES = {
    "posts/2024/findable.md": PUBLISHED,
    "posts/2024/thai-notes.md": THAI,
    "posts/2024/private.md": DRAFT,
    "posts/2026/later.md": SCHEDULED,
}


def index_files(outdir: Path) -> dict[str, bytes]:
    folder = outdir / search.INDEX_FOLDER
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def records(outdir: Path) -> list[list]:
    """Every record, in the index's numbering."""
    folder = outdir / search.INDEX_FOLDER
    directory = json.loads((folder / search.DIRECTORY).read_bytes())
    return [record for name in directory["groups"] for record in json.loads((folder / f"d/{name}.json").read_bytes())]


def postings(outdir: Path) -> dict[str, list[int]]:
    """term -> document numbers, from every shard."""
    found = {}
    for path, content in index_files(outdir).items():
        if path.startswith("t/"):
            for line in content.decode().splitlines():
                term, numbers, *_ = line.split("\t")
                found[term] = search.read_postings(numbers)
    return found


@pytest.fixture(scope="module")
def drafts(tmp_path_factory):
    return built_site(tmp_path_factory, "search", FILES)


def test_the_index_holds_exactly_the_published_essays_and_the_about_page(drafts):
    found = records(drafts.outdir)
    assert [record[0] for record in found] == [
        "about.html",  # undated pages first, then essays oldest first
        "posts/2024/the-quiet-lie.html",
        "posts/2024/findable.html",
        "posts/2024/thai-notes.html",
    ]
    assert found[0] == ["about.html", "About", None, None, found[0][4]]
    assert found[0][4].startswith("Unscripted is a small, personal publication")
    assert found[2] == [
        "posts/2024/findable.html",
        "A Findable Essay",
        "2024-05-02",  # the date as written
        "2 May 2024",
        "A word only this essay has: quillwort.",
    ]
    assert found[3][5:] == ["th"]  # its language (left to right: no direction)
    assert not (drafts.outdir / "searchindex.js").exists(), "Sphinx's own index is off"


def test_drafts_and_scheduled_essays_are_in_no_index_file(drafts):
    files = index_files(drafts.outdir)
    assert len(files) >= 3
    for secret in SECRET:
        assert not [name for name, content in files.items() if secret in content], secret
    # The check can fail: the published essay's word and title are there.
    assert [name for name, content in files.items() if b"quillwort" in content]
    assert [name for name, content in files.items() if b"A Findable Essay" in content]


def test_the_essays_text_is_indexed_not_what_the_page_adds(drafts):
    terms = postings(drafts.outdir)
    assert terms["quillwort"] == [2]
    assert terms["second"] == [2]  # a heading
    assert terms["findable"] == [2]  # the title
    assert terms["เง"] == terms["ยบ"] == [3]  # Thai, as pairs of characters
    for chrome in ("found", "min", "older", "newer", "related"):  # its tag, byline, what follows it
        assert chrome not in terms, chrome


def test_preview_searches_the_published_essays_only_and_says_so(sites, tmp_path):
    srcdir = sites.make({"posts/2024/private.md": DRAFT}, with_essay=True)
    build = sphinx_build(srcdir, tmp_path / "out", env={"UNSCRIPTED_PREVIEW": "1"})
    assert build.returncode == 0, build.log
    assert build.exists("posts/2024/private.html")  # the preview shows the draft...
    files = index_files(build.outdir)
    assert [name for name, content in files.items() if b"unlearning" in content]
    assert not [name for name, content in files.items() if b"zanthoxyl" in content]  # ...search does not
    page = build.page("search.html")
    assert "drafts and scheduled essays are not in the index" in page.css_first("article").text()
    assert page.css('script[src*="unscripted-search.js"]')


def test_a_build_rewrites_only_the_index_files_that_changed(sites, tmp_path):
    srcdir = sites.make({"posts/2024/findable.md": PUBLISHED}, with_essay=True)
    out, doctrees = tmp_path / "out", tmp_path / "doctrees"

    def build():
        result = sphinx_build(srcdir, out, doctreedir=doctrees)
        assert result.returncode == 0, result.log
        return {p.as_posix(): (p.stat().st_mtime_ns, p.read_bytes()) for p in (out / "search-index").rglob("*.*")}

    first = build()
    time.sleep(0.01)
    assert build() == first  # nothing changed: not one file rewritten
    # An edit: the shards of the words it touched and its group of records; the rest untouched.
    path = srcdir / "posts/2024/findable.md"
    path.write_text(path.read_text().replace("quillwort", "bladderwrack"))
    second = build()
    directory = (out / "search-index" / search.DIRECTORY).as_posix()
    assert first[directory] != second[directory]  # the directory names the new files
    kept = first.keys() & second.keys() - {directory}
    assert kept and all(first[name] == second[name] for name in kept)
    assert 1 <= len(second.keys() - first.keys()) <= 4, sorted(second.keys() - first.keys())
    assert len(first.keys() - second.keys()) == len(second.keys() - first.keys())  # old ones removed
    contents = b"".join(content for _, content in second.values())
    assert b"bladderwrack" in contents and b"quillwort" not in contents
    # A file missing from the build's folder is made again (the same bytes: its name is their hash).
    missing = next(name for name in second if "/t/" in name)
    staged = tmp_path / "out.staging" / Path(missing).relative_to(out)
    staged.unlink()
    third = build()
    assert third.keys() == second.keys()
    assert third[missing][1] == second[missing][1]
    assert {n: v for n, v in third.items() if n != missing} == {n: v for n, v in second.items() if n != missing}


# -- In a browser ------------------------------------------------------------------------------------


def open_context(browser, **options):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    context.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    return context


def watch(page) -> tuple[list[str], list[str]]:
    requests, problems = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return requests, problems


def submit(page, query: str) -> list[dict]:
    """Search from the page's own form; what the results show."""
    page.fill("#search-page-query", query)
    page.press("#search-page-query", "Enter")
    # A selector, not wait_for_function: its predicate is eval'd in the page, which the policy forbids.
    page.wait_for_selector(
        f"#search-results[data-state=done][data-query={json.dumps(query, ensure_ascii=False)}]", timeout=20_000
    )
    return shown(page)


def shown(page) -> list[dict]:
    items = []
    for item in page.query_selector_all("#search-results li"):
        heading = item.query_selector("h2")
        link = heading.query_selector("a")
        items.append(
            {
                "href": link.get_attribute("href"),
                "title": link.inner_text(),
                "lang": heading.get_attribute("lang"),
                "dir": heading.get_attribute("dir"),
            }
        )
    return items


def test_searching_the_real_site(site, served_site, browser):
    word = "airbrushed"
    assert word in ESSAY
    context = open_context(browser)
    page = context.new_page()
    requests, problems = watch(page)
    try:
        # The sidebar's search box sends the query to the search page.
        page.goto(served_site + "about.html", wait_until="load")
        page.fill("input.sidebar-search", word)
        page.press("input.sidebar-search", "Enter")
        page.wait_for_selector("#search-results[data-state=done]", timeout=20_000)
        assert urlsplit(page.url).path == BASE_PATH + "search.html"
        results = page.query_selector_all("#search-results li")
        assert len(results) == 1
        link = results[0].query_selector("h2 a")
        assert link.get_attribute("href") == BASE_PATH + "posts/2024/the-quiet-lie.html"
        assert link.inner_text().startswith("The Quiet Lie")
        assert results[0].query_selector("time").get_attribute("datetime").startswith("2024-03-14")
        assert results[0].query_selector("time").inner_text() == "14 March 2024"
        assert page.inner_text("#search-status") == f"1 result for “{word}”."
        # The page's own form; the address keeps the query; the about page is found too.
        hrefs = [item["href"] for item in submit(page, "pen name")]
        assert hrefs == [BASE_PATH + "about.html"]
        assert "q=pen+name" in page.url
        # A word no essay holds is named; the other words still find their essays.
        submit(page, "intimacy xylophonic")
        assert page.inner_text("#search-status").startswith("No essay holds “xylophonic”; ")
        assert page.query_selector_all("#search-results li")
        # The result is a working link, followed with the keyboard.
        submit(page, "pen name")
        page.focus(f'#search-results a[href="{BASE_PATH}about.html"]')
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/about\.html$"))
        problems += [f"CSP blocked {v}" for v in page.evaluate("window.__violations")]
    finally:
        context.close()
    assert not problems, "\n".join(problems)
    origin = served_site.split(BASE_PATH)[0]
    assert [url for url in requests if not url.startswith(origin + BASE_PATH)] == []
    assert any("/search-index/t/" in url for url in requests), "the index was read"


@pytest.fixture(scope="module")
def served_multilingual(multilingual):
    with serve(multilingual.outdir, BASE_PATH) as url:
        yield url


@pytest.mark.parametrize(
    ("query", "docname", "lang", "direction"),
    [
        ("言葉", "posts/2024/kotoba-no-mae-ni", "ja", None),
        ("慢慢说", "posts/2025/man-man-shuo", "zh-Hans", None),
        ("고백", "posts/2025/seotun-gobaek", "ko", None),
        ("نقوله", "posts/2025/ma-la-naquluhu", "ar", "rtl"),
        ("ТИШИНА", "posts/2024/tishina-vdvoyom", "ru", None),  # any case
    ],
)
def test_essays_in_every_script_are_found(multilingual, served_multilingual, browser, query, docname, lang, direction):
    context = open_context(browser)
    page = context.new_page()
    requests, problems = watch(page)
    try:
        page.goto(served_multilingual + "search.html", wait_until="load")
        results = submit(page, query)
        problems += [f"CSP blocked {v}" for v in page.evaluate("window.__violations")]
        excerpt = page.query_selector("#search-results li .essay-excerpt")
        excerpt_language = (excerpt.get_attribute("lang"), excerpt.get_attribute("dir"))
    finally:
        context.close()
    assert not problems, "\n".join(problems)
    # The essay with the word in its title comes first, in its own language and direction.
    assert results[0] == {
        "href": f"{BASE_PATH}{docname}.html",
        "title": results[0]["title"],
        "lang": lang,
        "dir": direction,
    }
    assert excerpt_language == (lang, direction)
    origin = served_multilingual.split(BASE_PATH)[0]
    assert [url for url in requests if not url.startswith(origin + BASE_PATH)] == []


def test_thai_is_found_by_any_part_of_a_sentence(drafts, browser):
    with serve(drafts.outdir, BASE_PATH) as url:
        context = open_context(browser)
        page = context.new_page()
        try:
            page.goto(url + "search.html?q=" + "เงียบ", wait_until="load")
            page.wait_for_selector("#search-results[data-state=done]", timeout=20_000)
            results = shown(page)
            marks = [mark.inner_text() for mark in page.query_selector_all("#search-results mark")]
        finally:
            context.close()
    assert [(item["href"], item["lang"]) for item in results] == [(BASE_PATH + "posts/2024/thai-notes.html", "th")]
    assert marks == ["เงียบ"]


def test_more_results_moves_the_focus(many, browser):
    with serve(many.outdir, BASE_PATH) as url:
        context = open_context(browser)
        page = context.new_page()
        try:
            page.goto(url + "search.html?q=quiet", wait_until="load")
            page.wait_for_selector("#search-results[data-state=done]", timeout=20_000)
            status = page.inner_text("#search-status")
            total = int(status.split()[0])
            first = shown(page)
            page.click("button.search-more")
            page.wait_for_selector("#search-results li:nth-child(11)", timeout=20_000)
            focused = page.evaluate("document.activeElement.getAttribute('href')")
            after = shown(page)
        finally:
            context.close()
    assert total > 10 and len(first) == 10 and len(after) == min(20, total)
    assert focused == after[10]["href"]
    assert len({item["href"] for item in after}) == len(after)
