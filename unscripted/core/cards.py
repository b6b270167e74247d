"""Social preview cards (Open Graph images) and the site's icons, drawn with Pillow.

A card is 1200x630, the size every large link preview expects: paper
background, a brand-coloured band down the left edge, the publication's name
small at the top, the essay's title large in the serif, and the tagline in
italic at the foot. Everything stays inside an 80px margin (the band lives in
the left one), so nothing gets cropped by platforms that trim the edges.

The module is pure Pillow so that it can be tested and timed on its own; a
clean build draws one card per essay, so the fonts and the static part of the
card are made once and reused, and the PNG is compressed only lightly.
Same inputs, same bytes: the PNG carries no metadata that could vary.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from PIL import Image, ImageColor, ImageDraw, ImageFont

# The package's own fonts: Source Serif 4 (SIL OFL), also served with the site.
FONTS = Path(__file__).resolve().parents[1] / "static" / "fonts"
WIDTH, HEIGHT = 1200, 630
MARGIN = 80
BAND = 16  # the brand band's width, inside the left margin
TEXT_WIDTH = WIDTH - 2 * MARGIN

ITALIC = "source-serif-4-latin-400-italic.woff2"
SEMIBOLD = "source-serif-4-latin-600-normal.woff2"

# The title shrinks in steps until it fits; below the smallest size it is cut.
TITLE_SIZES = tuple(range(72, 43, -4))  # 72, 68, ..., 44
MAX_LINES = 4
LEADING = 1.16  # line height as a multiple of the font size
CAP_HEIGHT = 0.67  # Source Serif 4's, as a fraction of the size
RULE_TOP = 140  # the short brand rule under the publication's name
HAIRLINE_TOP = 494  # the rule above the tagline
TITLE_TOP, TITLE_BOTTOM = 178, 468  # the title's box, clear of both rules
ELLIPSIS = "\u2026"
TRAILING = " ,.;:\u2014\u2013\u2026-"  # not worth keeping before an ellipsis

# Measured over 2,000 cards: zlib level 3 takes 17.5 ms a card for 57 KB; 6 takes
# 23 ms for 50 KB and 9 about 75 ms. Flat paper compresses well at any level, and
# encoding is most of a card's time, so the cheap level wins.
PNG_LEVEL = 3

RGB = tuple[int, int, int]


class Palette(NamedTuple):
    """The colours a card uses, hashable (unlike the configuration's dict) so it can key a cache."""

    brand: RGB
    ink: RGB
    paper: RGB

    @classmethod
    def from_colours(cls, colours: dict[str, str]) -> Palette:
        return cls(*(ImageColor.getrgb(colours[key])[:3] for key in cls._fields))

    @property
    def muted(self) -> RGB:
        """Ink softened towards paper, for the tagline: quieter, still 4.5:1+."""
        return mix(self.ink, self.paper, 0.68)

    @property
    def hairline(self) -> RGB:
        return mix(self.ink, self.paper, 0.16)


def mix(a: RGB, b: RGB, amount_of_a: float) -> RGB:
    red, green, blue = (round(x * amount_of_a + y * (1 - amount_of_a)) for x, y in zip(a, b, strict=True))
    return red, green, blue


@lru_cache(maxsize=32)
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    """Loading a font parses (and for WOFF2, decompresses) the file: do it once."""
    return ImageFont.truetype(str(path), size)


class TitleLayout(NamedTuple):
    size: int
    lines: tuple[str, ...]


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int, limit: int) -> list[str]:
    """Greedy word wrap, giving up past `limit` lines; an over-wide word is split between letters."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if face.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        while len(lines) <= limit and (length := face.getlength(line)) > width:
            # Guess the cut from the proportion, then back off: one letter at a time is slow.
            cut = max(1, int(len(line) * width / length))
            while cut > 1 and face.getlength(line[:cut]) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        if len(lines) > limit:
            return lines
    if line:
        lines.append(line)
    return lines


def with_ellipsis(line: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    """End the line with "…", dropping words (or letters, if it must) to make room."""
    line = line.rstrip(TRAILING)
    while line and face.getlength(line + ELLIPSIS) > width:
        line = (line.rsplit(" ", 1)[0] if " " in line else line[:-1]).rstrip(TRAILING)
    return line + ELLIPSIS


def fit_title(title: str, fonts: Path) -> TitleLayout:
    """The largest size at which the title fits the title box, else the smallest, cut."""
    title = " ".join(title.split())
    # The title's width per pixel of font size: sizes at which it could not fit
    # even packed edge to edge are skipped unwrapped (wrapping is most of the cost).
    per_pixel = font(fonts / SEMIBOLD, TITLE_SIZES[0]).getlength(title) / TITLE_SIZES[0]
    for size in TITLE_SIZES:
        room = min(MAX_LINES, int((TITLE_BOTTOM - TITLE_TOP) // (size * LEADING)))
        if per_pixel * size > room * TEXT_WIDTH and size != TITLE_SIZES[-1]:
            continue
        face = font(fonts / SEMIBOLD, size)
        lines = wrap(title, face, TEXT_WIDTH, limit=room)
        if len(lines) <= room:
            return TitleLayout(size, tuple(lines))
    return TitleLayout(size, (*lines[: room - 1], with_ellipsis(lines[room - 1], face, TEXT_WIDTH)))


@lru_cache(maxsize=8)
def background(site_name: str, tagline: str, palette: Palette, fonts: Path) -> Image.Image:
    """Everything on an essay's card except its title; copied for each card."""
    image = Image.new("RGB", (WIDTH, HEIGHT), palette.paper)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, BAND - 1, HEIGHT - 1), fill=palette.brand)
    draw.text((MARGIN, MARGIN), site_name, font=font(fonts / SEMIBOLD, 34), fill=palette.brand, anchor="lt")
    # A short rule under the name, as on a journal's masthead.
    draw.rectangle((MARGIN, RULE_TOP, MARGIN + 56, RULE_TOP + 3), fill=palette.brand)
    draw.rectangle((MARGIN, HAIRLINE_TOP, WIDTH - MARGIN - 1, HAIRLINE_TOP + 1), fill=palette.hairline)
    # Anchored at the descender so that nothing drops into the bottom margin.
    draw.text((MARGIN, HEIGHT - MARGIN), tagline, font=font(fonts / ITALIC, 30), fill=palette.muted, anchor="ld")
    return image


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # Explicit options and no pnginfo/dpi: the file holds IHDR, IDAT and IEND only.
    image.save(buffer, format="PNG", compress_level=PNG_LEVEL, optimize=False)
    return buffer.getvalue()


