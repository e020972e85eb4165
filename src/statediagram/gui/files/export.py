"""Pictures of a diagram (PNG with the diagram inside, SVG), drawn by the canvas's own items.

Works without a display: with no QApplication yet, one is made on Qt's offscreen platform.
"""

from __future__ import annotations

import math
import os
import struct
import sys
import zlib
from contextlib import contextmanager
from pathlib import Path

from ...core.fileio import FORMAT, atomic_write, diagram_to_json
from ...core.limits import MAX_PICTURE_NODES
from ...core.model import Diagram
from ...core.pngchunk import SIGNATURE, add_text_chunk, make_chunk
from ...core.text import xml_text

# A picture is at most 25 megapixels and 16,384 pixels a side, whatever the scene's extent: two nodes 19,000 units
# apart drew 361 megapixels (2.6 GB) before; a bigger picture is drawn at a smaller scale, and the caller says so.
# 25 MP: 100 MB as drawn, 75 MB once converted for the PNG. Qt's painter draws up to 32,767 pixels a side.
MAX_PIXELS = 25_000_000
MAX_SIDE = 16_384
# zlib's fastest levels (1-3) match strings greedily; from 4 on it searches lazily, twice as slow (measured).
PNG_LEVEL = 3

_app = None  # the QApplication this module had to create, kept alive for later exports


def ensure_app():
    """The running QApplication, or a new one (offscreen when there is no display)."""
    global _app
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        return app
    _app = QApplication(["statediagram", *_platform_arguments(os.environ, sys.platform)])
    return _app


def _platform_arguments(environ, platform: str) -> list[str]:
    """Qt's offscreen platform on a Linux machine without a display (a server, CI), asked for on the
    application's own command line: the process's environment is left as it was."""
    if environ.get("QT_QPA_PLATFORM") or not platform.startswith("linux"):
        return []
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return []
    return ["-platform", "offscreen"]


@contextmanager
def _scene_for(diagram: Diagram):
    """A read-only scene of ``diagram``, freed as soon as the picture is drawn.

    The scene and its helpers refer to each other, so left to Python only the cyclic collector frees it, at any
    later moment: in the app that was sometimes in the middle of the event loop, and the window crashed
    (pictures drawn for the lesson, then a few clicks). Torn down here, at a known moment.
    """
    import shiboken6

    from ..canvas.scene import DiagramScene
    from ..document import Document

    doc = Document(diagram.copy())
    scene = DiagramScene(doc, interactive=False)
    try:
        yield scene
    finally:
        scene.clear()
        shiboken6.delete(scene)
        shiboken6.delete(doc)


def picture_rect(scene, legend: bool = False):
    """The diagram's extent with a margin, in scene coordinates; with ``legend``, a legend is first put under the
    cards when they show something that needs words (files/legend.py), and the extent holds it."""
    from PySide6.QtCore import QRectF

    from .. import theme
    from .legend import add_legend

    rect = QRectF()
    for item in scene.node_items.values():
        rect = rect.united(item.sceneBoundingRect())
    if rect.isNull():
        rect = QRectF(-100, -60, 200, 120)
    shown = add_legend(scene, rect) if legend else None
    if shown is not None:
        rect = rect.united(shown.sceneBoundingRect())
    return rect.adjusted(-theme.EXPORT_MARGIN, -theme.EXPORT_MARGIN, theme.EXPORT_MARGIN, theme.EXPORT_MARGIN)


def fitted_scale(width: float, height: float, scale: float) -> float:
    """``scale``, or the largest smaller one at which a ``width`` x ``height`` extent fits MAX_PIXELS and MAX_SIDE."""
    fits = min(math.sqrt(MAX_PIXELS / max(width * height, 1.0)), MAX_SIDE / max(width, 1.0),
               MAX_SIDE / max(height, 1.0))
    # 0.1% under the bound: the picture's sides are rounded up to whole pixels.
    return scale if scale <= fits else fits * 0.999


def render_image(diagram: Diagram, scale: float = 1.0, transparent: bool = False):
    """The diagram as a QImage, ``scale`` pixels per scene unit, or fewer for a scene too big for MAX_PIXELS or
    MAX_SIDE (``render_picture`` tells which)."""
    return render_picture(diagram, scale, transparent)[0]


