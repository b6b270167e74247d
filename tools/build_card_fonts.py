"""Regenerate the fonts Unscripted ships, from pinned npm packages: ``make card-fonts``.

    .venv/bin/python tools/build_card_fonts.py [--only FILE ...] [--update] [--web] [--cache DIR]

Card fonts (``unscripted/fonts/``, read by ``unscripted/core/cards.py``, never
published): full static TTFs from Google Fonts as packaged by Expo
(``@expo-google-fonts/*``: MIT for the JavaScript, SIL OFL 1.1 for the fonts).
Source Serif 4 is copied byte for byte: its Reserved Font Name "Source" forbids
shipping a modified version, and a subset is one. The others are subset with
fontTools: Arabic, Hebrew, Devanagari and emoji keep every character (unhinted,
without the tables a card does not use); Chinese, Japanese and Korean are cut
to the national standards' character sets (GB 2312, JIS X 0208, KS X 1001)
plus ``unscripted/fonts/extra-chars.txt``, where a title's rarer characters go.
``manifest.json`` pins each source's sha256 (a changed source is refused unless
``--update``) and records each output's; each font's licence goes to ``licenses/``.
Same inputs, same bytes.

Web fonts (``--web``, ``unscripted/static/fonts/``, published): woff2 files
from ``@fontsource/*``, checked against ``tools/web-fonts.sha256`` and copied
unchanged, except Source Serif 4's Latin cut, which every page needs first: it is
split in two, what a first screen of English text uses (``latin-core``, preloaded
by every page, a third smaller) and the rest of the cut (``latin-more``, fetched
only by pages that use it). A split font is a Modified Version under the SIL OFL
and Source Serif's Reserved Font Name "Source" may not name it, so the split
files are named "Unscripted Serif" (the copyright and licence notices are kept).
Their ``unicode-range`` for ``_static/unscripted.css`` is printed.

Needs ``npm`` (``npm pack`` downloads each package and checks it against the
registry's sha512) and fontTools with brotli (in requirements-test.txt). The
site's build needs none of this: it reads the files in the repository.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import subprocess
import tarfile
import tempfile
import zlib
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
CARD_FONTS = ROOT / "unscripted" / "fonts"
WEB_FONTS = ROOT / "unscripted" / "static" / "fonts"
WEB_SUMS = ROOT / "tools" / "web-fonts.sha256"

# (output file, npm package, version, path inside the package, character set)
CARD_SOURCES = [
    ("SourceSerif4-SemiBold.ttf", "@expo-google-fonts/source-serif-4", "0.4.1",
     "600SemiBold/SourceSerif4_600SemiBold.ttf", "original"),
    ("SourceSerif4-Italic.ttf", "@expo-google-fonts/source-serif-4", "0.4.1",
     "400Regular_Italic/SourceSerif4_400Regular_Italic.ttf", "original"),
    ("NotoNaskhArabic-SemiBold.ttf", "@expo-google-fonts/noto-naskh-arabic", "0.4.5",
     "600SemiBold/NotoNaskhArabic_600SemiBold.ttf", "all"),
    ("NotoSerifHebrew-SemiBold.ttf", "@expo-google-fonts/noto-serif-hebrew", "0.4.2",
     "600SemiBold/NotoSerifHebrew_600SemiBold.ttf", "all"),
    ("NotoSerifDevanagari-SemiBold.ttf", "@expo-google-fonts/noto-serif-devanagari", "0.4.1",
     "600SemiBold/NotoSerifDevanagari_600SemiBold.ttf", "all"),
    ("NotoSerifSC-SemiBold-GB2312.ttf", "@expo-google-fonts/noto-serif-sc", "0.4.3",
     "600SemiBold/NotoSerifSC_600SemiBold.ttf", "zh"),
    ("NotoSerifJP-SemiBold-JIS0208.ttf", "@expo-google-fonts/noto-serif-jp", "0.4.3",
     "600SemiBold/NotoSerifJP_600SemiBold.ttf", "ja"),
    ("NotoSerifKR-SemiBold-KSX1001.ttf", "@expo-google-fonts/noto-serif-kr", "0.4.3",
     "600SemiBold/NotoSerifKR_600SemiBold.ttf", "ko"),
    ("NotoColorEmoji-COLRv1.ttf", "@expo-google-fonts/noto-color-emoji", "0.4.6",
     "400Regular/NotoColorEmoji_400Regular.ttf", "all"),
]  # fmt: skip

# (npm package, version): every woff2 file of it named in tools/web-fonts.sha256.
WEB_SOURCES = [
    ("@fontsource/source-serif-4", "5.3.1"),
    ("@fontsource/noto-naskh-arabic", "5.3.0"),
    ("@fontsource/noto-serif-hebrew", "5.3.0"),
    ("@fontsource/noto-serif-devanagari", "5.3.0"),
]

# Source Serif 4's Latin cut, split: the characters a first screen of English uses.
FIRST_SCREEN = {
    *range(0x20, 0x7F),  # ASCII
    0xA0, 0xA9, 0xAB, 0xB7, 0xBB,  # no-break space, ©, « · »
    *range(0x2010, 0x2015), *range(0x2018, 0x201F), 0x2022, 0x2026,  # dashes, quotes, bullet, ellipsis
    0x2032, 0x2033, 0x2039, 0x203A, 0x20AC, 0x2122, 0x2212,  # primes, ‹ ›, €, ™, minus
}  # fmt: skip
SPLIT_SOURCES = {f"source-serif-4-latin-{w}-{style}.woff2" for w in (400, 600) for style in ("normal", "italic")}
SPLIT_FAMILY = ("Source Serif 4", "Unscripted Serif")  # the Reserved Font Name may not name a modified font
SPLIT_POSTSCRIPT = ("SourceSerif4", "UnscriptedSerif")

# Not drawn on a card, or only of use to a hinting, vertical or SVG-capable renderer.
DROP_TABLES = ["vhea", "vmtx", "VORG", "SVG", "STAT", "gasp", "DSIG", "BASE", "hdmx", "LTSH", "VDMX"]

# Punctuation, symbols, kana and full-width forms any CJK title may use.
CJK_COMMON = (
    set(range(0x3000, 0x3040))  # CJK symbols and punctuation
    | set(range(0x3040, 0x3100))  # hiragana, katakana
    | set(range(0x31F0, 0x3200))  # katakana phonetic extensions
    | set(range(0xFF00, 0xFFF0))  # half-width and full-width forms
    | set(range(0x2010, 0x2028))  # dashes, quotes, ellipsis
    | set(range(0x2030, 0x203C))  # per mille, primes
    | {0x00B7, 0x00D7, 0x00F7, 0x2116, 0x2122, *range(0x2160, 0x2165), *range(0x2190, 0x2194)}
)


def euc_rows(codec: str, rows: range) -> set[int]:
    """Every character of a two-byte EUC code set's rows: the standard's own repertoire."""
    found: set[int] = set()
    for row in rows:
        for cell in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):  # an unassigned cell
                found.add(ord(bytes([row, cell]).decode(codec)))
    return found


def is_han(code: int) -> bool:
    return 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or code >= 0x20000


def charset(name: str, extra: set[int]) -> set[int] | None:
    """The characters to keep; None keeps the font's whole character set."""
    if name in ("all", "original"):
        return None
    if name == "zh":  # GB 2312: 6,763 hanzi and its symbols
        base = euc_rows("gb2312", range(0xA1, 0xF8))
    elif name == "ja":  # JIS X 0208: 6,355 kanji, kana and symbols
        base = euc_rows("euc_jp", range(0xA1, 0xF5))
    elif name == "ko":  # KS X 1001: the 2,350 common Hangul syllables and symbols, no hanja
        base = {code for code in euc_rows("euc_kr", range(0xA1, 0xFE)) if not is_han(code)}
        base |= set(range(0x3130, 0x3190))  # compatibility jamo (ㅋㅋ, ㅠㅠ)
    else:
        raise ValueError(name)
    return base | CJK_COMMON | extra


