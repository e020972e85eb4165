"""Every text the app shows, walked widget by widget, and whether Qt would read any of it as markup.

Qt reads a label's text as rich text when its format says so, or (the default, AutoText) when the text looks
like markup (``Qt.mightBeRichText``); tooltips always guess. A text that came from a file is safe when Qt
reads it as plain text, or when it was escaped before going into rich text we built. So a hostile file
carries ``MARKERS``: fragments of markup that our own code never writes. Any text read as rich that still
holds one raw was not escaped.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtGui_Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGraphicsView,
    QLabel,
    QListWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTableWidget,
    QTextEdit,
    QTreeWidget,
    QWidget,
)

from statediagram.gui.plain_text import PlainView

BOLD = "<b>BOLDMARK</b>"
IMG = "<img src='no-such-IMGMARK.png'>"
LINK = "<a href='https://example.invalid/LINKMARK'>click</a>"
ENTITY = "&lt;AMPMARK&gt;"
RTL = "\u200fRTL\u200e"
MARKERS = ("<b>BOLDMARK", "<img src='no-such-IMGMARK", "<a href='https://example.invalid/LINKMARK", "&lt;AMPMARK")
HOSTILE = f"{BOLD}{IMG}{LINK}{ENTITY}{RTL}"  # one string with every marker


@dataclass(frozen=True)
class Shown:
    where: str
    text: str
    rich: bool  # Qt reads it as rich text


def _guess(text: str) -> bool:
    return bool(text) and QtGui_Qt.mightBeRichText(text)


def _label_rich(label: QLabel) -> bool:
    fmt = label.textFormat()
    if fmt == Qt.TextFormat.PlainText:
        return False
    if fmt == Qt.TextFormat.RichText:
        return True
    return _guess(label.text())


def _tip(where: str, text: str) -> list[Shown]:
    return [Shown(f"{where} tooltip", text, _guess(text))] if text else []


def widget_texts(widget: QWidget) -> list[Shown]:
    name = f"{type(widget).__name__}#{widget.objectName()}"
    found = _tip(name, widget.toolTip())
    if isinstance(widget, QMessageBox):
        rich = widget.textFormat() == Qt.TextFormat.RichText or (
            widget.textFormat() == Qt.TextFormat.AutoText and _guess(widget.text()))
        found.append(Shown(f"{name} text", widget.text(), rich))
        found.append(Shown(f"{name} informative", widget.informativeText(), rich and bool(widget.informativeText())))
    elif isinstance(widget, QLabel):
        found.append(Shown(f"{name} text", widget.text(), _label_rich(widget)))
    elif isinstance(widget, QAbstractButton):
        found.append(Shown(f"{name} text", widget.text(), False))
    elif isinstance(widget, PlainView):  # written as characters, never parsed: what it holds is what it shows
        found.append(Shown(f"{name} plain document", widget.toPlainText(), False))
    elif isinstance(widget, QTextEdit):  # QTextBrowser too: its text was made into a document already
        found.append(Shown(f"{name} document", widget.toHtml(), True))
    if isinstance(widget, QListWidget):
        for i in range(widget.count()):
            item = widget.item(i)
            found.append(Shown(f"{name} item {i}", item.text(), False))
            found += _tip(f"{name} item {i}", item.toolTip())
    elif isinstance(widget, QTableWidget):
        for r in range(widget.rowCount()):
            for c in range(widget.columnCount()):
                item = widget.item(r, c)
                if item is not None:
                    found.append(Shown(f"{name} cell {r},{c}", item.text(), False))
                    found += _tip(f"{name} cell {r},{c}", item.toolTip())
    elif isinstance(widget, QTreeWidget):
        stack = [widget.topLevelItem(i) for i in range(widget.topLevelItemCount())]
        while stack:
            item = stack.pop()
            for c in range(widget.columnCount()):
                found += _tip(f"{name} tree item", item.toolTip(c))
            stack += [item.child(i) for i in range(item.childCount())]
    elif isinstance(widget, QComboBox):
        for i in range(widget.count()):
            found += _tip(f"{name} choice {i}", widget.itemData(i, Qt.ItemDataRole.ToolTipRole) or "")
    if isinstance(widget, QMenu):
        found += menu_texts(widget, name)
    if isinstance(widget, QGraphicsView) and widget.scene() is not None:
        for item in widget.scene().items():
            found += _tip(f"{name} scene item {type(item).__name__}", item.toolTip())
    if isinstance(widget, QMainWindow):
        found.append(Shown(f"{name} title", widget.windowTitle(), False))
        found.append(Shown(f"{name} status", widget.statusBar().currentMessage(), False))
        for action in widget.findChildren(QMenu):
            found += menu_texts(action, f"{name} menu")
    return found


def menu_texts(menu: QMenu, where: str) -> list[Shown]:
    found = [Shown(f"{where} title", menu.title(), False)]
    for action in menu.actions():
        found.append(Shown(f"{where} action", action.text(), False))
        found += _tip(f"{where} action", action.toolTip())
    return found


def all_texts(*roots: QWidget) -> list[Shown]:
    """What every widget under ``roots`` (and every top-level window of the app) shows."""
    widgets: list[QWidget] = []
    for root in roots:
        widgets += [root, *root.findChildren(QWidget)]
    for top in QApplication.topLevelWidgets():
        if top.isVisible() and top not in widgets:
            widgets += [top, *top.findChildren(QWidget)]
    found = []
    for w in dict.fromkeys(widgets):
        found += widget_texts(w)
    return found


def rendered(shown: Shown) -> str:
    """What the reader sees: rich text laid out as a document, plain text as it is."""
    if not shown.rich:
        return shown.text
    doc = QTextDocument()
    doc.setHtml(shown.text)
    return doc.toPlainText()


def markup_from_file(texts: list[Shown], markers: tuple[str, ...] = MARKERS) -> list[Shown]:
    """The texts where a file's markup (holding one of ``markers``) would be read as markup: should be none."""
    return [s for s in texts if s.rich and (any(m in s.text for m in markers) or _looks_made(rendered(s)))]


def _looks_made(seen: str) -> bool:
    """An image, or a marker's word shown without its markup around it: the markup was taken as markup."""
    return "\ufffc" in seen or any(seen.count(token) != seen.count(marker)
               for token, marker in (("BOLDMARK", "<b>BOLDMARK"), ("AMPMARK", "&lt;AMPMARK")))


def shows_literally(texts: list[Shown], fragment: str) -> bool:
    """Some widget shows ``fragment`` to the reader character for character."""
    return any(fragment in rendered(s) for s in texts)


def tooltip_reads(text: str) -> str:
    """What a tooltip of ``text`` shows the reader: Qt guesses rich text from its first line."""
    return rendered(Shown("tooltip", text, _guess(text)))


WORDS = ("BOLDMARK", "IMGMARK", "LINKMARK", "AMPMARK")  # the markers' words, whatever escaping did to their tags


def file_text_in_rich_text(texts: list[Shown], words: tuple[str, ...] = WORDS) -> list[Shown]:
    """The texts that put a file's words into rich text at all (escaped or not), tooltips aside: Qt has no
    plain-text tooltip, so those are escaped by ``plain_text.tip`` instead. Should be none."""
    return [s for s in texts if s.rich and not s.where.endswith("tooltip") and any(w in s.text for w in words)]
