"""What each page loads: only the scripts and styles it uses, and the fonts its first screen needs.

A phone on a slow network waits for every style sheet in ``<head>`` and every
script before the text shows, and each is one more connection. Sphinx adds scripts for its own search and
highlighting of search terms (``documentation_options.js``, ``doctools.js``,
``sphinx_highlight.js``), Furo a style sheet for extensions this site does not
use (``furo-extensions.css``: Read the Docs' flyout, sphinx-tabs, sphinx-design),
and every page gets the code colours (``pygments.css``) whether it shows code or
not. Here each page keeps only what it uses (the search page runs the site's own
search, ``write.search``, which needs none of Sphinx's scripts). The theme's style sheet and the site's own
(``html_css_files`` in ``html_static_path``) are served as one file,
``_static/unscripted-site.css``, made when writing starts from the files as
they are, so Furo's rules and the site's keep their order and nothing is copied
into the sources. Furo's colour variables (``html_theme_options``), which it
writes in a ``<style>`` element into every page (1.2 KB each), end that file:
last, as they came after every style sheet in the page.

Furo's icons are drawn by that style sheet, as Furo draws its admonition icons:
each element that shows one is filled with its text colour through the icon as
a mask (a data URL, so no request). Furo puts its sprite inline on every page
(6.4 KB; trimmed, 2.9 KB), and its ``<use>`` elements point into it; here pages
carry neither. Two ways that cost the phone's first paint were measured and
dropped: the sprite as a file of its own, and a file the ``<use>`` elements
point to (largest contentful paint 1.05 s → 1.20 s): each was one more request.

Fonts: the two faces every first screen uses (the text's regular and the
headings' semibold, in the Latin first-screen cut, 12 KB each) are preloaded, so they arrive with the style sheets
and the text is drawn once, in the publication's own type, with nothing moving
when a font arrives late. Other faces (italic, other scripts) load when a page
uses them, and are published only if some page can: a site written in English
carries no Arabic, Devanagari or math font (0.8 MB, 0.8 KiB an essay at a
thousand essays), and gets each the day an essay needs it.
"""

from __future__ import annotations

import bisect
import html
import posixpath
import re
from pathlib import Path
from urllib.parse import quote

import furo
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.errors import ExtensionError

from unscripted.infra.files import write_if_changed
from unscripted.infra.state import PerBuild

