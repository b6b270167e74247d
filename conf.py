"""Sphinx configuration for Unscripted: essays in MyST Markdown, ABlog, Furo.

Declarative on purpose: behaviour lives in the local extension ``unscripted/``;
this file says what the publication is and how it looks.
"""

import html
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).parent.resolve()))

from unscripted.core.site_url import site_url_from_environment

# -- The publication ------------------------------------------------------------

project = "Unscripted"
tagline = "Intimacy, without the performance."
# The name that signs every essay; blog_authors below maps its key to it.
author = "Alex Rowan"
copyright = f"2024 {author}"  # a fixed year: the build must not depend on the clock
language = "en"

# Every absolute URL (canonical links, feeds, social metadata) starts here.
# SITE_URL, else Read the Docs' canonical URL, else the local preview server.
SITE_URL = site_url_from_environment()
html_baseurl = SITE_URL

# -- What Sphinx reads ----------------------------------------------------------

# An allowlist: with conf.py at the root, Sphinx would otherwise read .venv/,
# node_modules/, README.md and the tests' sample sites.
include_patterns = ["index.md", "about.md", "posts/**/*.md", "posts/**/*.rst"]
# Editors' lock and backup files are not essays.
exclude_patterns = ["posts/**/.*", "posts/**/#*"]
root_doc = "index"
# Essays in MyST Markdown, or in reStructuredText as many ABlog blogs wrote them.
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
# Broken cross-references are errors, also for a plain `sphinx-build`.
nitpicky = True

# -- Extensions -------------------------------------------------------------------

extensions = [
    # third-party
    "myst_parser",
    "notfound.extension",
    # local: the publication (unscripted/), which brings ABlog and sphinxext-opengraph
    "unscripted",
]

# -- Essays (MyST) ----------------------------------------------------------------

# dollarmath: $...$ and $$...$$ (and $$...$$ (label) for {eq}); amsmath: \begin{align}
# and friends. Math becomes MathML at build time (unscripted/read/math.py): no script.
# strikethrough: ~~words~~; attrs_inline: [words]{lang=fr} marks a phrase in another language.
myst_enable_extensions = ["colon_fence", "deflist", "dollarmath", "amsmath", "strikethrough", "attrs_inline"]
# MyST warns that ~~strikethrough~~ works only in HTML: Unscripted publishes HTML.
suppress_warnings = ["myst.strikethrough"]
# With MyST's defaults, "It cost $5 and then $10" is the formula "5 and then ",
# which converts without complaint: prose would silently become math. A $ must
# touch its formula, and a closing $ may not be followed by a digit.
myst_dmath_allow_space = False
myst_dmath_allow_digits = False
# No MathJax here: no hints for it (tex2jax_ignore classes) in the pages.
myst_update_mathjax = False
myst_heading_anchors = 3
# Anchors keep every script's letters and marks (MyST's presets drop vowel signs and
# diacritics, so a link to an Arabic or Hindi heading would point nowhere).
myst_heading_slug_func = "unscripted.core.model.heading_slug"
# Typographic quotes, apostrophes, dashes (-- and ---) and ellipses, each essay in its
# own language's quotation marks (unscripted/read/typography.py): the writer's words
# stay exactly as typed, only the glyphs are typeset. Code and math are never touched.
smartquotes = True
smartquotes_action = "qDe"

# -- Blog (ABlog's settings, which Unscripted honours) --------------------------

blog_title = project
blog_baseurl = SITE_URL
blog_path = "essays"  # all essays at essays.html; tags at essays/tag/<slug>.html
blog_post_pattern = ["posts/*/*.md", "posts/*/*.rst"]
blog_authors = {"alex": (author, None)}
blog_default_author = "alex"
blog_feed_subtitle = tagline
blog_feed_length = 20
post_auto_excerpt = 1

# Dates without a time are midnight here, and feeds show this offset.
unscripted_timezone = "Europe/London"
# Reading time: adults read non-fiction silently at about 230 words a minute, and
# Chinese and Japanese at about 260 and 360 characters a minute (Trauzettel-Klosinski
# et al., 2012, IReST): 300 characters a minute, between the two.
unscripted_words_per_minute = 230
unscripted_characters_per_minute = 300
# Preview shows drafts and scheduled essays: UNSCRIPTED_PREVIEW=1 (make serve).
unscripted_preview = os.environ.get("UNSCRIPTED_PREVIEW") == "1"
# The build's "now", for scheduled essays; tests and reproducible builds pin it.
unscripted_now = os.environ.get("UNSCRIPTED_NOW", "")

