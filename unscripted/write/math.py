"""Math on the page: the MathML made while reading (``read.math``), and its style sheet.

Registered as Sphinx's HTML math renderer ``mathml``, so MathJax never runs and
no page gets its script. Display math is written once, as

    <div class="math notranslate" tabindex="0"><math display="block" …>…</math>
    <span class="eqno">(1)<a class="headerlink" …>#</a></span></div>

with the equation number (Sphinx's, for ``{eq}``) in HTML after the formula, so
feeds carry it too and screen readers read it after the equation. Furo wraps
each block in a container carrying the block's ids; they are written once, on it.

The style sheet, with the math font, is added only to pages that show math.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number
from sphinx.writers.html5 import HTML5Translator

from unscripted.core.mathml import MathError, display_tex, to_mathml
from unscripted.read.math import MATHML, describe

STYLE_SHEET = "math/math.css"  # in unscripted/static, with the font and its licence
FORMULA = re.compile(r'<math\b[^>]*?\balttext="([^"]*)"[^>]*>.*?</math>', re.S)

logger = logging.getLogger(__name__)


def visit_math(self: HTML5Translator, node: nodes.math) -> None:
    self.body.append(mathml_of(self, node, display=False))
    raise nodes.SkipNode


def visit_math_block(self: HTML5Translator, node: nodes.math_block) -> None:
    wrapper = node.parent
    wrapped = isinstance(wrapper, nodes.container) and wrapper["ids"] == node["ids"]
    ids = [] if wrapped else node["ids"]
    classes = " ".join(dict.fromkeys(["math", "notranslate", *node["classes"]]))
    # A formula wider than a phone scrolls in this box: tabindex lets a keyboard scroll it too.
    self.body.append(f'<div class="{classes}"' + (f' id="{ids[0]}"' if ids else "") + ' tabindex="0">')
    self.body.extend(f'<span id="{i}"></span>' for i in ids[1:])
    self.body.append(mathml_of(self, node, display=True))
    if node.get("number"):
        self.body.append(f'<span class="eqno">({get_node_equation_number(self, node)})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    self.body.append("</div>\n")
    raise nodes.SkipNode


def mathml_of(translator: HTML5Translator, node: nodes.Element, *, display: bool) -> str:
    mathml = node.get(MATHML)
    if mathml is None:
        # Made after reading (no page of ours does): converted now, or reported like any warning.
        written = node.astext()
        try:
            tex = display_tex(written, nowrap=bool(node.get("nowrap"))) if display else written
            mathml = to_mathml(tex, display=display, alt=written)
        except MathError as error:
            logger.error("cannot convert this math to MathML: %s; the TeX: %s", error, describe(written), location=node)
            return f'<code class="math-error">{translator.encode(written)}</code>'
    return mathml


def add_style_sheet(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Pages with math get the style sheet, and so the math font (a per-page asset)."""
    if shows_math(context):
        # The builder's, for this page only (app.add_css_file would also register it for good).
        app.builder.add_css_file(STYLE_SHEET)


def shows_math(context: dict) -> bool:
    """The page's own math, or math in an essay's opening shown here (listings,
    the home page, related essays)."""
    if context.get("has_maths_elements"):
        return True
    shown = [context.get("body") or "", str(context.get("unscripted_after_article") or "")]
    shown += [str(entry.summary) for entry in context.get("entries") or ()]
    return any("<math" in html for html in shown)


def plain_title(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """A formula in a page's title is its TeX in ``<title>`` and social metadata, which
    take the title's text: the MathML's text would be its characters, then its TeX."""
    title = context.get("title")
    if title and "<math" in title:
        context["title"] = FORMULA.sub(lambda match: match[1], title)
