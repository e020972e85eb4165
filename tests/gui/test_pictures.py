"""Pictures of a diagram stay exact while getting faster: the PNG holds the rendered pixels losslessly, cards
copied from a shared picture look as cards drawn one by one, and SVG stays all vectors."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsItem

from statediagram.core.fileio import FORMAT, diagram_to_json
from statediagram.core.model import Diagram, Link, Node
from statediagram.core.pngchunk import read_text_chunk
from statediagram.gui.canvas.items import NodeItem
from statediagram.gui.canvas.scene import DiagramScene
from statediagram.gui.document import Document
from statediagram.gui.files import export


def tier() -> Diagram:
    """Users, a load balancer, two servers (one keeping sessions in RAM, one in Redis) and the stores."""
    d = Diagram(title="tier")
    d.nodes += [
        Node("users", "client", "Users", 0.0, 100.0),
        Node("lb", "load_balancer", "Front door", 260.0, 100.0),
        Node("s1", "server", "Checkout API", 520.0, 0.0),
        Node("s2", "server", "Catalog API with a long name", 520.0, 200.0),
        Node("redis", "redis", "Sessions", 800.0, 0.0),
        Node("pg", "postgres", "Orders", 800.0, 200.0),
        Node("files", "object_storage", "Uploads", 800.0, 400.0),
    ]
    d.links += [Link("users", "lb"), Link("lb", "s1"), Link("lb", "s2"), Link("s1", "redis"), Link("s2", "pg")]
    return d


def png_chunk(data: bytes, ctype: bytes) -> bytes:
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        if data[pos + 4 : pos + 8] == ctype:
            return data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raise AssertionError(f"no {ctype!r} chunk")


def same_pixels(a: QImage, b: QImage, fmt: QImage.Format) -> bool:
    a, b = a.convertToFormat(fmt), b.convertToFormat(fmt)
    used = a.width() * a.depth() // 8  # a row's bytes, without the padding to a whole word
    return a.size() == b.size() and all(
        a.constScanLine(y)[:used] == b.constScanLine(y)[:used] for y in range(a.height())
    )


@pytest.mark.parametrize("scale", [1.0, 2.0, 0.7])
def test_an_exported_png_holds_exactly_the_rendered_picture_and_the_diagram(qapp, scale):
    diagram = tier()
    data = export.png_bytes(diagram, scale)
    width, height, depth, colour_type = struct.unpack(">IIBB", png_chunk(data, b"IHDR")[:10])
    assert (depth, colour_type) == (8, 2)  # opaque: RGB, 8 bits a channel
    decoded = QImage.fromData(data, "PNG")
    assert (decoded.width(), decoded.height()) == (width, height)
    assert same_pixels(decoded, export.render_image(diagram, scale), QImage.Format.Format_RGB888)
    assert read_text_chunk(data, FORMAT) == diagram_to_json(diagram)


def test_a_transparent_png_keeps_every_pixel_and_its_alpha(qapp):
    diagram = tier()
    data = export.png_bytes(diagram, transparent=True)
    assert png_chunk(data, b"IHDR")[9] == 6  # RGBA
    decoded = QImage.fromData(data, "PNG")
    assert decoded.pixelColor(0, 0).alpha() == 0
    assert same_pixels(decoded, export.render_image(diagram, transparent=True), QImage.Format.Format_RGBA8888)


def render(scene: DiagramScene, scale: float) -> QImage:
    source = scene.itemsBoundingRect().adjusted(-20, -20, 20, 20)
    image = QImage(round(source.width() * scale), round(source.height() * scale), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    scene.render(painter, QRectF(0, 0, image.width(), image.height()), source)
    painter.end()
    return image


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_cards_copied_from_a_shared_picture_look_as_cards_drawn_one_by_one(qapp, monkeypatch, scale):
    scene = DiagramScene(Document(tier()))  # interactive: selection, warnings
    scene.set_findings([])
    scene.node_items["s1"].set_warnings(["Sessions live in this server's memory."])
    scene.node_items["s2"].setSelected(True)
    for item in scene.node_items.values():  # each render paints the cards anew, not from the canvas's cache
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    copied = render(scene, scale)
    monkeypatch.setattr(NodeItem, "_copy_card", lambda *args: False)
    drawn = render(scene, scale)
    worst = max(
        abs(a - b)
        for y in range(copied.height())
        for a, b in zip(copied.constScanLine(y), drawn.constScanLine(y), strict=True)
    )
    assert worst <= 2  # rounding where a card's soft edge meets the canvas, nothing an eye can see


def test_an_svg_picture_stays_vectors(qapp):
    svg = export.svg_bytes(tier()).decode("utf-8")
    assert "<image" not in svg
    assert "Checkout API" in svg


def test_a_picture_leaves_no_scene_for_the_collector_to_free_later():
    # A scene left to the cyclic collector was freed at a random later moment; in the app that was sometimes
    # the middle of the event loop, and the window crashed (lesson pictures, then a few clicks).
    import gc

    import shiboken6

    def live_scenes() -> int:  # a Python shell whose Qt scene is already deleted is harmless
        return sum(isinstance(o, DiagramScene) and shiboken6.isValid(o) for o in gc.get_objects())

    gc.collect()
    before = live_scenes()
    export.render_image(tier())
    export.svg_bytes(tier())
    assert live_scenes() == before


def test_a_thumbnail_leaves_no_scene_behind_either():
    import gc

    import shiboken6

    gc.collect()
    before = sum(isinstance(o, DiagramScene) and shiboken6.isValid(o) for o in gc.get_objects())
    image = export.thumbnail_image(tier(), 320, 200)
    assert 0 < image.width() <= 320 and 0 < image.height() <= 200
    assert sum(isinstance(o, DiagramScene) and shiboken6.isValid(o) for o in gc.get_objects()) == before


def test_an_export_without_a_display_leaves_the_process_environment_as_it_was(tmp_path):
    """A program that exports a picture (a grading script, say) and starts other programs afterwards must not
    find Qt's platform changed under it: the offscreen platform is asked for on Qt's own command line."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    script = (
        "import os, sys\n"
        "from statediagram.core.fileio import load_diagram\n"
        "from statediagram.gui.files.export import export_diagram\n"
        "export_diagram(load_diagram(sys.argv[1]).diagram, sys.argv[2])\n"
        "print(os.environ.get('QT_QPA_PLATFORM'))\n"
    )
    starter = Path(__file__).resolve().parents[2] / "src/statediagram/assets/missions/stateless.statediagram.json"
    out = tmp_path / "picture.png"
    done = subprocess.run([sys.executable, "-c", script, str(starter), str(out)], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None"
    assert out.read_bytes().startswith(b"\x89PNG")
