"""Typographic quotes, apostrophes, dashes and ellipses, in each essay's own language.

The words stay exactly the writer's; only the glyphs are typeset, by docutils'
SmartQuotes (the transform Sphinx runs with its ``smartquotes`` settings). Sphinx
runs it once per site, in the site's language; an essay in French wants « »,
one in German „ “, one in Russian « ». So Sphinx's pass is switched off (through
the docutils setting Sphinx itself checks) and this one runs instead, per
document, with the essay's ``language`` and the same configuration:

* ``smartquotes`` off in ``conf.py`` switches it off; ``smartquotes_action``
  says what is typeset; a language in ``smartquotes_excludes`` is left alone
  (Sphinx's default excludes Japanese, whose writers type their own 「」);
* a language docutils has no quotation marks for (Arabic, Hindi, Thai...) keeps
  the writer's own quotes, never another language's; dashes and ellipses are
  still typeset;
* code, math, raw HTML and a link whose text is its own address are never touched.

Front-matter text that readers see (description, content note) is typeset the
same way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from docutils import nodes
from docutils.transforms.universal import SmartQuotes
from docutils.utils import normalize_language_tag, smartquotes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms import SphinxSmartQuotes

from unscripted.core.frontmatter import EssaySource
from unscripted.read.state import build_state

# BCP 47 script subtags for Chinese, as docutils names the same quotation styles.
CHINESE_SCRIPTS = {"hans": "zh-cn", "hant": "zh-tw"}
TRADITIONAL_REGIONS = {"tw", "hk", "mo"}


def quotes_language(tag: str) -> str | None:
    """docutils' name for the quotation marks of the BCP 47 *tag*, or None if it has none."""
    parts = tag.lower().split("-")
    if parts[0] == "zh":
        script = next((CHINESE_SCRIPTS[part] for part in parts[1:] if part in CHINESE_SCRIPTS), None)
        traditional = any(part in TRADITIONAL_REGIONS for part in parts[1:])
        return script or ("zh-tw" if traditional else "zh-cn")
    return next((name for name in normalize_language_tag(tag.lower()) if name in smartquotes.smartchars.quotes), None)


def choices(language: str, config: Config, builder: str) -> tuple[str, str] | None:
    """(docutils language, SmartQuotes action) for text in *language*; None: leave it as typed."""
    excludes = config.smartquotes_excludes
    if not config.smartquotes or builder in excludes.get("builders", ()):
        return None
    if language in excludes.get("languages", ()) or language.split("-")[0] in excludes.get("languages", ()):
        return None
    quotes = quotes_language(language)
    if quotes:
        return quotes, config.smartquotes_action
    # No quotation marks known for the language: keep the writer's, typeset the rest.
    action = config.smartquotes_action.replace("q", "").replace("b", "") or None
    return ("en", action) if action else None


def typeset(text: str, language: str, config: Config, builder: str = "html") -> str:
    """*text* (plain, from front matter) with typographic glyphs, as an essay's body gets them."""
    chosen = choices(language, config, builder)
    if not chosen or not text:
        return text
    quotes, action = chosen
    return "".join(smartquotes.educate_tokens([("plain", text)], attr=action, language=quotes))


def typeset_front_matter(source: EssaySource, config: Config) -> EssaySource:
    """*source* with its description and content note typeset like its body."""
    language = source.language or config.language or "en"
    return dataclasses.replace(
        source,
        description=source.description and typeset(source.description, language, config),
        content_note=source.content_note and typeset(source.content_note, language, config),
    )


SETTING = "unscripted_smart_quotes"  # docutils setting: docname (or "*") -> (language, action) | None


def plan_smart_quotes(app: Sphinx) -> None:
    """Each document's quotation language and action, handed to the transform as a docutils
    setting (transforms see the settings, not the application). Sphinx's own pass skips every
    document when ``smart_quotes`` is False; ``EssaySmartQuotes`` takes its place."""
    site_language = app.config.language or "en"
    builder = app.builder.name
    plan: dict[str, tuple[str, str] | None] = {"*": choices(site_language, app.config, builder)}
    for docname, source in build_state(app).sources.items():
        if source.language and source.language != site_language:
            plan[docname] = choices(source.language, app.config, builder)
    app.env.settings[SETTING] = plan
    app.env.settings["smart_quotes"] = False


class EssaySmartQuotes(SphinxSmartQuotes):
    """Sphinx's SmartQuotes, in the language of the essay being read."""

    default_priority = 750  # where Sphinx runs its own

    def apply(self, **kwargs) -> None:
        settings = self.document.settings
        plan = getattr(settings, SETTING, None) or {}
        chosen = plan.get(self.env.docname, plan.get("*"))
        if not chosen:
            return
        quotes, self.smartquotes_action = chosen
        marker = f"language-{quotes}"  # docutils reads a block's language from its classes, up to here
        self.document["classes"].append(marker)
        settings.smart_quotes = True  # off for Sphinx's pass, on for this one, for this document only
        try:
            SmartQuotes.apply(self)  # docutils' pass; Sphinx's own checks are the site's, done above
        finally:
            settings.smart_quotes = False
            self.document["classes"].remove(marker)

    def get_tokens(self, txtnodes: list[nodes.Text]) -> Iterator[tuple[str, str]]:
        for txtnode in txtnodes:
            parent = txtnode.parent
            if isinstance(parent, nodes.reference) and str(txtnode) in (parent.get("refuri"), f"mailto:{txtnode}"):
                yield "literal", str(txtnode)  # an address shown as itself: its -- and ... are the address's
            else:
                yield from super().get_tokens([txtnode])
