"""The collected e-book's cover, drawn like the social cards (``core.cards``) on a portrait page.

1600x2560, the 1:1.6 that e-book stores ask for: paper, the brand band down
the left edge, a masthead with its short rule (what the book is: "Collected
essays"), the book's title large in the serif, the byline in italic, and the
tagline under a hairline at the foot. Pure Pillow, from the package's own fonts; same inputs,
same bytes (the PNG carries no metadata).
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageColor, ImageDraw, ImageFont

FONTS = Path(__file__).resolve().parents[1] / "fonts"  # the social cards' full fonts
SEMIBOLD = "SourceSerif4-SemiBold.ttf"
ITALIC = "SourceSerif4-Italic.ttf"
WIDTH, HEIGHT = 1600, 2560
MARGIN = 160
BAND = 32  # the card's band, scaled to the page
TEXT_WIDTH = WIDTH - 2 * MARGIN
TITLE_SIZE, TITLE_LEADING = 200, 1.1
TITLE_TOP = 900  # the title's first baseline
PALETTE = 32

RGB = tuple[int, int, int]


def mix(a: RGB, b: RGB, amount_of_a: float) -> RGB:
    red, green, blue = (round(x * amount_of_a + y * (1 - amount_of_a)) for x, y in zip(a, b, strict=True))
    return red, green, blue


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap; a word wider than the line keeps a line of its own."""
    lines: list[str] = []
    for word in text.split():
        if lines and face.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def draw_cover(
    *, title: str, masthead: str, byline: str, tagline: str, colours: dict[str, str], fonts: Path = FONTS
) -> bytes:
    """The cover as PNG bytes."""
    brand, ink, paper = (ImageColor.getrgb(colours[key])[:3] for key in ("brand", "ink", "paper"))

    def face(name: str, size: int) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(str(Path(fonts) / name), size)

    image = Image.new("RGB", (WIDTH, HEIGHT), paper)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, BAND - 1, HEIGHT - 1), fill=brand)
    draw.text((MARGIN, MARGIN), masthead, font=face(SEMIBOLD, 72), fill=brand, anchor="lt")
    draw.rectangle((MARGIN, MARGIN + 130, MARGIN + 120, MARGIN + 137), fill=brand)
    title_face = face(SEMIBOLD, TITLE_SIZE)
    line_height = round(TITLE_SIZE * TITLE_LEADING)
    lines = wrap(title, title_face, TEXT_WIDTH)
    for number, line in enumerate(lines):
        draw.text((MARGIN, TITLE_TOP + number * line_height), line, font=title_face, fill=ink, anchor="ls")
    byline_top = TITLE_TOP + (len(lines) - 1) * line_height + 160
    draw.text((MARGIN, byline_top), byline, font=face(ITALIC, 80), fill=brand, anchor="ls")
    # The foot, as on the cards: a hairline, then the tagline in muted italic.
    hairline = HEIGHT - MARGIN - 200
    draw.rectangle((MARGIN, hairline, WIDTH - MARGIN - 1, hairline + 3), fill=mix(ink, paper, 0.16))
    for number, line in enumerate(wrap(tagline, face(ITALIC, 64), TEXT_WIDTH)):
        draw.text(
            (MARGIN, hairline + 110 + number * 80), line, font=face(ITALIC, 64), fill=mix(ink, paper, 0.68), anchor="ls"
        )
    # Paper, three colours and their anti-aliased edges: 32 colours look the same and take a
    # third of the bytes (drawn once per style; the collected book keeps it).
    image = image.quantize(PALETTE, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=9, optimize=False)  # no metadata chunks: stable bytes
    return buffer.getvalue()
