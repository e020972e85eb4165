"""How the window fits its screen: its first size, and the run's docks placed for its height, following it as it is
resized (both ways).

Under ``SHORT_WINDOW`` pixels high (1280x720 and the like) the design findings become a tab of the place on the
right that the properties and the run's panel share, and the run bar loses its title line: the run's counters,
chart and load bars get the column's height (under the findings they had 3-4 rows of it). Taller, the findings
sit under that place again, a few lines high, and the bar has its title back.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

SHORT_WINDOW = 780  # pixels high: below, the design findings share the run panel's place (a tab)
FINDINGS_HEIGHT = 150  # a tall window's findings: a few lines under the run's panel (which gets 640)


def initial_size() -> tuple[int, int]:
    """At least 1280x800 but never more than the screen; on a bigger screen, most of it (the canvas and the run's
    panel both need room)."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return 1280, 800
    avail = screen.availableGeometry()
    width, height = max(1280, min(1680, int(avail.width() * 0.9))), max(800, min(1050, int(avail.height() * 0.9)))
    if QGuiApplication.platformName() != "offscreen":  # a real screen (offscreen's 800x600 is a placeholder)
        width, height = min(width, avail.width()), min(height, avail.height())  # 1280x720: no taller than it
    return width, height


class RunDocks:
    """The run's docks of one main window, arranged for the window's height (``follow`` on every resize)."""

    def __init__(self, window: QMainWindow, properties: QDockWidget, findings: QDockWidget) -> None:
        self.window, self.properties, self.findings = window, properties, findings
        self.bar: QDockWidget | None = None
        self.panel: QDockWidget | None = None
        self.short: bool | None = None  # the arrangement in place (None: none yet)

    def place_bar(self, bar: QDockWidget) -> None:
        self.bar = bar
        self._arrange_bar(self.window.height() < SHORT_WINDOW)

    def place_panel(self, panel: QDockWidget) -> None:
        self.panel = panel
        self.window.tabifyDockWidget(self.properties, panel)  # one place on the right: the run's or the properties
        short = self.window.height() < SHORT_WINDOW
        if short:
            self._findings_in_tabs()
        else:
            self.window.resizeDocks([panel, self.findings], [640, FINDINGS_HEIGHT], Qt.Orientation.Vertical)
        self.short = short

    def follow(self) -> None:
        """Re-arrange when the window crosses ``SHORT_WINDOW`` (a resize by the user or the window manager)."""
        short = self.window.height() < SHORT_WINDOW
        if self.panel is None or short == self.short:
            return
        self.short = short
        if self.bar is not None:
            self._arrange_bar(short)
        if short:
            self._findings_in_tabs()
        else:
            self._findings_below()

    def _arrange_bar(self, short: bool) -> None:
        """The bar's buttons say what it is: in a short window its title's line goes to the panel."""
        assert self.bar is not None
        old = self.bar.titleBarWidget()
        if short == (old is not None):
            return
        self.bar.setTitleBarWidget(QWidget(self.bar) if short else None)
        if old is not None:
            old.deleteLater()

    def _current_tab(self) -> QDockWidget | None:
        """The dock on top of the place on the right (the properties or the run's panel)."""
        group = [self.properties, *self.window.tabifiedDockWidgets(self.properties)]
        # Every dock of a tab group counts as visible; the one in front is the one with pixels on screen.
        return next((d for d in group if d is not self.findings and not d.visibleRegion().isEmpty()), None)

    def _findings_in_tabs(self) -> None:
        if self.findings in self.window.tabifiedDockWidgets(self.properties):
            return
        on_top = self._current_tab()
        self.window.tabifyDockWidget(self.properties, self.findings)
        if on_top is not None:
            on_top.raise_()  # the tab the learner was looking at stays in front

    def _findings_below(self) -> None:
        if self.findings not in self.window.tabifiedDockWidgets(self.properties):
            return
        on_top = self._current_tab()
        shown = not self.findings.isHidden()  # False when the learner closed it (or the canvas page is not shown)
        self.window.removeDockWidget(self.findings)  # out of the tabs (this hides it) ...
        self.window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.findings, Qt.Orientation.Vertical)
        self.findings.setVisible(shown)  # ... and under them, shown as it was
        if on_top is not None:
            on_top.raise_()
        assert self.panel is not None
        self.window.resizeDocks([self.panel, self.findings], [640, FINDINGS_HEIGHT], Qt.Orientation.Vertical)
