"""The social preview cards: size, determinism, layout and typography, checked on the pixels."""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image, ImageChops, ImageColor

from unscripted.core import cards as social_cards
from unscripted.core.cards import FONTS, MARGIN, fit_title, render_card, render_site_card

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


def card(title: str = TITLE, **overrides) -> Image.Image:
    image = Image.open(io.BytesIO(render_card(title, **{**SITE, **overrides})))
    image.load()
    return image


def blank(image: Image.Image, box: tuple[int, int, int, int], colour=PAPER) -> bool:
    """Whether every pixel in the box is exactly the colour."""
    region = image.crop(box)
    return ImageChops.difference(region, Image.new("RGB", region.size, colour)).getbbox() is None


def ink_rows(image: Image.Image, box: tuple[int, int, int, int]) -> list[int]:
    """The rows inside the box holding dark (text) pixels."""
    dark = image.crop(box).convert("L").point(lambda v: 255 if v < 128 else 0)
    return [y for y in range(dark.height) if dark.crop((0, y, dark.width, y + 1)).getbbox()]


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


@pytest.mark.parametrize("render", [lambda: render_card(TITLE, **SITE), lambda: render_site_card(**SITE)])
def test_cards_are_1200_by_630_rgb_pngs_without_metadata(render):
    png = render()
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size, image.mode) == ("PNG", (1200, 630), "RGB")
    # Nothing but pixels: no time, text or physical-size chunks to vary between builds.
    assert chunk_types(png) == [b"IHDR", b"IDAT", b"IEND"]
    assert len(png) < 80_000


def test_same_inputs_give_the_same_bytes_cached_or_not():
    first = render_card(TITLE, **SITE)
    social_cards.font.cache_clear()
    social_cards.background.cache_clear()
    assert render_card(TITLE, **SITE) == first
    assert render_card(TITLE, **SITE) == first
    assert render_card(TITLE + "!", **SITE) != first


def test_the_static_part_is_drawn_once_for_many_cards():
    social_cards.background.cache_clear()
    for number in range(3):
        render_card(f"{TITLE} {number}", **SITE)
    info = social_cards.background.cache_info()
    assert (info.misses, info.hits) == (1, 2)


@pytest.mark.parametrize("title", [LONG, LONG.replace(" ", ""), "W" * 400])
def test_long_titles_stay_inside_the_margins(title):
    assert len(title) >= 150
    image = card(title)
    assert blank(image, (1200 - MARGIN, 0, 1200, 630)), "right margin"
    assert blank(image, (social_cards.BAND, 630 - MARGIN, 1200, 630)), "bottom margin"
    assert blank(image, (social_cards.BAND, 0, 1200, MARGIN)), "top margin"
    assert blank(image, (social_cards.BAND, 0, MARGIN, 630)), "left margin, beside the band"
    # The title is there, and reaches the right margin rather than stopping short of it.
    rows = ink_rows(image, (MARGIN, 150, 1200 - MARGIN, 490))
    assert rows
    assert not blank(image, (1200 - MARGIN - 120, 150, 1200 - MARGIN, 490))


@pytest.mark.parametrize("title", [LONG, LONG * 3])
def test_a_title_that_cannot_fit_is_cut_with_an_ellipsis(title):
    layout = fit_title(title, FONTS)
    assert layout.size == social_cards.TITLE_SIZES[-1]
    assert len(layout.lines) == social_cards.MAX_LINES
    assert layout.lines[-1].endswith("\u2026")
    face = social_cards.font(FONTS / social_cards.SEMIBOLD, layout.size)
    assert all(face.getlength(line) <= social_cards.TEXT_WIDTH for line in layout.lines)


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


def test_the_brand_colour_is_used():
    def brand_pixels(image: Image.Image, colour: tuple[int, ...]) -> int:
        return {rgb: count for count, rgb in image.getcolors(1200 * 630)}[colour]

    image = card()
    assert blank(image, (0, 0, social_cards.BAND, 630), BRAND), "the band"
    # The band, plus the publication's name and its rule.
    assert brand_pixels(image, BRAND) > social_cards.BAND * 630 + 500
    other = (0x1F, 0x5C, 0x99)
    assert brand_pixels(card(colours={**COLOURS, "brand": "#1f5c99"}), other) > social_cards.BAND * 630


@pytest.mark.parametrize(("path", "size"), [(social_cards.SEMIBOLD, 72), (social_cards.ITALIC, 30)])
def test_curly_punctuation_has_real_glyphs(path, size):
    face = social_cards.font(FONTS / path, size)
    notdef = face.getmask("\ue000")  # a private-use character: no font maps it

    def missing(character: str) -> bool:
        mask = face.getmask(character)
        return mask.getbbox() is None or (mask.size == notdef.size and bytes(mask) == bytes(notdef))

    assert missing("\u4e00"), "the check must see a character the fonts lack"
    assert [c for c in CURLY if missing(c)] == []


def test_curly_punctuation_reaches_the_card():
    drawn = card(CURLY)
    assert drawn.tobytes() != card("\ue000" * len(CURLY)).tobytes()
    assert drawn.tobytes() != card("").tobytes()


def test_the_site_card_shows_the_name_and_tagline_in_the_colours():
    png = render_site_card(**SITE)
    assert png == render_site_card(**SITE)
    image = Image.open(io.BytesIO(png))
    assert blank(image, (0, 0, social_cards.BAND, 630), BRAND)
    assert blank(image, (1200 - MARGIN, 0, 1200, 630))
    assert blank(image, (social_cards.BAND, 630 - MARGIN, 1200, 630))
    name = ink_rows(image, (MARGIN, MARGIN, 1200 - MARGIN, 340))
    assert len(name) > 90, "the name, large"
    assert png != render_site_card(**{**SITE, "tagline": "Something else."})
