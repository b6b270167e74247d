"""Math, converted to MathML while each page is read.

``$...$``, ``$$...$$``, ``{math}`` and MyST's amsmath environments reach Sphinx
as docutils ``math`` and ``math_block`` nodes. Each is converted here
(``core.mathml``) and the MathML kept in the node, so that

* TeX the converter cannot handle is a problem with its file and line, and the
  build stops before anything is written (``read.state.PROBLEMS``);
* the MathML is pickled with the doctree: an unchanged page is not converted
  again, and writing it (``write.math``) only copies a string.

Numbered amsmath environments get a random label from MyST (uuid4): a new id on
every build. They are renamed here to ``<docname>-amsmath-<n>``, in document
order, so that builds are reproducible.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

from unscripted.core.mathml import MathError, display_tex, to_mathml
from unscripted.core.problems import Problem
from unscripted.read.state import PROBLEMS

MATHML = "mathml"  # the node attribute that holds a formula's MathML
RENDERER = "mathml"  # Sphinx's name for the HTML math renderer (write.math)
UUID_LABEL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def check_settings(app: Sphinx, config: Config) -> None:
    """Math is MathML made at build time, never MathJax (a script from another host);
    with ``dollarmath``, prices stay prose."""
    if config.html_math_renderer not in (None, RENDERER):
        raise ConfigError(
            f"html_math_renderer = {config.html_math_renderer!r}: Unscripted writes math as MathML "
            "at build time (no script, nothing from another host); remove the setting"
        )
    config.html_math_renderer = RENDERER
    prices_as_math = getattr(config, "myst_dmath_allow_space", True) or getattr(config, "myst_dmath_allow_digits", True)
    if "dollarmath" in getattr(config, "myst_enable_extensions", ()) and prices_as_math:
        # MyST's defaults read "It cost $5 and then $10" as the formula "5 and then ", which
        # converts without complaint: the prose would silently become math.
        raise ConfigError(
            "dollarmath needs myst_dmath_allow_space = False and myst_dmath_allow_digits = False, "
            "or prices such as '$5 and $10' become math"
        )


def convert_math(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    stable_amsmath_labels(app, doctree)
    path = env.doc2path(docname, base=False).as_posix()
    source = SourceLines(Path(env.doc2path(docname)))
    found: list[Problem] = []
    for node in doctree.findall(is_math):
        display = isinstance(node, nodes.math_block)
        written = node.astext()
        try:
            tex = display_tex(written, nowrap=bool(node.get("nowrap"))) if display else written
            node[MATHML] = to_mathml(tex, display=display, alt=written)
        except MathError as error:
            kind = "display" if display else "inline"
            message = f"cannot turn the {kind} math '{describe(written)}' into MathML: {error}"
            found.append(Problem(path, source.line_of(node, written), message))
    if found:
        PROBLEMS(env).setdefault(docname, []).extend(found)


def is_math(node: nodes.Node) -> bool:
    return isinstance(node, (nodes.math, nodes.math_block))


def stable_amsmath_labels(app: Sphinx, doctree: nodes.document) -> None:
    """Rename MyST's uuid4 labels to ``<docname>-amsmath-<n>``: in the node, its
    ids, the document's ids and the math domain (which resolves ``{eq}``)."""
    docname = app.env.docname
    equations = app.env.domains["math"].data.setdefault("objects", {})
    renamed: dict[str, str] = {}
    numbered = (n for n in doctree.findall(nodes.math_block) if UUID_LABEL.fullmatch(n.get("label") or ""))
    for count, node in enumerate(numbered, start=1):
        old, new = node["label"], f"{docname}-amsmath-{count}"
        node["label"] = new
        if old in equations:
            equations[new] = equations.pop(old)
        renamed[nodes.make_id(f"equation-{old}")] = nodes.make_id(f"equation-{new}")
    if not renamed:
        return
    for element in doctree.findall(nodes.Element):
        if any(i in renamed for i in element["ids"]):
            element["ids"] = [renamed.get(i, i) for i in element["ids"]]
    for old, new in renamed.items():
        if old in doctree.ids:
            doctree.ids[new] = doctree.ids.pop(old)


class SourceLines:
    """Where a formula starts in its file. docutils gives inline math only its
    paragraph's line: the TeX's first line is looked for from there on."""

    LOOKAHEAD = 200

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lines: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.path.read_text(encoding="utf-8").splitlines() if self.path.is_file() else []
        return self._lines

    def line_of(self, node: nodes.Element, tex: str) -> int | None:
        line = next((n.line for n in _self_and_ancestors(node) if n.line), None)
        first = next((part.strip() for part in tex.splitlines() if part.strip()), "")
        if line is None or not first:
            return line
        end = min(line + self.LOOKAHEAD, len(self.lines))
        # With its delimiter first ($x$, {math}`x`): a short formula's text may also be prose.
        for needle in (f"${first}", f"`{first}", first):
            for number in range(line, end + 1):
                if needle in self.lines[number - 1]:
                    return number
        return line


def _self_and_ancestors(node: nodes.Node):
    while node is not None:
        yield node
        node = node.parent


def describe(tex: str) -> str:
    tex = " ".join(tex.split())
    return tex if len(tex) <= 70 else tex[:67] + "..."
