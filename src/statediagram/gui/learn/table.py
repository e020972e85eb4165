"""The lesson's comparison table as a real table: each checked cell opens the run that shows its claim."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from ...missions.lesson import Cell, Table
from ..plain_text import tip

RUN_MARK = "▶ see the run"
FIRST_COLUMN = 110


class ComparisonTable(QTableWidget):
    """Rows of questions, columns of answers; Enter or a double-click on a cell with a run asks for that run."""

    run_requested = Signal(object)  # the cell's RunSpec

    def __init__(self, table: Table, parent: QWidget | None = None) -> None:
        super().__init__(len(table.rows), len(table.columns), parent)
        self.setObjectName("comparisonTable")
        self.setAccessibleName("Comparison table: stateful and stateless side by side")
        self.cells: dict[tuple[int, int], Cell] = {}
        self.setHorizontalHeaderLabels(list(table.columns))
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        self.setColumnWidth(0, FIRST_COLUMN)
        for c in range(1, len(table.columns)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row):
                self.setItem(r, c, self._item(cell, bold=c == 0))
                if cell.run is not None:
                    self.cells[(r, c)] = cell
        self.itemActivated.connect(self._activated)
        # The stretched columns get their widths after the table's own resize: fit the rows once they have.
        header.sectionResized.connect(lambda *_: QTimer.singleShot(0, self, self.fit_height))
        self.setToolTip("Double-click a cell (or select it and press Enter) to watch the run that shows it")

    def _item(self, cell: Cell, bold: bool) -> QTableWidgetItem:
        # Plain text: a table item never interprets mark-up; the run's mark is a line of its own.
        item = QTableWidgetItem(cell.text + (f"\n{RUN_MARK}" if cell.run is not None else ""))
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        if bold:
            font = item.font()
            font.setBold(True)
            item.setFont(font)
        if cell.run is not None:
            checked = "; ".join(c.describe() for c in cell.claims)
            item.setToolTip(tip(f"Opens {cell.run.diagram} and runs it ({cell.run.describe()}).",
                                f"Checked against the simulation: {checked}."))
        return item

    def _activated(self, item: QTableWidgetItem) -> None:
        cell = self.cells.get((item.row(), item.column()))
        if cell is not None and cell.run is not None:
            self.run_requested.emit(cell.run)

    def fit_height(self) -> None:
        """Rows as tall as their wrapped text, the table as tall as its rows (the page scrolls, not the table)."""
        self.resizeRowsToContents()
        height = self.horizontalHeader().height() + sum(self.rowHeight(r) for r in range(self.rowCount()))
        self.setFixedHeight(height + 2 * self.frameWidth())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit_height()
