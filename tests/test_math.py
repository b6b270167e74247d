"""Math to MathML, the pure part: conversion, what is refused, the finished markup."""

from __future__ import annotations

import re
import types

import pytest
from docutils import nodes
from lxml import etree
from sphinx.errors import ConfigError

from unscripted.core.mathml import MATHML_MARKUP, MathError, display_tex, finish, plain_text, to_mathml
from unscripted.core.text import Length
from unscripted.read.essays import _measure, shortened
from unscripted.read.math import check_settings

pytestmark = pytest.mark.fast

# What essays write, one construct each: (display, TeX, an element the MathML must have).
CONSTRUCTS = [
    (False, r"\frac{a}{b}", "mfrac"),
    (False, r"\sqrt[3]{x^2 + y^2}", "mroot"),
    (False, r"\sum_{k=0}^{\infty} \frac{x^k}{k!}", "munderover"),
    (False, r"f(x) = 0 \text{ if and only if } x \in \ker f", "mtext"),
    (False, r"\alpha + \beta = \Gamma(\omega)", "mi"),
    (False, r"\hat{x} + \vec{v}", "mover"),
    (False, r"a < b \, \& \, c > d", "mspace"),
    (True, r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", "mtable"),
    (True, r"|x| = \begin{cases} x & \text{if } x \ge 0, \\ -x & \text{otherwise.} \end{cases}", "mtable"),
    (True, r"\begin{align*} (a+b)^2 &= a^2 + 2ab + b^2 \\ &= c \end{align*}", "mtable"),
    (True, r"\int_0^\infty e^{-x^2}\,\mathrm{d}x = \frac{\sqrt{\pi}}{2}", "msubsup"),
    (True, r"\dfrac{1}{1+\dfrac{1}{x}} \quad \textstyle\sum_i x_i", "mstyle"),
    (False, r"\mathbb{R}^n \boldsymbol{\alpha} \textbf{bold} \emph{stress}", "b"),
    (False, r"\boxed{x = 2} \cancel{y}", "menclose"),
    (False, r"\prescript{14}{6}{\mathrm{C}} \sin x \operatorname{argmax}_\theta", "mmultiscripts"),
]
# TeX a build must refuse, and why.
REFUSED = [
    (False, r"\frobnicate{x}", r'Unknown command "\\frobnicate" \(at character 0\)'),
    (False, r"\frac{a}{b", r"reached end of input \(at character 10\)"),
    (False, r"\frac{a}", "Expected argument"),
    (True, r"\begin{tikzcd} A \arrow[r] & B \end{tikzcd}", 'Unknown environment "tikzcd"'),
    (False, r"x}", "Unmatched closing token"),
    (False, r"a & b", "table-like environment"),
    (True, r"\begin{aligned} a \end{align}", r'Expected "\\end\{aligned\}"'),
    (False, r"\eqref{eq}", r"cannot link or be linked to .*\{eq\}`label`"),
    (True, r"a = b \label{x}", "may only appear in a numbered equation environment"),
    (True, r"x = y \tag{*}", "may only appear in a numbered equation environment"),
    (False, r"\href{javascript:alert(1)}{x}", r'Unknown command "\\href"'),
    (False, r"\style{color:red}{x} \class{a}{x}", r'Unknown command "\\style"'),
    (False, r"\unicode{x41}", r'Unknown command "\\unicode"'),
    (False, r"\widetilde{abc}", r'Unknown command "\\widetilde"'),  # renders differently across browsers
    (False, "   ", "the formula is empty"),
]


def elements(mathml: str) -> list[etree._Element]:
    return list(etree.fromstring(mathml).iter())


@pytest.mark.parametrize(("display", "tex", "element"), CONSTRUCTS)
def test_each_construct_becomes_mathml_with_its_tex(display, tex, element):
    mathml = to_mathml(tex, display=display, alt=tex)
    root = etree.fromstring(mathml)  # well-formed XML: the same markup serves pages, feeds and XHTML
    assert root.tag == "math"
    assert element in {e.tag for e in root.iter()}
    assert root.get("alttext") == " ".join(tex.split())
    annotation = root.find("semantics/annotation")
    assert annotation.get("encoding") == "application/x-tex"
    assert annotation.text == tex
    assert root.get("display") == ("block" if display else None)


@pytest.mark.parametrize(("display", "tex", "element"), CONSTRUCTS)
def test_finished_markup_is_what_the_site_publishes(display, tex, element):
    """Only MATHML_MARKUP, no named entities, nothing self-closed, and the Nu checker's
    MathML 3 rules: displaystyle and scriptlevel only on <mstyle> (and displaystyle on <mtable>)."""
    mathml = to_mathml(tex, display=display, alt=tex)
    for node in elements(mathml):
        assert set(node.attrib) <= MATHML_MARKUP[node.tag], (node.tag, dict(node.attrib))
        allowed_style = {"mstyle": {"displaystyle", "scriptlevel"}, "mtable": {"displaystyle"}}.get(node.tag, set())
        assert not ({"displaystyle", "scriptlevel"} & set(node.attrib)) - allowed_style, node.tag
    assert not re.search(r"&(?!amp;|lt;|gt;|quot;)[A-Za-z]+;", mathml), "HTML-only entities are not XML"
    assert "/>" not in mathml, "an empty element written <x/> breaks HTML parsing inside <mtext>"


def test_characters_are_escaped_and_entities_resolved():
    mathml = to_mathml(r"\text{R\&D} \sin x < y", display=False, alt=r"\text{R\&D} \sin x < y")
    assert "<mtext>R&amp;D</mtext>" in mathml
    assert "<mo>&lt;</mo>" in mathml
    assert "\u2061" in mathml  # &ApplyFunction; after \sin, as a character


@pytest.mark.parametrize(("display", "tex", "reason"), REFUSED)
def test_tex_the_converter_cannot_handle_is_refused(display, tex, reason):
    with pytest.raises(MathError, match=reason):
        to_mathml(tex, display=display, alt=tex)


def test_markup_outside_the_allowlist_is_refused():
    """A converter upgrade that writes something new fails the build instead of slipping past."""
    with pytest.raises(MathError, match=r"wrote <mglyph>, which Unscripted does not publish"):
        finish("<math><mglyph></mglyph></math>", alt="x", display=False)
    with pytest.raises(MathError, match=r"wrote <mi onclick>"):
        finish('<math><mi onclick="x()">x</mi></math>', alt="x", display=False)
    with pytest.raises(MathError, match="cannot link"):
        finish('<math><mtext><a href="#x">(1)</a></mtext></math>', alt="x", display=False)
    with pytest.raises(MathError, match="cannot link"):
        finish('<math><mtd id="x"></mtd></math>', alt="x", display=False)


def test_display_blocks_are_wrapped_as_sphinx_means_them():
    assert display_tex("a = 1", nowrap=False) == "a = 1"
    # Equations separated by a blank line are stacked; one with \\ is split over lines.
    assert display_tex("a = 1\n\nb = x \\\\ = z", nowrap=False) == (
        r"\begin{aligned}a = 1 \\ \begin{aligned}b = x \\ = z\end{aligned}\end{aligned}"
    )
    # amsmath blocks are taken as written; numbered environments converted starred (Sphinx numbers them).
    assert display_tex(r"\begin{align} a &= b \end{align}", nowrap=True) == r"\begin{align*} a &= b \end{align*}"
    assert display_tex(r"\begin{gather*} a \end{gather*}", nowrap=True) == r"\begin{gather*} a \end{gather*}"
    mathml = to_mathml(display_tex(r"\begin{equation} E = mc^2 \end{equation}", nowrap=True), display=True, alt="E")
    assert "(1)" not in mathml  # the converter numbers nothing
    assert "mtable" in to_mathml(r"\begin{split} a &= b \\ &= c \end{split}", display=True, alt="s")


@pytest.mark.parametrize("inside", [r"\label{inner}", r"\tag{3}"])
def test_labels_and_tags_inside_numbered_environments_are_refused(inside):
    with pytest.raises(MathError, match=r"numbered amsmath environment.*\$\$ \.\.\. \$\$ \(label\)"):
        display_tex(rf"\begin{{align}} a &= b {inside} \end{{align}}", nowrap=True)
    starred = display_tex(rf"\begin{{align*}} a &= b {inside} \end{{align*}}", nowrap=True)
    assert inside in starred  # a starred environment may carry a tag of its own


def test_plain_text_shows_formulas_as_their_tex():
    import lxml.html

    mathml = to_mathml(r"\frac{a}{b}", display=False, alt=r"\frac{a}{b}")
    fragment = lxml.html.fromstring(f"<p>The fraction {mathml}, simply.</p>")
    assert plain_text(fragment) == r"The fraction \frac{a}{b}, simply."


def test_an_opening_keeps_its_formulas_whole():
    """A formula counts as one word in an excerpt and is never cut inside its TeX."""
    formula = nodes.math(r"\frac{a}{b} + c", r"\frac{a}{b} + c", mathml="<math>…</math>")
    paragraph = nodes.paragraph("", "", nodes.Text("one two "), formula, nodes.Text(" three four five"))
    short = shortened(paragraph, 3)
    kept = list(short.findall(nodes.math))
    assert len(kept) == 1 and kept[0].astext() == r"\frac{a}{b} + c" and kept[0]["mathml"] == "<math>…</math>"
    assert short.astext() == r"one two \frac{a}{b} + c…"
    assert not list(shortened(paragraph, 2).findall(nodes.math))


def test_a_formula_counts_as_one_word():
    inline = nodes.math(r"\frac{a}{b} + c", r"\frac{a}{b} + c")
    block = nodes.math_block(r"\begin{align} x &= y \\ &= z \end{align}", r"\begin{align} x &= y \\ &= z \end{align}")
    body = [nodes.paragraph("", "", nodes.Text("one two "), inline, nodes.Text(" three")), block]
    assert _measure(body) == Length(words=5)


def settings(**overrides):
    values = {
        "html_math_renderer": None,
        "myst_enable_extensions": ["dollarmath", "amsmath"],
        "myst_dmath_allow_space": False,
        "myst_dmath_allow_digits": False,
    }
    return types.SimpleNamespace(**{**values, **overrides})


def test_settings_choose_mathml_and_keep_prices_as_prose():
    config = settings()
    check_settings(None, config)
    assert config.html_math_renderer == "mathml"
    with pytest.raises(ConfigError, match="MathML"):
        check_settings(None, settings(html_math_renderer="mathjax"))
    for name in ("myst_dmath_allow_space", "myst_dmath_allow_digits"):
        with pytest.raises(ConfigError, match=r"\$5 and \$10"):
            check_settings(None, settings(**{name: True}))
    check_settings(None, settings(myst_enable_extensions=[], myst_dmath_allow_space=True))
