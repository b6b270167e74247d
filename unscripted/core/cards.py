"""Social preview cards (Open Graph images) in any script, and the site's icons.

A card is 1200x630, the size every large link preview expects: paper
background, a brand-coloured band down the left edge, the publication's name
small at the top, the essay's title large in the serif, and the tagline in
italic at the foot. Everything stays inside an 80px margin (the band lives in
the left one), so nothing gets cropped by platforms that trim the edges.

Titles may be in any script the shipped fonts cover (``unscripted/fonts/``,
never a font the machine happens to have): Latin, Cyrillic and Greek in Source
Serif 4; Arabic, Hebrew, Devanagari, Chinese, Japanese and Korean in Noto's
serifs; emoji in colour. Text is laid out here, with no system library:

1. the title is NFC-normalised and cut into grapheme-like clusters; each cluster
   takes the first font that covers it (spaces, digits and punctuation stay in
   their neighbours' font, emoji sequences go to the emoji font);
2. bidi levels (UAX #9, python-bidi) put right-to-left runs in visual order;
   a right-to-left title is right-aligned;
3. lines break at spaces, and between Chinese and Japanese characters (no line
   starts with 、。」 or small kana); the title shrinks until it fits, else its
   last line ends in an ellipsis;
4. each run is shaped by HarfBuzz (Arabic joining, Devanagari conjuncts, emoji
   sequences) and rasterised by HarfBuzz's own rasterizer, colour glyphs included.

A character no font covers is never drawn as an empty box: ``missing_glyphs``
lists such characters (the build checks every title with it before drawing),
and drawing refuses any glyph that shaping left as ``.notdef``.

An optional BCP 47 ``language`` picks the Chinese, Japanese or Korean forms of
shared characters and, for a right-to-left language, the title's direction;
without it, the title's own characters decide.

A card is flat colours plus antialiased text: with coverage in 5 steps it is
drawn as a palette image of at most 16 colours (a card with colour emoji becomes
RGB), which looks the same as a full-colour card and is a PNG of 4 bits a pixel,
under a third of the size. Same inputs, same bytes: the PNG carries no metadata that could vary.
"""

from __future__ import annotations

import io
import math
import struct
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import deflate
import uharfbuzz as hb
from bidi import algorithm as uba
from PIL import Image, ImageColor, ImageDraw, ImageFont

# The card fonts (SIL OFL; subsets made by tools/build_card_fonts.py). Not published with
# the site: the web fonts are in static/fonts.
FONTS = Path(__file__).resolve().parents[1] / "fonts"
WIDTH, HEIGHT = 1200, 630
MARGIN = 80
BAND = 16  # the brand band's width, inside the left margin
TEXT_WIDTH = WIDTH - 2 * MARGIN

SEMIBOLD = "SourceSerif4-SemiBold.ttf"  # titles and the publication's name
ITALIC = "SourceSerif4-Italic.ttf"  # the tagline
# Scripts Source Serif 4 does not have, in the order they are tried.
OTHER_SCRIPTS = ("NotoNaskhArabic-SemiBold.ttf", "NotoSerifHebrew-SemiBold.ttf", "NotoSerifDevanagari-SemiBold.ttf")
# Cut to GB 2312, JIS X 0208 and KS X 1001; Han characters one lacks fall through to the others.
CJK = {
    "zh": "NotoSerifSC-SemiBold-GB2312.ttf",
    "ja": "NotoSerifJP-SemiBold-JIS0208.ttf",
    "ko": "NotoSerifKR-SemiBold-KSX1001.ttf",
}
EMOJI = "NotoColorEmoji-COLRv1.ttf"
# Relative sizes, so that every script sits with Source Serif 4: emoji are square and
# large, Naskh and Hebrew are drawn small for their size.
SCALES = {EMOJI: 0.86, "NotoNaskhArabic-SemiBold.ttf": 1.1, "NotoSerifHebrew-SemiBold.ttf": 1.08}

# The title shrinks in steps until it fits; below the smallest size it is cut.
TITLE_SIZES = tuple(range(72, 43, -4))  # 72, 68, ..., 44
MAX_LINES = 4
LEADING = 1.16  # line height as a multiple of the font size
CAP_HEIGHT = 0.67  # Source Serif 4's, as a fraction of the size
RULE_TOP = 140  # the short brand rule under the publication's name
HAIRLINE_TOP = 494  # the rule above the tagline
TITLE_TOP, TITLE_BOTTOM = 178, 468  # the title's box, clear of both rules
ELLIPSIS = "\u2026"
# Not worth keeping before an ellipsis (Latin, Arabic and CJK commas and stops).
TRAILING = " ,.;:\u2014\u2013\u2026-\u060c\u061b\u3001\u3002\uff0c"