SPHINX_SCRIPTS = {"_static/documentation_options.js", "_static/doctools.js", "_static/sphinx_highlight.js"}
UNUSED_STYLES = {"_static/styles/furo-extensions.css"}
# Copied into _static by Sphinx and the themes, loaded by no page of this site: Sphinx's own
# search (the site runs its own), its basic theme's toggle images, Furo's script for extensions
# this site does not use, and maps of sources that are not published. (Style sheets no page
# links, such as basic.css, go by rule: ``unused_fonts_and_sheets``.)
NEVER_LOADED = {
    "_static/searchtools.js",
    "_static/language_data.js",
    "_static/file.png",
    "_static/minus.png",
    "_static/plus.png",
    "_static/scripts/furo-extensions.js",
    "_static/styles/furo-extensions.css.map",
    "_static/styles/furo.css.map",
}
CODE_STYLES = "_static/pygments.css"
# A static file a page names (in a link, or in its text: kept, to be safe); a literal first is fast.
STATIC_LINK = re.compile(rb'_static/([^"?#<>\s]+)')
ASCII = bytes(range(0x80))
CHARACTER_REFERENCE = re.compile(rb"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}")
FONT_URL = re.compile(r'url\(\s*["\']?([^"\')]+)["\']?\s*\)')
UNICODE_RANGE = re.compile(r"unicode-range\s*:\s*([^;}]+)")
FONT_FILES = (".woff2", ".woff", ".ttf", ".otf")
# Each font licence and the files it covers (unscripted/static): published while one of them is.
FONT_LICENCES = {
    "_static/fonts/SourceSerif4-OFL.txt": ("_static/fonts/source-serif-4-", "_static/fonts/unscripted-serif-"),
    "_static/fonts/NotoNaskhArabic-OFL.txt": ("_static/fonts/noto-naskh-arabic-",),
    "_static/fonts/NotoSerifHebrew-OFL.txt": ("_static/fonts/noto-serif-hebrew-",),
    "_static/fonts/NotoSerifDevanagari-OFL.txt": ("_static/fonts/noto-serif-devanagari-",),
    "_static/math/OFL.txt": ("_static/math/",),
}
FIRST_SCREEN_FONTS = ("unscripted-serif-latin-core-400-normal.woff2", "unscripted-serif-latin-core-600-normal.woff2")
FONTS = "_static/fonts"
COMBINED = "unscripted-site.css"
COMBINED_SHEETS: PerBuild[set[str]] = PerBuild(set)  # their names in css_files, once writing starts
SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/")  # names a file that is not published
THEME_COLOURS = "partials/_head_css_variables.html"  # Furo's, in a <style> element
STYLE_ELEMENT = re.compile(r"\s*<style>(.*)</style>\s*", re.S)
ICONS = Path(__file__).with_name("icons.svg")
# Which of Furo's elements shows which icon (the class names and places of its page.html). Its
# theme toggle holds four icons and shows the one for the theme; here it holds one element
# (``drawn_icons``), whose icon follows the theme, and the colour scheme where one is given.
ICON_ELEMENTS = {
    "svg-menu": ".nav-overlay-icon svg",
    "svg-toc": ".toc-overlay-icon svg",
    "svg-arrow-right": "svg.furo-related-icon,.toctree-checkbox~label .icon svg",
    "svg-sun-with-moon": "svg.theme-icon",
    "svg-sun": "body[data-theme=light] svg.theme-icon",
    "svg-moon": "body[data-theme=dark] svg.theme-icon",
    "svg-moon-with-sun": "body[data-theme=auto] svg.theme-icon",
}
ICON_SCHEMES = {"svg-moon-with-sun": "dark"}
FURO_THEME_ICONS = re.compile(
    r'<svg class="theme-icon-when-auto-light"></svg>\s*<svg class="theme-icon-when-auto-dark"></svg>\s*'
    r'<svg class="theme-icon-when-dark"></svg>\s*<svg class="theme-icon-when-light"></svg>'
)
FURO_ICON_USES = re.compile("|".join(f'<use href="#{name}"></use>' for name in ICON_ELEMENTS))
SYMBOL = re.compile(r'<symbol id="([^"]+)"([^>]*)>(?:<title>[^<]*</title>)?(.*?)</symbol>', re.S)


def style_sheets(builder: Builder) -> list[tuple[str, Path]]:
    """(name under _static, file) of the theme's style sheets and the site's own, in page order."""
    sheets = []
    for name in builder.theme.stylesheets:
        found = [Path(folder, "static", name) for folder in builder.theme.get_theme_dirs()]
        sheets += [(name, path) for path in found[:1] if path.is_file()]
    for name, attributes in builder.config.html_css_files:
        if set(attributes) <= {"priority"}:  # a media query or an id would be lost in one file
            found = [Path(builder.srcdir, folder, name) for folder in builder.config.html_static_path]
            sheets += [(name, path) for path in found if path.is_file()][:1]
    return sheets


def combine_style_sheets(app: Sphinx, builder: Builder) -> None:
    if builder.format != "html":
        return
    sheets = style_sheets(builder)
    COMBINED_SHEETS(app).update(f"_static/{name}" for name, _ in sheets)
    text = "\n".join(SOURCE_MAP.sub("", path.read_text(encoding="utf-8")) for _, path in sheets)
    text += "\n" + icon_styles() + theme_colours(builder)
    folder = Path(builder.outdir, "_static")
    folder.mkdir(parents=True, exist_ok=True)
    write_if_changed(folder / COMBINED, text.encode())