# -- Search engines, social sites, lost readers ---------------------------------

ogp_site_url = SITE_URL
ogp_site_name = project
# Our own cards (unscripted/core/cards.py): 1200x630, in the site's type and colours.
ogp_social_cards = {"enable": False}
ogp_custom_meta_tags = ['<meta name="twitter:card" content="summary_large_image">']
# Read the Docs pull-request previews must not be indexed.
unscripted_noindex = os.environ.get("READTHEDOCS_VERSION_TYPE") == "external"
# The 404 page is served at any depth: its links start from the site's path.
notfound_urls_prefix = urlsplit(SITE_URL).path
_home = html.escape(notfound_urls_prefix)
notfound_context = {
    "title": "Page not found",
    "body": (
        "<h1>Page not found</h1>"
        "<p>Nothing lives at this address: perhaps an essay was renamed, or the link was mistyped.</p>"
        f'<p>Start again from <a href="{_home}index.html">the home page</a>, '
        f'browse <a href="{_home}essays.html">all essays</a>, '
        f'or <a href="{_home}search.html">search</a>.</p>'
    ),
}

# -- Look (Furo) ----------------------------------------------------------------------

# The palette, in one place: the theme, the icons and the social cards use it.
unscripted_colours = {
    "brand": "#8c2f4b",  # deep rose; 7.6:1 on white
    "brand_on_dark": "#f0a3b9",  # 9.0:1 on Furo's dark background
    "visited": "#6b3a64",
    "visited_on_dark": "#d9b2e0",
    "ink": "#1c1417",
    "paper": "#ffffff",
}
# For search engines, and for pages with nothing more specific to say.
unscripted_description = (
    "Unscripted: personal essays on sex, closeness and communication, about intimacy without the performance."
)

# -- HTML output ------------------------------------------------------------------------

html_theme = "furo"
html_title = project
html_static_path = ["_static"]
# As Sphinx stores it (file, attributes with priority): written as "unscripted.css",
# Sphinx would add the priority in place and see a changed configuration every build.
html_css_files = [("unscripted.css", {"priority": 800})]
html_context = {"tagline": tagline}
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "sidebar/search.html",
        "sidebar/scroll-start.html",
        "sidebar/site-navigation.html",
        # categories, tags and years: on the home page and listings only
        "unscripted/widgets.html",
        "sidebar/scroll-end.html",
    ]
}
html_theme_options = {
    "light_css_variables": {
        "color-brand-primary": unscripted_colours["brand"],
        "color-brand-content": unscripted_colours["brand"],
        "color-brand-visited": unscripted_colours["visited"],
        # Headings and essays: Source Serif 4 (Latin, Cyrillic, Greek; served as "Unscripted
        # Serif", _static/unscripted.css says why), the Latin-script serifs readers have while
        # it loads, the served Noto faces, then the reader's own CJK serifs
        # (Simplified Chinese here; _static/unscripted.css switches them for ja, ko, zh-Hant) and emoji.
        # Interface text (navigation, sidebar, bylines): Furo's system sans, then the served
        # Noto faces for scripts a system sans may lack (a Hindi category in the sidebar drew
        # as empty boxes); each loads only on a page with characters of its script.
        "font-stack": (
            "-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial,"
            " 'Noto Naskh Arabic', 'Noto Serif Hebrew', 'Noto Serif Devanagari', sans-serif,"
            " 'Apple Color Emoji', 'Segoe UI Emoji'"
        ),
        "font-stack--headings": (
            "'Unscripted Serif', 'Source Serif 4', Charter, 'Sitka Text', Cambria, Georgia,"
            " 'Noto Naskh Arabic', 'Noto Serif Hebrew', 'Noto Serif Devanagari',"
            " 'Noto Serif CJK SC', 'Source Han Serif SC', 'Songti SC', STSong, SimSun,"
            " 'Apple Color Emoji', 'Segoe UI Emoji', 'Noto Color Emoji', serif"
        ),
    },
    "dark_css_variables": {
        "color-brand-primary": unscripted_colours["brand_on_dark"],
        "color-brand-content": unscripted_colours["brand_on_dark"],
        "color-brand-visited": unscripted_colours["visited_on_dark"],
    },
    # No "view source" or "edit" buttons: sources are not published.
    "top_of_page_buttons": [],
}
# Sources and the build machine stay private.
html_copy_source = False
html_show_sourcelink = False
html_use_index = False
html_domain_indices = False
html_permalinks_icon = "#"
