"""Web fonts: every script an essay may use has an intentional face, and a page downloads
only the cuts its text needs (an English page: the latin ones it always had)."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, sphinx_build

CSS = ROOT / "_static" / "unscripted.css"
WEB_FONTS = ROOT / "unscripted" / "static" / "fonts"
FIRST_SCREEN = {f"unscripted-serif-latin-core-{w}-{s}.woff2" for w in (400, 600) for s in ("normal", "italic")}
LATIN = FIRST_SCREEN | {name.replace("-core-", "-more-") for name in FIRST_SCREEN}
SAMPLES = {  # a paragraph in each script, and the file it must bring
    "source-serif-4-cyrillic-400-normal.woff2": "Заметки о близости и о том, как нас видят.",
    "source-serif-4-greek-400-normal.woff2": "Σημειώσεις για την οικειότητα.",
    "source-serif-4-vietnamese-400-normal.woff2": "Những ghi chép về sự gần gũi.",
    "source-serif-4-latin-ext-400-normal.woff2": "Łódź, Żółć i Škoda.",
    "noto-naskh-arabic-arabic-400-normal.woff2": "ملاحظات عن القرب.",
    "noto-serif-hebrew-hebrew-400-normal.woff2": "הערות על קרבה.",
    "noto-serif-devanagari-devanagari-400-normal.woff2": "निकटता पर टिप्पणियाँ।",
}


def font_faces() -> list[dict[str, str]]:
    faces = []
    for block in re.findall(r"@font-face\s*{([^}]*)}", CSS.read_text()):
        faces.append(dict(re.findall(r"([a-z-]+):\s*([^;]+);", block)))
    return faces


@pytest.mark.fast
def test_every_face_is_served_licensed_and_limited_to_its_characters():
    faces = font_faces()
    used = {re.search(r'url\("fonts/([^"]+)"\)', face["src"]).group(1) for face in faces}
    assert used == {path.name for path in WEB_FONTS.glob("*.woff2")}, "a face without a file, or a file no face uses"
    assert all("unicode-range" in face and face["font-display"] == "swap" for face in faces)
    families = {face["font-family"].strip('"') for face in faces}
    assert families == {"Unscripted Serif", "Noto Naskh Arabic", "Noto Serif Hebrew", "Noto Serif Devanagari"}
    for family in families - {"Unscripted Serif"}:
        assert (WEB_FONTS / f"{family.replace(' ', '')}-OFL.txt").is_file(), family
    assert (WEB_FONTS / "SourceSerif4-OFL.txt").is_file()
    # Every style today's essays use, in every cut of Source Serif 4 (Latin split in two).
    serif = [face for face in faces if face["font-family"] == '"Unscripted Serif"']
    assert len(serif) == 7 * 4
    # Scripts without italics: the italic face is the upright file, so emphasis never fakes a slant.
    for face in faces:
        if face["font-family"] != '"Unscripted Serif"' and face["font-style"] == "italic":
            assert "-normal.woff2" in face["src"], face


def fonts_requested(browser, url: str) -> set[str]:
    context = browser.new_context()
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(url, wait_until="networkidle")
        page.evaluate("document.fonts.ready.then(() => true)")
    finally:
        context.close()
    return {u.rsplit("/", 1)[1] for u in requested if u.endswith(".woff2")}


def codepoints(unicode_range: str) -> set[int]:
    points = set()
    for span in unicode_range.replace("U+", "").split(","):
        first, _, last = span.strip().partition("-")
        points |= set(range(int(first, 16), int(last or first, 16) + 1))
    return points


@pytest.mark.fast
def test_the_split_latin_cut_is_renamed_and_serves_exactly_its_range():
    """Source Serif 4's Latin cut, split for the first screen (tools/build_card_fonts.py): a
    modified font may not carry the Reserved Font Name; each file holds exactly the characters
    its face claims; the two halves together are the whole cut."""
    from fontTools.ttLib import TTFont

    faces = {re.search(r'fonts/([^"]+)"', face["src"]).group(1): face for face in font_faces()}
    for name in sorted(LATIN):
        font = TTFont(WEB_FONTS / name)
        names = {record.nameID: record.toUnicode() for record in font["name"].names}
        assert "Source" not in "".join(text for key, text in names.items() if key != 0), names
        assert names[1].startswith("Unscripted Serif") and names[16 if 16 in names else 1] == "Unscripted Serif", names
        assert "Reserved Font Name" in names[0], "the copyright notice stays"
        assert set(font.getBestCmap()) == codepoints(faces[name]["unicode-range"]), name
        half = name.replace("-core-", "-more-") if "-core-" in name else name.replace("-more-", "-core-")
        assert not codepoints(faces[name]["unicode-range"]) & codepoints(faces[half]["unicode-range"])
    core = codepoints(faces["unscripted-serif-latin-core-400-normal.woff2"]["unicode-range"])
    assert set(range(0x20, 0x7F)) | {ord(char) for char in "“”‘’–—…"} <= core


def test_english_pages_download_no_extra_font(site, served_site, browser):
    for path in site.html_pages:
        assert fonts_requested(browser, served_site + path) <= LATIN, path
    for path in ("index.html", "posts/2024/the-quiet-lie.html", "essays/tag/intimacy.html"):
        preloaded = {link.attributes["href"].rsplit("/", 1)[1] for link in site.page(path).css('link[rel="preload"]')}
        assert preloaded == {f"unscripted-serif-latin-core-{weight}-normal.woff2" for weight in (400, 600)}, path
        assert fonts_requested(browser, served_site + path) <= FIRST_SCREEN, path


def test_each_script_is_drawn_in_its_own_face(sites, tmp_path, browser):
    """Chromium's own account of the fonts it drew each paragraph with (DevTools' platform fonts)."""
    from tools import serve

    body = "\n\n".join(["# Many Scripts", "An English paragraph.", *SAMPLES.values(), "*بالعالم*", "بالعالم"])
    essay = f"---\ndate: 2024-03-14\n---\n\n{body}\n"
    build = sphinx_build(sites.make({"posts/2024/scripts.md": essay}), tmp_path / "out")
    assert build.returncode == 0, build.log
    context = browser.new_context()
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url.rsplit("/", 1)[1]))
    try:
        with serve(tmp_path / "out") as url:
            page.goto(url + "posts/2024/scripts.html", wait_until="networkidle")
            page.evaluate("document.fonts.ready.then(() => true)")
            emphasis, plain = (paragraph.screenshot() for paragraph in page.locator("article section > p").all()[-2:])
        devtools = context.new_cdp_session(page)
        devtools.send("DOM.enable")
        devtools.send("CSS.enable")
        root = devtools.send("DOM.getDocument")["root"]["nodeId"]
        drawn = {}
        for node in devtools.send("DOM.querySelectorAll", {"nodeId": root, "selector": "article section > p"})[
            "nodeIds"
        ]:
            text = devtools.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
            fonts = devtools.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            # The face that drew most of the paragraph's glyphs (spaces and punctuation may be Latin).
            drawn[re.sub(r"<[^>]+>", "", text)] = max(fonts, key=lambda font: font["glyphCount"])["postScriptName"]
    finally:
        context.close()
    assert set(SAMPLES) <= set(requested)
    assert emphasis == plain, "Arabic emphasis is drawn slanted"
    expected = {
        "An English paragraph.": "UnscriptedSerif-Regular",
        **{text: "SourceSerif4-Regular" for name, text in SAMPLES.items() if name.startswith("source-serif")},
        # Mostly ASCII letters, drawn from the Latin cut; the accented ones from their own cut.
        SAMPLES["source-serif-4-latin-ext-400-normal.woff2"]: "UnscriptedSerif-Regular",
        SAMPLES["source-serif-4-vietnamese-400-normal.woff2"]: "UnscriptedSerif-Regular",
        SAMPLES["noto-naskh-arabic-arabic-400-normal.woff2"]: "NotoNaskhArabic-Regular",
        SAMPLES["noto-serif-hebrew-hebrew-400-normal.woff2"]: "NotoSerifHebrew-Regular",
        SAMPLES["noto-serif-devanagari-devanagari-400-normal.woff2"]: "NotoSerifDevanagari-Regular",
        "بالعالم": "NotoNaskhArabic-Regular",  # emphasised or not: upright, never a slanted fake
    }
    assert drawn == expected


@pytest.mark.fast
def test_every_published_font_is_covered_by_one_licence():
    """``FONT_LICENCES`` (write/assets.py) names every licence shipped, and each font shipped is
    covered by exactly one: a licence is published while a font it covers is."""
    from unscripted.write.assets import FONT_LICENCES

    static = ROOT / "unscripted" / "static"
    shipped = {f"_static/{p.relative_to(static).as_posix()}" for p in static.rglob("*") if p.is_file()}
    assert {name for name in shipped if "OFL" in name} == set(FONT_LICENCES)
    for font in (name for name in shipped if name.endswith(".woff2")):
        assert sum(font.startswith(covered) for covered in FONT_LICENCES.values()) == 1, font


def published_static(tmp_path, pages: dict[str, str]) -> set[str]:
    """What ``unused_fonts_and_sheets`` leaves of a small output: a sheet with a Latin and a
    Hebrew face, one for math without a range, the code colours, licences, and *pages*."""
    from unscripted.write.assets import unused_fonts_and_sheets, what_pages_load_and_show

    files = {
        "_static/site.css": '@font-face { src: url("fonts/latin.woff2"); unicode-range: U+0020-007E, U+00A0; }\n'
        "@font-face{src:url(fonts/noto-serif-hebrew-hebrew-400-normal.woff2);unicode-range:U+0590-05FF}\n"
        'a::after { content: " →"; }',
        "_static/math/math.css": '@font-face { src: url("LibertinusMath-Regular.woff2"); }',
        "_static/pygments.css": ".highlight { color: red }",
        "_static/fonts/latin.woff2": "",
        "_static/fonts/noto-serif-hebrew-hebrew-400-normal.woff2": "",
        "_static/fonts/NotoSerifHebrew-OFL.txt": "",
        "_static/math/LibertinusMath-Regular.woff2": "",
        "_static/math/OFL.txt": "",
        **pages,
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    linked, shown = what_pages_load_and_show(tmp_path)
    unused = unused_fonts_and_sheets(tmp_path, linked, shown)
    return {name for name in files if name.startswith("_static/")} - unused


SHEET = '<link rel="stylesheet" href="../_static/site.css?v=1">'
HEBREW = {"fonts/noto-serif-hebrew-hebrew-400-normal.woff2", "fonts/NotoSerifHebrew-OFL.txt"}
MATH = {"math/math.css", "math/LibertinusMath-Regular.woff2", "math/OFL.txt"}


@pytest.mark.fast
@pytest.mark.parametrize(
    ("page", "published"),
    [
        (f"{SHEET}<p>Plain words, “quoted” →</p>", set()),
        (f"{SHEET}<p>שלום</p>", HEBREW),
        (f"{SHEET}<p>&#x5e9;&#1500;</p>", HEBREW),  # as character references
        (f'{SHEET}<link rel="stylesheet" href="../_static/math/math.css"><math><mi>x</mi></math>', MATH),
        (f'{SHEET}<link rel="stylesheet" href="../_static/pygments.css"><pre>x</pre>', {"pygments.css"}),
    ],
)  # fmt: skip
def test_a_font_or_style_sheet_is_published_only_if_some_page_can_use_it(tmp_path, page, published):
    found = published_static(tmp_path, {"posts/a.html": page, "index.html": f"{SHEET}<p>Home</p>"})
    assert found == {"_static/site.css", "_static/fonts/latin.woff2"} | {f"_static/{name}" for name in published}
