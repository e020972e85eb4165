"""The list of design findings (unreachable server, load balancer without servers, single points...)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStyle, QWidget

from ...core.topology import Finding
from ..plain_text import tip

NODES_ROLE = Qt.ItemDataRole.UserRole


class FindingsList(QListWidget):
    """One line per finding; activating one selects its nodes on the canvas."""

    nodes_chosen = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findings")
        self.setAccessibleName("Design findings")
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.itemActivated.connect(lambda item: self.nodes_chosen.emit(item.data(NODES_ROLE) or []))
        self.itemClicked.connect(lambda item: self.nodes_chosen.emit(item.data(NODES_ROLE) or []))

    def set_findings(self, findings: list[Finding]) -> None:
        self.clear()
        style = self.style()
        icons = {
            "error": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical),
            "warning": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning),
            "info": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation),
        }
        for f in findings:
            item = QListWidgetItem(icons.get(f.severity, icons["info"]), f"{f.severity.capitalize()}: {f.message}")
            item.setData(NODES_ROLE, list(f.nodes))
            item.setToolTip(tip(f.message))
            self.addItem(item)
        if not findings:
            item = QListWidgetItem("No design problems found. Run the simulation to test it under crashes.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addItem(item)
