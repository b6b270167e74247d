"""Sphinx plumbing that knows nothing about essays.

* ``state``: per-document stores (purged and merged with Sphinx), per-build values;
* ``files``: fingerprints, write-if-changed, pruning, digests of code and configuration;
* ``strict``: every warning fails every build; problems stop it with file and line;
* ``output``: what the published folder holds (no caches, no empty ``_sources``);
* ``fragments``: doctree fragments rendered as the HTML builder would, links rebased.
"""
