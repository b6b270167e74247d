"""A strict Content-Security-Policy, in a ``<meta>`` element at the top of every page.

Static hosts (GitHub Pages) cannot send headers, so the policy travels in the
page. Scripts run only from the site itself, plus the one inline script Furo
needs before the page paints (it applies the reader's light/dark choice),
allowed by its hash, computed from Furo's own template so that a Furo update
cannot silently break it. Styles may be inline: the icon sprite is hidden
with a ``style`` attribute, and docutils sizes an essay's image with one.
Nothing is loaded from another host. A referrer policy keeps links from
telling other sites more than this site's origin.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from pathlib import Path

import furo
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from unscripted.core.html_policy import excerpt

logger = logging.getLogger(__name__)

FURO_BASE = Path(furo.__file__).parent / "theme/furo/base.html"
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
REFERRER_POLICY = "strict-origin-when-cross-origin"


def script_hash(source: str) -> str:
    """The CSP source expression allowing an inline script with exactly this text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


def theme_scripts() -> list[str]:
    """The inline scripts Furo's base template writes into every page (static text)."""
    scripts = INLINE_SCRIPT.findall(FURO_BASE.read_text(encoding="utf-8"))
    if not scripts or any("{{" in s or "{%" in s for s in scripts):
        raise ExtensionError(f"unscripted.csp: Furo's inline script changed shape in {FURO_BASE}; review the policy")
    return scripts


@functools.cache  # Furo's template is read once
def policy() -> str:
    scripts = " ".join(script_hash(source) for source in theme_scripts())
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        )
    )


def add_policy(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    # The preview server injects its own reload script; preview pages are never published.
    context["unscripted_csp"] = None if app.config.unscripted_preview else policy()
    context["unscripted_referrer_policy"] = REFERRER_POLICY


# What a page's <head> may carry in `metatags`: ours and sphinxext-opengraph's.
META_NAMES = re.compile(r"description|robots|twitter:[\w:]+|og:[\w:]+|article:[\w:]+|viewport")
META_TAG = re.compile(r"<meta\s+(?:name|property)=\"([^\"]+)\"\s+content=\"[^\"<>]*\"\s*/?>")


def check_head(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """What a page's <head> loads and declares, beyond our own template: local scripts and
    styles only, and only the <meta> tags the site writes (an essay cannot add <meta>,
    <link>, <base> or a script from elsewhere, whichever route it takes)."""
    problems = []
    for asset in [*context.get("script_files", []), *context.get("css_files", [])]:
        name = str(getattr(asset, "filename", asset))
        if "://" in name or name.startswith("//"):
            problems.append(f"would load {name} from another site")
    leftover = META_TAG.sub(lambda tag: "" if META_NAMES.fullmatch(tag[1]) else tag[0], context.get("metatags", ""))
    if leftover.strip():
        problems.append(f"would carry {excerpt(leftover.strip())} in its <head>")
    for problem in problems:
        logger.error("the page %s %s; nothing may", pagename, problem, location=(pagename, None))