def icon_styles() -> str:
    """Each icon as a mask over its element's text colour; in forced colours, the system's text colour."""
    symbols = {name: (attributes, drawing) for name, attributes, drawing in SYMBOL.findall(ICONS.read_text())}
    rules = []
    for name, selector in ICON_ELEMENTS.items():
        attributes, drawing = symbols[name]
        svg = f'<svg xmlns="http://www.w3.org/2000/svg"{attributes}>{drawing}</svg>'
        svg = svg.replace("currentColor", "black").replace('"', "'")  # a mask takes only the alpha
        url = "data:image/svg+xml," + quote(svg, safe=" =:/'.,-")
        rule = f'{selector}{{--unscripted-icon:url("{url}")}}'
        scheme = ICON_SCHEMES.get(name)
        rules.append(f"@media (prefers-color-scheme:{scheme}){{{rule}}}" if scheme else rule)
    drawn = ",".join(
        dict.fromkeys(
            selector.split()[-1] if selector.startswith("body") else selector for selector in ICON_ELEMENTS.values()
        )
    )
    mask = "var(--unscripted-icon) center/contain no-repeat"
    rules.append(f"{drawn}{{background-color:currentColor;-webkit-mask:{mask};mask:{mask}}}")
    rules.append(".theme-toggle svg.theme-icon{display:block}")
    rules.append(f"@media (forced-colors:active){{{drawn}{{forced-color-adjust:none;background-color:CanvasText}}}}")
    return "\n".join(rules) + "\n"


def drawn_icons(html: str) -> str:
    """Furo's markup for the icons the style sheet draws: no ``<use>`` element pointing into a
    sprite, and one theme-toggle icon instead of four (``ICON_ELEMENTS``)."""
    return FURO_THEME_ICONS.sub('<svg class="theme-icon"></svg>', FURO_ICON_USES.sub("", html))


def add_template_filters(app: Sphinx) -> None:
    if hasattr(getattr(app.builder, "templates", None), "environment"):
        app.builder.templates.environment.filters["unscripted_drawn_icons"] = drawn_icons


def theme_colours(builder: Builder) -> str:
    """Furo's colour variables as CSS, rendered by Furo's own template with what Furo gives it."""
    context = {f"theme_{key}": value for key, value in builder.theme.get_options(builder.theme_options).items()}
    fallbacks = {
        "light": {"foreground": "black", "background": "white"},
        "dark": {"foreground": "white", "background": "black"},
    }
    styles = furo._KNOWN_STYLES_IN_USE  # set by Furo when the builder starts
    context["furo_pygments"] = {
        scheme: furo.get_pygments_style_colors(styles[scheme], fallbacks=fallbacks[scheme]) for scheme in fallbacks
    }
    element = STYLE_ELEMENT.fullmatch(builder.templates.render(THEME_COLOURS, context))
    if element is None:
        raise ExtensionError(f"unscripted.assets: Furo's {THEME_COLOURS} no longer holds one <style> element")
    return element[1].strip() + "\n"