# Text is antialiased in 5 steps of coverage, not 256: at a card's size no eye tells them
# apart (an edge pixel is at most an eighth of the way from the exact blend, 0.2/255 off on
# average), and a card then has at most 16 colours (paper, hairline and three inks in four
# steps), so it is a palette image (see Canvas): 35 % smaller than with 32 steps. Measured
# over 240 titles in every script (python -m benchmarks.cards --compare).
COVERAGE_STEPS = 5
COVERAGE = [round(round(v * (COVERAGE_STEPS - 1) / 255) * 255 / (COVERAGE_STEPS - 1)) for v in range(256)]
PNG_LEVEL = 6  # zlib, for a card in full colour (one with colour emoji): 9 costs three times the time
# A palette card is packed at the fewest bits a pixel its palette needs (4 for 16 colours) and
# deflated by libdeflate at level 9: 21 % smaller than Pillow's zlib at a byte a pixel (the best
# Pillow can do, 8 % smaller than its 4-bit packing) and faster. Pillow cannot use another
# compressor, so the PNG's four chunks are written here (``palette_png``).
PALETTE_DEFLATE_LEVEL = 9

RGB = tuple[int, int, int]


class MissingGlyphs(ValueError):
    """The text has characters that no card font can draw."""

    def __init__(self, characters: list[str]) -> None:
        super().__init__("no card font has " + ", ".join(describe(c) for c in characters))
        self.characters = characters

    def __reduce__(self):  # raised in the card worker, re-raised in the build
        return type(self), (self.characters,)


def describe(character: str) -> str:
    """'𓂀' (U+13080 EGYPTIAN HIEROGLYPH D010)"""
    name = unicodedata.name(character, "")
    return f"{character!r} (U+{ord(character):04X}{' ' + name if name else ''})"


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


# -- Fonts ---------------------------------------------------------------------------------


@dataclass(eq=False)
class Face:
    name: str
    font: hb.Font  # at its units per em: positions come back in font units
    upem: int
    coverage: frozenset[int]
    colour: bool  # COLR glyphs, painted in their own colours
    scale: float
    descender: int  # negative, below the baseline


@lru_cache(maxsize=32)
def typeface(path: str) -> Face:
    """Open a font once per process (the file is memory-mapped)."""
    face = hb.Face(hb.Blob.from_file_path(path))
    font = hb.Font(face)
    extents = font.get_font_extents("ltr")
    name = Path(path).name
    colour = bool(face.has_color_paint or face.has_color_layers)
    scale = SCALES.get(name, 1.0)
    return Face(name, font, face.upem, frozenset(face.unicodes), colour, scale, extents.descender)


def chain(fonts: Path, primary: str, text: str, language: str | None) -> tuple[Face, ...]:
    """The fonts to try, in order: the primary face, the other scripts, CJK led by the
    title's language, then emoji."""
    lead = cjk_language(text, language)
    cjk = [CJK[lead], *(CJK[key] for key in CJK if key != lead)]
    names = [primary, *(name for name in (SEMIBOLD, *OTHER_SCRIPTS) if name != primary), *cjk, EMOJI]
    return tuple(typeface(str(fonts / name)) for name in names)


def primary_language(language: str | None) -> str:
    return (language or "").replace("_", "-").split("-")[0].lower()


def cjk_language(text: str, language: str | None) -> str:
    """Which CJK font leads: the language's if it is one, else what kana or Hangul in the text say."""
    if primary_language(language) in CJK:
        return primary_language(language)
    if any(0x3040 <= ord(c) <= 0x30FF for c in text):
        return "ja"
    if any(0xAC00 <= ord(c) <= 0xD7A3 or 0x3130 <= ord(c) <= 0x318F for c in text):
        return "ko"
    return "zh"


# -- Characters ----------------------------------------------------------------------------

ZWJ, ZWNJ, VS15, VS16, KEYCAP = 0x200D, 0x200C, 0xFE0E, 0xFE0F, 0x20E3
# Emoji_Presentation=Yes below U+1F000 (Unicode's emoji-data.txt); above it, every So character.
BMP_EMOJI = frozenset(
    [
        *(0x231A, 0x231B, 0x23E9, 0x23EA, 0x23EB, 0x23EC, 0x23F0, 0x23F3, 0x25FD, 0x25FE, 0x2614, 0x2615),
        *range(0x2648, 0x2654),
        *(0x267F, 0x2693, 0x26A1, 0x26AA, 0x26AB, 0x26BD, 0x26BE, 0x26C4, 0x26C5, 0x26CE, 0x26D4, 0x26EA),
        *(0x26F2, 0x26F3, 0x26F5, 0x26FA, 0x26FD, 0x2705, 0x270A, 0x270B, 0x2728, 0x274C, 0x274E, 0x2753),
        *(0x2754, 0x2755, 0x2757, 0x2795, 0x2796, 0x2797, 0x27B0, 0x27BF, 0x2B1B, 0x2B1C, 0x2B50, 0x2B55),
    ]
)


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def ignorable(code: int) -> bool:
    """Drawn as nothing by a shaper (joiners, bidi controls, variation selectors): never 'missing'."""
    return (
        unicodedata.category(chr(code)) in ("Cc", "Cf")
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
        or 0x180B <= code <= 0x180F
        or code in (0x034F, 0x115F, 0x1160, 0x3164)
    )