def read_extra() -> set[int]:
    """extra-chars.txt: any layout; lines starting with '#' are comments."""
    path = CARD_FONTS / "extra-chars.txt"
    lines = [line for line in path.read_text("utf-8").splitlines() if not line.startswith("#")]
    return {ord(c) for line in lines for c in line if not c.isspace()}


def npm_pack(package: str, version: str, cache: Path) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    tarball = cache / (package.lstrip("@").replace("/", "-") + f"-{version}.tgz")
    if not tarball.exists():
        command = ["npm", "pack", "--silent", f"{package}@{version}"]
        subprocess.run(command, cwd=cache, check=True, stdout=subprocess.DEVNULL)
    return tarball


def extract(tarball: Path, member: str) -> bytes:
    with tarfile.open(tarball) as tar:
        file = tar.extractfile(f"package/{member}")
        if file is None:
            raise SystemExit(f"{tarball.name} has no {member}")
        return file.read()


def subset_font(source: Path, unicodes: list[int], target: Path) -> None:
    font = TTFont(source, recalcTimestamp=False)  # keeps head.modified: same inputs, same bytes
    options = subset.Options()
    options.layout_features = ["*"]  # Arabic joining, Indic conjuncts and emoji sequences live in GSUB/GPOS
    options.name_IDs = ["*"]  # copyright, licence, version
    options.name_languages = ["*"]
    options.hinting = False  # HarfBuzz's rasterizer does not hint
    options.notdef_outline = True
    options.glyph_names = False
    options.drop_tables = sorted(set(options.drop_tables) | set(DROP_TABLES))
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    font.save(target)


