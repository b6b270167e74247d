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

Furo's icons stay inline (2.9 KB a page, ``partials/icons.html``): served as one
file, they were one more request before the first paint, and Lighthouse's
largest contentful paint on a phone went from 1.05 s to 1.20 s (measured twice:
as Furo's sprite, and as a file that Furo's ``<use>`` elements point to).

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

import furo
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.errors import ExtensionError

from unscripted.infra.files import write_if_changed
from unscripted.infra.state import PerBuild

SPHINX_SCRIPTS = {"_static/documentation_options.js", "_static/doctools.js", "_static/sphinx_highlight.js"}
UNUSED_STYLES = {"_static/styles/furo-extensions.css"}
CODE_STYLES = "_static/pygments.css"
FIRST_SCREEN_FONTS = ("unscripted-serif-latin-core-400-normal.woff2", "unscripted-serif-latin-core-600-normal.woff2")
FONTS = "_static/fonts"
COMBINED = "unscripted-site.css"
COMBINED_SHEETS: PerBuild[set[str]] = PerBuild(set)  # their names in css_files, once writing starts
SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/")  # names a file that is not published
THEME_COLOURS = "partials/_head_css_variables.html"  # Furo's, in a <style> element
STYLE_ELEMENT = re.compile(r"\s*<style>(.*)</style>\s*", re.S)


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
    text += "\n" + theme_colours(builder)
    folder = Path(builder.outdir, "_static")
    folder.mkdir(parents=True, exist_ok=True)
    write_if_changed(folder / COMBINED, text.encode())


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
