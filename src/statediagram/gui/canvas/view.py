"""The canvas widget: grid, zoom, drops from the palette, in-place label editing; its input goes to input.py."""

from __future__ import annotations

import math
from typing import Protocol

from PySide6.QtCore import QEvent, QRectF, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QWheelEvent
from PySide6.QtWidgets import QGraphicsView, QLineEdit, QWidget

from ...core.catalog import KINDS
from .. import theme
from .input import CanvasEdits, CanvasInput
from .items import TEXT_LOD
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
        self._label_editor: QLineEdit | None = None
        scene.setSceneRect(QRectF(-SCENE_EXTENT, -SCENE_EXTENT, 2 * SCENE_EXTENT, 2 * SCENE_EXTENT))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        # Many small dirty rectangles cost far more than repainting the viewport once (measured).
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Diagram canvas")
        self.setToolTip("")
        self.input.rename_requested.connect(self.start_label_edit)

    # --- grid ----------------------------------------------------------------------------------------

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802 - Qt's name
        painter.fillRect(rect, theme.CANVAS)
        scale = self.transform().m11()
        step = theme.GRID
        while step * scale < 10:  # keep the grid subtle when zoomed out
            step *= 5
        # One-pixel rectangles look the same as hairlines (at most 1 in 255 apart, measured) and fill four
        # times faster: the grid was a third of a zoom step's time.
        w = 1.0 / scale
        painter.setPen(Qt.PenStyle.NoPen)
        for colour, spacing in ((theme.GRID_MINOR, step), (theme.GRID_MAJOR, step * 5)):
            left = math.floor(rect.left() / spacing) * spacing
            top = math.floor(rect.top() / spacing) * spacing
            bars = [QRectF(x - w / 2, rect.top(), w, rect.height()) for x in _frange(left, rect.right(), spacing)]
            bars += [QRectF(rect.left(), y - w / 2, rect.width(), w) for y in _frange(top, rect.bottom(), spacing)]
            painter.setBrush(colour)
            painter.drawRects(bars)
        scene: DiagramScene = self.scene()  # type: ignore[assignment]
        if scene.overview_mode.on:
            scene.overview().draw(painter, rect)

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
        scene.overview_mode.set_on(self.zoom() < (TEXT_LOD if scene.overview_mode.on else TEXT_LOD * 0.98))
        scene.overview_mode.settle(self.mapToScene(self.viewport().rect()).boundingRect())  # what is shown now
        super().paintEvent(event)

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
        scene: DiagramScene = self.scene()  # type: ignore[assignment]
        items = list(scene.node_items.values())
        if not items:
            self.resetTransform()
            self.centerOn(0, 0)
            self.zoom_changed.emit(1.0)
            return
        rect = QRectF()
        for item in items:
            rect = rect.united(item.sceneBoundingRect())
        rect.adjust(-40, -40, 40, 40)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > 1.5:
            self.set_zoom(1.5)
            self.centerOn(rect.center())
        self.zoom_changed.emit(self.zoom())

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
        """Add a node in the middle of what the learner sees (palette double-click, keyboard)."""
        centre = self.mapToScene(self.viewport().rect().center())
        taken = {(n.x, n.y) for n in self.diagram_scene.doc.diagram.nodes}
        x, y = centre.x(), centre.y()
        while (round(x / theme.GRID) * theme.GRID, round(y / theme.GRID) * theme.GRID) in taken:
            x, y = x + 2 * theme.GRID, y + 2 * theme.GRID  # don't hide a node under another
        return self.editor.add_node(kind, x, y)

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
