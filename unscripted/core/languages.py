"""Languages of essays: BCP 47 tags, checked against CLDR (Babel), and their writing direction."""

from __future__ import annotations

import functools
import re

from babel import Locale, UnknownLocaleError

# language[-script][-region][-variant...], as BCP 47 writes them (private use and extensions aside).
TAG_RE = re.compile(r"(?P<language>[a-zA-Z]{2,3})(?:-(?P<script>[a-zA-Z]{4}))?(?:-(?P<region>[a-zA-Z]{2}|\d{3}))?"
                    r"(?P<variants>(?:-[a-zA-Z0-9]{5,8}|-\d[a-zA-Z0-9]{3})*)")  # fmt: skip


class LanguageError(ValueError):
    """Not a language tag readers' software would understand."""


@functools.cache
def canonical(tag: str) -> str:
    """*tag* in BCP 47's usual case (``pt-BR``, ``zh-Hans``, ``sr-Latn-RS``), if CLDR knows its language."""
    match = TAG_RE.fullmatch(tag.strip())
    if not match:
        dashed = tag.strip().replace("_", "-")
        hint = f"write {dashed}, or" if TAG_RE.fullmatch(dashed) else "write"
        raise LanguageError(f"{tag!r} is not a language tag; {hint} one like fr, pt-BR or zh-Hans (BCP 47)")
    language = match["language"].lower()
    try:
        Locale(language)
    except (UnknownLocaleError, ValueError):
        raise LanguageError(f"{tag!r}: {language!r} is not a language CLDR knows; write one like fr, de, ja") from None
    parts = [language]
    if match["script"]:
        parts.append(match["script"].title())
    if match["region"]:
        parts.append(match["region"].upper())
    parts += [variant.lower() for variant in match["variants"].split("-") if variant]
    return "-".join(parts)


@functools.cache
def direction(tag: str) -> str:
    """``rtl`` for languages written right to left (Arabic, Hebrew, Persian, Urdu...), else ``ltr``."""
    match = TAG_RE.fullmatch(tag)
    if match and match["script"]:
        # A script subtag decides (e.g. Azerbaijani in Arabic script): CLDR knows it by the locale.
        with_script = f"{match['language']}_{match['script'].title()}"
        try:
            return _order(Locale.parse(with_script))
        except (UnknownLocaleError, ValueError):
            pass
    try:
        return _order(Locale.parse(tag.split("-")[0]))
    except (UnknownLocaleError, ValueError):
        return "ltr"


def _order(locale: Locale) -> str:
    return "rtl" if locale.character_order == "right-to-left" else "ltr"
