"""The canvas widget: grid, zoom, drops from the palette, in-place label editing; its input goes to input.py."""

from __future__ import annotations

import math
from typing import Protocol

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAccessible,
    QAccessibleEvent,
    QContextMenuEvent,
    QFocusEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsView, QLineEdit, QWidget

from ...core.catalog import KINDS
from .. import theme
from .accessible import link_ends, make_accessible
from .crowding import CROWDED
from .input import CanvasEdits, CanvasInput
from .items import TEXT_LOD
from .navigation import spoken_description, spoken_name
from .placement import free_spot
from .scene import DiagramScene

KIND_MIME = "application/x-statediagram-kind"


class ViewEdits(CanvasEdits, Protocol):
    """The edits the canvas asks for (the editor makes them, as undoable commands; it is not imported here)."""

    def add_node(self, kind: str, x: float, y: float) -> str: ...
    def rename(self, node_id: str, label: str) -> None: ...


class RunFrames(Protocol):
    """Paints the canvas itself while a run is shown (see simulation/backdrop.py)."""

    def paint(self) -> bool:
        """Paint the viewport now; False to leave this paint to the view."""

MIN_ZOOM, MAX_ZOOM = 0.05, 4.0
SCENE_EXTENT = 50000.0


class DiagramView(QGraphicsView):
    zoom_changed = Signal(float)

    def __init__(self, scene: DiagramScene, editor: ViewEdits, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.diagram_scene = scene
        self.editor = editor
        self.input = CanvasInput(self, scene, editor)  # every mouse and key event of the canvas goes there
        self.frames: RunFrames | None = None
        self._painted_zoom = 0.0  # the zoom of the last paint: a paint at another one is a zoom step
        self._label_editor: QLineEdit | None = None
        scene.setSceneRect(QRectF(-SCENE_EXTENT, -SCENE_EXTENT, 2 * SCENE_EXTENT, 2 * SCENE_EXTENT))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        # Many small dirty rectangles cost far more than repainting the viewport once (measured).
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        # A resize keeps what was in the middle in the middle: a diagram fitted in a small window stays centred
        # when the window is maximized (it sat at the top left, with the new room on its right and below).
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip("")
        self.input.rename_requested.connect(self.start_label_edit)
        self.accessible_items = make_accessible(self)  # every node and link, each an accessible item of its own
        # Said once the selection settles: Select All on 2,000 nodes changes it 2,000 times in a row.
        self._announce = QTimer(self)
        self._announce.setSingleShot(True)
        self._announce.setInterval(0)
        self._announce.timeout.connect(self.announce_selection)
        scene.selectionChanged.connect(self._announce.start)
        scene.doc.topology_changed.connect(self._announce.start)
        scene.doc.node_changed.connect(self._node_changed)
        self.announce_selection()

    def _node_changed(self, _node_id: str) -> None:
        self._announce.start()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        super().focusInEvent(event)
        self._announce.start()  # the item selected gets the accessible focus, after the canvas's own

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        super().focusOutEvent(event)
        self.accessible_items.focus_left()

    # --- what a screen reader says ---------------------------------------------------------------------

    def announce_selection(self) -> None:
        """The canvas's accessible name and description speak for its selection (canvas/navigation.py)."""
        scene = self.diagram_scene
        nodes, links = scene.selected_node_items(), scene.selected_link_keys()
        doc = scene.doc
        if len(nodes) == 1 and not links:
            item = nodes[0]
            name = f"Diagram canvas, selected: {spoken_name(item)}"
            description = spoken_description(item, doc)
        elif len(links) == 1 and not nodes:
            a, b = link_ends(scene.link_items[links[0]])  # in the order its accessible item names them
            name = f"Diagram canvas, selected: the link between {a.label} and {b.label}"
            description = "Delete removes it; the menu key offers Select Its Two Nodes."
        elif nodes or links:
            name = f"Diagram canvas, {len(nodes)} nodes and {len(links)} links selected"
            description = "Delete removes them; Escape selects nothing."
        else:
            name = "Diagram canvas"
            count = len(doc.diagram.nodes)
            description = (f"{count} nodes, {len(doc.diagram.links)} links. Tab or Alt+arrows go from node to "
                           "node; the Components list adds one with Enter." if count else
                           "Empty. Choose a component in the Components list and press Enter to add it.")
        # The item selected gets the accessible focus first: a screen reader (Orca, checked over AT-SPI) speaks a
        # name or description change of what has its focus, so changed before the focus moved, the canvas's new
        # description was spoken and then the item's, the same words twice.
        back_to_canvas = self.accessible_items.selection_settled()
        # Qt tells a screen reader of these changes itself (telling it again had Orca speak them twice).
        self.viewport().setAccessibleName(name)  # the drawing surface inside says the same
        self.viewport().setAccessibleDescription(description)
        self.setAccessibleName(name)
        self.setAccessibleDescription(description)
        if back_to_canvas:
            QAccessible.updateAccessibility(QAccessibleEvent(self, QAccessible.Event.Focus))

    # --- grid ----------------------------------------------------------------------------------------

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802 - Qt's name
        painter.fillRect(rect, theme.CANVAS)
        to_device = painter.worldTransform()
        scale, dx, dy = to_device.m11(), to_device.dx(), to_device.dy()
        step = theme.GRID
        while step * scale < 10:  # keep the grid subtle when zoomed out
            step *= 5
        # Lines one device pixel wide on whole pixels, filled without antialiasing: as thin scene-unit bars they
        # went down the painter's antialiased path, 1.9 ms for each colour of a zoom step at 1600x1000.
        area = to_device.mapRect(rect).toAlignedRect()
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(Qt.PenStyle.NoPen)
        for colour, spacing in ((theme.GRID_MINOR, step), (theme.GRID_MAJOR, step * 5)):
            left = math.floor(rect.left() / spacing) * spacing
            top = math.floor(rect.top() / spacing) * spacing
            bars = [QRect(math.floor(x * scale + dx), area.top(), 1, area.height())
                    for x in _frange(left, rect.right(), spacing)]
            bars += [QRect(area.left(), math.floor(y * scale + dy), area.width(), 1)
                     for y in _frange(top, rect.bottom(), spacing)]
            painter.setBrush(colour)
            painter.drawRects(bars)
        painter.restore()
        scene: DiagramScene = self.scene()  # type: ignore[assignment]
        if scene.overview_mode.on:
            scene.overview().draw(painter, rect, scene.overview_mode.crowded)

    def set_frames(self, frames: RunFrames | None) -> None:
        """Who paints the canvas while a run is shown (None: the view paints it all, always)."""
        self.frames = frames

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        if self.frames is not None and self.frames.paint():
            return
        # Far out every card is a picture without text, or a block: drawing them all in a few calls keeps
        # 2,000 nodes fluid. A little below the texts' zoom before switching, so that a zoom resting on that
        # very zoom does not switch back and forth.
        scene: DiagramScene = self.scene()  # type: ignore[assignment]
        shown = self.mapToScene(self.viewport().rect()).boundingRect()
        far = self.zoom() < (TEXT_LOD if scene.overview_mode.on else TEXT_LOD * 0.98)
        scene.overview_mode.crowded = not far and scene.crowded(shown)  # too many cards in sight to read
        scene.overview_mode.set_on(far or scene.overview_mode.crowded)  # drawn as far out
        scene.overview_mode.settle(shown)  # what is shown now
        # A zoom step: cards may show a picture of a nearby scale while the exact one waits for a rest.
        zoom = self.zoom()
        scene.card_pictures.stand_ins = self._painted_zoom not in (0.0, zoom)  # not the view's first paint
        self._painted_zoom = zoom
        try:
            super().paintEvent(event)
        finally:
            scene.card_pictures.stand_ins = False

    # --- zoom ----------------------------------------------------------------------------------------

    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        self.scale(factor / self.zoom(), factor / self.zoom())
        self.zoom_changed.emit(self.zoom())

    def zoom_by(self, ratio: float) -> None:
        self.set_zoom(self.zoom() * ratio)

    def zoom_in(self) -> None:
        anchor = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.zoom_by(1.25)
        self.setTransformationAnchor(anchor)

    def zoom_out(self) -> None:
        anchor = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.zoom_by(0.8)
        self.setTransformationAnchor(anchor)

    def zoom_to_fit(self) -> None:
        rect = self.diagram_rect()
        if rect.isNull():
            self.resetTransform()
            self.centerOn(0, 0)
            self.zoom_changed.emit(1.0)
            return
        rect.adjust(-40, -40, 40, 40)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > 1.5:
            self.set_zoom(1.5)
            self.centerOn(rect.center())
        self.zoom_changed.emit(self.zoom())

    def fit_draws_overview(self, rect: QRectF, cards: int) -> bool:
        """Whether ``cards`` cards over ``rect`` would be drawn as far out once fitted (see paintEvent)."""
        if rect.isNull():
            return False
        size = self.viewport().size()
        zoom = min(size.width() / (rect.width() + 80), size.height() / (rect.height() + 80), 1.5)
        return zoom < TEXT_LOD * 0.98 or cards > CROWDED

    def diagram_rect(self) -> QRectF:
        """The nodes' extent in scene coordinates (null when there are none)."""
        return self.diagram_scene.places.extent()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        # A window made smaller than the diagram it showed whole shows it whole again (zoomed out to fit); a
        # diagram the learner had zoomed into stays as it was.
        shrunk = event.oldSize().isValid() and (event.size().width() < event.oldSize().width()
                                                or event.size().height() < event.oldSize().height())
        was_whole = False
        if shrunk and self.isVisible():
            grown = event.oldSize() - event.size()  # the viewport had this much more room before
            before = QRect(QPoint(0, 0), self.viewport().size() + grown)
            diagram = self.diagram_rect()
            was_whole = not diagram.isNull() and self.mapToScene(before).boundingRect().contains(diagram)
        super().resizeEvent(event)
        if was_whole and not self.mapToScene(self.viewport().rect()).boundingRect().contains(self.diagram_rect()):
            self.zoom_to_fit()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt's name
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_by(math.pow(1.0015, event.angleDelta().y()))
            event.accept()
            return
        super().wheelEvent(event)

    # --- input: all of it goes through the router ------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if self.input.press(event):
            event.accept()
            return
        super().mousePressEvent(event)
        self.input.pressed(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if self.input.move(event):
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if self.input.release(event):
            event.accept()
            return
        super().mouseReleaseEvent(event)
        self.input.released(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if self.input.double_click(event):
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt's name
        if self.input.context_menu(event):
            event.accept()
            return
        super().contextMenuEvent(event)

    def event(self, event: QEvent) -> bool:
        # Tab and Shift+Tab go from node to node (reading order); past the last one the focus moves on as usual.
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
                and not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)):
            forward = event.key() == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            if self.input.step_in_order(forward):
                event.accept()
                return True
            return QWidget.focusNextPrevChild(self, forward)
        # Space is the canvas's own (hold to pan, tap to play or pause): claim it before the window's
        # application-wide Play / Pause shortcut does, so it arrives here as a key press.
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_Space):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if self.input.key_press(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if self.input.key_release(event):
            event.accept()
            return
        super().keyReleaseEvent(event)

    # --- drops from the palette ------------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.mimeData().hasFormat(KIND_MIME):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.mimeData().hasFormat(KIND_MIME):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt's name
        mime = event.mimeData()
        if not mime.hasFormat(KIND_MIME):
            super().dropEvent(event)
            return
        kind = bytes(mime.data(KIND_MIME).data()).decode("utf-8")
        if kind not in KINDS:
            event.ignore()
            return
        at = self.mapToScene(event.position().toPoint())
        self.editor.add_node(kind, at.x(), at.y())
        event.acceptProposedAction()
        self.setFocus()

    def add_at_centre(self, kind: str) -> str:
        """Add a node at the free spot nearest the middle of what the learner sees (palette double-click, Enter):
        never on top of another card, however often it is asked."""
        return self.add_near(kind, self.mapToScene(self.viewport().rect().center()))

    def add_near(self, kind: str, at: QPointF) -> str:
        """Add a node at the free spot nearest ``at`` (a scene point), and show it."""
        spot = free_spot(kind, at, self.diagram_scene.card_free)
        node_id = self.editor.add_node(kind, spot.x(), spot.y())
        item = self.diagram_scene.node_items.get(node_id)
        if item is not None:
            self.ensureVisible(item, 20, 20)
        return node_id

    # --- label editing in place -------------------------------------------------------------------------

    def start_label_edit(self, node_id: str) -> None:
        scene: DiagramScene = self.scene()  # type: ignore[assignment]
        item = scene.node_items.get(node_id)
        if item is None:
            return
        self.finish_label_edit()
        card = item.card_rect()
        area = QRectF(card.left() + 56, card.top() + 8, card.width() - 62, 24)
        poly = self.mapFromScene(item.mapToScene(area))
        edit = QLineEdit(self.viewport())
        edit.setObjectName("labelEditor")
        edit.setAccessibleName("Node label")
        edit.setText(item.label)
        edit.selectAll()
        edit.setGeometry(poly.boundingRect().adjusted(0, -2, 0, 2))
        edit.setProperty("node_id", node_id)
        edit.editingFinished.connect(self.finish_label_edit)
        edit.installEventFilter(self)
        edit.show()
        edit.setFocus()
        self._label_editor = edit

    def finish_label_edit(self, commit: bool = True) -> None:
        edit, self._label_editor = self._label_editor, None
        if edit is None:
            return
        if commit:
            self.editor.rename(edit.property("node_id"), edit.text())
        edit.hide()
        edit.deleteLater()
        self.setFocus()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if obj is self._label_editor and event.type() == event.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self.finish_label_edit(commit=False)
            return True
        return super().eventFilter(obj, event)


def _frange(start: float, stop: float, step: float):
    x = start
    while x <= stop:
        yield x
        x += step
