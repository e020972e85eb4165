"""Text from a student's file is shown as plain text, everywhere in the app.

Qt guesses rich text from a ``<`` in a label, a message box or a tooltip: a node id of ``<img src='/dev/zero'>``
would make the app read /dev/zero forever, and a forged heading could pass for our own words. So file text
(ids, labels, titles, messages that quote them, paths) reaches a widget in one of these ways only:

- a widget set to plain text (``plain_label``, ``set_plain``, ``message``): bold or colour come from its font
  and palette, never from markup;
- a read-only text view written by ``PlainWriter``: formats of our own, the characters inserted as characters
  (``QTextCursor.insertText``), never parsed;
- as a tooltip made by ``tip``, which is always rich text and always escaped, so Qt's guess cannot go wrong
  (Qt has no plain-text tooltip: its tooltip guesses from the text's first line).

``esc`` remains for the few rich texts of our own words that quote file text (tooltips, the canvas card's tip).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontDatabase,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextLength,
    QTextTableFormat,
)
from PySide6.QtWidgets import QLabel, QMessageBox, QTextBrowser, QWidget

MAX_SHOWN = 2000  # characters of any one text a dialog or tooltip shows: a 10 MB id must not freeze the app


def clip(text: object, limit: int = MAX_SHOWN) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def esc(text: object, limit: int = MAX_SHOWN) -> str:
    """``text`` (clipped) as rich-text markup that shows exactly those characters."""
    return html.escape(clip(text, limit))


def tip(*lines: object) -> str:
    """A tooltip showing ``lines`` exactly, one under the other."""
    return "<qt>" + "<br>".join(esc(line) for line in lines) + "</qt>"


def rich_tip(markup: str) -> str:
    """A tooltip of markup we built (file text in it already passed through ``esc``), always read as rich text."""
    return f"<qt>{markup}</qt>"


def menu_text(text: object) -> str:
    """``text`` for a menu entry or button: ``&`` is shown, not taken as a shortcut mark."""
    return clip(text, 200).replace("&", "&&")


def plain_action(text: str, parent: QObject) -> QAction:
    """A menu entry whose words may hold file text: shown as written, and its tooltip (by default the entry's
    words, read as rich text if they look like it) too."""
    action = QAction(menu_text(text), parent)
    action.setToolTip(tip(text))
    return action


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def set_plain(label: QLabel, text: object, bold: bool = False, italic: bool = False, limit: int = MAX_SHOWN) -> None:
    """``label`` shows ``text`` (clipped) as plain text, its weight and slant set by its font."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setBold(bold)
    font.setItalic(italic)
    label.setFont(font)
    label.setText(clip(text, limit))


@dataclass(frozen=True)
class Run:
    """Some text of a paragraph and how it looks (the text itself is shown exactly as written)."""

    text: object
    bold: bool = False
    colour: str | None = None
    mono: bool = False
    size: float = 1.0  # times the view's font size


class PlainWriter:
    """Writes a read-only text view paragraph by paragraph: the looks are ours (char formats), every text is
    inserted as characters and never parsed, so a label ``<img src=x>`` reads as those characters."""

    def __init__(self, document: QTextDocument) -> None:
        document.clear()
        self.document = document
        self.cursor = QTextCursor(document)
        self.empty = True  # nothing written yet: the first paragraph has no gap above it
        self.fresh = True  # the cursor is in an empty block of its own (at the start, and after a table)
        self.mono_family = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()

    def _format(self, run: Run) -> QTextCharFormat:
        fmt = QTextCharFormat()
        if run.bold:
            fmt.setFontWeight(QFont.Weight.Bold)
        if run.colour:
            fmt.setForeground(QColor(run.colour))
        if run.mono:
            fmt.setFontFamilies([self.mono_family])
            fmt.setFontFixedPitch(True)
        if run.size != 1.0:
            fmt.setFontPointSize(self.document.defaultFont().pointSizeF() * run.size)
        return fmt

    def _block(self, gap: float) -> None:
        block = QTextBlockFormat()
        block.setTopMargin(0 if self.empty else gap)
        if self.fresh:
            self.cursor.setBlockFormat(block)
        else:
            self.cursor.insertBlock(block, QTextCharFormat())
        self.empty = self.fresh = False

    def paragraph(self, *runs: Run | str, gap: float = 8) -> None:
        """A new paragraph of ``runs`` (a ``str`` is plain text), ``gap`` pixels below the one before."""
        self._block(gap)
        for run in runs:
            run = run if isinstance(run, Run) else Run(run)
            self.cursor.insertText(clip(run.text), self._format(run))

    def line(self, *runs: Run | str) -> None:
        """The next line of the same paragraph (no gap)."""
        self.paragraph(*runs, gap=0)

    def table(self, headers: list[str] | None, rows: list[list[Run | str]], right: tuple[int, ...] = ()) -> None:
        """A table (with a bold header row if ``headers``): one cell per text, as written; the columns in
        ``right`` aligned right."""
        head = [[Run(h, bold=True) for h in headers]] if headers else []
        columns = len(headers) if headers else max((len(r) for r in rows), default=0)
        if not columns or not head + rows:
            return
        fmt = QTextTableFormat()
        fmt.setTopMargin(0 if self.empty else 4)
        fmt.setCellSpacing(0)
        fmt.setCellPadding(2)
        fmt.setBorder(0)
        fmt.setHeaderRowCount(len(head))
        if headers:
            fmt.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
        table = self.cursor.insertTable(len(head + rows), columns, fmt)
        for r, row in enumerate(head + rows):
            for c, cell in enumerate(row):
                cell = cell if isinstance(cell, Run) else Run(cell)
                at = table.cellAt(r, c).firstCursorPosition()
                if c in right:
                    block = QTextBlockFormat()
                    block.setAlignment(Qt.AlignmentFlag.AlignRight)
                    at.setBlockFormat(block)
                at.insertText(clip(cell.text), self._format(cell))
        self.cursor.movePosition(QTextCursor.MoveOperation.End)  # the empty block Qt keeps after a table
        self.empty, self.fresh = False, True


def notice(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    """A message box shown as plain text without waiting for it: the learner may go on working (it is window-modal
    only until closed, and deleted then)."""
    box = QMessageBox(icon, clip(title, 200), clip(text), QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def message(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
            buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
            default: QMessageBox.StandardButton = QMessageBox.StandardButton.NoButton) -> QMessageBox.StandardButton:
    """A modal message box showing ``title`` and ``text`` as plain text; the button pressed."""
    box = QMessageBox(icon, clip(title, 200), clip(text), buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if default != QMessageBox.StandardButton.NoButton:
        box.setDefaultButton(default)
    return QMessageBox.StandardButton(box.exec())


class PlainView(QTextBrowser):
    """A read-only text view whose words come only through :meth:`write` (never HTML): file text in it is
    shown as written."""

    def write(self, fill: Callable[[PlainWriter], object]) -> None:
        """The view afresh, written by ``fill``, shown from its top (the view's own cursor was pushed to the
        end by the writing)."""
        document = self.document()
        document.setUndoRedoEnabled(False)  # read-only: nothing to undo, no copy of every text kept for it
        out = PlainWriter(document)
        out.cursor.beginEditBlock()  # one change for the view to lay out, not one per piece of text
        try:
            fill(out)
        finally:
            out.cursor.endEditBlock()
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def say(self, *runs: Run | str) -> None:
        """The view holds one paragraph: ``runs``."""
        self.write(lambda out: out.paragraph(*runs))
