"""Tokens are stamped the quick way (images cut to their visible part, whole pixels, no render hints); the canvas
must look exactly as stamping each token's whole picture with the painter's usual hints does."""

from __future__ import annotations

import random

from PySide6.QtGui import QColor, QImage, QPainter, QTransform

from statediagram.gui.simulation.strokes import stamp_tokens
from statediagram.gui.simulation.style import LOOKS, Sprites


def canvas(transform: QTransform) -> tuple[QImage, QPainter]:
    image = QImage(400, 300, QImage.Format.Format_RGB32)
    image.fill(QColor("#f4f6f8"))
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
    painter.setWorldTransform(transform)
    return image, painter


def whole_pictures(painter: QPainter, tokens, sprites: Sprites) -> None:
    """Each token's whole picture at the device pixel its centre falls in, as the canvas stamped them before; a
    look on a pixel once, in the order of the last token of that look there."""
    t = painter.worldTransform()
    half = int(sprites.half)
    painter.resetTransform()
    places = [(int(x * t.m11() + t.dx()), int(y * t.m22() + t.dy()), look) for x, y, look, _rid in tokens]
    last = {place: i for i, place in enumerate(places)}
    for i, (x, y, look) in enumerate(places):
        if last[(x, y, look)] == i:
            painter.drawPixmap(x - half, y - half, sprites.pixmaps[look])


def test_stamped_tokens_look_as_their_whole_pictures_do(qapp):
    """And a crowd of tokens of one look on one pixel looks as one token there: its picture stamped on itself
    would only darken its soft edge, and far out on a busy run that was 1,038 stamps for 382 places."""
    rng = random.Random(5)
    sprites = Sprites()
    assert all(image.width() < 21 for image, _left, _top in sprites.stamps.values())  # cut to what shows
    looks = sorted(LOOKS)
    tokens = [(rng.uniform(-50, 900), rng.uniform(-40, 700), looks[i % len(looks)], i) for i in range(600)]
    # Crowds, as on a busy link far out: several requests of one look on one spot, others of another look between
    for i in range(0, 600, 7):
        x, y, _look, _rid = tokens[i]
        tokens[i + 1 : i + 4] = [(x + 0.1, y, look, 1000 + i) for look in (looks[0], looks[1], looks[0])]
    for transform in (QTransform(0.37, 0, 0, 0.37, 13.4, 7.9), QTransform(), QTransform(1.6, 0, 0, 1.6, -210, -95)):
        quick, painter = canvas(transform)
        stamp_tokens(painter, tokens, sprites)
        painter.end()
        reference, painter = canvas(transform)
        whole_pictures(painter, tokens, sprites)
        painter.end()
        assert quick == reference
        blank, painter = canvas(transform)
        painter.end()
        assert quick != blank  # tokens were drawn


def test_a_stamp_keeps_every_visible_pixel_of_its_picture(qapp):
    sprites = Sprites()
    for look, (image, left, top) in sprites.stamps.items():
        whole = sprites.pixmaps[look].toImage()
        for y in range(whole.height()):
            for x in range(whole.width()):
                inside = left <= x < left + image.width() and top <= y < top + image.height()
                assert inside or whole.pixelColor(x, y).alpha() == 0, (look, x, y)


def test_a_new_run_layer_reuses_the_token_pictures_already_drawn(qapp):
    """Each file opened and each run started makes a new run layer; its token and badge pictures are the ones
    drawn for the first (drawing them again held the last step of opening a big file 12-17 ms)."""
    from statediagram.gui.simulation.layer import SimulationLayer

    class NoCards:
        def node_rect(self, nid):
            return None

        def link_points(self, a, b):
            return []

        def warned(self, nid):
            return False

    first, second = SimulationLayer(NoCards()), SimulationLayer(NoCards())
    assert second.sprites is first.sprites
    assert second._icons is first._icons
