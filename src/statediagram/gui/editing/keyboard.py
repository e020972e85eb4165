"""Building a diagram with the keyboard alone: the commands behind Link To..., Properties, Go to ... and the
node-to-node moves, for the window's menus and keys.

With the Components list focused, Enter adds its kind at a free spot (the palette and the view do that); Tab,
Shift+Tab and Alt+arrows go from node to node on the canvas; Ctrl+L links (the two selected nodes, or the one
selected to a node found by its name); F2 renames; Delete deletes.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget, QWidget

from ..canvas.view import DiagramView
from .editor import Editor
from .findings import FindingsList
from .link_finder import LinkFinder
from .palette import Palette
from .properties import PropertiesPanel

WAYS = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}


class KeyboardEditing(QObject):
    """The keyboard's way to the editor's gestures (a drag from a handle, a click on a node, a panel)."""

    def __init__(self, editor: Editor, view: DiagramView, palette: Palette, properties: PropertiesPanel,
                 properties_dock: QDockWidget, findings: FindingsList, findings_dock: QDockWidget,
                 window: QWidget) -> None:
        super().__init__(window)
        self.editor, self.view, self.palette = editor, view, palette
        self.properties, self.properties_dock, self.window = properties, properties_dock, window
        self.findings, self.findings_dock = findings, findings_dock
        self.finder: LinkFinder | None = None

    def _one_selected(self, doing: str) -> str | None:
        ids = self.editor.scene.selected_node_ids()
        if len(ids) != 1:
            self.editor.message.emit(f"Select one node to {doing} (Tab goes from node to node on the canvas).")
            return None
        return ids[0]

    def link_selected(self) -> None:
        """Ctrl+L: two nodes selected, link them; one, find the other by its name."""
        if len(self.editor.scene.selected_node_ids()) == 1:
            self.link_to_selected()
        else:
            self.editor.link_selected()

    def link_to_selected(self) -> None:
        node_id = self._one_selected("link it to another")
        if node_id is None:
            return
        if self.finder is not None:
            self.finder.close()
        self.finder = LinkFinder(self.editor, node_id, self.window)
        self.finder.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.finder.finished.connect(self._finder_gone)
        self.finder.open()
        self.finder.field.setFocus()

    def _finder_gone(self, _result: int) -> None:
        self.finder = None
        self.window.activateWindow()  # back to the canvas, where the keys were before
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_properties(self) -> None:
        """The selected node's properties, in front, with the keyboard's focus on its first field."""
        if self._one_selected("see its properties") is None:
            return
        self.properties_dock.show()
        self.properties_dock.raise_()
        self.properties.focus_first_field()

    def focus_part(self, part: str) -> None:
        if part == "components":
            self.palette.setFocus(Qt.FocusReason.ShortcutFocusReason)
            if self.palette.currentRow() < 0:
                self.palette.setCurrentRow(self.palette.first_allowed_row())
        elif part == "findings":  # Enter on one selects its nodes
            self.findings_dock.show()
            self.findings_dock.raise_()
            self.findings.setFocus(Qt.FocusReason.ShortcutFocusReason)
            if self.findings.currentRow() < 0 and self.findings.count():
                self.findings.setCurrentRow(0)
        elif part == "properties":
            self.properties_dock.show()
            self.properties_dock.raise_()
            self.properties.focus_first_field()
        else:
            self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def step_selection(self, how: str) -> None:
        """Select the next or previous node (reading order), or the nearest one left, right, up or down."""
        if how in WAYS:
            self.view.input.step_selection(*WAYS[how])
        elif not self.view.input.step_in_order(how == "next"):  # past the end, from the menu: round again
            self.editor.scene.clearSelection()
            self.view.input.step_in_order(how == "next")
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
