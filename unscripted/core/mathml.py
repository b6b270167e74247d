"""TeX math to MathML, at build time: no script, nothing from another host, same in feeds.

The converter is math-core (pinned in ``requirements.in``): its MathML is MathML
Core, which Chromium, Firefox and Safari render natively and screen readers read
as math. This module is pure: TeX in, finished MathML out, or ``MathError``
saying why not. Finished means:

* well-formed XML (named entities become characters; empty elements are written
  ``<x></x>``), so the same markup works in HTML pages, feeds and XHTML;
* valid for the Nu HTML Checker as well as MathML Core: ``displaystyle`` and
  ``scriptlevel`` move to an ``<mstyle>`` (MathML Core allows them on any
  element, the checker's MathML 3 schema only there), which renders the same;
* ``display="block"`` for display math, and the author's TeX in ``alttext`` and
  in a TeX ``<annotation>``: a fallback for readers without MathML;
* only the markup in ``MATHML_MARKUP``, which the write boundary allows: no
  ids and no links (Sphinx owns equation numbers and labels, so the converter
  never numbers anything itself: numbered amsmath environments are converted
  as their starred forms), nothing a converter upgrade adds unannounced.
"""

from __future__ import annotations

import functools
import html.entities
import importlib.metadata
import re

import lxml.html
import math_core
from lxml import etree

# Sphinx numbers equations; converted starred, the converter does not number them too.
NUMBERED_ENVIRONMENT = re.compile(r"\\(begin|end)\{(equation|align|gather|multline|alignat|flalign|eqnarray)\}")
LABEL_OR_TAG = re.compile(r"\\(?:label|tag)\b")
NAMED_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
# MathML Core allows these on any element; the Nu checker's MathML 3 schema only on <mstyle>.
STYLE_ATTRIBUTES = ("displaystyle", "scriptlevel")
# Everything finished MathML may contain: element -> its attributes. Anything else
# is refused (MathError), so a converter upgrade cannot slip markup past the
# publication's allowlist; the write boundary allows exactly this.
MATHML_MARKUP: dict[str, frozenset[str]] = {
    name: frozenset(attributes)
    for name, attributes in {
        "math": {"display", "alttext"},
        "semantics": (),
        "annotation": {"encoding"},
        "mrow": {"class", "style"},
        "mstyle": {"displaystyle", "scriptlevel", "class", "style"},
        "mi": {"mathvariant"},
        "mn": (),
        "mo": {"form", "lspace", "rspace", "stretchy", "symmetric", "minsize", "maxsize", "movablelimits"},
        "mtext": {"style"},
        "mspace": {"width", "style"},
        "mfrac": {"linethickness", "style"},
        "msqrt": (),
        "mroot": (),
        "msub": (),
        "msup": (),
        "msubsup": (),
        "mmultiscripts": (),
        "mprescripts": (),
        "munder": {"accentunder"},
        "mover": {"accent"},
        "munderover": {"accent", "accentunder"},
        "mtable": {"displaystyle", "style"},
        "mtr": {"style"},
        "mtd": {"style"},
        "mpadded": {"width", "height", "voffset", "style"},
        "mphantom": (),
        "menclose": {"notation"},
        # HTML inside <mtext>: \textbf, \textit, \emph, \texttt, \sout, \textsc, \textsf.
        "b": (),
        "i": (),
        "em": (),
        "code": (),
        "s": (),
        "u": (),
        "span": {"class", "style"},
    }.items()
}
LINKING = ("a", "id", "href")  # \eqref and \label: Sphinx owns labels and numbers


class MathError(ValueError):
    """The TeX cannot be converted; the message says why (and usually where)."""


def converter_version() -> str:
    """Part of the environment's fingerprint: an upgrade converts every formula again."""
    return "math-core " + importlib.metadata.version("math-core")


@functools.cache
def _converter() -> math_core.LatexToMathML:
    return math_core.LatexToMathML(
        annotation=True,
        fancy_error=False,
        # \widetilde & co. render differently across browsers: refused, by name.
        allow_unreliable_rendering=False,
    )


def display_tex(text: str, *, nowrap: bool) -> str:
    """The TeX of a display block as Sphinx means it (as its MathJax renderer wraps it):
    equations separated by a blank line are stacked and aligned, an equation with
    ``\\\\`` is split over lines. A ``nowrap`` block (amsmath, ``:nowrap:``) is
    taken as written, numbered environments made starred."""
    if nowrap:
        if NUMBERED_ENVIRONMENT.search(text) and (inside := LABEL_OR_TAG.search(text)):
            raise MathError(
                f"{inside[0]} inside a numbered amsmath environment: Sphinx numbers it, and MyST cannot "
                "make it referenceable; write $$ ... $$ (label) or {math} with :label:, "
                "or a starred environment (align*) for a tag of your own"
            )
        return NUMBERED_ENVIRONMENT.sub(lambda m: f"\\{m[1]}{{{m[2]}*}}", text)
    parts = [part.strip() for part in text.split("\n\n") if part.strip()]
    # math-core has no split environment; in display math, aligned is the same.
    parts = [rf"\begin{{aligned}}{part}\end{{aligned}}" if r"\\" in part else part for part in parts]
    if len(parts) > 1:
        return r"\begin{aligned}" + r" \\ ".join(parts) + r"\end{aligned}"
    return parts[0] if parts else ""