def covers(face: Face | None, cluster: str) -> bool:
    return face is not None and all(ord(c) in face.coverage or ignorable(ord(c)) for c in cluster)


def missing_glyphs(text: str, language: str | None = None, fonts: Path = FONTS) -> list[str]:
    """The characters of *text* that no card font can draw, in order of first use.

    A cluster (a letter and its marks, an emoji sequence) is drawn in one font, so a mark
    counts as missing when the font of its letter lacks it. Reads the fonts' character maps
    only: cheap enough to check every title before anything is drawn."""
    text = normalise(text)
    faces = chain(Path(fonts), SEMIBOLD, text, language)
    missing: dict[str, None] = {}
    for start, stop in clusters(text):
        cluster = text[start:stop]
        if not any(covers(face, cluster) for face in faces):
            base = next((face for face in faces if covers(face, cluster[0])), None)
            missing.update(dict.fromkeys(c for c in cluster if not covers(base, c)))
    return list(missing)


def is_cjk(character: str) -> bool:
    code = ord(character)
    return (
        0x1100 <= code <= 0x11FF
        or 0x2E80 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3FFFF
    )


def missing_glyphs_advice(characters: list[str], what: str, alternative: str = "") -> str:
    """One message for the writer: which characters of *what* no font has, and what to do."""
    listed = ", ".join(describe(c) for c in characters)
    fixes = []
    # The Chinese, Japanese and Korean fonts carry the national standards' characters only.
    if any(is_cjk(c) for c in characters):
        fixes.append("add the Chinese, Japanese or Korean ones to unscripted/fonts/extra-chars.txt")
    if not all(is_cjk(c) for c in characters):
        fixes.append("add a font that has them to tools/build_card_fonts.py")
    return (
        f"{what} has {listed}, which no card font can draw, so the social card would show empty boxes; "
        f"{alternative}{' and '.join(fixes)}, then run `make card-fonts`"
    )


def extends(code: int) -> bool:
    """Continues the cluster before it: marks, joiners, selectors, skin tones, tags, keycap."""
    return (
        unicodedata.category(chr(code)) in ("Mn", "Mc", "Me")
        or code in (ZWJ, ZWNJ)
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
    )


def regional(code: int) -> bool:
    return 0x1F1E6 <= code <= 0x1F1FF


def clusters(text: str) -> list[tuple[int, int]]:
    """Grapheme-like clusters (base + marks, joiners, selectors; ZWJ glues the next character;
    regional indicators pair into flags): enough for choosing fonts and breaking lines."""
    spans: list[tuple[int, int]] = []
    start, end = 0, len(text)
    while start < end:
        stop = start + 1
        if regional(ord(text[start])) and stop < end and regional(ord(text[stop])):
            stop += 1
        while stop < end and (extends(ord(text[stop])) or ord(text[stop - 1]) == ZWJ):
            stop += 1
        spans.append((start, stop))
        start = stop
    return spans


def wants_emoji(cluster: str) -> bool:
    codes = [ord(c) for c in cluster]
    if VS15 in codes:
        return False
    base = codes[0]
    return (
        any(c in (VS16, KEYCAP, ZWJ) or 0x1F3FB <= c <= 0x1F3FF for c in codes)
        or regional(base)
        or base in BMP_EMOJI
        or (base >= 0x1F000 and unicodedata.category(chr(base)) == "So")
    )


def neutral(character: str) -> bool:
    """Of no script of its own (spaces, punctuation, symbols, digits): it keeps its
    neighbours' font when that has it, so that a comma does not break a run."""
    return unicodedata.category(character)[0] in "PZSN"


def assign_fonts(text: str, spans: list[tuple[int, int]], faces: tuple[Face, ...]) -> list[Face]:
    emoji = faces[-1]
    chosen: list[Face | None] = []
    for start, stop in spans:
        cluster = text[start:stop]
        if wants_emoji(cluster) and covers(emoji, cluster):
            chosen.append(emoji)
        else:
            chosen.append(next((f for f in faces if covers(f, cluster)), None))
    neutrals = [neutral(text[start]) and chosen[k] is not emoji for k, (start, _) in enumerate(spans)]
    for k, (start, stop) in enumerate(spans):
        if neutrals[k]:
            before = chosen[k - 1] if k else None
            after = next((chosen[j] for j in range(k + 1, len(spans)) if not neutrals[j]), None)
            chosen[k] = next((f for f in (before, after) if f is not emoji and covers(f, text[start:stop])), chosen[k])
    missing = [text[start] for (start, _), face in zip(spans, chosen, strict=True) if face is None]
    if missing:
        raise MissingGlyphs(list(dict.fromkeys(missing)))
    return chosen  # type: ignore[return-value]