def render_card(title: str, *, site_name: str, tagline: str, colours: dict[str, str], fonts: Path) -> bytes:
    """An essay's card: its title, as large as it fits, on the publication's branding."""
    fonts = Path(fonts)
    image = background(site_name, tagline, Palette.from_colours(colours), fonts).copy()
    layout = fit_title(title, fonts)
    face = font(fonts / SEMIBOLD, layout.size)
    draw = ImageDraw.Draw(image)
    line_height = round(layout.size * LEADING)
    # Centre from the capitals' tops to the last baseline: what the eye sees as the block.
    block = round(layout.size * CAP_HEIGHT) + (len(layout.lines) - 1) * line_height
    first = (TITLE_TOP + TITLE_BOTTOM + block) // 2 - block + round(layout.size * CAP_HEIGHT)
    for number, line in enumerate(layout.lines):
        baseline = first + number * line_height
        draw.text((MARGIN, baseline), line, font=face, fill=colours["ink"], anchor="ls")
    return png(image)


def render_site_card(*, site_name: str, tagline: str, colours: dict[str, str], fonts: Path) -> bytes:
    """The card for pages that are not essays: the publication's name (a short one) and tagline.

    Drawn once per build, so nothing here is cached.
    """
    palette = Palette.from_colours(colours)
    fonts = Path(fonts)
    image = Image.new("RGB", (WIDTH, HEIGHT), palette.paper)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, BAND - 1, HEIGHT - 1), fill=palette.brand)
    draw.text((MARGIN, 300), site_name, font=font(fonts / SEMIBOLD, 132), fill=palette.ink, anchor="ls")
    draw.rectangle((MARGIN, 346, MARGIN + 96, 351), fill=palette.brand)
    draw.text((MARGIN, 436), tagline, font=font(fonts / ITALIC, 48), fill=palette.brand, anchor="ls")
    return png(image)


def draw_card_file(
    target: str, title: str | None, site_name: str, tagline: str, colours: dict[str, str], fonts: str
) -> str:
    """Draw one card (the site's if *title* is None) into *target*, unless it already holds it.

    The entry point of the card worker process, which imports nothing but Pillow."""
    style = {"site_name": site_name, "tagline": tagline, "colours": colours, "fonts": Path(fonts)}
    png = render_card(title, **style) if title else render_site_card(**style)
    path = Path(target)
    if not (path.is_file() and path.read_bytes() == png):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
    return target


# -- Icons -------------------------------------------------------------------------------

ICON_SIZES = {"favicon.ico": (16, 32, 48), "apple-touch-icon.png": (180,), "icon-512.png": (512,)}


def monogram(size: int, colours: dict[str, str], letter: str, fonts: Path) -> Image.Image:
    """The publication's initial on its brand colour, drawn at 4x and scaled down."""
    scale = 4
    side = size * scale
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, side - 1, side - 1), radius=side // 5, fill=colours["brand"])
    face = ImageFont.truetype(str(Path(fonts) / SEMIBOLD), int(side * 0.78))
    draw.text((side / 2, side / 2), letter, font=face, fill=colours["paper"], anchor="mm")
    return image.resize((size, size), Image.Resampling.LANCZOS)


def icon_bytes(name: str, colours: dict[str, str], letter: str, fonts: Path) -> bytes:
    """One of ``ICON_SIZES``' files: an ICO with several sizes, or a PNG."""
    sizes = ICON_SIZES[name]
    buffer = io.BytesIO()
    if name.endswith(".ico"):
        monogram(max(sizes), colours, letter, fonts).save(buffer, format="ICO", sizes=[(s, s) for s in sizes])
    else:
        monogram(sizes[0], colours, letter, fonts).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
