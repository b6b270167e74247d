"""Images drawn at build time in the publication's colours and typeface.

The favicon and the touch icon are drawn with Pillow from the font served in
``_static/fonts``, so nothing is fetched and no page asks for a missing
``/favicon.ico``.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from sphinx.application import Sphinx

from unscripted import __version__

FONT = Path(__file__).resolve().parents[1] / "_static/fonts/source-serif-4-latin-600-normal.woff2"
ICON_FILES = {"favicon.ico": (16, 32, 48), "apple-touch-icon.png": (180,)}


def monogram(size: int, colours: dict[str, str], letter: str) -> Image.Image:
    """The publication's initial on its brand colour, drawn at 4x and scaled down."""
    scale = 4
    side = size * scale
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, side - 1, side - 1), radius=side // 5, fill=colours["brand"])
    font = ImageFont.truetype(str(FONT), int(side * 0.78))
    draw.text((side / 2, side / 2), letter, font=font, fill=colours["paper"], anchor="mm")
    return image.resize((size, size), Image.Resampling.LANCZOS)


def icon_bytes(name: str, colours: dict[str, str], letter: str) -> bytes:
    sizes = ICON_FILES[name]
    buffer = io.BytesIO()
    if name.endswith(".ico"):
        largest = monogram(max(sizes), colours, letter)
        largest.save(buffer, format="ICO", sizes=[(s, s) for s in sizes])
    else:
        monogram(sizes[0], colours, letter).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def write_if_changed(path: Path, content: bytes) -> None:
    if not (path.is_file() and path.read_bytes() == content):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def write_icons(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    colours = app.config.unscripted_colours
    for name in ICON_FILES:
        write_if_changed(Path(app.outdir, name), icon_bytes(name, colours, app.config.project[0]))


def icon_links(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    pathto = context["pathto"]
    context["unscripted_icons"] = {name: pathto(name, resource=True) for name in ICON_FILES}


def setup(app: Sphinx) -> dict:
    app.add_config_value("unscripted_colours", {"brand": "#8c2f4b", "paper": "#ffffff"}, "html", types=frozenset({dict}))
    app.connect("build-finished", write_icons)
    app.connect("html-page-context", icon_links)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
