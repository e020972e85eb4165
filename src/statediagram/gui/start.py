"""The start view: New diagram, Open, the first mission, recent files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from . import icons

PATH_ROLE = Qt.ItemDataRole.UserRole


class StartView(QWidget):
    new_requested = Signal()
    open_requested = Signal()
    mission_requested = Signal()
    recent_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startView")
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        column = QVBoxLayout()
        outer.addLayout(column, 2)
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
        mission = QFrame()
        mission.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(mission)
        box.addWidget(QLabel(
            "<b>Mission: Make it stateless</b><br>Two servers keep logged-in users in their own RAM, so a "
            "user sent to the other server is logged out. Add one shared Redis so any server can serve "
            "any user, even after a crash."
        ))
        box.itemAt(0).widget().setWordWrap(True)
        self.mission_button = QPushButton(icons.drawn(icons.paint_mission), "Start the &mission")
        self.mission_button.setToolTip("Open the mission's starter diagram")
        self.mission_button.setIconSize(QSize(20, 20))
        box.addWidget(self.mission_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(mission)
        self.entries = QVBoxLayout()  # what other parts of the app add (the lesson and the quiz)
        column.addLayout(self.entries)
        column.addWidget(QLabel("<b>Recent files</b>"))
        self.recent = QListWidget()
        self.recent.setObjectName("recentFiles")
        self.recent.setAccessibleName("Recent files")
        self.recent.setMaximumHeight(170)
        column.addWidget(self.recent)
        column.addStretch(2)
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self.open_requested)
        self.mission_button.clicked.connect(self.mission_requested)
        self.recent.itemActivated.connect(lambda item: self.recent_requested.emit(item.data(PATH_ROLE)))

    def add_entry(self, widget: QWidget) -> None:
        """Add a panel below the mission, above the recent files."""
        self.entries.addWidget(widget)

    def set_recent(self, paths: list[str]) -> None:
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(f"{Path(path).name}  —  {Path(path).parent}")
            item.setData(PATH_ROLE, path)
            item.setToolTip(path)
            self.recent.addItem(item)
        if not paths:
            item = QListWidgetItem("No recent files yet.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(item)
