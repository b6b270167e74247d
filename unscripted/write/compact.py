"""Pages without their templates' indentation.

Furo's templates and ours are indented for people; a page carried about 1.7 KB
of that indentation between its tags (8% of an essay's page, 17 MB at ten
thousand essays). A run of white space between two tags that holds a line break
renders as one space whether it is one character or forty, so each becomes one
line break. Text is never touched, nor anything inside ``<pre>``, ``<textarea>``
(where white space is content), ``<script>`` or ``<style>`` (whose hashes the
Content-Security-Policy may carry).

Sphinx renders every page through its template bridge (the ``template_bridge``
setting): ``CompactTemplates`` is Sphinx's own, with this applied to each page
it renders.
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.jinja2glue import BuiltinTemplateLoader

VERBATIM = re.compile(r"<(pre|textarea|script|style)\b.*?</\1\s*>", re.S | re.I)
INDENTATION = re.compile(r">[ \t\r\n]*\n[ \t\r\n]*<")


def without_indentation(html: str) -> str:
    parts, start = [], 0
    for verbatim in VERBATIM.finditer(html):
        parts += [INDENTATION.sub(">\n<", html[start : verbatim.start()]), verbatim[0]]
        start = verbatim.end()
    parts.append(INDENTATION.sub(">\n<", html[start:]))
    return "".join(parts)


class CompactTemplates(BuiltinTemplateLoader):
    def render(self, template: str, context: dict) -> str:
        return without_indentation(super().render(template, context))


def use_compact_templates(app: Sphinx, config: Config) -> None:
    """Sphinx's template bridge, compacting; a site that chose its own keeps it."""
    if not config.template_bridge:
        config.template_bridge = f"{__name__}.{CompactTemplates.__name__}"