# -- Direction (UAX #9) ------------------------------------------------------------------

RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "syr", "ug", "ur", "yi"})
# python-bidi's Python implementation predates isolates: treat them as embeddings.
ISOLATES = str.maketrans({0x2066: 0x202A, 0x2067: 0x202B, 0x2068: 0x202A, 0x2069: 0x202C})


def base_level(text: str, language: str | None) -> int:
    """0 (left to right) or 1: the language's direction if one is given, else the first strong character's."""
    if language:
        return int(primary_language(language) in RTL_LANGUAGES)
    return uba.get_base_level(text)


def bidi_levels(text: str, base: int) -> list[int]:
    """Each character's resolved embedding level (rules P2-I2), from python-bidi's
    Python implementation (its Rust one returns only reordered strings). Characters
    rule X9 removes (joiners, embeddings) take the level of the character before."""
    storage = uba.get_empty_storage()
    storage["base_level"] = base
    storage["base_dir"] = ("L", "R")[base]
    uba.get_embedding_levels(text.translate(ISOLATES), storage)
    for index, char in enumerate(storage["chars"]):
        char["index"] = index
    uba.explicit_embed_and_overrides(storage)
    uba.resolve_weak_types(storage)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    levels: list[int | None] = [None] * len(text)
    for char in storage["chars"]:
        levels[char["index"]] = char["level"]
    previous = base
    for index, level in enumerate(levels):
        levels[index] = previous = previous if level is None else level
    return levels  # type: ignore[return-value]


def visual_order(levels: list[int]) -> list[int]:
    """Rule L2: the indices of items (runs) from left to right."""
    order = list(range(len(levels)))
    if not levels:
        return order
    highest = max(levels)
    lowest_odd = min((level for level in levels if level % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return order


# -- Paragraphs and lines --------------------------------------------------------------------

# Kinsoku: no line starts with the first set, none ends with the second.
NO_START = frozenset(
    "、。，．・：；？！ゝゞヽヾー）」』】〕〉》〗〙〛｝］｠〟’”‐゠–〜～…‥"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ々〻,.;:!?)]}%"
)
NO_END = frozenset("（「『【〔〈《〖〘〚｛［｟〝‘“([{")


def between_characters(character: str) -> bool:
    """Written without spaces (Han, kana, CJK punctuation): lines may break between characters."""
    code = ord(character)
    return (
        0x2E80 <= code <= 0x303F
        or 0x3040 <= code <= 0x30FF
        or 0x31F0 <= code <= 0x31FF
        or 0x3400 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFF60
        or 0x20000 <= code <= 0x3FFFF
    )


@dataclass
class Paragraph:
    """One line of text as typed, its clusters' fonts and levels, and their widths at 1px."""

    text: str
    language: str | None
    spans: list[tuple[int, int]]
    faces: list[Face]
    base: int
    levels: list[int]
    widths: list[float]
    starts: list[bool]  # may a line start at this cluster

    def runs(self, first: int, last: int) -> list[tuple[int, int]]:
        """Maximal cluster ranges within [first, last) in one font and at one level."""
        found, k = [], first
        while k < last:
            j = k + 1
            level = self.levels[self.spans[k][0]]
            while j < last and self.faces[j] is self.faces[k] and self.levels[self.spans[j][0]] == level:
                j += 1
            found.append((k, j))
            k = j
        return found

    def width(self, first: int, last: int) -> float:
        """Of clusters [first, last) at 1px, trailing spaces excluded."""
        while last > first and self.text[self.spans[last - 1][0]] == " ":
            last -= 1
        return sum(self.widths[first:last])

    def line_text(self, first: int, last: int) -> str:
        return self.text[self.spans[first][0] : self.spans[last - 1][1]].rstrip(" ") if last > first else ""


def shape(
    text: str, start: int, stop: int, face: Face, rtl: bool, language: str | None, context: tuple[int, int]
) -> hb.Buffer:
    """Shape text[start:stop] with its neighbours (within *context*) as context, for joining."""
    buffer = hb.Buffer()
    left, right = context
    buffer.add_codepoints([ord(c) for c in text[left:right]], start - left, stop - start)
    buffer.direction = "rtl" if rtl else "ltr"
    if language:
        buffer.language = language
    buffer.guess_segment_properties()
    buffer.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    hb.shape(face.font, buffer)
    return buffer


