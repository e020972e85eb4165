"""The run bar and panel read at a glance: labelled lists, no empty note, and Tidy Up shows the whole diagram."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QLabel
from simgui import show_diagram


def test_the_scenario_and_journey_lists_are_labelled(window):
    controls = window.simulation.controls
    labels = {label.buddy(): label.text() for label in controls.findChildren(QLabel) if label.buddy()}
    assert labels[controls.scenario] == "Scenario:"
    assert labels[controls.journey] == "Journey:"
    for label in (lb for lb in controls.findChildren(QLabel) if lb.buddy()):
        assert label.isVisible()
        # each label sits just left of its list
        assert 0 <= label.buddy().geometry().left() - label.geometry().right() < 20
    assert controls.scenario.accessibleName() == "Scenario"


def test_no_empty_what_just_happened_box_after_opening_a_file(window, starter, qtbot):
    happened = window.simulation.panel.happened
    show_diagram(window, starter)
    assert not happened.isVisible()  # nothing has happened yet: no empty yellow box
    window.simulation.ui.simulate()
    window.simulation.controller.player.set_playing(False)
    window.simulation.ui.seek(2_000_000)
    assert happened.isVisible() and "What just happened" in happened.text()
    show_diagram(window, starter)  # another file opened: the run stops, and the box goes
    assert not happened.isVisible()


def test_tidy_up_refits_the_view_to_the_whole_diagram(window, qtbot):
    far = window.doc.diagram.nodes[0]
    window.editor.move_nodes({far.id: ((far.x, far.y), (4000.0, 3000.0))}, "Move far away")
    window.view.set_zoom(1.0)
    window.view.centerOn(0, 0)
    window.actions.tidy.trigger()
    seen = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    for item in window.scene.node_items.values():
        card = item.sceneBoundingRect()
        assert seen.contains(card), (item, card, seen)
    everything = QRectF()
    for item in window.scene.node_items.values():
        everything = everything.united(item.sceneBoundingRect())
    assert everything.width() < 4000  # tidied into columns, not left where it was
