"""The palette of component kinds: drag one onto the canvas, or double-click (or Enter) to add it."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

from ...core.catalog import KINDS
from ..canvas.painter import kind_icon, kind_pixmap
from ..canvas.view import KIND_MIME

KIND_ROLE = Qt.ItemDataRole.UserRole


class Palette(QListWidget):
    add_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("palette")
        self.setAccessibleName("Components")
        self.setAccessibleDescription("Choose a kind and press Enter to add it at a free spot in the middle of "
                                      "the canvas (or drag it onto the canvas).")
        self.setIconSize(QSize(36, 36))
        self.setSpacing(2)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for kind in KINDS.values():
            item = QListWidgetItem(kind_icon(kind.name), kind.label)
            item.setData(KIND_ROLE, kind.name)
            item.setToolTip(f"<b>{kind.label}</b><br>{kind.description}<br><i>Drag onto the canvas, or "
                            "double-click (or Enter) to add.</i>")
            self.addItem(item)
        self.itemActivated.connect(lambda item: self.add_requested.emit(item.data(KIND_ROLE)))
        self.setMinimumWidth(170)

    def set_allowed(self, kinds: tuple[str, ...] | None) -> None:
        """Offer only ``kinds`` (a mission's palette), or every kind (None)."""
        for row in range(self.count()):
            self.item(row).setHidden(kinds is not None and self.kind_at(row) not in kinds)

    def allowed(self) -> list[str]:
        return [self.kind_at(row) for row in range(self.count()) if not self.item(row).isHidden()]

    def first_allowed_row(self) -> int:
        return next((row for row in range(self.count()) if not self.item(row).isHidden()), -1)

    def kind_at(self, row: int) -> str:
        return self.item(row).data(KIND_ROLE)

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt's name
        return [KIND_MIME]

    def mimeData(self, items) -> QMimeData:  # noqa: N802 - Qt's name
        mime = QMimeData()
        if items:
            mime.setData(KIND_MIME, items[0].data(KIND_ROLE).encode("utf-8"))
        return mime

    def startDrag(self, actions) -> None:  # noqa: N802 - Qt's name
        item = self.currentItem()
        if item is None:
            return
        drag = QDrag(self)
        drag.setMimeData(self.mimeData([item]))
        pix = kind_pixmap(item.data(KIND_ROLE), 48, self.devicePixelRatioF())
        drag.setPixmap(pix)
        drag.setHotSpot(pix.rect().center() / pix.devicePixelRatio())
        drag.exec(Qt.DropAction.CopyAction)