def paragraph(text: str, language: str | None, fonts: Path, primary: str = SEMIBOLD) -> Paragraph:
    text = normalise(text)
    if missing := missing_glyphs(text, language, fonts):
        raise MissingGlyphs(missing)
    spans = clusters(text)
    faces = assign_fonts(text, spans, chain(fonts, primary, text, language))
    base = base_level(text, language)
    levels = bidi_levels(text, base) if text else []
    para = Paragraph(text, language, spans, faces, base, levels, [0.0] * len(spans), [False] * len(spans))
    # Every run is shaped once, over the whole text (for joining across runs); sizes scale it.
    for k, j in para.runs(0, len(spans)):
        face = faces[k]
        start, stop = spans[k][0], spans[j - 1][1]
        buffer = shape(text, start, stop, face, levels[start] % 2 == 1, language, (0, len(text)))
        index = {span[0]: n for n, span in enumerate(spans[k:j], k)}
        for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
            cluster = info.cluster
            while cluster not in index:  # a glyph's cluster is the first character it came from
                cluster -= 1
            para.widths[index[cluster]] += position.x_advance / face.upem * face.scale
    for k in range(1, len(spans)):
        before, here = text[spans[k - 1][0]], text[spans[k][0]]
        if before == " ":
            para.starts[k] = here != " "
        elif here != " " and (
            between_characters(before) or between_characters(here) or faces[k - 1].colour or faces[k].colour
        ):
            para.starts[k] = here not in NO_START and before not in NO_END
    return para


def wrap(para: Paragraph, size: int, limit: int) -> list[tuple[int, int]]:
    """Greedy: lines as cluster ranges, at most limit + 1 of them; over-wide words are cut between clusters."""
    lines: list[tuple[int, int]] = []
    count = len(para.spans)
    start = 0
    while start < count and len(lines) <= limit:
        fits = None  # the last break at which the line still fits
        for k in range(start + 1, count + 1):
            if k == count or para.starts[k]:
                if para.width(start, k) * size > TEXT_WIDTH:
                    break
                fits = k
        if fits is None:  # one word wider than the line: cut it between clusters
            fits = start + 1
            while fits < count and para.width(start, fits + 1) * size <= TEXT_WIDTH:
                fits += 1
        lines.append((start, fits))
        start = fits
        while start < count and para.text[para.spans[start][0]] == " ":
            start += 1
    return lines


class Line(NamedTuple):
    paragraph: Paragraph
    first: int
    last: int

    @property
    def text(self) -> str:
        return self.paragraph.line_text(self.first, self.last)


class Layout(NamedTuple):
    size: int
    lines: tuple[Line, ...]


class TitleLayout(NamedTuple):
    """What ``fit_title`` decided: the size in px and each line's text, in logical order."""

    size: int
    lines: tuple[str, ...]


