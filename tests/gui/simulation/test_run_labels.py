"""A run stays readable: on the real main window, in a run of every example, the run's labels (DOWN, live
chips, failure badges, store commands) never overlap each other nor any card (its icon, title and chips); tokens
stand out from the links' end dots and are easy to click; at the end every token still on screen is on a link."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PySide6.QtCore import QLineF, QPointF, QRectF
from simgui import show_diagram

from statediagram.core.fileio import load_diagram
from statediagram.gui.simulation.style import MESSAGE, REQUEST
from statediagram.sim.scenario import SECOND

EXAMPLES = sorted((Path(__file__).parents[3] / "examples").glob("*.json"))


def card_rects(window) -> dict[str, QRectF]:
    return {nid: item.card_rect().translated(item.pos()) for nid, item in window.scene.node_items.items()}


def icon_and_title(card: QRectF) -> list[QRectF]:
    """Where a card draws its icon and its title (canvas/items.py)."""
    return [QRectF(card.left() + 12, card.top() + 9, 40, 40), QRectF(card.left() + 60, card.top() + 9,
                                                                   card.width() - 70, 22)]


def painted_at(window, t: int):
    sim = window.simulation
    sim.ui.seek(t)
    window.view.viewport().repaint()  # the layer learns the zoom it is drawn at
    return sim.controller.layer


def distance_to_segment(p: QPointF, line: QLineF) -> float:
    d = line.p2() - line.p1()
    length2 = d.x() ** 2 + d.y() ** 2 or 1.0
    u = max(0.0, min(1.0, QPointF.dotProduct(p - line.p1(), d) / length2))
    q = line.p1() + d * u
    return ((q.x() - p.x()) ** 2 + (q.y() - p.y()) ** 2) ** 0.5


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name.split(".")[0])
def test_labels_never_overlap_cards_or_each_other_in_a_run_of_every_example(window, path):
    show_diagram(window, load_diagram(path).diagram)
    sim = window.simulation
    sim.ui.simulate()
    player = sim.controller.player
    player.set_playing(False)
    player.work_out()
    cards = card_rects(window)
    seen = set()
    for t in range(0, player.end + 1, 250_000):
        layer = painted_at(window, t)
        assert layer._lod >= 0.5, "zoomed out too far for the labels to be drawn: the test would prove nothing"
        rects = layer.label_rects()
        seen |= {key[0] for key in rects}
        for (ka, a), (kb, b) in itertools.combinations(rects.items(), 2):
            assert not a.intersects(b), f"at {t / SECOND:.2f} s: {ka} over {kb}"
        for key, r in rects.items():
            for nid, card in cards.items():
                assert not r.intersects(card), f"at {t / SECOND:.2f} s: {key} over the card of {nid}"
                for part in icon_and_title(card):
                    assert not r.intersects(part)
    assert "live" in seen or "health" in seen  # the run did show labels
    # At the end, whatever token is still drawn lies on a link (a chat message: or on a connection's arc).
    layer = painted_at(window, player.end)
    lines = [seg for item in window.scene.link_items.values() for seg in item.segments()]  # the links' routes
    arcs = [seg for line in layer.frame.lines for seg in line.segments]
    for x, y, look, rid in layer.frame.tokens:
        on = lines + arcs if look == MESSAGE else lines
        assert min(distance_to_segment(QPointF(x, y), line) for line in on) < 1.0, f"token {rid} off any link"


def test_a_crowded_run_stacks_its_badges_and_says_what_is_down(window):
    show_diagram(window, load_diagram(Path(EXAMPLES[0]).parent / "stateless-full.statediagram.json").diagram)
    sim = window.simulation
    sim.ui.simulate()
    player = sim.controller.player
    player.set_playing(False)
    player.work_out()
    kinds = set()
    for t in range(0, player.end, 100_000):
        kinds |= {key[0] for key in painted_at(window, t).label_rects()}
    assert {"down", "badge", "flash", "live"} <= kinds


def test_tokens_are_bigger_than_link_ends_outlined_and_easy_to_click(window):
    sim = window.simulation
    layer = sim.controller.layer
    sprite = layer.sprites.pixmaps[REQUEST].toImage()
    opaque = [(x, y) for x in range(sprite.width()) for y in range(sprite.height())
              if sprite.pixelColor(x, y).alpha() > 128]
    width = max(x for x, _ in opaque) - min(x for x, _ in opaque) + 1
    assert width >= 2 * 6 + 2  # a link's end dot is 6 across
    dark_edge = [sprite.pixelColor(x, sprite.height() // 2) for x in range(sprite.width())]
    assert any(c.alpha() > 128 and c.lightness() < 80 for c in dark_edge)  # ringed in a dark outline
    sim.ui.simulate()
    player = sim.controller.player
    player.set_playing(False)
    player.work_out()
    for t in range(2 * SECOND, player.end, 100_000):
        layer = painted_at(window, t)
        if layer.frame.tokens:
            x, y, _look, rid = layer.frame.tokens[0]
            break
    zoom = layer._lod
    # A click 9 screen pixels from the token's centre (beyond its drawn radius of 6.5) still picks it.
    off = QPointF(x + 9 / zoom, y)
    assert layer.token_at(off) == rid


def test_zoomed_far_out_nothing_of_the_run_is_drawn_off_the_cards_and_links(window):
    """Far out, a failure's badge is its shape inside its card's corner: nothing floats beside a card where it
    could be taken for a token off its link (seen above the load balancer at the end of a run)."""
    from PySide6.QtGui import QImage, QPainter, QTransform
    from PySide6.QtWidgets import QStyleOptionGraphicsItem

    show_diagram(window, load_diagram(Path(EXAMPLES[0]).parent / "stateless-full.statediagram.json").diagram)
    sim = window.simulation
    sim.ui.simulate()
    player = sim.controller.player
    player.set_playing(False)
    player.work_out()
    layer = sim.controller.layer
    cards = list(card_rects(window).values())
    lines = [seg for item in window.scene.link_items.values() for seg in item.segments()]  # the links' routes
    scale = 0.25
    scene = layer.boundingRect()
    for t in [t for t in range(0, player.end + 1, 500_000) if sim.controller.planner.frame(t).badges] + [player.end]:
        player.seek(t)
        image = QImage(int(scene.width() * scale) + 1, int(scene.height() * scale) + 1, QImage.Format.Format_ARGB32)
        image.fill(0)
        painter = QPainter(image)
        to_image = QTransform().scale(scale, scale).translate(-scene.left(), -scene.top())
        painter.setWorldTransform(to_image)
        layer.paint_frame(painter, QStyleOptionGraphicsItem())
        painter.end()
        assert layer._lod < 0.35  # far out: the small marks, not the labels
        back = to_image.inverted()[0]
        for y in range(0, image.height(), 2):
            for x in range(0, image.width(), 2):
                if image.pixelColor(x, y).alpha() < 60:
                    continue
                p = back.map(QPointF(x, y))
                on_card = any(c.adjusted(-2 / scale, -2 / scale, 2 / scale, 2 / scale).contains(p) for c in cards)
                on_link = min(distance_to_segment(p, line) for line in lines) * scale < 12  # a token's reach
                assert on_card or on_link, f"at {t / SECOND:.1f} s something is drawn at {p} off every card and link"
