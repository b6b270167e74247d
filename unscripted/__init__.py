"""Unscripted's local Sphinx extensions: one concern per module.

``conf.py`` lists each module in ``extensions``; every module's ``setup()``
returns its version and parallel-safety like any published extension.
"""

__version__ = "1.0.0"
