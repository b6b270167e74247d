"""A small site with the project's own configuration (tests/test_small_site.py)."""

import runpy
from pathlib import Path

import unscripted

PROJECT = Path(unscripted.__file__).resolve().parents[1]
globals().update({k: v for k, v in runpy.run_path(str(PROJECT / "conf.py")).items() if not k.startswith("__")})
# The project's stylesheet, without copying it into every test site.
html_static_path = [str(PROJECT / "_static")]
