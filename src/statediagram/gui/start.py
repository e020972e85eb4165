"""The start view: New diagram, Open, every mission (the mission browser), recent files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from . import icons
from .plain_text import tip

PATH_ROLE = Qt.ItemDataRole.UserRole


class StartView(QScrollArea):
    """The page scrolls: its mission cards are taller (about 1,000 px) than a 720-pixel screen, and the page's
    height once made the window taller than the screen."""

    new_requested = Signal()
    open_requested = Signal()
    recent_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startView")
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        page = QWidget()
        self.setWidget(page)
        outer = QHBoxLayout(page)
        outer.addStretch(1)
        column = QVBoxLayout()
        outer.addLayout(column, 6)
        outer.addStretch(1)
        column.addStretch(1)
        title = QLabel("<h1>statediagram</h1>"
                       "<p>Draw a web tier, wire it, and see where each server keeps its users' state.</p>")
        title.setWordWrap(True)
        column.addWidget(title)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(icons.drawn(icons.paint_new), "&New diagram")
        self.new_button.setToolTip("Start with an empty canvas (Ctrl+N)")
        self.open_button = QPushButton(icons.drawn(icons.paint_open), "&Open…")
        self.open_button.setToolTip("Open a diagram file or an exported PNG (Ctrl+O)")
        for b in (self.new_button, self.open_button):
            b.setMinimumHeight(36)
            b.setIconSize(QSize(20, 20))
            buttons.addWidget(b)
        column.addLayout(buttons)
        column.addWidget(QLabel("<b>Missions</b> — the lesson, one problem at a time"))
        self.missions_box = QVBoxLayout()
        column.addLayout(self.missions_box)
        self.mission_button: QPushButton | None = None  # the first mission's Open button, once missions are in
        self.entries = QVBoxLayout()  # what other parts of the app add (the lesson and the quiz)
        column.addLayout(self.entries)
        column.addWidget(QLabel("<b>Recent files</b>"))
        self.recent = QListWidget()
        self.recent.setObjectName("recentFiles")
        self.recent.setAccessibleName("Recent files")
        self.recent.setMaximumHeight(130)
        column.addWidget(self.recent)
        column.addStretch(2)
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self.open_requested)
        self.recent.itemActivated.connect(lambda item: self.recent_requested.emit(item.data(PATH_ROLE)))

    def set_missions(self, browser) -> None:
        """Show the mission browser (its cards in lesson order) between the buttons and the recent files."""
        self.missions_box.addWidget(browser)
        first = next(iter(browser.cards.values()), None)
        self.mission_button = first.open_button if first is not None else None

    def add_entry(self, widget: QWidget) -> None:
        """Add a panel below the missions, above the recent files."""
        self.entries.addWidget(widget)

    def set_recent(self, paths: list[str]) -> None:
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(f"{Path(path).name}  —  {Path(path).parent}")
            item.setData(PATH_ROLE, path)
            item.setToolTip(tip(path))
            self.recent.addItem(item)
        if not paths:
            item = QListWidgetItem("No recent files yet.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(item)
