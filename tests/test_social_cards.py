"""The social preview cards: size, determinism, layout and typography in every script, checked
on the shaped glyphs and on the pixels. Pure core: no Sphinx."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import struct
import subprocess
import sys
import unicodedata

import pytest
from bidi import get_display  # python-bidi's Rust implementation: an independent reference
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageColor

from benchmarks.cards import titles
from unscripted.core import cards as social_cards
from unscripted.core.cards import (
    FONTS,
    MARGIN,
    MissingGlyphs,
    draw_card,
    fit_title,
    layout_title,
    missing_glyphs,
    render_card,
    render_site_card,
    shaped_line,
)

from conftest import ROOT

pytestmark = pytest.mark.fast

COLOURS = {"brand": "#8c2f4b", "ink": "#1c1417", "paper": "#ffffff"}
SITE = {"site_name": "Unscripted", "tagline": "Intimacy, without the performance.", "colours": COLOURS, "fonts": FONTS}
PAPER = ImageColor.getrgb(COLOURS["paper"])
BRAND = ImageColor.getrgb(COLOURS["brand"])
TITLE = "The Quiet Lie We\u2019re Sold About Sex (And How I\u2019m Unlearning It)"
# 200 characters of a real-looking title, with the punctuation essays use.
LONG = (
    "\u201cNot tonight\u201d \u2014 what I\u2019ve learned from years of saying no, and hearing it, "
    "and the quiet, awkward, tender conversations\u2026 that followed, and what they taught me about "
    "wanting and being wanted, together."
)
MEDIUM = LONG[:120]
CURLY = "\u2018\u2019\u201c\u201d\u2014\u2013\u2026"

# (title, language): every script the cards promise, emoji, and mixed directions.
SCRIPTS = {
    "latin": ("Notes on Being Seen: What We Hide When We Perform Intimacy for an Audience", None),
    "latin-extended": ("Żółć, Ærø and Đặng Thị: Łódź, Škoda, İstanbul", None),
    "cyrillic": ("Заметки о близости: почему мы прячемся, когда нас наконец видят", "ru"),
    "greek": ("Σημειώσεις για την οικειότητα: τι κρύβουμε όταν μας βλέπουν", "el"),
    "arabic": ("ملاحظات عن القرب: ما نخفيه حين يرانا الآخرون أخيرًا", "ar"),
    "hebrew": ("הערות על קרבה: מה אנחנו מסתירים כשסוף סוף רואים אותנו", "he"),
    "devanagari": ("निकटता पर टिप्पणियाँ: जब कोई हमें सचमुच देखता है तो हम क्या छिपाते हैं", "hi"),
    "chinese": ("关于亲密的笔记：当我们终于被看见时，我们隐藏了什么，又为什么要在别人面前表演", "zh"),
    "japanese": ("親密さについての覚え書き：ようやく誰かに見られたとき、私たちは何を隠すのか", "ja"),
    "korean": ("친밀함에 관한 메모: 마침내 누군가 우리를 볼 때 우리는 무엇을 숨기는가", "ko"),
    "emoji": ("🎉 Party of One 👩🏽\u200d💻 ❤️ 🇯🇵 🏳️\u200d🌈 1️⃣ 👨\u200d👩\u200d👧\u200d👦 ✨", None),
    "mixed": ("Learning to say مرحبا بالعالم in 2024 🌍 (and שלום too)", None),
    "mixed-rtl": ("كتاب «Being Seen» في ٢٠٢٤ — قراءة ثانية 📚", "ar"),
    "cjk-without-language": ("ひらがなと漢字、그리고 한국어, and English", None),
}
RTL = ("arabic", "hebrew", "mixed-rtl")
# Characters no shipped font has: each must fail loudly, never become an empty box.
UNDRAWABLE = {
    "hieroglyph": "The \U00013080 Eye",
    "old hangul": "Ancient \u1100\u119e Hangul",
    "rare hanzi": "Rare \U0002070e hanzi",
    "tifinagh": "Tifinagh \u2d5c\u2d49\u2d3c\u2d49\u2d4f\u2d30\u2d56",
    "private use": "Logo \ue000",
    "mark its letter's font lacks": "Circled x\u20dd",
}


def card(title: str = TITLE, **overrides) -> Image.Image:
    image = Image.open(io.BytesIO(render_card(title, **{**SITE, **overrides})))
    image.load()
    return image.convert("RGB")


def blank(image: Image.Image, box: tuple[int, int, int, int], colour=PAPER) -> bool:
    """Whether every pixel in the box is exactly the colour."""
    region = image.convert("RGB").crop(box)
    return ImageChops.difference(region, Image.new("RGB", region.size, colour)).getbbox() is None


def ink_rows(image: Image.Image, box: tuple[int, int, int, int]) -> list[int]:
    """The rows inside the box holding dark (text) pixels."""
    dark = image.convert("L").crop(box).point(lambda v: 255 if v < 128 else 0)
    return [y for y in range(dark.height) if dark.crop((0, y, dark.width, y + 1)).getbbox()]


def title_ink(image: Image.Image) -> tuple[int, int, int, int]:
    """The bounding box of what the title put on the card: the card minus its background."""
    palette = social_cards.Palette.from_colours(COLOURS)
    background = social_cards.background(SITE["site_name"], SITE["tagline"], palette, FONTS).finish().convert("RGB")
    difference = ImageChops.difference(image.convert("RGB"), background).convert("L")
    box = difference.point(lambda v: 255 if v > 40 else 0).getbbox()
    assert box is not None, "nothing was drawn"
    return box


def first_line_height(image: Image.Image) -> int:
    rows = ink_rows(image, (MARGIN, 150, 1200 - MARGIN, 490))
    height = 1
    while rows[height - 1] + 1 in rows:
        height += 1
    return height


def chunk_types(png: bytes) -> list[bytes]:
    types, offset = [], 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        types.append(png[offset + 4 : offset + 8])
        offset += 12 + length
    return types


def tofu(title: str, language: str | None = None) -> list[str]:
    """What a card would draw as an empty box: clusters whose glyphs are .notdef (id 0) or
    carry no ink at all, on every line of the laid-out title."""
    found = []
    for line in layout_title(title, FONTS, language).lines:
        for run in shaped_line(line):
            inked: dict[int, bool] = {}
            for info in run.buffer.glyph_infos:
                extents = run.face.font.get_glyph_extents(info.codepoint)
                ink = info.codepoint != 0 and extents is not None and extents.width != 0
                inked[info.cluster] = inked.get(info.cluster, False) or ink
            text = line.paragraph.text[run.offset :]
            blank = [text[c] for c, ink in inked.items() if not ink]
            found += [c for c in blank if not c.isspace() and not social_cards.ignorable(ord(c))]
    return found


# -- Every script ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", SCRIPTS)
def test_every_script_draws_without_a_missing_glyph(name):
    title, language = SCRIPTS[name]
    assert missing_glyphs(title, language) == []
    assert tofu(title, language) == []
    # Every character is on the card: the lines hold the whole title, nothing dropped.
    layout = fit_title(title, FONTS, language)
    assert "".join(layout.lines).replace(" ", "") == social_cards.normalise(title).replace(" ", "")


@pytest.mark.parametrize("name", SCRIPTS)
def test_every_script_stays_inside_the_margins_and_the_title_box(name):
    image = card(*SCRIPTS[name][:1], language=SCRIPTS[name][1])
    left, top, right, bottom = title_ink(image)
    assert left >= MARGIN and right <= 1200 - MARGIN, (left, right)
    assert top >= social_cards.RULE_TOP + 4 and bottom <= social_cards.HAIRLINE_TOP, (top, bottom)
    assert blank(image, (social_cards.BAND, 630 - MARGIN, 1200, 630)), "bottom margin"
    assert blank(image, (1200 - MARGIN, 0, 1200, 630)), "right margin"


@pytest.mark.parametrize("name", UNDRAWABLE)
def test_a_character_no_font_has_fails_instead_of_drawing_an_empty_box(name):
    title = UNDRAWABLE[name]
    missing = missing_glyphs(title)
    assert missing and all(character in title for character in missing)
    with pytest.raises(MissingGlyphs) as raised:
        render_card(title, **SITE)
    assert raised.value.characters == missing
    # The error crosses from the card worker to the build intact.
    assert pickle.loads(pickle.dumps(raised.value)).characters == missing


def test_the_tofu_check_can_fail():
    """Source Serif 4 alone has no Arabic: shaped in it, the title is all .notdef."""
    para = social_cards.paragraph("مرحبا", None, FONTS)
    para.faces = [social_cards.typeface(str(FONTS / social_cards.SEMIBOLD))] * len(para.faces)
    with pytest.raises(MissingGlyphs):
        shaped_line(social_cards.Line(para, 0, len(para.spans)))


def test_the_message_says_what_to_do():
    advice = social_cards.missing_glyphs_advice(["\U0002070e"], "the title")
    assert "U+2070E" in advice and "extra-chars.txt" in advice and "make card-fonts" in advice
    advice = social_cards.missing_glyphs_advice(["\U00013080"], "the title")
    assert "EGYPTIAN HIEROGLYPH D010" in advice and "tools/build_card_fonts.py" in advice


def test_invisible_characters_are_not_missing():
    assert missing_glyphs("a\u200db\u200c\ufe0f\u200e\u2066x\u2069\u00ad") == []


# -- Direction ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", RTL)
def test_right_to_left_titles_are_right_aligned(name):
    title, language = SCRIPTS[name]
    _, _, right, _ = title_ink(card(title, language=language))
    assert 1200 - MARGIN - 6 <= right <= 1200 - MARGIN
    # And without a language, the first strong character decides.
    assert title_ink(card(title))[2] == right


def test_left_to_right_titles_are_left_aligned():
    left, _, right, _ = title_ink(card("Short"))
    assert MARGIN <= left <= MARGIN + 6 and right < 600


def test_the_language_sets_the_direction():
    """An Arabic essay whose title starts in Latin is still right to left, and the reverse."""
    title = "Python في الممارسة"
    assert title_ink(card(title))[0] <= MARGIN + 6  # Latin first: left to right
    assert title_ink(card(title, language="ar"))[2] >= 1200 - MARGIN - 6
    assert title_ink(card("שלום world", language="en"))[0] <= MARGIN + 6


@pytest.mark.parametrize(
    "text",
    [
        "Learning to say مرحبا بالعالم in 2024",
        "كتاب Being Seen في 2024",
        "abc שלום 123 עולם def",
        "עברית and English, ועוד",
    ],
)
def test_bidi_order_matches_the_reference(text):
    levels = social_cards.bidi_levels(text, social_cards.base_level(text, None))
    assert "".join(text[i] for i in social_cards.visual_order(levels)) == get_display(text)


def test_runs_are_drawn_in_visual_order():
    """Left to right on the card: the Latin, then the Arabic (its last word leftmost), then the Latin."""
    line = layout_title("Say مرحبا بالعالم in 2024", FONTS).lines[0]
    runs = [(run.text.strip(), run.rtl) for run in shaped_line(line) if run.text.strip()]
    assert runs == [("Say", False), ("مرحبا بالعالم", True), ("in 2024", False)]
    arabic = next(run for run in shaped_line(line) if run.rtl)
    clusters = [info.cluster for info in arabic.buffer.glyph_infos]
    assert clusters == sorted(clusters, reverse=True), "right to left inside the run"
    # In a right-to-left title the order flips: the Latin words sit left of the Arabic they follow.
    line = layout_title("كتاب Being Seen", FONTS).lines[0]
    assert [run.text.strip() for run in shaped_line(line)] == ["Being Seen", "كتاب"]


# -- Shaping ----------------------------------------------------------------------------------


def glyphs(font: str, text: str, language: str) -> tuple[social_cards.Face, list[int]]:
    face = social_cards.typeface(str(FONTS / font))
    rtl = social_cards.base_level(text, language) == 1
    buffer = social_cards.shape(text, 0, len(text), face, rtl, language, (0, len(text)))
    return face, [info.codepoint for info in buffer.glyph_infos]


def test_devanagari_reorders_the_i_matra_and_forms_conjuncts():
    face, drawn = glyphs("NotoSerifDevanagari-SemiBold.ttf", "कि", "hi")
    ka = face.font.get_nominal_glyph(0x0915)
    assert drawn[-1] == ka and drawn[0] != ka  # ि is drawn before क
    face, drawn = glyphs("NotoSerifDevanagari-SemiBold.ttf", "क्ष", "hi")
    assert face.font.get_nominal_glyph(0x094D) not in drawn and len(drawn) == 1  # one conjunct, no virama


def test_arabic_letters_join():
    face, drawn = glyphs("NotoNaskhArabic-SemiBold.ttf", "ببب", "ar")
    assert face.font.get_nominal_glyph(0x0628) not in drawn  # initial, medial, final: never isolated


def test_emoji_sequences_are_single_colour_glyphs():
    face = social_cards.typeface(str(FONTS / social_cards.EMOJI))
    assert face.colour
    for sequence in ["👩🏽\u200d💻", "🏳️\u200d🌈", "🇯🇵", "1️⃣", "👨\u200d👩\u200d👧\u200d👦"]:
        buffer = social_cards.shape(sequence, 0, len(sequence), face, False, None, (0, len(sequence)))
        drawn = [i.codepoint for i, p in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True) if p.x_advance]
        assert 0 not in [info.codepoint for info in buffer.glyph_infos]
        assert len(drawn) == 1, sequence


def test_emoji_are_drawn_in_colour():
    image = card("A party 🎉")
    left, top, right, bottom = title_ink(image)
    colours = {rgb for _, rgb in image.crop((left, top, right, bottom)).getcolors(1 << 16)}
    assert any(max(rgb) - min(rgb) > 100 for rgb in colours), "no saturated colour: not a colour emoji"


def test_cjk_wraps_between_characters_with_kinsoku():
    for name in ("chinese", "japanese"):
        title, language = SCRIPTS[name]
        layout = fit_title(title, FONTS, language)
        assert len(layout.lines) > 1 and "".join(layout.lines) == title
        for line in layout.lines[1:]:
            assert line[0] not in social_cards.NO_START, line
        for line in layout.lines[:-1]:
            assert line[-1] not in social_cards.NO_END, line


def test_a_cjk_line_never_starts_with_a_closing_mark():
    """Fourteen hanzi fill a line at 72px; a greedy break would start the next one with "，"."""
    title = "关于亲密的笔记当我们终于被看" + "，" + "我们隐藏了什么"
    assert social_cards.TEXT_WIDTH // 72 == 14
    layout = fit_title(title, FONTS, "zh")
    assert layout.size == 72 and len(layout.lines) == 2
    assert layout.lines[1].startswith("看，"), layout.lines  # the last hanzi goes down with its comma


def test_latin_and_cjk_share_a_line():
    """Lines break between CJK characters, not only at spaces: the CJK fills the first line."""
    layout = fit_title("Notes 关于亲密的笔记当我们终于被看见时我们隐藏了什么", FONTS, "zh")
    assert layout.lines[0].startswith("Notes 关于亲密")


def test_shaping_follows_the_language():
    """Marathi writes श and ल differently from Hindi: the title's language reaches HarfBuzz."""

    def drawn(language: str) -> list[int]:
        line = layout_title("शल", FONTS, language).lines[0]
        return [glyph for run in shaped_line(line) for glyph in run.glyphs]

    assert drawn("mr") != drawn("hi")


