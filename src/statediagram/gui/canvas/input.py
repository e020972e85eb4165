"""The one place where input on the canvas is routed.

The view hands every mouse press, move, release, double-click, context menu and key of the canvas to
:class:`CanvasInput`, which decides who takes it, in this order:

1. panning: the middle button, or the left one while Space is held (:class:`PanGesture`);
2. the run shown on the canvas, if any (:class:`RunInput`): a click on a token, a right-click on a node, a tap
   on Space; then a right-click the run did not take opens the editor's menus (:class:`EditMenus`);
3. the editor's gestures: drag a node's round handle to wire it (``WiringGesture``), drag nodes to move them
   (``MoveTracker``), double-click a node to rename it, arrows to nudge, Alt+arrows and Tab to go from node
   to node (arrows too while nothing is selected), Escape to let go;
4. what none of them takes goes on to Qt's own handling (selection, rubber band, moving the items).

Gestures stay small objects; nothing else on the canvas filters or overrides input.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QGraphicsView

from .. import theme
from .gestures import MoveTracker, WiringGesture
from .items import NodeItem
from .navigation import nearest_towards, next_in_order
from .scene import DiagramScene

LEFT = Qt.MouseButton.LeftButton
ARROWS = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}


class RunInput(Protocol):
    """What a run shown on the canvas may take of its input (the simulation offers it)."""

    def shown(self) -> bool:
        """Whether a run is on the canvas now (otherwise it is asked nothing)."""

    def click(self, at: QPointF) -> bool:
        """A left click at a scene point; True when the run took it (the editor then does not see it)."""

    def menu(self, at: QPointF, screen: QPoint) -> bool:
        """A right-click at a scene point; True when the run showed a menu for it."""

    def play_or_pause(self) -> None:
        """Space was tapped (pressed and released with no drag between)."""


class EditMenus(Protocol):
    """The editor's right-click menus (on a node, a link, the empty canvas)."""

    def menu(self, at: QPointF, screen: QPoint) -> bool:
        """Show the menu for what is at a scene point; True when one was shown."""


class CanvasEdits(Protocol):
    """The edits the canvas's keys and gestures ask for (the editor makes them, as undoable commands)."""

    def nudge(self, dx: float, dy: float) -> None: ...


class PanGesture:
    """Drag the canvas with the middle button, or the left button while Space is held."""

    def __init__(self, view: QGraphicsView, at: QPoint) -> None:
        self.view = view
        self.last = at
        view.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)

    def move(self, at: QPoint) -> None:
        delta = at - self.last
        self.last = at
        h, v = self.view.horizontalScrollBar(), self.view.verticalScrollBar()
        h.setValue(h.value() - delta.x())
        v.setValue(v.value() - delta.y())

    def finish(self) -> None:
        self.view.viewport().unsetCursor()


