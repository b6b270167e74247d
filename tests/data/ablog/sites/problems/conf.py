# Field Notes (problems edition): the `good` site plus what an import cannot carry over unattended.
project = "Field Notes"
author = "Mara Quinn"
copyright = "2020-2022, Mara Quinn"

extensions = [
    "myst_parser",
    "ablog",
    "sphinx.ext.extlinks",
    "sphinx.ext.mathjax",
]
# :ghissue:`12` links to the tracker of the garden-tools repository
extlinks = {
    "ghissue": ("https://github.com/example/garden-tools/issues/%s", "issue %s"),
}
myst_enable_extensions = ["colon_fence", "deflist", "dollarmath", "amsmath"]
source_suffix = {
    ".rst": "restructuredtext",
    ".md": "markdown",
}
root_doc = "index"
exclude_patterns = ["_build", "README.md"]

html_theme = "alabaster"
html_title = "Field Notes"
html_baseurl = "https://fieldnotes.example.org/"

# -- ABlog ------------------------------------------------------------------
blog_title = "Field Notes"
blog_baseurl = "https://fieldnotes.example.org/"
blog_path = "blog"
blog_post_pattern = ["blog/*/*.md", "blog/*/*.rst", "blog/*/*/index.md"]
# Posts elsewhere are marked with `blogpost: true` (see pages/).
blog_authors = {
    "mara": ("Mara Quinn", "https://fieldnotes.example.org/about.html"),
    "tomas": ("Tomás Ferreira", None),
    "jo": ("Jo Park", "https://jo.example.org"),
}
blog_default_author = "mara"
blog_languages = {
    "en": ("English", None),
    "pt": ("Português", None),
}
blog_locations = {
    "Lisbon": ("Lisbon, Portugal", None),
    "Porto": ("Porto, Portugal", None),
}
post_date_format = "%b %d, %Y"
post_auto_excerpt = 1
post_auto_image = 1
