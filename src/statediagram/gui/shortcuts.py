"""The sheet of keyboard shortcuts (``?``, Help > Keyboard Shortcuts), read from the window's actions themselves.

Nothing here lists keys by hand: every action of the window that has a key is found (its menus, in menu order,
then the actions added to the window itself), so a key added, changed or removed anywhere shows up here.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

NATIVE = QKeySequence.SequenceFormat.NativeText


@dataclass(frozen=True)
class Shortcut:
    keys: str  # every key of the action, as the platform writes them ("Ctrl+S, Ctrl+Shift+S")
    command: str  # the action's words, without the mnemonic's "&" or a tab-written key
    where: str  # the menu it is in ("File", "Simulate"), or "Elsewhere"


def command_words(action: QAction) -> str:
    return action.text().split("\t")[0].replace("&&", "\0").replace("&", "").replace("\0", "&").strip()


def _menu_actions(menu: QMenu, where: str):
    for action in menu.actions():
        sub = action.menu()
        if sub is not None:
            yield from _menu_actions(sub, f"{where} > {command_words(action)}")
        elif not action.isSeparator():
            yield action, where


def shortcuts(window: QMainWindow) -> list[Shortcut]:
    """Every action of ``window`` with a key: those in its menus in menu order, then the others."""
    found: list[tuple[QAction, str]] = []
    for top in window.menuBar().actions():
        if top.menu() is not None:
            found += _menu_actions(top.menu(), command_words(top))
    in_menus = {id(action) for action, _ in found}
    # QWidget.actions named in full: the main window keeps its own namespace of actions under that name
    found += [(a, "Elsewhere") for a in QWidget.actions(window) if id(a) not in in_menus]
    sheet: list[Shortcut] = []
    seen: set[tuple[str, str]] = set()
    for action, where in found:
        keys = ", ".join(k.toString(NATIVE) for k in action.shortcuts() if not k.isEmpty())
        if not keys:
            continue
        row = Shortcut(keys, command_words(action), where)
        if (row.keys, row.command) not in seen:
            seen.add((row.keys, row.command))
            sheet.append(row)
    return sheet


class ShortcutSheet(QDialog):
    """A table of every key, command and menu (plain text cells), with Close."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard Shortcuts")
        self.rows = shortcuts(window)
        table = QTableWidget(len(self.rows), 3, self)
        table.setHorizontalHeaderLabels(["Keys", "Command", "Menu"])
        for r, row in enumerate(self.rows):
            for c, text in enumerate((row.keys, row.command, row.where)):
                table.setItem(r, c, QTableWidgetItem(text))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        table.setAccessibleName("Keyboard shortcuts")
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(640, 560)