class CanvasInput(QObject):
    """Routes the canvas's input to panning, the run shown, or the editor's gestures (see the module's text)."""

    pressing = Signal(bool)  # a mouse button went down on the canvas (True) / the last one came up (False)
    rename_requested = Signal(str)  # a node was double-clicked: its id

    def __init__(self, view: QGraphicsView, scene: DiagramScene, edits: CanvasEdits) -> None:
        super().__init__(view)
        self.view, self.scene, self.edits = view, scene, edits
        self.run: RunInput | None = None
        self.menus: EditMenus | None = None
        self._pan: PanGesture | None = None
        self._wiring: WiringGesture | None = None
        self._tracker: MoveTracker | None = None
        self.space_held = False
        self._dragged_with_space = False
        scene.clearing.connect(self.cancel)

    def set_run(self, run: RunInput | None) -> None:
        """The run that takes its part of the input (clicks on tokens, menus on nodes, Space) while shown."""
        self.run = run

    def set_menus(self, menus: EditMenus | None) -> None:
        """The editor's right-click menus, asked after the run shown (if any) has had its turn."""
        self.menus = menus

    def _run_shown(self) -> bool:
        return self.run is not None and self.run.shown()

    def _at(self, event: QMouseEvent | QContextMenuEvent) -> QPointF:
        pos = event.position().toPoint() if isinstance(event, QMouseEvent) else event.pos()
        return self.view.mapToScene(pos)

    # --- the mouse -------------------------------------------------------------------------------------

    def press(self, event: QMouseEvent) -> bool:
        """True when taken here; otherwise the view passes it on to Qt and then calls :meth:`pressed`."""
        self.pressing.emit(True)
        if self.space_held:
            self._dragged_with_space = True
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (self.space_held and button == LEFT):
            self._pan = PanGesture(self.view, event.position().toPoint())
            return True
        if button != LEFT:
            return False
        at = self._at(event)
        if self._run_shown() and self.run.click(at):
            return True
        if self.scene.interactive:
            node = self.scene.node_item_at(at)
            if node is not None and node.over_handle(node.mapFromScene(at)):
                self.cancel()
                self._wiring = WiringGesture(self.scene.gesture_context, node, at)
                return True
        return False

    def pressed(self, event: QMouseEvent) -> None:
        """After Qt handled a press: a left press may start a drag of the selected nodes."""
        if self.scene.interactive and event.button() == LEFT:
            self._tracker = MoveTracker(self.scene.gesture_context)

    def move(self, event: QMouseEvent) -> bool:
        if self._pan is not None:
            self._pan.move(event.position().toPoint())
            return True
        if self._wiring is not None:
            self._wiring.move(self._at(event))
            return True
        return False

    def release(self, event: QMouseEvent) -> bool:
        """True when taken here; otherwise the view passes it on to Qt and then calls :meth:`released`."""
        if self._pan is not None:
            self._pan.finish()
            self._pan = None
            self._let_go(event)
            return True
        if self._wiring is not None:
            wiring, self._wiring = self._wiring, None
            wiring.release(self._at(event))
            self._let_go(event)
            return True
        return False

    def released(self, event: QMouseEvent) -> None:
        if self._tracker is not None and event.button() == LEFT:
            tracker, self._tracker = self._tracker, None
            tracker.finish()
        self._let_go(event)

    def _let_go(self, event: QMouseEvent) -> None:
        if not event.buttons():
            self.pressing.emit(False)

    def double_click(self, event: QMouseEvent) -> bool:
        at = self._at(event)
        node = self.scene.node_item_at(at) if self.scene.interactive else None
        if node is not None and not node.over_handle(node.mapFromScene(at)):
            self.rename_requested.emit(node.node_id)
            return True
        return False

    def context_menu(self, event: QContextMenuEvent) -> bool:
        at, screen = self._at(event), event.globalPos()
        chosen = self.scene.selected_node_items()
        if event.reason() == QContextMenuEvent.Reason.Keyboard and chosen:  # the Menu key: at the selected node
            at = chosen[0].pos()
            screen = self.view.viewport().mapToGlobal(self.view.mapFromScene(at))
        if self._run_shown() and self.run.menu(at, screen):
            return True
        return self.menus is not None and self.menus.menu(at, screen)

    def cancel(self) -> None:
        """Let go of a wiring under way (Escape, or the scene is about to be cleared)."""
        self._tracker = None
        if self._wiring is not None:
            wiring, self._wiring = self._wiring, None
            wiring.cancel()

    # --- keys ------------------------------------------------------------------------------------------

    def key_press(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.space_held, self._dragged_with_space = True, False
            self.view.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            return True
        if key in ARROWS and not self.scene.selected_node_ids() and self.scene.node_items:
            self.step_selection(*ARROWS[key])  # nothing to nudge: go to a node (Alt+arrows, the window's keys)
            return True
        if key in ARROWS:
            step = 1.0 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else float(theme.GRID)
            dx, dy = ARROWS[key]
            self.edits.nudge(dx * step, dy * step)
            return True
        if key == Qt.Key.Key_Escape:
            self.cancel()
            self.scene.clearSelection()
            return True
        return False

    def step_selection(self, dx: int, dy: int) -> None:
        """Select the node nearest the selected one (or the view's centre) in the direction (dx, dy)."""
        items = list(self.scene.node_items.values())
        chosen = self.scene.selected_node_items()
        current = chosen[0] if chosen else None
        at = current.pos() if current else self.view.mapToScene(self.view.viewport().rect().center())
        target = nearest_towards(items, at.x(), at.y(), dx, dy, current)
        if target is None and current is None:  # nothing that way: the node nearest the centre will do
            target = min(items, key=lambda i: (i.pos() - at).manhattanLength(), default=None)
        self.go_to(target)

    def step_in_order(self, forward: bool) -> bool:
        """Tab / Shift+Tab: the next (previous) node in reading order; False past the last (first) one, where
        the keyboard's focus moves on out of the canvas."""
        chosen = self.scene.selected_node_items()
        target = next_in_order(list(self.scene.node_items.values()), chosen[0] if chosen else None, forward)
        if target is None:
            return False
        self.go_to(target)
        return True

    def go_to(self, item: NodeItem | None) -> None:
        if item is None:
            return
        self.scene.select_ids([item.node_id])
        self.view.ensureVisible(item, 20, 20)

    def key_release(self, event: QKeyEvent) -> bool:
        if event.key() != Qt.Key.Key_Space or event.isAutoRepeat():
            return False
        held, self.space_held = self.space_held, False
        self.view.viewport().unsetCursor()
        # Space is the editor's pan key; a tap (no drag while held) plays or pauses a run shown.
        if held and not self._dragged_with_space and self._run_shown():
            self.run.play_or_pause()
        return True
