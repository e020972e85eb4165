"""Text from a student's file is shown as plain text, everywhere in the app.

Qt guesses rich text from a ``<`` in a label, a message box or a tooltip: a node id of ``<img src='/dev/zero'>``
would make the app read /dev/zero forever, and a forged heading could pass for our own words. So file text
(ids, labels, titles, messages that quote them, paths) reaches a widget in one of three ways only:

- a widget set to plain text (``plain_label``, ``message``);
- escaped (``esc``) inside rich text we build on purpose, e.g. a bold heading with an id in it;
- as a tooltip made by ``tip``, which is always rich text and always escaped, so Qt's guess cannot go wrong.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

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
