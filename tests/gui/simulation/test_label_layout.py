"""The run's label layout on its own (plain numbers, no Qt): no label over a card or over another label;
crowded labels stack away from their card, and those without room are counted on a "+N" label."""

from __future__ import annotations

import itertools
import random
import subprocess
import sys
from pathlib import Path

from statediagram.gui.simulation import label_layout as ll
from statediagram.gui.simulation.label_layout import GAP, Label, along_link, around_card, overlaps, place, point_along

CARD = (0.0, 0.0, 200.0, 60.0)


def clear(layout, obstacles) -> bool:
    boxes = list(layout.boxes.values()) + list(layout.more.values())
    return (not any(overlaps(a, b) for a, b in itertools.combinations(boxes, 2))
            and not any(overlaps(a, o) for a in boxes for o in obstacles))


def test_a_lone_label_goes_where_it_asked_first():
    lab = Label("down", 50, 16, around_card(CARD, "above"), "a")
    box = place([lab], [CARD]).boxes["down"]
    assert box == (75.0, -GAP - 16, 125.0, -GAP)


def test_labels_of_one_card_stack_instead_of_piling_up():
    labels = [Label(i, 120, 16, around_card(CARD, "right"), "a") for i in range(4)]
    layout = place(labels, [CARD])
    assert len(layout.boxes) == 4 and clear(layout, [CARD])
    lefts = {round(b[0]) for b in layout.boxes.values()}
    assert lefts == {round(CARD[2] + GAP)}  # one column beside the card, one under the other


def test_a_label_whose_places_are_taken_by_a_neighbour_card_moves_elsewhere():
    above = (0.0, -70.0, 200.0, -2.0)  # a card right above: "above" is taken
    lab = Label("down", 50, 16, around_card(CARD, "above"), "a")
    layout = place([lab], [CARD, above])
    assert clear(layout, [CARD, above])
    assert layout.boxes["down"][1] >= CARD[3]  # went under the card


def test_labels_without_room_are_counted_on_one_more_label():
    # A card boxed in by cards on every side, with room for few labels in the gaps.
    walls = [(-999.0, -999.0, 999.0, -20.0), (-999.0, 80.0, 999.0, 999.0), (-999.0, -20.0, -40.0, 80.0),
             (240.0, -20.0, 999.0, 80.0)]
    obstacles = [CARD, *walls]
    labels = [Label(i, 150, 14, around_card(CARD, "above"), "a", rank=i) for i in range(6)]
    layout = place(labels, obstacles, more_size=lambda n: (30.0, 14.0))
    assert clear(layout, obstacles)
    shown, folded = len(layout.boxes), len(layout.folded.get("a", []))
    assert shown + folded == 6 and folded > 0
    assert layout.folded["a"] == list(range(6))[shown:]  # the least important are the ones folded
    assert "a" in layout.more  # and counted on a "+N" label in the narrow gap beside the card


def test_flashes_along_a_link_keep_off_the_cards_at_its_ends():
    a, b = (0.0, 0.0, 200.0, 60.0), (260.0, 0.0, 460.0, 60.0)
    pts = [(200.0, 30.0), (260.0, 30.0)]
    labels = [Label(i, 90, 16, along_link(pts), ("link", i), rank=3) for i in range(3)]
    layout = place(labels, [a, b])
    assert len(layout.boxes) == 3 and clear(layout, [a, b])


def test_random_crowds_never_overlap():
    rng = random.Random(5)
    for _ in range(60):
        cards = []
        for _ in range(rng.randrange(2, 14)):
            x, y = rng.randrange(0, 900, 20), rng.randrange(0, 600, 20)
            box = (float(x), float(y), x + 200.0, y + 60.0)
            if not any(overlaps(box, c, 10) for c in cards):
                cards.append(box)
        labels = []
        for i, c in enumerate(cards):
            for j in range(rng.randrange(0, 5)):
                w = float(rng.randrange(30, 180))
                labels.append(Label((i, j), w, 17.0, around_card(c, rng.choice(["above", "below", "right"])),
                                    i, rank=j))
        layout = place(labels, cards, more_size=lambda n: (28.0, 17.0))
        assert clear(layout, cards)
        assert len(layout.boxes) + sum(len(v) for v in layout.folded.values()) == len(labels)


def test_point_along_a_polyline():
    pts = [(0.0, 0.0), (100.0, 0.0), (100.0, 100.0)]
    assert point_along(pts, 0.0) == (0.0, 0.0)
    assert point_along(pts, 0.5) == (100.0, 0.0)
    assert point_along(pts, 0.75) == (100.0, 50.0)
    assert point_along(pts, 1.0) == (100.0, 100.0)


def test_the_layout_needs_no_qt():
    path = Path(ll.__file__)
    code = ("import importlib.util, sys\n"
            f"spec = importlib.util.spec_from_file_location('label_layout', {str(path)!r})\n"
            "mod = sys.modules['label_layout'] = importlib.util.module_from_spec(spec)\n"
            "spec.loader.exec_module(mod)\n"
            "print(sorted(m for m in sys.modules if m.startswith('PySide6')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
