"""Generated files that change only when their inputs do, and digests of those inputs.

* ``Fingerprints``: what each generated file was made from last time, kept in
  the doctree directory; a file is remade only when its fingerprint changes;
* ``write_if_changed``: unchanged files keep their bytes and their timestamps;
* ``prune``: what a clean build would not produce is deleted;
* ``site_digest``: what every page depends on besides its own source.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import importlib.metadata
import json
import os
from pathlib import Path

from sphinx.application import Sphinx

PACKAGE = Path(__file__).resolve().parents[1]


class Fingerprints:
    """What each generated file was made from last time, kept in the doctree directory."""

    def __init__(self, app: Sphinx, name: str) -> None:
        self.path = Path(app.doctreedir) / f"unscripted-{name}.json"
        try:
            self.before = json.loads(self.path.read_text())
        except (OSError, ValueError):
            self.before = {}
        self.now: dict[str, str] = {}

    def changed(self, key: str, *parts: object) -> bool:
        """Record *key*'s inputs; true if they differ from the last build's."""
        digest = inputs_digest(*parts)
        self.now[key] = digest
        return self.before.get(key) != digest

    def save(self) -> None:
        if self.now != self.before:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.now, sort_keys=True))


def inputs_digest(*parts: object) -> str:
    """A digest of JSON-able *parts*, the same in every process."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def write_if_changed(path: Path, content: bytes) -> None:
    """Leave unchanged files (and their timestamps) alone."""
    if not (path.is_file() and path.read_bytes() == content):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def prune(outdir: Path, folder: str, keep: set[str], patterns: tuple[str, ...]) -> None:
    """Delete files under *folder* matching *patterns* that this build did not produce,
    and the folders that leaves empty."""
    root = os.path.join(outdir, folder)
    for directory, _, files in os.walk(root, topdown=False):
        relative = os.path.relpath(directory, outdir).replace(os.sep, "/")
        for name in files:
            path = name if relative == "." else f"{relative}/{name}"
            if path not in keep and any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns):
                os.remove(os.path.join(directory, name))
        if directory != root and not os.listdir(directory):
            os.rmdir(directory)


def stable(value: object) -> str:
    """A text for *value* that is the same in every process (set order and object
    addresses vary)."""
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(stable(v) for v in value)) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{stable(k)}: {stable(v)}" for k, v in sorted(value.items(), key=repr)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(stable(v) for v in value) + "]"
    text = repr(value)
    return type(value).__qualname__ if " at 0x" in text else text


@functools.cache
def code_digest() -> str:
    """A fingerprint of this package (code, templates, fonts): new code must not reuse what old code made."""
    digest = hashlib.sha256()
    for path in sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def site_digest(app: Sphinx, *, ignore: frozenset[str] = frozenset()) -> str:
    """What every page depends on besides its own content: the configuration (but
    *ignore*), the templates, the static files (every page carries their
    checksums), this package's code and the installed packages."""
    digest = hashlib.sha256()
    for item in sorted(app.config.filter(frozenset({"env", "html"})), key=lambda item: item.name):
        if item.name not in ignore:
            digest.update(f"{item.name}={stable(item.value)}\n".encode())
    for folder in app.config.html_static_path + app.config.templates_path:
        root = Path(app.confdir, folder)
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    digest.update(f"{code_digest()} {packages} {app.builder.templates.newest_template_mtime()}".encode())
    return digest.hexdigest()