@functools.lru_cache(maxsize=4096)
def to_mathml(tex: str, *, display: bool, alt: str) -> str:
    """Finished MathML for *tex* (as the converter gets it); *alt* is the TeX as the author wrote it."""
    tex = tex.replace(r"\begin{split}", r"\begin{aligned}").replace(r"\end{split}", r"\end{aligned}")
    if not tex.strip():
        raise MathError("the formula is empty")
    try:
        raw = _converter().convert_with_local_state(tex, displaystyle=display)
    except math_core.LatexError as error:
        # "10: Expected ..." -> "Expected ... (at character 10)"
        position, _, message = str(error).partition(": ")
        reason = f"{message.rstrip('.')} (at character {position})" if position.isdigit() else str(error)
        raise MathError(f"{reason}; correct the TeX, or write the formula another way") from None
    return finish(raw, alt=alt, display=display)


def finish(mathml: str, *, alt: str, display: bool) -> str:
    """The converter's MathML made XML-safe, checker-valid and self-describing (see the module)."""
    root = _parse(NAMED_ENTITY.sub(_character, mathml).strip())
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            raise MathError("the converter wrote a comment or processing instruction")
        if element.attrib:
            _move_style_attributes(element)
        _check_markup(element)
        if element.text is None and len(element) == 0:
            element.text = ""  # <x></x>: an empty element must not self-close in HTML
    if display:
        root.set("display", "block")
    root.set("alttext", " ".join(alt.split()))
    return etree.tostring(root, encoding="unicode")


def _check_markup(element: etree._Element) -> None:
    tag = element.tag
    allowed = MATHML_MARKUP.get(tag)
    if allowed is not None and not element.attrib:
        return
    unknown = [name for name in element.attrib if name not in (allowed or ())]
    if tag in LINKING or any(name in LINKING for name in unknown):
        raise MathError(
            "a formula cannot link or be linked to (\\eqref, \\label); refer to an equation from the "
            "text with {eq}`label`, and label it with $$ ... $$ (label) or {math} with :label:"
        )
    if allowed is None or unknown:
        what = f"<{tag}>" if allowed is None else f"<{tag} {unknown[0]}>"
        raise MathError(
            f"the converter wrote {what}, which Unscripted does not publish "
            "(core.mathml.MATHML_MARKUP lists what it does); write the formula another way"
        )


def _character(match: re.Match) -> str:
    name = match[1]
    if name in XML_ENTITIES:
        return match[0]
    character = html.entities.html5.get(name + ";")
    if character is None:
        raise MathError(f"the converter wrote an unknown entity &{name};")
    return {"&": "&amp;", "<": "&lt;", ">": "&gt;"}.get(character, character)


def _parse(source: str) -> etree._Element:
    try:
        root = etree.fromstring(source)
    except etree.XMLSyntaxError as error:
        raise MathError(f"the converter's output is not well-formed: {error}") from None
    if etree.QName(root).localname != "math":
        raise MathError(f"the converter returned no <math> element: {source[:80]!r}")
    return root


def _move_style_attributes(element: etree._Element) -> None:
    tag = element.tag
    moved = {name: element.attrib[name] for name in STYLE_ATTRIBUTES if name in element.attrib}
    if tag == "mtable":
        moved.pop("displaystyle", None)  # allowed on mtable by both
    if not moved or tag in ("math", "mstyle"):
        return
    if tag == "mrow":  # an mrow with style attributes is an mstyle
        element.tag = "mstyle"
        return
    style = etree.Element("mstyle", moved)
    for name in moved:
        del element.attrib[name]
    element.addprevious(style)
    style.tail, element.tail = element.tail, None
    style.append(element)


def plain_text(fragment: lxml.html.HtmlElement) -> str:
    """The text of a parsed HTML fragment with each formula as its TeX (``alttext``),
    for places that take plain text (meta descriptions, feed summaries). A formula's
    own text would be its characters run together, then its TeX annotation."""
    for math in list(fragment.iter("math")):
        for child in list(math):
            math.remove(child)
        math.text = math.get("alttext", "")
    return fragment.text_content()