def test_han_characters_follow_the_language():
    def lead(text: str, language: str | None) -> str:
        return social_cards.chain(FONTS, social_cards.SEMIBOLD, text, language)[4].name

    assert lead("漢字", "ja") == social_cards.CJK["ja"]
    assert lead("漢字", "zh-Hans") == social_cards.CJK["zh"]
    assert lead("漢字", None) == social_cards.CJK["zh"]
    assert lead("ひらがなと漢字", None) == social_cards.CJK["ja"]
    assert lead("한국어 漢字", None) == social_cards.CJK["ko"]


# -- Fitting ----------------------------------------------------------------------------------


@pytest.mark.parametrize("title", [LONG, LONG.replace(" ", ""), "W" * 400, "关于亲密" * 40, "ملاحظات " * 40])
def test_long_titles_stay_inside_the_margins(title):
    assert len(title) >= 150
    image = card(title)
    assert blank(image, (1200 - MARGIN, 0, 1200, 630)), "right margin"
    assert blank(image, (social_cards.BAND, 630 - MARGIN, 1200, 630)), "bottom margin"
    assert blank(image, (social_cards.BAND, 0, 1200, MARGIN)), "top margin"
    assert blank(image, (social_cards.BAND, 0, MARGIN, 630)), "left margin, beside the band"
    # The title is there, and reaches across the line rather than stopping short of it.
    assert ink_rows(image, (MARGIN, 150, 1200 - MARGIN, 490))
    assert not blank(image, (1200 - MARGIN - 120, 150, 1200 - MARGIN, 490))
    assert not blank(image, (MARGIN, 150, MARGIN + 120, 490))


