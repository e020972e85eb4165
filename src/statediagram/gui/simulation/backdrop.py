"""The diagram under a run, drawn once: each frame repaints only the simulation over a picture of the view.

While a run is shown, the diagram itself (grid, nodes, links, badges) rarely changes, but a view in full-update
mode repaints all of it every frame: 20 ms for 200 nodes and 600 links, more than a 60 Hz frame has. A
``Backdrop`` is the view's frame painter (``DiagramView.set_frames``): it keeps a picture of what the view draws
without the simulation layer, and paints a frame as that picture plus the layer. The picture is drawn again
whenever the scene reports a change (an edit, a selection, a hover) or the view moves or zooms.

While a mouse button is held on the canvas (the canvas's input router says so) or a rubber band is drawn, the
view paints as usual (the editor's gestures draw things the picture would not show).
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, QPoint, QRect, Qt
from PySide6.QtGui import QPainter, QPixmap, QRegion
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from ..canvas.view import DiagramView
from .layer import SimulationLayer

STAMP_MARGIN = 16  # viewport pixels around the layer's rectangle: tokens are stamped at their size on screen (half
# a stamp: 11 px) at any zoom, so far out they reach past the rectangle's scene margin


class Backdrop(QObject):
    """Paints ``view``'s viewport from a cached picture of the diagram plus the live simulation layer."""

    def __init__(self, view: DiagramView, layer: Callable[[], SimulationLayer | None],
                 shown: Callable[[], bool]) -> None:
        super().__init__(view)
        self.view = view
        self.viewport = view.viewport()
        self.scene = view.scene()
        self.layer = layer
        self.shown = shown
        self.enabled = True
        self.pictures_drawn = 0  # how often the diagram was drawn into the picture (for tests and benchmarks)
        self._picture: QPixmap | None = None
        self._key: tuple | None = None
        self._pressed = False
        self._painted_last = False  # the last paint was the backdrop's: the view's own bookkeeping did not run
        self._drawn_at: QRect | None = None  # where the layer drew the last frame (viewport pixels); None: unknown
        self._drawing = False  # the view is painting the picture
        self._option = QStyleOptionGraphicsItem()
        self.scene.changed.connect(self._scene_changed)
        view.input.pressing.connect(self._pressing)
        view.set_frames(self)

    # --- when the picture can be used -----------------------------------------------------------

    def active(self) -> bool:
        """Frames are painted over the picture: a run is shown and no editor gesture is under way."""
        return (self.enabled and not self._pressed and self.shown() and self.view.scene() is self.scene
                and self.view.rubberBandRect().isNull())

    def frame_changed(self, layer: SimulationLayer) -> None:
        """The layer shows a new frame: repaint where it draws, this frame and the last (the picture stays; only
        the layer is new). Outside the layer's rectangle nothing changed: the 200-node diagram fitted in the
        window takes 0.4 of the canvas, and the whole canvas each frame was 1.1-1.5 ms more (measured)."""
        if self.active():
            if self._picture is None or self._key != self._view_key():
                self._picture = self._draw_picture()  # drawn here: a widget cannot render itself while painting
                self._drawn_at = None
            # The frame's paint covers all it repaints (the picture is opaque): Qt need not fill the canvas's
            # background first, nor paint what is behind it; 1.1-2 ms of a 1,000-token frame, timed alternately.
            self.viewport.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
            if self._drawn_at is None:
                self.viewport.update()  # a new picture, or the last frame's place unknown: all of it
            else:
                self.viewport.update(self._drawn_at.united(self._where(layer)))
        elif self._painted_last:
            self.viewport.update()
        else:
            layer.update()

    def invalidate(self) -> None:
        """Draw the diagram again at the next frame (until then the view paints it as usual)."""
        self._picture = None
        self._drawn_at = None
        self.viewport.update()

    def _view_key(self) -> tuple:
        t = self.view.viewportTransform()
        viewport = self.viewport
        return (viewport.width(), viewport.height(), viewport.devicePixelRatioF(), t.m11(), t.m12(), t.m21(),
                t.m22(), t.dx(), t.dy())

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = enabled
        self._drawn_at = None
        self.viewport.update()

    def _scene_changed(self, _rects) -> None:
        self._picture = None
        self._drawn_at = None
        if self._painted_last:
            # The view's own bookkeeping of pending updates did not run for the paints taken over here; ask
            # for the repaint directly rather than rely on it (ours, or the view's if a gesture began).
            self.viewport.update()

    # --- the view's paints and presses ---------------------------------------------------------

    def paint(self) -> bool:
        """Called by the view for each paint of its viewport: True when the frame was painted here."""
        opaque = self.viewport.testAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        if self._drawing:
            if opaque:
                self._fill_background()
            return False  # the view paints the picture
        self._painted_last = self.active() and self._picture is not None and self._key == self._view_key()
        if self._painted_last:
            self._paint()
        else:
            self._drawn_at = None  # the view paints it all: the next frame repaints it all
            if opaque:  # the view's own paint leaves its edge to the background: as Qt fills it, and will again
                self._fill_background()
                self.viewport.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)
        return self._painted_last

    def _fill_background(self) -> None:
        """What Qt paints under a canvas that is not opaque: its background colour (the view draws over it)."""
        viewport = self.viewport
        painter = QPainter(viewport)
        painter.fillRect(viewport.rect(), viewport.palette().brush(viewport.backgroundRole()))
        painter.end()

    def _pressing(self, down: bool) -> None:
        self._pressed = down
        self._drawn_at = None
        if not down:
            self._picture = None  # the gesture may have changed what the view draws
        self.viewport.update()  # while a button is held the view paints the gesture itself

    def _paint(self) -> None:
        view, viewport = self.view, self.viewport
        transform = view.viewportTransform()
        painter = QPainter(viewport)
        painter.drawPixmap(0, 0, self._picture)
        layer = self.layer()
        if layer is not None and shiboken6.isValid(layer) and layer.isVisible():
            painter.setRenderHints(view.renderHints())
            painter.setWorldTransform(transform)
            self._option.exposedRect = view.mapToScene(viewport.rect()).boundingRect()
            layer.paint_frame(painter, self._option)
            self._drawn_at = self._where(layer)  # what the next frame repaints, to clear this one
        painter.end()

    def _where(self, layer: SimulationLayer) -> QRect:
        """The part of the viewport where ``layer`` draws its frame."""
        return self.view.viewportTransform().mapRect(layer.drawn_rect()).toAlignedRect().adjusted(
            -STAMP_MARGIN, -STAMP_MARGIN, STAMP_MARGIN, STAMP_MARGIN)

    def _draw_picture(self) -> QPixmap:
        """What the view draws without the simulation layer: its background and the editor's items.

        The view paints it itself, redirected into the picture (``QWidget.render``): items that keep a cached
        picture of themselves then use and refresh the same cache as on screen."""
        viewport = self.viewport
        self._key = self._view_key()
        ratio = viewport.devicePixelRatioF()
        picture = QPixmap(int(viewport.width() * ratio), int(viewport.height() * ratio))
        picture.setDevicePixelRatio(ratio)
        picture.fill(Qt.GlobalColor.white)
        layer = self.layer()
        left_out = layer is not None and shiboken6.isValid(layer)
        self._drawing = True
        if left_out:
            layer.left_out = True
        try:
            viewport.render(picture, QPoint(), QRegion(), QWidget.RenderFlag.DrawWindowBackground)
        finally:
            self._drawing = False
            if left_out:
                layer.left_out = False
        self.pictures_drawn += 1
        return picture
