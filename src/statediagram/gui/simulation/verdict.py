"""The verdict banner: Survives / Does not survive, and the report's explanations, each clickable."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ...sim.report import Report
from ...sim.wording import losses_text, ok_text, run_words, verdict_word
from ..plain_text import esc, set_plain, tip

SEVERITY_MARK = {"error": "✗", "warning": "!", "info": "i"}


class VerdictBanner(QFrame):
    """Shows the verdict once the play head reaches the end; a click on an explanation highlights its nodes."""

    finding_clicked = Signal(tuple, object)  # nodes, simulated second of the first such loss (or None)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.headline = QLabel("Press Simulate")
        self.headline.setObjectName("verdict")
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.headline)
        self.findings = QListWidget()
        self.findings.setWordWrap(True)
        self.findings.setMinimumHeight(40)  # two lines at least (a 1280x720 screen under a title bar: 19 px short)
        self.findings.setToolTip("Click an explanation: its nodes light up and the timeline jumps to the first loss")
        self.findings.setAccessibleName("Explanations")  # read over AT-SPI, the list had no name
        self.findings.itemClicked.connect(self._clicked)
        layout.addWidget(self.findings)
        self.report: Report | None = None
        self.list_cap = 260  # the explanations' most height; the panel lowers it in a short window
        self._set_colour("#f1f3f4", "#202124")

    @property
    def survives(self) -> bool | None:
        return None if self.report is None else self.report.survives

    def tell(self, markup: str) -> None:
        """The headline in the app's own words with their emphasis: ``markup`` quotes no file or process."""
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.headline.setText(markup)

    def tell_plain(self, text: str) -> None:
        """The headline as plain text: for words that quote a file or a process (an error's last line)."""
        set_plain(self.headline, text)

    def running(self, text: str = "Running…") -> None:
        self.report = None
        self.tell(f"<b>{text}</b> the verdict shows when the run ends")
        self.findings.clear()
        self.findings.hide()  # nothing to explain yet: leave the room to the live figures
        self._set_colour("#f1f3f4", "#202124")

    def show_report(self, report: Report) -> None:
        self.report = report
        t = report.totals
        mark, outcome = ("✓", ok_text(t) + ", nobody lost anything") if report.survives else ("✗", losses_text(t))
        self.tell(
            f"<span style='font-size:15pt'><b>{mark} {verdict_word(report.survives)}</b></span><br>"
            f"{esc(run_words(report))}: {esc(outcome)}")
        self._set_colour(*(("#e6f4ea", "#0d652d") if report.survives else ("#fce8e6", "#a50e0e")))
        self.findings.clear()
        self.findings.show()
        for f in report.findings:
            mark = SEVERITY_MARK.get(f.severity, "")
            when = f"  (first at {f.at:.1f} s)" if f.at is not None else ""
            item = QListWidgetItem(f"{mark} {f.message}{when}")
            item.setData(Qt.ItemDataRole.UserRole, (tuple(f.nodes), f.at))
            names = ", ".join(report.label(n) for n in f.nodes)
            item.setToolTip(tip(f"Click: highlight {names}"))
            self.findings.addItem(item)
        QTimer.singleShot(0, self, self._fit)

    def _fit(self) -> None:
        """As tall as its explanations (up to a limit), so the counters below keep their room."""
        width = max(80, self.findings.viewport().width() - 8)
        metrics = self.findings.fontMetrics()
        flags = int(Qt.TextFlag.TextWordWrap)
        rows = sum(metrics.boundingRect(0, 0, width, 10_000, flags, self.findings.item(i).text()).height() + 4
                   for i in range(self.findings.count()))
        frame = 2 * self.findings.frameWidth() + 6
        self.findings.setMaximumHeight(max(self.findings.minimumHeight(), min(rows + frame, self.list_cap)))

    def refit(self) -> None:
        """Fit the explanations again (the panel changed ``list_cap``)."""
        if self.findings.isVisible():
            QTimer.singleShot(0, self, self._fit)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.findings.isVisible():
            QTimer.singleShot(0, self, self._fit)  # a new width wraps the explanations onto more or fewer lines

    def _clicked(self, item: QListWidgetItem) -> None:
        nodes, at = item.data(Qt.ItemDataRole.UserRole)
        self.finding_clicked.emit(tuple(nodes), at)

    def _set_colour(self, bg: str, fg: str) -> None:
        self.setStyleSheet(f"VerdictBanner {{ background: {bg}; border: 1px solid {fg}; border-radius: 6px; }}"
                           f" QLabel#verdict {{ color: {fg}; }}")