@pytest.mark.parametrize(("title", "language"), [(LONG, None), (LONG * 3, None), ("ملاحظات طويلة " * 30, "ar")])
def test_a_title_that_cannot_fit_is_cut_with_an_ellipsis(title, language):
    layout = fit_title(title, FONTS, language)
    assert layout.size == social_cards.TITLE_SIZES[-1]
    assert len(layout.lines) == social_cards.MAX_LINES
    assert layout.lines[-1].endswith("\u2026")
    assert not layout.lines[-1][:-1].endswith((" ", ",")), "cut after a word, not before punctuation"


def test_titles_that_fit_are_neither_cut_nor_shrunk_needlessly():
    assert fit_title("On Trust", FONTS) == (72, ("On Trust",))
    layout = fit_title(TITLE, FONTS)
    assert layout.size == 72
    assert " ".join(layout.lines) == TITLE
    layout = fit_title(MEDIUM, FONTS)
    assert 44 < layout.size < 72
    assert " ".join(layout.lines) == MEDIUM


def test_short_titles_are_drawn_larger_than_long_ones():
    # No descenders in the first line, so its height is the capitals' height.
    short, long = card("On Trust"), card("On Trust " * 20)
    assert first_line_height(short) > 1.4 * first_line_height(long)


def test_curly_punctuation_has_real_glyphs():
    assert missing_glyphs(CURLY) == [] and tofu(CURLY) == []
    assert missing_glyphs(CURLY, fonts=FONTS) == missing_glyphs("\u201c\u201d")
    drawn = card(CURLY)
    assert drawn.tobytes() != card("").tobytes()


