"""Link to...: the keyboard way to wire. Type the other node's name, press Enter.

The link goes through the editor's ``link`` (the same undo command and the same wiring rules as a drag from
the handle); a refused link keeps the finder open with the editor's own sentence, which the status bar shows
too. Labels come from the file: every text here is plain (list items, a plain-text label, the window title).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.catalog import KINDS
from ..plain_text import clip, plain_label
from .editor import Editor

ID_ROLE = Qt.ItemDataRole.UserRole
MAX_LISTED = 200  # a 2,000-node diagram: the first matches are what a typed name needs


class LinkFinder(QDialog):
    """Link ``source`` to the node whose name is typed (Up/Down choose among the matches, Enter links)."""

    def __init__(self, editor: Editor, source: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor, self.source = editor, source
        label = editor.doc.node(source).label
        self.setWindowTitle(f"Link {clip(label, 60)} to…")
        self.setObjectName("linkFinder")
        self.prompt = plain_label(f"Type the name of the node to link {clip(label, 200)} to, then press Enter.")
        self.prompt.setWordWrap(True)
        self.field = QLineEdit()
        self.field.setObjectName("linkFinderName")
        self.field.setAccessibleName("Name of the node to link to")
        self.field.setPlaceholderText("a node's name, e.g. Redis")
        self.matches = QListWidget()
        self.matches.setAccessibleName("Nodes that match")
        self.matches.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the typing stays in the field; Up/Down move here
        self.why = plain_label("")
        self.why.setObjectName("linkFinderWhy")
        self.why.setWordWrap(True)
        self.why.setAccessibleName("Why this link is refused")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Link")
        buttons.accepted.connect(self.link_chosen)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.prompt, self.field, self.matches, self.why, buttons):
            layout.addWidget(widget)
        self.field.textChanged.connect(self.refilter)
        self.matches.currentItemChanged.connect(lambda _now, _before: self._explain())
        self.matches.itemDoubleClicked.connect(lambda _item: self.link_chosen())
        self.field.installEventFilter(self)
        self.refilter("")
        self.resize(380, 320)

    def refilter(self, text: str) -> None:
        """The nodes whose name (or kind) holds ``text``, names that start with it first."""
        typed = text.strip().casefold()
        found = []
        for node in self.editor.doc.diagram.nodes:
            if node.id == self.source:
                continue
            name, kind = node.label.casefold(), KINDS[node.kind].label.casefold()
            if not typed or typed in name or typed in kind:
                found.append((not name.startswith(typed), typed not in name, node.label.casefold(), node))
        found.sort(key=lambda f: f[:3])
        self.matches.clear()
        for *_rank, node in found[:MAX_LISTED]:
            problem = self.editor.scene.link_problem(self.source, node.id)
            item = QListWidgetItem(f"{clip(node.label, 200)} ({KINDS[node.kind].label})"
                                   + ("  (cannot be linked)" if problem else ""))
            item.setData(ID_ROLE, node.id)
            self.matches.addItem(item)
        if self.matches.count():
            self.matches.setCurrentRow(0)
        self._explain()

    def _explain(self) -> None:
        item = self.matches.currentItem()
        if item is None:
            self.why.setText("No node has that name." if self.field.text().strip() else "Nothing to link to yet.")
            return
        self.why.setText(self.editor.scene.link_problem(self.source, item.data(ID_ROLE)) or "")

    def chosen(self) -> str | None:
        item = self.matches.currentItem()
        return item.data(ID_ROLE) if item is not None else None

    def link_chosen(self) -> None:
        """Link to the chosen node; refused, the finder stays open and says why (the status bar says it too)."""
        target = self.chosen()
        if target is None:
            self._explain()
            return
        problem = self.editor.link(self.source, target)
        if problem:
            self.why.setText(problem)
            return
        self.accept()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if obj is self.field and event.type() == QEvent.Type.KeyPress:
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(event.key())
            if step and self.matches.count():
                row = max(0, min(self.matches.count() - 1, self.matches.currentRow() + step))
                self.matches.setCurrentRow(row)
                return True
        return super().eventFilter(obj, event)