def build_card_fonts(cache: Path, only: set[str], update: bool) -> None:
    manifest_file = CARD_FONTS / "manifest.json"
    previous = {entry["file"]: entry for entry in json.loads(manifest_file.read_text())}
    extra = read_extra()
    manifest = []
    for filename, package, version, member, setname in CARD_SOURCES:
        if only and filename not in only and filename in previous:
            manifest.append(previous[filename])
            continue
        tarball = npm_pack(package, version, cache)
        data = extract(tarball, member)
        pinned = previous.get(filename, {}).get("source_sha256")
        if pinned and pinned != hashlib.sha256(data).hexdigest() and not update:
            raise SystemExit(f"{package}@{version}:{member} is not the file manifest.json pins; --update if on purpose")
        (CARD_FONTS / "licenses" / f"{Path(filename).stem}.OFL.txt").write_bytes(extract(tarball, "LICENSE_FONT"))
        target = CARD_FONTS / filename
        source = cache / Path(member).name
        source.write_bytes(data)
        cmap = set(TTFont(source).getBestCmap())
        wanted = charset(setname, extra)
        unicodes = sorted(cmap if wanted is None else cmap & wanted)
        if setname == "original":
            target.write_bytes(data)
        else:
            subset_font(source, unicodes, target)
        source.unlink()
        raw = target.read_bytes()
        manifest.append(
            {
                "file": filename,
                "source": f"{package}@{version}:{member}",
                "source_sha256": hashlib.sha256(data).hexdigest(),
                "source_bytes": len(data),
                "charset": setname,
                "codepoints": len(unicodes),
                "glyphs": len(TTFont(target).getGlyphOrder()),
                "ttf_bytes": len(raw),
                "zlib9_bytes": len(zlib.compress(raw, 9)),  # about what git stores
                "sha256": hashlib.sha256(raw).hexdigest(),
            }
        )
        print(f"{filename}: {len(unicodes)} characters, {len(raw):,} bytes")
    manifest_file.write_text(json.dumps(manifest, indent=1) + "\n")


def build_web_fonts(cache: Path) -> None:
    sums = dict(line.split()[::-1] for line in WEB_SUMS.read_text().splitlines() if line.strip())
    for package, version in WEB_SOURCES:
        tarball = npm_pack(package, version, cache)
        prefix = package.split("/")[1] + "-"
        for name in sorted(n for n in sums if n.startswith(prefix)):
            data = extract(tarball, f"files/{name}")
            if hashlib.sha256(data).hexdigest() != sums[name]:
                raise SystemExit(f"{package}@{version}: files/{name} is not the file tools/web-fonts.sha256 pins")
            if name in SPLIT_SOURCES:
                split_first_screen(name, data, cache)
            else:
                (WEB_FONTS / name).write_bytes(data)
    print(f"{len(sums)} web fonts checked, {len(SPLIT_SOURCES)} of them split")


def split_first_screen(name: str, data: bytes, cache: Path) -> None:
    """*name*'s characters in two renamed files: the first screen's, and the rest."""
    source = cache / name
    source.write_bytes(data)
    cmap = set(TTFont(source).getBestCmap())
    for part, unicodes in (("core", cmap & FIRST_SCREEN), ("more", cmap - FIRST_SCREEN)):
        target = WEB_FONTS / name.replace("source-serif-4-latin-", f"unscripted-serif-latin-{part}-")
        font = TTFont(source, recalcTimestamp=False)
        options = subset.Options()
        # Features running text uses; figure styles (frac, numr, tnum...) would double the glyphs.
        options.layout_features = ["ccmp", "locl", "mark", "mkmk", "kern", "liga", "clig", "calt", "rlig"]
        options.name_IDs = ["*"]  # copyright, licence, version
        options.hinting = False  # a third of the bytes; browsers draw unhinted outlines well
        options.flavor = "woff2"
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(unicodes))
        subsetter.subset(font)
        names = font["name"]
        for record in list(names.names):
            text = record.toUnicode().replace(*SPLIT_FAMILY).replace(*SPLIT_POSTSCRIPT)
            names.setName(text, record.nameID, record.platformID, record.platEncID, record.langID)
        font.flavor = "woff2"
        font.save(target)
        size = target.stat().st_size
        print(f"{target.name}: {len(unicodes)} characters, {size:,} bytes; unicode-range: {ranges(unicodes)}")
    source.unlink()


def ranges(codepoints: set[int]) -> str:
    """CSS unicode-range for *codepoints*: U+0020-007E,U+00A0,..."""
    spans: list[list[int]] = []
    for code in sorted(codepoints):
        if spans and code == spans[-1][1] + 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    return ",".join(f"U+{a:04X}" if a == b else f"U+{a:04X}-{b:04X}" for a, b in spans)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "unscripted-font-sources")
    parser.add_argument("--only", nargs="*", default=[], help="rebuild just these card fonts (e.g. after extra-chars)")
    parser.add_argument("--update", action="store_true", help="accept sources whose sha256 differs from the manifest")
    parser.add_argument("--web", action="store_true", help="also fetch and check the web fonts")
    args = parser.parse_args()
    build_card_fonts(args.cache, set(args.only), args.update)
    if args.web:
        build_web_fonts(args.cache)


if __name__ == "__main__":
    main()