# -- The design, and the file -----------------------------------------------------------------


def test_the_brand_colour_is_used():
    def brand_pixels(image: Image.Image, colour: tuple[int, ...]) -> int:
        return {rgb: count for count, rgb in image.getcolors(1200 * 630)}[colour]

    image = card()
    assert blank(image, (0, 0, social_cards.BAND, 630), BRAND), "the band"
    # The band, plus the publication's name and its rule.
    assert brand_pixels(image, BRAND) > social_cards.BAND * 630 + 500
    other = (0x1F, 0x5C, 0x99)
    assert brand_pixels(card(colours={**COLOURS, "brand": "#1f5c99"}), other) > social_cards.BAND * 630


def test_the_name_starts_at_the_top_margin_and_the_tagline_ends_at_the_bottom_one():
    image = card()
    name = ink_rows(image, (MARGIN, 0, 1200 - MARGIN, social_cards.RULE_TOP))
    assert MARGIN <= name[0] <= MARGIN + 1  # the first row may be too faint to count as ink
    tagline = ink_rows(image, (MARGIN, social_cards.HAIRLINE_TOP + 2, 1200 - MARGIN, 630))
    assert 630 - MARGIN - 8 <= social_cards.HAIRLINE_TOP + 2 + tagline[-1] < 630 - MARGIN


