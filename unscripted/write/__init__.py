"""Writing: one module per output, each reading the site model, none importing another.

``listings``, ``feeds``, ``essay_page``, ``navigation``, ``metadata``, ``sitemap``,
``images``, ``csp``, ``search``; ``entries`` is the view of an essay they share.
"""