def layout_title(title: str, fonts: Path, language: str | None = None) -> Layout:
    """The largest size at which the title fits the title box, else the smallest, cut with an ellipsis."""
    para = paragraph(title, language, fonts)
    total = sum(para.widths)
    for size in TITLE_SIZES:
        room = min(MAX_LINES, int((TITLE_BOTTOM - TITLE_TOP) // (size * LEADING)))
        # Sizes at which the title could not fit even packed edge to edge are not wrapped.
        if total * size > room * TEXT_WIDTH and size != TITLE_SIZES[-1]:
            continue
        lines = wrap(para, size, room)
        if len(lines) <= room:
            return Layout(size, tuple(Line(para, a, b) for a, b in lines))
    kept = [Line(para, a, b) for a, b in lines[:room]]
    return Layout(size, (*kept[:-1], with_ellipsis(kept[-1], size, fonts)))


def with_ellipsis(line: Line, size: int, fonts: Path) -> Line:
    """The line cut where "…" fits after it: after a whole word (or, in CJK, any character) if possible."""
    para, first, last = line
    breaks = [k for k in range(last, first, -1) if k == len(para.spans) or para.starts[k]]
    for cut in [*breaks, *(k for k in range(last, first, -1) if k not in breaks)]:
        prefix = para.text[: para.spans[cut - 1][1]].rstrip(TRAILING)
        if len(prefix) <= para.spans[first][0]:
            continue
        # Shaped again as a whole: the ellipsis takes the paragraph's direction and a neighbour's font.
        cut_para = paragraph(prefix + ELLIPSIS, para.language, fonts)
        start = next(k for k, (a, _) in enumerate(cut_para.spans) if a >= para.spans[first][0])
        if cut_para.width(start, len(cut_para.spans)) * size <= TEXT_WIDTH:
            return Line(cut_para, start, len(cut_para.spans))
    return Line(paragraph(ELLIPSIS, para.language, fonts), 0, 1)


def fit_title(title: str, fonts: Path = FONTS, language: str | None = None) -> TitleLayout:
    layout = layout_title(title, Path(fonts), language)
    return TitleLayout(layout.size, tuple(line.text for line in layout.lines))


# -- Drawing -----------------------------------------------------------------------------------


class ShapedRun(NamedTuple):
    face: Face
    text: str
    rtl: bool
    buffer: hb.Buffer
    offset: int  # glyphs' cluster values count from here in the paragraph's text

    @property
    def glyphs(self) -> list[int]:
        return [info.codepoint for info in self.buffer.glyph_infos]


def shaped_line(line: Line) -> list[ShapedRun]:
    """The line's runs, shaped, from left to right; refuses a glyph that shaping left as .notdef."""
    para, first, last = line
    while last > first and para.text[para.spans[last - 1][0]] == " ":
        last -= 1  # rule L1: trailing spaces take no room
    runs = para.runs(first, last)
    order = visual_order([para.levels[para.spans[k][0]] for k, _ in runs])
    context = (para.spans[first][0], para.spans[last - 1][1]) if last > first else (0, 0)
    shaped = []
    for index in order:
        k, j = runs[index]
        face = para.faces[k]
        start, stop = para.spans[k][0], para.spans[j - 1][1]
        rtl = para.levels[start] % 2 == 1
        buffer = shape(para.text, start, stop, face, rtl, para.language, context)
        notdef = [para.text[context[0] + info.cluster] for info in buffer.glyph_infos if info.codepoint == 0]
        if notdef:
            raise MissingGlyphs(list(dict.fromkeys(notdef)))
        shaped.append(ShapedRun(face, para.text[start:stop], rtl, buffer, context[0]))
    return shaped


class Canvas:
    """A card being drawn: flat colours, text in one colour per layer, colour glyphs on top.

    Text is antialiased in ``COVERAGE_STEPS`` steps, each its own palette entry, so the card is
    a palette image by construction (exact, and far smaller as a PNG than RGB); colour emoji,
    which bring their own colours, turn it into RGB when it is finished."""

    def __init__(self, paper: RGB) -> None:
        self.paper = paper
        self.colours: list[RGB] = [paper]
        self.palette_fits = 3 + 3 * (COVERAGE_STEPS - 1) <= 256  # paper, two rules, three text colours
        mode = "P" if self.palette_fits else "RGB"
        self.image = Image.new(mode, (WIDTH, HEIGHT), 0 if self.palette_fits else paper)
        self.tiles: list[tuple[Image.Image, int, int]] = []

    def copy(self) -> Canvas:
        other = Canvas.__new__(Canvas)
        other.paper, other.colours, other.palette_fits = self.paper, list(self.colours), self.palette_fits
        other.image, other.tiles = self.image.copy(), list(self.tiles)
        return other

    def fill(self, colour: RGB) -> int | RGB:
        if not self.palette_fits:
            return colour
        if colour not in self.colours:
            self.colours.append(colour)
        return self.colours.index(colour)

    def rectangle(self, box: tuple[int, int, int, int], colour: RGB) -> None:
        ImageDraw.Draw(self.image).rectangle(box, fill=self.fill(colour))

    def text(self, coverage: Image.Image, colour: RGB) -> None:
        """Lay a text layer (coverage, 0-255, of the whole card) in *colour* over the paper."""
        box = coverage.getbbox()
        if box is None:
            return
        steps = coverage.crop(box).point(COVERAGE)  # only where there is ink: most of a card is paper
        if not self.palette_fits:
            self.image.paste(colour, box[:2], steps)
            return
        first = len(self.colours)
        top = COVERAGE_STEPS - 1
        self.colours += [mix(colour, self.paper, k / top) for k in range(1, COVERAGE_STEPS)]
        index = [0] + [first + round(v * top / 255) - 1 for v in range(1, 256)]
        self.image.paste(steps.point(index), box[:2], steps.point([0] + [255] * 255))

    def finish(self) -> Image.Image:
        image = self.image
        if self.palette_fits:
            image = image.copy()
            image.putpalette([channel for colour in self.colours for channel in colour])
        if self.tiles:
            image = image.convert("RGB")
            for tile, x, y in self.tiles:
                image.paste(tile, (x, y), tile)
        return image


def draw_line(
    layer: Image.Image, canvas: Canvas, line: Line, size: float, baseline: int, ink: RGB, top: int | None = None
) -> None:
    """Draw one line into the coverage *layer* (colour glyphs onto the *canvas*): left-aligned at
    the margin, or right-aligned if the paragraph is right to left. With *top*, the line's ink
    starts at that row instead of sitting on *baseline*."""
    runs = shaped_line(line)
    width = sum(p.x_advance * run.face.scale * size / run.face.upem for run in runs for p in run.buffer.glyph_positions)
    x = MARGIN if line.paragraph.base == 0 else WIDTH - MARGIN - width
    outlines = hb.RasterDraw()
    tiles: list[tuple[Image.Image, int, int]] = []  # colour glyphs
    for run in runs:
        scale = size * run.face.scale / run.face.upem
        for info, position in zip(run.buffer.glyph_infos, run.buffer.glyph_positions, strict=True):
            origin_x, origin_y = x + position.x_offset * scale, -baseline + position.y_offset * scale
            if run.face.colour:
                tile = paint(run.face, info.codepoint, (scale, 0, 0, scale, origin_x, origin_y), ink)
                if tile:
                    tiles.append(tile)
            else:
                outlines.transform = (scale, 0, 0, scale, origin_x, origin_y)
                outlines.draw_glyph(run.face.font, info.codepoint)
            x += position.x_advance * scale
    mask = raster(outlines.render(), "L")
    pieces = tiles + ([mask] if mask else [])
    if not pieces:
        return
    # Ink that overhangs the text block (a Devanagari i-matra, an italic swash) is pulled back
    # inside the margins, so that nothing reaches the edges that platforms crop.
    left = min(px for _, px, _ in pieces)
    right = max(px + tile.width for tile, px, _ in pieces)
    shift = max(0, MARGIN - left) - max(0, right - (WIDTH - MARGIN))
    drop = 0 if top is None else top - min(py for _, _, py in pieces)
    if mask:
        layer.paste(255, (mask[1] + shift, mask[2] + drop), mask[0])  # coverage over coverage, as ink over ink
    canvas.tiles += [(tile, px + shift, py + drop) for tile, px, py in tiles]


def raster(rendered, mode: str) -> tuple[Image.Image, int, int] | None:
    """A HarfBuzz raster image as a Pillow image and its top-left corner (y grows downwards)."""
    if rendered is None or not rendered.extents.width:
        return None
    extents = rendered.extents
    size = (extents.width, extents.height)
    raw = "L" if mode == "L" else "BGRa"
    picture = Image.frombuffer("L" if mode == "L" else "RGBa", size, rendered.buffer, "raw", raw, extents.stride, -1)
    if mode != "L":
        picture = picture.convert("RGBA")
    return picture, extents.x_origin, -(extents.y_origin + extents.height)


def paint(face: Face, glyph: int, transform: tuple, ink: RGB) -> tuple[Image.Image, int, int] | None:
    painter = hb.RasterPaint()
    painter.transform = transform
    painter.foreground = hb.Color(*ink, 255)
    if not painter.set_glyph_extents(face.font.get_glyph_extents(glyph)):
        return None
    painter.paint_glyph(face.font, glyph)
    return raster(painter.render(), "RGBA")


def new_layer() -> Image.Image:
    return Image.new("L", (WIDTH, HEIGHT), 0)


def draw_single_line(
    canvas: Canvas, text: str, fonts: Path, primary: str, size: int, baseline: int, ink: RGB, top: int | None = None
) -> None:
    """The publication's name or tagline: one line, made smaller if it would not fit."""
    para = paragraph(text, None, fonts, primary)
    if not para.spans:
        return
    layer = new_layer()
    natural = para.width(0, len(para.spans))
    draw_line(layer, canvas, Line(para, 0, len(para.spans)), min(size, TEXT_WIDTH / natural), baseline, ink, top)
    canvas.text(layer, ink)


def descent(fonts: Path, name: str, size: int) -> int:
    face = typeface(str(fonts / name))
    return math.ceil(-face.descender * size / face.upem)


@lru_cache(maxsize=8)
def background(site_name: str, tagline: str, palette: Palette, fonts: Path) -> Canvas:
    """Everything on an essay's card except its title; copied for each card."""
    canvas = Canvas(palette.paper)
    canvas.rectangle((0, 0, BAND - 1, HEIGHT - 1), palette.brand)
    # The name's top at the margin; the tagline's descenders on it.
    draw_single_line(canvas, site_name, fonts, SEMIBOLD, 34, MARGIN, palette.brand, top=MARGIN)
    # A short rule under the name, as on a journal's masthead.
    canvas.rectangle((MARGIN, RULE_TOP, MARGIN + 56, RULE_TOP + 3), palette.brand)
    canvas.rectangle((MARGIN, HAIRLINE_TOP, WIDTH - MARGIN - 1, HAIRLINE_TOP + 1), palette.hairline)
    baseline = HEIGHT - MARGIN - descent(fonts, ITALIC, 30)
    draw_single_line(canvas, tagline, fonts, ITALIC, 30, baseline, palette.muted)
    return canvas


def png(image: Image.Image) -> bytes:
    if image.mode == "P":
        return palette_png(image)
    buffer = io.BytesIO()
    # Explicit options and no pnginfo/dpi: nothing but the image's own chunks.
    image.save(buffer, format="PNG", compress_level=PNG_LEVEL, optimize=False)
    return buffer.getvalue()


def palette_png(image: Image.Image) -> bytes:
    """A palette image as a PNG of 1, 2, 4 or 8 bits a pixel: IHDR, PLTE, IDAT and IEND only.
    Every pixel names a colour of the palette (a ``Canvas`` draws no other)."""
    palette = image.getpalette() or [0, 0, 0]
    colours = len(palette) // 3
    depth = next(bits for bits in (1, 2, 4, 8) if colours <= 1 << bits)
    packed = image.tobytes("raw", "P" if depth == 8 else f"P;{depth}")
    row = len(packed) // image.height
    # Filter type 0 on every row: on flat colours and text it deflates best (measured).
    scanlines = b"".join(b"\0" + packed[y * row : (y + 1) * row] for y in range(image.height))
    header = struct.pack(">IIBBBBB", image.width, image.height, depth, 3, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            png_chunk(b"IHDR", header),
            png_chunk(b"PLTE", bytes(palette)),
            png_chunk(b"IDAT", deflate.zlib_compress(scanlines, PALETTE_DEFLATE_LEVEL)),
            png_chunk(b"IEND", b""),
        )
    )


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def draw_card(
    title: str, *, site_name: str, tagline: str, colours: dict[str, str], fonts: Path, language: str | None = None
) -> Image.Image:
    """An essay's card (a palette image, or RGB with colour emoji): its title, as large as it
    fits, on the publication's branding."""
    fonts = Path(fonts)
    palette = Palette.from_colours(colours)
    canvas = background(site_name, tagline, palette, fonts).copy()
    layout = layout_title(title, fonts, language)
    line_height = round(layout.size * LEADING)
    # Centre from the capitals' tops to the last baseline: what the eye sees as the block.
    block = round(layout.size * CAP_HEIGHT) + (len(layout.lines) - 1) * line_height
    first = (TITLE_TOP + TITLE_BOTTOM + block) // 2 - block + round(layout.size * CAP_HEIGHT)
    layer = new_layer()
    for number, line in enumerate(layout.lines):
        draw_line(layer, canvas, line, layout.size, first + number * line_height, palette.ink)
    canvas.text(layer, palette.ink)
    return canvas.finish()


def render_card(
    title: str, *, site_name: str, tagline: str, colours: dict[str, str], fonts: Path, language: str | None = None
) -> bytes:
    """An essay's card as PNG bytes. *language*: the essay's BCP 47 tag, if known (see the module's docstring).

    Raises ``MissingGlyphs`` for a title that ``missing_glyphs`` would have refused."""
    return png(draw_card(title, site_name=site_name, tagline=tagline, colours=colours, fonts=fonts, language=language))


def draw_site_card(*, site_name: str, tagline: str, colours: dict[str, str], fonts: Path) -> Image.Image:
    palette = Palette.from_colours(colours)
    fonts = Path(fonts)
    canvas = Canvas(palette.paper)
    canvas.rectangle((0, 0, BAND - 1, HEIGHT - 1), palette.brand)
    draw_single_line(canvas, site_name, fonts, SEMIBOLD, 132, 300, palette.ink)
    canvas.rectangle((MARGIN, 346, MARGIN + 96, 351), palette.brand)
    draw_single_line(canvas, tagline, fonts, ITALIC, 48, 436, palette.brand)
    return canvas.finish()


def render_site_card(*, site_name: str, tagline: str, colours: dict[str, str], fonts: Path) -> bytes:
    """The card for pages that are not essays: the publication's name (a short one) and tagline.

    Drawn once per build, so nothing here is cached.
    """
    return png(draw_site_card(site_name=site_name, tagline=tagline, colours=colours, fonts=fonts))


def draw_card_file(
    target: str,
    title: str | None,
    site_name: str,
    tagline: str,
    colours: dict[str, str],
    fonts: str,
    language: str | None = None,
) -> str:
    """Draw one card (the site's if *title* is None) into *target*, unless it already holds it.

    The entry point of the card worker process, which imports nothing but Pillow, HarfBuzz and python-bidi."""
    style = {"site_name": site_name, "tagline": tagline, "colours": colours, "fonts": Path(fonts)}
    image = draw_card(title, language=language, **style) if title else draw_site_card(**style)
    data, path = png(image), Path(target)
    if not (path.is_file() and path.read_bytes() == data):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return target


# -- Icons -------------------------------------------------------------------------------

ICON_SIZES = {"favicon.ico": (16, 32, 48), "apple-touch-icon.png": (180,), "icon-512.png": (512,)}


def monogram(size: int, colours: dict[str, str], letter: str, fonts: Path) -> Image.Image:
    """The publication's initial on its brand colour, drawn at 4x and scaled down.

    One letter needs no shaping: Pillow draws it, in the first font that has it."""
    scale = 4
    side = size * scale
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, side - 1, side - 1), radius=side // 5, fill=colours["brand"])
    outline_fonts = [SEMIBOLD, *OTHER_SCRIPTS, *CJK.values()]  # Pillow draws no colour (COLRv1) emoji
    name = next((n for n in outline_fonts if ord(letter) in typeface(str(Path(fonts) / n)).coverage), SEMIBOLD)
    face = ImageFont.truetype(str(Path(fonts) / name), int(side * 0.78))
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
