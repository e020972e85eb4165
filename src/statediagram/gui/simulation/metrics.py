"""Live figures: the outcome counters (with the token shapes as their legend), a small chart of losses over
time, and per-server load bars. All drawn with QPainter and plain widgets (no QtCharts)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ...sim.nodes import FAILOVER, LOST_DATA, LOST_FILE, LOST_SESSION, OK, OUTAGE, TOTAL_KEYS
from ...sim.report import Totals
from ...sim.scenario import SECOND
from .style import LOOKS, REQUEST, look_icon

COUNTER_ORDER = (OK, LOST_SESSION, LOST_FILE, LOST_DATA, OUTAGE, FAILOVER)


class LossChart(QWidget):
    """Losses (lost sessions, files, data, outages) per simulated second, with crash windows shaded."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(74)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.per_second: list[int] = []
        self.seconds = 1
        self.down: list[tuple[int, int]] = []  # (from s, to s) windows in which some server was down

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(260, 74)

    def show_losses(self, per_second: list[int], end_us: int, down: list[tuple[int, int]]) -> None:
        self.per_second, self.seconds, self.down = per_second, max(1, -(-end_us // SECOND)), down
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = QRectF(26, 6, self.width() - 32, self.height() - 22)
        p.fillRect(self.rect(), QColor("#ffffff"))
        w = area.width() / self.seconds
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(198, 40, 40, 28))
        for a, b in self.down:
            p.drawRect(QRectF(area.left() + a * w, area.top(), max(1.0, (b - a) * w), area.height()))
        top = max([1, *self.per_second])
        p.setBrush(QColor(LOOKS[LOST_SESSION].colour))
        for i, n in enumerate(self.per_second):
            if n:
                h = area.height() * n / top
                p.drawRect(QRectF(area.left() + i * w + 0.5, area.bottom() - h, max(1.0, w - 1), h))
        p.setPen(QPen(QColor("#9aa0a6"), 1))
        p.drawLine(area.bottomLeft(), area.bottomRight())
        f = QFont(self.font())
        f.setPointSizeF(7.5)
        p.setFont(f)
        p.setPen(QColor("#5f6368"))
        p.drawText(QRectF(0, area.top() - 4, 24, 12), Qt.AlignmentFlag.AlignRight, str(top))
        p.drawText(QRectF(0, area.bottom() - 8, 24, 12), Qt.AlignmentFlag.AlignRight, "0")
        p.drawText(QRectF(area.left(), area.bottom() + 2, area.width(), 12), Qt.AlignmentFlag.AlignLeft,
                   "losses per second (shaded: a server down)")
        p.end()


class LoadBars(QWidget):
    """Requests each server has handled so far; an unbalanced load (sticky sessions) shows at a glance."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, int, bool]] = []  # label, requests, up
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def show_load(self, rows: list[tuple[str, int, bool]]) -> None:
        if rows != self.rows:
            resize = len(rows) != len(self.rows)
            self.rows = rows
            if resize:
                self.setFixedHeight(max(18, 18 * min(len(rows), 12) + 4))
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        top = max([1, *(n for _, n, _ in self.rows)])
        label_w = 78
        f = QFont(self.font())
        f.setPointSizeF(8)
        p.setFont(f)
        for i, (label, n, up) in enumerate(self.rows[:12]):
            y = 2 + i * 18
            p.setPen(QColor("#202124"))
            p.drawText(QRectF(0, y, label_w - 4, 16), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       label if up else f"{label} ✗")
            bar_w = (self.width() - label_w - 40) * n / top
            p.fillRect(QRectF(label_w, y + 3, max(1.0, bar_w), 11), QColor("#6c8ebf") if up else QColor("#9e9e9e"))
            p.drawText(QRectF(label_w + bar_w + 4, y, 40, 16), Qt.AlignmentFlag.AlignVCenter, str(n))
        p.end()


class MetricsPanel(QWidget):
    """Counters, losses over time and load per server, updated as the play head moves."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(1)
        self.values: dict[str, QLabel] = {}
        self.requests = QLabel("0")
        self.requests.setObjectName("requests")
        grid.addWidget(QLabel("<b>requests</b>"), 0, 1)
        grid.addWidget(self.requests, 0, 2, Qt.AlignmentFlag.AlignRight)
        for row, outcome in enumerate(COUNTER_ORDER, start=1):
            icon = QLabel()
            icon.setPixmap(look_icon(outcome, 16).pixmap(16, 16))
            name = QLabel(LOOKS[outcome].name)
            name.setToolTip(LOOKS[outcome].meaning)
            value = QLabel("0")
            value.setObjectName(TOTAL_KEYS[outcome])
            grid.addWidget(icon, row, 0)
            grid.addWidget(name, row, 1)
            grid.addWidget(value, row, 2, Qt.AlignmentFlag.AlignRight)
            self.values[TOTAL_KEYS[outcome]] = value
        legend_icon = QLabel()
        legend_icon.setPixmap(look_icon(REQUEST, 16).pixmap(16, 16))
        grid.addWidget(legend_icon, len(COUNTER_ORDER) + 1, 0)
        grid.addWidget(QLabel(f"<i>{LOOKS[REQUEST].name}</i>"), len(COUNTER_ORDER) + 1, 1, 1, 2)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        self.chart = LossChart()
        layout.addWidget(self.chart)
        layout.addWidget(QLabel("<b>requests per server</b>"))
        self.load = LoadBars()
        layout.addWidget(self.load)
        layout.addStretch(1)  # spare height goes below the bars, not between the sections
        self.shown: dict[str, int] = {}

    def show_totals(self, totals: Totals) -> None:
        self.shown = totals.to_json()
        self.requests.setText(str(totals.requests))
        losses = totals.loss_names()
        for key, label in self.values.items():
            n = totals.count(key)
            bad = n and key in losses
            label.setText(f"<b style='color:#C62828'>{n}</b>" if bad else str(n))

    def clear(self) -> None:
        """No run shown: zero counters, an empty chart and no load bars."""
        self.show_totals(Totals())
        self.shown = {}
        self.chart.show_losses([], 0, [])
        self.load.show_load([])

