"""Live figures: the outcome counters (with the token shapes as their legend), a small chart of losses over
time, and per-server load bars. All drawn with QPainter and plain widgets (no QtCharts)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ...sim.nodes import FAILOVER, LOST_DATA, LOST_FILE, LOST_SESSION, OK, OUTAGE, TOTAL_KEYS
from ...sim.report import Totals
from ...sim.scenario import SECOND
from .style import LOOKS, MESSAGE, REQUEST, look_icon, shape_path

COUNTER_ORDER = (OK, LOST_SESSION, LOST_FILE, LOST_DATA, OUTAGE, FAILOVER)
CHAT_COUNTERS = (
    ("messages", "messages", "Chat messages sent and acknowledged."),
    ("lost_messages", "lost messages", "Messages that some user still connected never received: counted when the "
                                       "run ends."),
    ("reconnects", "reconnects", "Users who connected again after their server dropped them: the price the "
                                 "real-time exception accepts, not a loss."),
)


@dataclass(frozen=True)
class Series:
    """One line of the chart: its name, and a look that does not rely on colour (a dash pattern, a marker)."""

    key: str
    words: str
    colour: str
    dash: Qt.PenStyle
    marker: str  # a token shape (style.shape_path)


# Journey chat's series, drawn over the losses' bars on a chat run only.
CHAT_SERIES = (
    Series("messages", "messages", LOOKS[MESSAGE].colour, Qt.PenStyle.SolidLine, "circle"),
    Series("reconnects", "reconnects", "#0072B2", Qt.PenStyle.DashLine, "triangle"),
    Series("lost_messages", "lost messages (at the end)", "#D55E00", Qt.PenStyle.DotLine, "cross"),
)
PLAIN_H, CHAT_H = 74, 124  # the chart's height; a chat run's has a legend (one or two rows)


class LossChart(QWidget):
    """Losses (lost sessions, files, data, outages) per simulated second, with crash windows shaded; on a chat
    run, lines for messages, reconnects and lost messages too, with a legend of line styles and markers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedHeight(PLAIN_H)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.per_second: list[int] = []
        self.seconds = 1
        self.down: list[tuple[int, int]] = []  # (from s, to s) windows in which some server was down
        self.chat: dict[str, list[int]] | None = None  # journey chat's per-second series, or None

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(260, CHAT_H if self.chat is not None else PLAIN_H)

    def show_losses(self, per_second: list[int], end_us: int, down: list[tuple[int, int]],
                    chat: dict[str, list[int]] | None = None) -> None:
        if (chat is None) != (self.chat is None):
            self.setFixedHeight(CHAT_H if chat is not None else PLAIN_H)
        self.per_second, self.seconds, self.down = per_second, max(1, -(-end_us // SECOND)), down
        self.chat = chat
        self.update()

    def series_points(self, key: str) -> list[QPointF]:
        """Where the chart draws series ``key`` (one point per second, at the second's middle); [] if not shown."""
        if self.chat is None or key not in self.chat:
            return []
        area, top = self._area(), self._top()
        w = area.width() / self.seconds
        return [QPointF(area.left() + (i + 0.5) * w, area.bottom() - area.height() * n / top)
                for i, n in enumerate(self.chat[key])]

    def _area(self) -> QRectF:
        legend = 32 if self.chat is not None else 0
        return QRectF(26, 6, self.width() - 32, self.height() - 22 - legend)

    def _top(self) -> int:
        return max([1, *self.per_second, *(n for values in (self.chat or {}).values() for n in values)])

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = self._area()
        p.fillRect(self.rect(), QColor("#ffffff"))
        w = area.width() / self.seconds
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(198, 40, 40, 28))
        for a, b in self.down:
            p.drawRect(QRectF(area.left() + a * w, area.top(), max(1.0, (b - a) * w), area.height()))
        top = self._top()
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
                   "per second: losses (bars; shaded: a server down)" if self.chat is not None
                   else "losses per second (shaded: a server down)")
        if self.chat is not None:
            self._paint_series(p, area)
        p.end()

    def _paint_series(self, p: QPainter, area: QRectF) -> None:
        """Each chat series as a line with its own dash and markers, and a legend row saying which is which."""
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        x = area.left()
        y = area.bottom() + 22
        for s in CHAT_SERIES:
            pts = self.series_points(s.key)
            colour = QColor(s.colour)
            p.setPen(QPen(colour, 1.8, s.dash))
            p.setBrush(Qt.BrushStyle.NoBrush)
            if len(pts) > 1:
                p.drawPolyline(pts)
            for pt in pts[:: max(1, len(pts) // 12)]:  # markers, a dozen at most: the line stays readable
                self._marker(p, s, pt)
            # legend: a short stretch of the line, its marker, its words
            p.setPen(QPen(colour, 1.8, s.dash))
            words = s.words
            width = p.fontMetrics().horizontalAdvance(words)
            if x > area.left() and x + 26 + width > self.width():  # no room left on this row: the next
                x, y = area.left(), y + 15
            p.drawLine(QPointF(x, y), QPointF(x + 22, y))
            self._marker(p, s, QPointF(x + 11, y))
            p.setPen(QColor("#3c4043"))
            p.drawText(QRectF(x + 26, y - 7, width + 4, 14), Qt.AlignmentFlag.AlignVCenter, words)
            x += 26 + width + 12

    @staticmethod
    def _marker(p: QPainter, s: Series, at: QPointF) -> None:
        p.save()
        p.translate(at)
        p.setPen(QPen(QColor("#ffffff"), 0.8))
        p.setBrush(QColor(s.colour))
        p.drawPath(shape_path(s.marker, 3.6))
        p.restore()


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
                       load_row_name(p.fontMetrics(), label, up, label_w - 4))
            bar_w = (self.width() - label_w - 40) * n / top
            p.fillRect(QRectF(label_w, y + 3, max(1.0, bar_w), 11), QColor("#6c8ebf") if up else QColor("#9e9e9e"))
            p.drawText(QRectF(label_w + bar_w + 4, y, 40, 16), Qt.AlignmentFlag.AlignVCenter, str(n))
        p.end()


def load_row_name(metrics: QFontMetrics, label: str, up: bool, width: int) -> str:
    """A server's name beside its load bar, cut at its end to fit ``width`` (a long one showed only its last
    characters), with the ✗ of a server that is down always in sight."""
    mark = "" if up else " ✗"
    return metrics.elidedText(label, Qt.TextElideMode.ElideRight, width - metrics.horizontalAdvance(mark)) + mark


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
        # Journey chat's own counters, shown only for a chat run (lost messages are counted when the run ends).
        self.chat_rows: list[QLabel] = []
        for row, (key, words, tip) in enumerate(CHAT_COUNTERS, start=len(COUNTER_ORDER) + 1):
            name, value = QLabel(words), QLabel("0")
            name.setToolTip(tip)
            value.setObjectName(key)
            grid.addWidget(name, row, 1)
            grid.addWidget(value, row, 2, Qt.AlignmentFlag.AlignRight)
            self.values[key] = value
            self.chat_rows += [name, value]
            if key == "messages":  # its token's shape and colour, the legend of the bubbles on the canvas
                icon = QLabel()
                icon.setPixmap(look_icon(MESSAGE, 16).pixmap(16, 16))
                icon.setToolTip(LOOKS[MESSAGE].meaning)
                grid.addWidget(icon, row, 0)
                self.chat_rows.append(icon)
        legend = len(COUNTER_ORDER) + len(CHAT_COUNTERS) + 1
        legend_icon = QLabel()
        legend_icon.setPixmap(look_icon(REQUEST, 16).pixmap(16, 16))
        grid.addWidget(legend_icon, legend, 0)
        grid.addWidget(QLabel(f"<i>{LOOKS[REQUEST].name}</i>"), legend, 1, 1, 2)
        self.show_chat(False)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        self.chart = LossChart()
        layout.addWidget(self.chart)
        layout.addWidget(QLabel("<b>requests per server</b>"))
        self.load = LoadBars()
        layout.addWidget(self.load)
        layout.addStretch(1)  # spare height goes below the bars, not between the sections
        self.shown: dict[str, int] = {}

    def show_chat(self, shown: bool) -> None:
        """Show the chat journey's counters (a chat run) or hide them (any other)."""
        for w in self.chat_rows:
            w.setVisible(shown)

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
        self.chart.show_losses([], 0, [], None)
        self.load.show_load([])

