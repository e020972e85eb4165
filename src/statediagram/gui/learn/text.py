"""Text from the lesson's and the quiz's data files, shown safely.

A teacher may replace those files, so their text is never handed to Qt as rich text. The one mark-up the
lesson uses, ``**bold**``, goes through this small formatter: every character is escaped first, then only the
bold pairs become ``<b>``; nothing else a file says can become mark-up (no links, images or styles).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

BOLD = "**"


def lesson_html(text: str) -> str:
    """``text`` escaped, with each ``**pair**`` in bold (an unpaired ``**`` stays as written)."""
    parts = text.split(BOLD)
    if len(parts) % 2 == 0:  # an odd number of markers: the last one has no partner
        parts[-2:] = [parts[-2] + BOLD + parts[-1]]
    out = []
    for i, part in enumerate(parts):
        escaped = html.escape(part, quote=False).replace("\n", "<br>")
        out.append(f"<b>{escaped}</b>" if i % 2 else escaped)
    return "".join(out)


def lesson_label(text: str, parent: QWidget | None = None, plain: bool = False) -> QLabel:
    """A word-wrapped label for data-file text: through :func:`lesson_html`, or plain text when ``plain``."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setOpenExternalLinks(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if plain:
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setText(text)
    else:
        label.setTextFormat(Qt.TextFormat.RichText)  # safe: lesson_html escapes everything it does not make
        label.setText(lesson_html(text))
    label.setAccessibleName(text.replace(BOLD, "")[:200])
    return label


def heading(text: str, size: float = 1.35, parent: QWidget | None = None) -> QLabel:
    """A plain-text heading, bigger and bold by its font (not by mark-up)."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * size)
    label.setFont(font)
    label.setAccessibleName(text)
    return label
