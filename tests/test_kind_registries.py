"""The three registries of kinds agree, and every kind's one colour is readable wherever it is used."""

from __future__ import annotations

from PySide6.QtGui import QColor

from statediagram.core.catalog import KINDS, Role, best_store, link_allowed
from statediagram.gui.kinds import GUI_KINDS
from statediagram.gui.theme import kind_colour
from statediagram.sim.kinds import SIM_KINDS


def luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_every_kind_has_an_entry_in_each_layer():
    assert set(KINDS) == set(SIM_KINDS) == set(GUI_KINDS)


def test_each_store_kind_runs_a_store_and_each_server_kind_has_its_run_time_state():
    for kind in KINDS.values():
        sim = SIM_KINDS[kind.name]
        assert (sim.store is not None) == (kind.role == Role.STORE), kind.name
        assert (sim.server is not None) == (kind.role == Role.SERVER), kind.name


def test_links_name_registered_kinds_and_every_kind_links_to_something():
    for kind in KINDS.values():
        assert set(kind.links) <= set(KINDS), kind.name
        assert any(link_allowed(kind.name, other) for other in KINDS), kind.name


def test_the_lessons_store_for_each_kind_of_state():
    assert [best_store(s).name for s in ("sessions", "cart", "uploads")] == ["redis", "postgres", "object_storage"]


def test_one_colour_per_kind_readable_under_white_text_and_told_apart():
    colours = {name: kind_colour(name) for name in KINDS}
    for name, colour in colours.items():
        # White text on it (the simulation's pills) and it on a white card: at least WCAG's 4.5:1.
        assert contrast(colour, QColor("#FFFFFF")) >= 4.5, name
    names = list(colours)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            ca, cb = colours[a], colours[b]
            distance = abs(ca.red() - cb.red()) + abs(ca.green() - cb.green()) + abs(ca.blue() - cb.blue())
            assert distance >= 60, (a, b)