def publish_only_what_pages_load(app: Sphinx, exception: Exception | None) -> None:
    """Sphinx copies every static file of the themes into the output; the ones no page loads go:
    Sphinx's scripts and ``NEVER_LOADED``, then every style sheet no page links (those served as
    one file, Sphinx's basic theme, the code colours or math where no page shows any: 220 KB and
    more) and the fonts no page can draw with."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for name in sorted(SPHINX_SCRIPTS | NEVER_LOADED):
        Path(outdir, name).unlink(missing_ok=True)
    linked, shown = what_pages_load_and_show(outdir)
    for name in sorted(unused_fonts_and_sheets(outdir, linked, shown)):
        Path(outdir, name).unlink()


def what_pages_load_and_show(outdir: Path) -> tuple[set[str], set[str]]:
    """The static files the site's pages link (``_static/…``), and every character they hold
    beyond ASCII. Every page is read, written in this build or not, so an incremental build
    publishes what a clean one does; a byte-level scan, about 0.1 s for a thousand pages."""
    linked: set[str] = set()
    shown: set[str] = set()
    for page in outdir.rglob("*.html"):
        data = page.read_bytes()
        linked.update(f"_static/{name.decode()}" for name in STATIC_LINK.findall(data))
        shown.update(data.translate(None, ASCII).decode("utf-8", "replace"))
        shown.update(html.unescape(b"".join(set(CHARACTER_REFERENCE.findall(data))).decode()))
    return linked, shown


def unused_fonts_and_sheets(outdir: Path, linked: set[str], shown: set[str]) -> set[str]:
    """Under ``_static``: the style sheets no page links, the fonts that no linked sheet
    declares for a character some page (or generated content in a sheet) holds, and the
    licences of fonts no longer published (``FONT_LICENCES``). A browser fetches a font only
    for a character in its ``unicode-range``, so no page ever asks for one of these."""
    static = outdir / "_static"
    published = {path.relative_to(outdir).as_posix() for path in static.rglob("*") if path.is_file()}
    sheets = {name for name in published if name.endswith(".css") and name in linked}
    shown = {*shown, *map(chr, range(0x20, 0x7F))}
    faces = []
    for sheet in sorted(sheets):
        text = (outdir / sheet).read_text(encoding="utf-8")
        shown.update(character for character in text if ord(character) > 0x7E)  # generated content
        faces += [(sheet, face) for face in FONT_FACE.findall(text)]
    drawn = sorted(ord(character) for character in shown)
    needed = set()
    for sheet, face in faces:
        ranges = UNICODE_RANGE.search(face)
        if ranges is None or any(holds_any(drawn, first, last) for first, last in code_ranges(ranges[1])):
            needed.update(
                posixpath.normpath(posixpath.join(posixpath.dirname(sheet), url)) for url in FONT_URL.findall(face)
            )
    fonts = {name for name in published if name.endswith(FONT_FILES)}
    unused = {name for name in published if name.endswith(".css") and name not in sheets} | (fonts - needed)
    for licence, covered in FONT_LICENCES.items():
        if not any(name.startswith(covered) for name in fonts & needed):
            unused.add(licence)
    return unused & published


def holds_any(codes: list[int], first: int, last: int) -> bool:
    """Whether the sorted *codes* hold one from *first* to *last*."""
    at = bisect.bisect_left(codes, first)
    return at < len(codes) and codes[at] <= last


def code_ranges(unicode_range: str) -> list[tuple[int, int]]:
    """``U+0020-007E,U+00A0,U+4??`` as (first, last) code points."""
    spans = []
    for span in unicode_range.replace(" ", "").split(","):
        first, _, last = span.upper().removeprefix("U+").partition("-")
        spans.append((int(first.replace("?", "0"), 16), int((last or first).replace("?", "F"), 16)))
    return spans


def only_what_the_page_uses(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    context["script_files"] = [script for script in context["script_files"] if script.filename not in SPHINX_SCRIPTS]
    shows_code = 'class="highlight' in (context.get("body") or "")
    combined = COMBINED_SHEETS(app)
    kept = []
    for sheet in context["css_files"]:
        if sheet.filename not in combined:
            if sheet.filename not in UNUSED_STYLES and (shows_code or sheet.filename != CODE_STYLES):
                kept.append(sheet)
        elif not any(other.filename == f"_static/{COMBINED}" for other in kept):  # where the first stood
            kept.append(type(sheet)(f"_static/{COMBINED}", priority=sheet.priority))
    context["css_files"] = kept
    context["unscripted_preloaded_fonts"] = [posixpath.join(FONTS, name) for name in FIRST_SCREEN_FONTS]
