"""The pure core: what an essay is and what the publication makes of it.

No Sphinx and no docutils here, so every rule can be tested in milliseconds:

* ``problems``: one located problem in a writer's file;
* ``frontmatter``: the front-matter schema and its parser;
* ``model``: the essays, their collections (tags, categories, authors, years)
  and the naming rules of every page and file made from them;
* ``text``: words and reading time;
* ``cards``: social cards and icons, drawn with Pillow;
* ``search``: terms (the tokenizer) and the sharded search index;
* ``site_url``: the one base URL.
"""

__version__ = "1.0.0"  # Unscripted's own version: feeds name their generator with it