@pytest.mark.parametrize("render", [lambda: render_card(TITLE, **SITE), lambda: render_site_card(**SITE)])
def test_cards_are_1200_by_630_palette_pngs_without_metadata(render):
    png = render()
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size, image.mode) == ("PNG", (1200, 630), "P")
    # Nothing but pixels: no time, text or physical-size chunks to vary between builds.
    assert chunk_types(png) == [b"IHDR", b"PLTE", b"IDAT", b"IEND"]
    assert len(image.getcolors()) <= 16
    assert png[24] == 4  # bit depth: 16 colours, 4 bits a pixel
    assert len(png) < 40_000


@pytest.mark.parametrize("name", ["latin", "arabic", "chinese", "emoji"])
def test_the_png_holds_exactly_the_drawn_card(name):
    title, language = SCRIPTS[name]
    drawn = draw_card(title, language=language, **SITE).convert("RGB")
    assert ImageChops.difference(card(title, language=language), drawn).getbbox() is None


def test_cards_look_the_same_as_with_full_antialiasing(monkeypatch):
    """Coverage in 5 steps instead of 256, so a card has 16 colours at most (4 bits a pixel):
    a glyph's edge pixel moves by at most an eighth of the way from paper to ink, by at most
    24 of 255 at the half size at which feeds and timelines show a card, under 0.5 on average.
    (4 steps would move edges by 39 of 255; 32 steps, the cards of before, by 4.)"""
    sample = [TITLE, LONG, *(title for title, _ in SCRIPTS.values())]
    stepped = [draw_card(title, **SITE).convert("RGB") for title in sample]
    monkeypatch.setattr(social_cards, "COVERAGE", list(range(256)))
    monkeypatch.setattr(social_cards, "COVERAGE_STEPS", 256)
    social_cards.background.cache_clear()
    try:
        exact = [draw_card(title, **SITE).convert("RGB") for title in sample]
    finally:
        social_cards.background.cache_clear()
    for title, a, b in zip(sample, stepped, exact, strict=True):
        difference = ImageChops.difference(a, b)
        assert difference.getbbox() is not None, "the steps must change something"
        assert max(high for _, high in difference.getextrema()) <= 255 // 8, title
        as_shown = ImageChops.difference(a.reduce(2), b.reduce(2))
        assert max(high for _, high in as_shown.getextrema()) <= 24, title
        histogram = difference.convert("L").histogram()
        assert sum(level * count for level, count in enumerate(histogram)) / (1200 * 630) < 0.5, title