def render_picture(diagram: Diagram, scale: float = 1.0, transparent: bool = False):
    """``(image, scale it was drawn at)``: ``scale``, or smaller when the scene is too big for MAX_PIXELS or
    MAX_SIDE."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter

    if not (isinstance(scale, int | float) and math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive number, not {scale!r}")
    check_drawable(diagram)
    ensure_app()
    with _scene_for(diagram) as scene:
        source = picture_rect(scene, legend=True)
        scale = fitted_scale(source.width(), source.height(), scale)
        width = max(1, min(MAX_SIDE, math.ceil(source.width() * scale)))
        height = max(1, min(MAX_SIDE, math.ceil(source.height() * scale)))
        # An opaque picture is kept without an alpha channel: the PNG then skips un-premultiplying every pixel
        # and holds 3 bytes a pixel instead of 4 (a third faster to encode, measured).
        fmt = QImage.Format.Format_ARGB32_Premultiplied if transparent else QImage.Format.Format_RGB32
        image = QImage(width, height, fmt)
        image.fill(QColor(0, 0, 0, 0) if transparent else QColor("white"))
        painter = QPainter(image)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        scene.render(painter, QRectF(0, 0, width, height), source, Qt.AspectRatioMode.IgnoreAspectRatio)
        painter.end()
    return image, scale


def check_drawable(diagram: Diagram) -> None:
    """ValueError when the diagram has more nodes than a picture draws (core/limits.py)."""
    if len(diagram.nodes) > MAX_PICTURE_NODES:
        raise ValueError(f"the diagram has {len(diagram.nodes):,} nodes; a picture draws at most "
                         f"{MAX_PICTURE_NODES:,}")


def encode_png(image) -> bytes:
    """``image`` as a lossless PNG: RGB when it is opaque, RGBA (straight alpha) when it has an alpha channel.

    Written here rather than by Qt's PNG writer, which tries five filters on every row and takes 0.45 s for
    a 200-node diagram (13,000 x 900 pixels); a diagram is mostly flat colour, which zlib packs well
    unfiltered: about 0.1 s (measured), for a file a third bigger.
    """
    from PySide6.QtGui import QImage

    alpha = image.hasAlphaChannel()
    rows = image.convertToFormat(QImage.Format.Format_RGBA8888 if alpha else QImage.Format.Format_RGB888)
    width, height, stride = rows.width(), rows.height(), rows.bytesPerLine()
    used = width * (4 if alpha else 3)
    pixels = memoryview(rows.constBits())
    deflate = zlib.compressobj(PNG_LEVEL)
    parts = []
    for top in range(0, height * stride, stride):
        parts.append(deflate.compress(b"\0"))  # the row's filter: none
        parts.append(deflate.compress(pixels[top : top + used]))
    parts.append(deflate.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)
    density = struct.pack(">IIB", max(rows.dotsPerMeterX(), 0), max(rows.dotsPerMeterY(), 0), 1)
    return b"".join((SIGNATURE, make_chunk(b"IHDR", header), make_chunk(b"pHYs", density),
                     make_chunk(b"IDAT", b"".join(parts)), make_chunk(b"IEND", b"")))


def png_bytes(diagram: Diagram, scale: float = 1.0, transparent: bool = False) -> bytes:
    return png_picture(diagram, scale, transparent)[0]


def png_picture(diagram: Diagram, scale: float = 1.0, transparent: bool = False) -> tuple[bytes, float]:
    """``(PNG carrying the diagram, scale it was drawn at)``."""
    image, scale = render_picture(diagram, scale, transparent)
    return add_text_chunk(encode_png(image), FORMAT, diagram_to_json(diagram)), scale


def svg_bytes(diagram: Diagram) -> bytes:
    """The diagram as SVG. Its labels and title lose the characters XML may not hold (a label with a control
    character made an SVG no viewer opens); right-to-left marks stay."""
    from PySide6.QtCore import QBuffer, QIODevice, QRectF, QSize, Qt
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    check_drawable(diagram)
    diagram = diagram.copy()
    diagram.title = xml_text(diagram.title)
    for node in diagram.nodes:
        node.label = xml_text(node.label)
    ensure_app()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    with _scene_for(diagram) as scene:
        source = picture_rect(scene, legend=True)
        gen = QSvgGenerator()
        gen.setOutputDevice(buffer)
        size = QSize(math.ceil(source.width()), math.ceil(source.height()))
        gen.setSize(size)
        gen.setViewBox(QRectF(0, 0, size.width(), size.height()))
        gen.setTitle(diagram.title or "statediagram")
        gen.setDescription("Drawn with statediagram")
        painter = QPainter(gen)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(QRectF(0, 0, size.width(), size.height()), Qt.GlobalColor.white)
        scene.render(painter, QRectF(0, 0, size.width(), size.height()), source)
        painter.end()
    return bytes(buffer.data().data())


def picture_bytes(diagram: Diagram, out_path, scale: float = 1.0, transparent: bool = False) -> tuple[bytes, float]:
    """``(picture, scale it was drawn at)`` as ``out_path`` asks: .png (carrying the diagram JSON) or .svg."""
    path = Path(out_path)
    suffix = path.suffix.lower()
    if suffix == ".png":
        return png_picture(diagram, scale, transparent)
    if suffix == ".svg":
        return svg_bytes(diagram), scale
    raise ValueError(f"cannot export to '{path.name}': the picture must end in .png or .svg")


def export_diagram(diagram: Diagram, out_path, scale: float = 1.0, transparent: bool = False) -> float:
    """Write ``diagram`` to ``out_path`` as .png (carrying the diagram JSON) or .svg, atomically. Returns the
    scale the PNG was drawn at: smaller than ``scale`` for a scene too big for MAX_PIXELS or MAX_SIDE."""
    data, drawn = picture_bytes(diagram, out_path, scale, transparent)
    atomic_write(Path(out_path), data)
    return drawn


# Below half size the canvas's items leave out their words (the far-out view's level of detail): a thumbnail
# is drawn at half size at least, so labels and badges stay readable, unless the design is too big for the box.
THUMBNAIL_MIN_SCALE = 0.5


def thumbnail_png(diagram: Diagram, max_width: int = 640, max_height: int = 400) -> bytes:
    """A small PNG of the diagram (no diagram inside), fitted in ``max_width`` x ``max_height`` pixels."""
    return encode_png(thumbnail_image(diagram, max_width, max_height))


def thumbnail_image(diagram: Diagram, max_width: int = 640, max_height: int = 400):
    """The diagram drawn by the canvas's items at half size (smaller only when it would not fit), on white."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter

    ensure_app()
    with _scene_for(diagram) as scene:
        source = picture_rect(scene)
        scale = min(max_width / source.width(), max_height / source.height(), THUMBNAIL_MIN_SCALE)
        width, height = max(1, math.ceil(source.width() * scale)), max(1, math.ceil(source.height() * scale))
        image = QImage(width, height, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        scene.render(painter, QRectF(0, 0, width, height), source, Qt.AspectRatioMode.KeepAspectRatio)
        painter.end()
    return image
