"""Web fonts: every script an essay may use has an intentional face, and a page downloads
only the cuts its text needs (an English page: the latin ones it always had)."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, sphinx_build

CSS = ROOT / "_static" / "unscripted.css"
WEB_FONTS = ROOT / "unscripted" / "static" / "fonts"
LATIN = {f"source-serif-4-latin-{weight}-{style}.woff2" for weight in (400, 600) for style in ("normal", "italic")}
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
    assert families == {"Source Serif 4", "Noto Naskh Arabic", "Noto Serif Hebrew", "Noto Serif Devanagari"}
    for family in families:
        assert (WEB_FONTS / f"{family.replace(' ', '')}-OFL.txt").is_file(), family
    # Every style today's essays use, in every cut of Source Serif 4.
    serif = [face for face in faces if face["font-family"] == '"Source Serif 4"']
    assert len(serif) == 6 * 4
    # Scripts without italics: the italic face is the upright file, so emphasis never fakes a slant.
    for face in faces:
        if face["font-family"] != '"Source Serif 4"' and face["font-style"] == "italic":
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


def test_english_pages_download_no_extra_font(site, served_site, browser):
    for path in site.html_pages:
        assert fonts_requested(browser, served_site + path) <= LATIN, path


def test_each_script_brings_its_own_face_and_nothing_else(sites, tmp_path, browser):
    from tools import serve

    body = "\n\n".join(["# Many Scripts", "An English paragraph.", *SAMPLES.values(), "*مرحبا بالعالم*"])
    essay = f"---\ndate: 2024-03-14\n---\n\n{body}\n"
    build = sphinx_build(sites.make({"posts/2024/scripts.md": essay}), tmp_path / "out")
    assert build.returncode == 0, build.log
    with serve(tmp_path / "out") as url:
        requested = fonts_requested(browser, url + "posts/2024/scripts.html")
    assert set(SAMPLES) <= requested
