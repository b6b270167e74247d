"""The one base URL that every absolute URL of the site is built from.

Read once, by ``conf.py``: ``SITE_URL`` wins, then Read the Docs'
``READTHEDOCS_CANONICAL_URL`` (right on custom domains and pull-request
previews), then the address of the local preview server.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

LOCAL_PREVIEW_URL = "http://127.0.0.1:8000/"


class SiteURLError(ValueError):
    """The configured base URL cannot be used for absolute links."""


def site_url_from_environment(environ: Mapping[str, str] = os.environ) -> str:
    """Return the site's base URL, always absolute and ending in ``/``."""
    for variable in ("SITE_URL", "READTHEDOCS_CANONICAL_URL"):
        value = environ.get(variable, "").strip()
        if value:
            return normalise_site_url(value, variable)
    return LOCAL_PREVIEW_URL


def normalise_site_url(value: str, source: str = "SITE_URL") -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise SiteURLError(
            f"{source}={value!r} is not an absolute http(s) URL; set it like SITE_URL=https://example.org/blog/"
        )
    if parts.query or parts.fragment:
        raise SiteURLError(f"{source}={value!r} must not carry a query or fragment")
    return value if value.endswith("/") else value + "/"