def test_cards_are_small():
    """Issue 14: 49 KB a card before; 16 colours of the card's own, 4 bits a pixel, keep them
    under a third (22.6 KB with 32 steps of coverage, 14.7 KB with 5, over benchmarks.cards' titles)."""
    sizes = [len(render_card(title, **SITE)) for title in titles(40)]
    assert sum(sizes) / len(sizes) < 16_000


def test_same_inputs_give_the_same_bytes_cached_or_not():
    first = render_card(TITLE, **SITE)
    social_cards.typeface.cache_clear()
    social_cards.background.cache_clear()
    assert render_card(TITLE, **SITE) == first
    assert render_card(TITLE, **SITE) == first
    assert render_card(TITLE + "!", **SITE) != first


def test_same_inputs_give_the_same_bytes_in_another_process():
    """Another interpreter, hash seed and working directory draw every script identically."""
    program = (
        "import hashlib, sys\n"
        "from unscripted.core import cards\n"
        f"site = {dict(SITE, fonts=None)!r}\n"
        "site['fonts'] = cards.FONTS\n"
        f"for title, language in {list(SCRIPTS.values())!r}:\n"
        "    print(hashlib.sha256(cards.render_card(title, language=language, **site)).hexdigest())\n"
    )
    environment = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT), "TZ": "Asia/Tokyo"}
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=environment, cwd="/", check=False
    )
    assert result.returncode == 0, result.stderr
    here = [hashlib.sha256(render_card(t, language=lang, **SITE)).hexdigest() for t, lang in SCRIPTS.values()]
    assert result.stdout.split() == here


