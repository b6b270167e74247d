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
uses them.
"""

from __future__ import annotations

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
# search (the site runs its own), its basic theme's style sheet (Furo's replaces it) and toggle
# images, sphinx-basic-ng's debugging styles, Furo's script for extensions this site does not
# use, and maps of sources that are not published.
NEVER_LOADED = {
    "_static/searchtools.js",
    "_static/language_data.js",
    "_static/basic.css",
    "_static/file.png",
    "_static/minus.png",
    "_static/plus.png",
    "_static/skeleton.css",
    "_static/debug.css",
    "_static/scripts/furo-extensions.js",
    "_static/styles/furo-extensions.css.map",
    "_static/styles/furo.css.map",
}
CODE_STYLES = "_static/pygments.css"
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
    """Sphinx copies every static file of the themes into the output; the ones no page loads go
    (the style sheets served as one file, Sphinx's scripts, ``NEVER_LOADED``): 220 KB."""
    if exception is not None or app.builder.format != "html":
        return
    unused = (
        {f"_static/{name}" for name, _ in style_sheets(app.builder)} | SPHINX_SCRIPTS | UNUSED_STYLES | NEVER_LOADED
    )
    for name in sorted(unused):
        Path(app.outdir, name).unlink(missing_ok=True)


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
