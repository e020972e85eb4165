"""The timeline scrubber: simulated time from 0 to the end, what is worked out, faults, and the play head."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from ...sim.scenario import SECOND
from .layer import short_name

HEAD_MARGIN = 10  # the play head's knob (radius 6, a 2-pixel outline) and a bar's rounded end reach this far
FAULT_COLOURS = {"crash": "#C62828", "restart": "#2E7D32", "replace": "#1565C0"}


class Timeline(QWidget):
    """Drag anywhere to scrub; fault markers show what happens when (hand-made ones drawn hollow)."""

    seek_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(46)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(False)
        self.setToolTip("Drag to go back and forth in simulated time")
        # Its own background, in the colour of the panel behind it: the strip a frame repaints round the play head
        # is then painted here only, not first by the panel, the dock and the window behind it.
        self.setAutoFillBackground(True)
        self.end = 0
        self.horizon = 0
        self.t = 0
        self.faults: list[tuple[int, str, str, bool]] = []  # at, node, action, by hand
        self.labels: dict[str, str] = {}
        self.losses: list[int] = []  # losses per second, for a faint strip under the track
        self._marks: QPixmap | None = None  # the ticks and fault marks, drawn once per run and size
        self._marks_key: tuple | None = None

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(600, 46)

    def set_run(self, end: int, faults, hand_faults, labels: dict[str, str]) -> None:
        self.end = end
        hand = set(hand_faults)
        self.faults = [(at, node, action, (at, node, action) in hand) for at, node, action in faults]
        self.labels = labels
        self.update()

    def clear(self) -> None:
        """No run: an empty track."""
        self.end = self.horizon = self.t = 0
        self.faults, self.losses = [], []
        self.update()

    def set_time(self, t: int, horizon: int) -> None:
        """Repaint only what moved: the strips between the play head's and the worked-out end's old and new
        places. The whole track each frame made the window repaint the panels behind it too (1400x46, four
        widgets): about a millisecond of a 1,000-token frame's 8 (measured: see bench_simview.py --frames)."""
        old_t, old_horizon = self.t, self.horizon
        self.t, self.horizon = t, horizon
        height = self.height()
        for a, b in ((old_t, t), (old_horizon, horizon)):
            if a != b:
                xa, xb = self.x_of(a), self.x_of(b)
                left = int(min(xa, xb)) - HEAD_MARGIN
                self.update(left, 0, int(max(xa, xb)) + HEAD_MARGIN - left + 1, height)

    # --- geometry -------------------------------------------------------------------------------

    def _track(self) -> QRectF:
        return QRectF(10, 20, max(10, self.width() - 20), 10)

    def x_of(self, t: int) -> float:
        track = self._track()
        return track.left() + track.width() * (t / self.end if self.end else 0)

    def t_of(self, x: float) -> int:
        track = self._track()
        f = (x - track.left()) / track.width()
        return int(max(0.0, min(1.0, f)) * self.end)

    # --- input ----------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton and self.end:
            self.seek_requested.emit(self.t_of(event.position().x()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.buttons() & Qt.MouseButton.LeftButton and self.end:
            self.seek_requested.emit(self.t_of(event.position().x()))

    # --- painting -------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        track = self._track()
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#e8eaed"))
        p.drawRoundedRect(track, 4, 4)
        if self.end:
            done = QRectF(track.left(), track.top(), self.x_of(self.horizon) - track.left(), track.height())
            p.setBrush(QColor("#c5d5ea"))
            p.drawRoundedRect(done, 4, 4)
            played = QRectF(track.left(), track.top(), self.x_of(self.t) - track.left(), track.height())
            p.setBrush(QColor("#6c8ebf"))
            p.drawRoundedRect(played, 4, 4)
            p.drawPixmap(0, 0, self._marks_picture())
            x = self.x_of(self.t)
            p.setPen(QPen(QColor("#202124"), 2))
            p.drawLine(QPointF(x, track.top() - 6), QPointF(x, track.bottom() + 6))
            p.setBrush(QColor("#202124"))
            p.drawEllipse(QPointF(x, track.center().y()), 6, 6)
        p.end()

    def _marks_picture(self) -> QPixmap:
        """The ticks and the fault marks, which change only with the run and the width: drawn into a picture once,
        not every frame (the crash drill on 40 servers has 80 fault marks, 3-4 ms of text a frame, measured)."""
        ratio = self.devicePixelRatioF()
        key = (self.width(), self.height(), ratio, self.end, tuple(self.faults), tuple(sorted(self.labels.items())),
               self.font().key())
        if self._marks is None or key != self._marks_key:
            pix = QPixmap(int(self.width() * ratio), int(self.height() * ratio))
            pix.setDevicePixelRatio(ratio)
            pix.fill(Qt.GlobalColor.transparent)
            p = QPainter(pix)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            track = self._track()
            self._ticks(p, track)
            self._faults(p, track)
            p.end()
            self._marks, self._marks_key = pix, key
        return self._marks

    def _ticks(self, p: QPainter, track: QRectF) -> None:
        seconds = self.end / SECOND
        step = next((s for s in (1, 2, 5, 10, 15, 30, 60, 120, 300) if seconds / s <= 14), 600)
        f = QFont(self.font())
        f.setPointSizeF(7.5)
        p.setFont(f)
        p.setPen(QColor("#5f6368"))
        s = 0
        while s <= seconds + 1e-9:
            x = self.x_of(int(s * SECOND))
            p.drawLine(QPointF(x, track.bottom() + 2), QPointF(x, track.bottom() + 5))
            p.drawText(QRectF(x - 20, track.bottom() + 4, 40, 12), Qt.AlignmentFlag.AlignCenter, f"{s:g}s")
            s += step

    def _faults(self, p: QPainter, track: QRectF) -> None:
        f = QFont(self.font())
        f.setPointSizeF(7)
        f.setBold(True)
        p.setFont(f)
        for at, node, action, by_hand in self.faults:
            x = self.x_of(at)
            colour = QColor(FAULT_COLOURS.get(action, "#555555"))
            tri = QPolygonF([QPointF(x - 5, track.top() - 9), QPointF(x + 5, track.top() - 9),
                             QPointF(x, track.top() - 1)])
            p.setPen(QPen(colour, 1.5))
            p.setBrush(Qt.BrushStyle.NoBrush if by_hand else colour)
            p.drawPolygon(tri)
            p.setPen(colour)
            mark = {"crash": "✗", "restart": "↺", "replace": "⟳"}.get(action, "")
            p.drawText(QRectF(x - 25, 0, 50, 11), Qt.AlignmentFlag.AlignCenter,
                       f"{mark}{short_name(self.labels.get(node, node))}")