def test_the_static_part_is_drawn_once_for_many_cards():
    social_cards.background.cache_clear()
    for number in range(3):
        render_card(f"{TITLE} {number}", **SITE)
    info = social_cards.background.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_the_site_card_shows_the_name_and_tagline_in_the_colours():
    png = render_site_card(**SITE)
    assert png == render_site_card(**SITE)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert blank(image, (0, 0, social_cards.BAND, 630), BRAND)
    assert blank(image, (1200 - MARGIN, 0, 1200, 630))
    assert blank(image, (social_cards.BAND, 630 - MARGIN, 1200, 630))
    name = ink_rows(image, (MARGIN, MARGIN, 1200 - MARGIN, 340))
    assert len(name) > 90, "the name, large"
    assert png != render_site_card(**{**SITE, "tagline": "Something else."})


@pytest.mark.parametrize(("name", "tagline"), [("Без сценария", "Близость без представления."), ("بلا نص", "حميمية")])
def test_the_name_and_tagline_may_be_in_any_script(name, tagline):
    site = {**SITE, "site_name": name, "tagline": tagline}
    assert missing_glyphs(name) == missing_glyphs(tagline) == []
    image = Image.open(io.BytesIO(render_site_card(**site))).convert("RGB")
    assert not blank(image, (MARGIN, 150, 1200 - MARGIN, 460))
    image = card(**{k: v for k, v in site.items() if k != "fonts"})
    assert blank(image, (1200 - MARGIN, 0, 1200, 630))


def test_the_card_fonts_are_not_published_and_have_their_licences():
    assert FONTS == ROOT / "unscripted" / "fonts"
    for font in FONTS.glob("*.ttf"):
        assert (FONTS / "licenses" / f"{font.stem}.OFL.txt").is_file(), font.name
    assert not list((ROOT / "unscripted" / "static").rglob("*.ttf"))


def test_unicode_names_in_messages():
    assert social_cards.describe("\U00013080") == f"'\U00013080' (U+13080 {unicodedata.name(chr(0x13080))})"


@settings(max_examples=60, deadline=None)
@given(
    colours=st.integers(min_value=1, max_value=256),
    size=st.tuples(st.integers(min_value=1, max_value=37), st.integers(min_value=1, max_value=9)),
    seed=st.integers(min_value=0, max_value=2**16),
)
def test_a_palette_png_holds_exactly_its_image_at_any_depth(colours, size, seed):
    """Any palette size (1, 2, 4 or 8 bits a pixel), any width (rows that end mid-byte)."""
    import random

    from unscripted.core.cards import palette_png

    rng = random.Random(seed)
    image = Image.new("P", size)
    image.frombytes(bytes(rng.randrange(colours) for _ in range(size[0] * size[1])))
    image.putpalette([rng.randrange(256) for _ in range(3 * colours)])
    decoded = Image.open(io.BytesIO(palette_png(image)))
    assert decoded.size == size
    assert decoded.convert("RGB").tobytes() == image.convert("RGB").tobytes()
    assert decoded.info.get("transparency") is None
