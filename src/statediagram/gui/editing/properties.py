"""The properties panel, generated from the kind registry: every edit is an undoable command."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from ...core.catalog import KINDS, PropSpec
from ..plain_text import clip, set_plain
from .editor import Editor


class PropertiesPanel(QWidget):
    """Shows the one selected node's label and props; rebuilt when the selection or the node changes."""

    def __init__(self, editor: Editor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.node_id: str | None = None
        self.editors: dict[str, QWidget] = {}
        self.setObjectName("properties")
        outer = QVBoxLayout(self)
        self.title = QLabel()  # the kind and the node's id, as the file writes it: plain text, bold by its font
        self.title.setWordWrap(True)
        self.about = QLabel()  # what the kind is (or what to do), a little smaller
        self.about.setWordWrap(True)
        font = self.about.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.about.setFont(font)
        outer.addWidget(self.title)
        outer.addWidget(self.about)
        self.form = QFormLayout()
        outer.addLayout(self.form)
        outer.addStretch(1)
        editor.scene.selectionChanged.connect(self.refresh)
        editor.doc.node_changed.connect(self._on_node_changed)
        editor.doc.reset.connect(self.refresh)
        editor.doc.node_removed.connect(lambda _id: self.refresh())
        self.refresh()

    def _on_node_changed(self, node_id: str) -> None:
        if node_id == self.node_id:
            self._load_values()

    def refresh(self) -> None:
        if not Shiboken.isValid(self.editor.scene):
            return  # a scene being destroyed with its window announces its last selection change
        ids = self.editor.scene.selected_node_ids()
        node_id = ids[0] if len(ids) == 1 else None
        if node_id == self.node_id and node_id is not None:
            return
        self.node_id = node_id
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors.clear()
        if node_id is None:
            set_plain(self.title, f"{len(ids)} nodes selected" if ids else "No node selected", bold=True)
            set_plain(self.about, "" if ids else "Select one node to see its properties.")
            self.about.setVisible(not ids)
            return
        node = self.editor.doc.node(node_id)
        kind = KINDS[node.kind]
        set_plain(self.title, f"{kind.label} ({clip(node.id, 200)})", bold=True)
        set_plain(self.about, kind.description)
        self.about.setVisible(True)
        label = QLineEdit()
        label.setObjectName("prop_label")
        label.setToolTip("The name shown on the canvas and in the report.")
        label.editingFinished.connect(lambda: self.editor.rename(node_id, label.text()))
        self.form.addRow("&Label", label)
        self.editors["label"] = label
        for spec in kind.props:
            widget = self._editor_for(node_id, spec)
            widget.setObjectName(f"prop_{spec.name}")
            widget.setToolTip(spec.help)
            self.form.addRow(f"&{spec.label}", widget)
            self.editors[spec.name] = widget
        self._load_values()

    def focus_first_field(self) -> None:
        """The keyboard's focus on the first field (the label) of the node shown, if any."""
        self.refresh()
        label = self.editors.get("label")
        if label is not None:
            label.setFocus()
            label.selectAll()  # type: ignore[attr-defined]

    def _editor_for(self, node_id: str, spec: PropSpec) -> QWidget:
        if spec.type == "int":
            box = QSpinBox()
            box.setRange(spec.minimum or 0, spec.maximum or 0)
            box.setKeyboardTracking(False)
            box.valueChanged.connect(lambda v: self._edit(node_id, spec.name, int(v)))
            return box
        if spec.type == "bool":
            check = QCheckBox()
            check.toggled.connect(lambda v: self._edit(node_id, spec.name, bool(v)))
            return check
        combo = QComboBox()
        for choice in spec.choices:
            combo.addItem(choice.replace("_", " "), choice)
        combo.currentIndexChanged.connect(lambda i: self._edit(node_id, spec.name, combo.itemData(i)))
        return combo

    def _edit(self, node_id: str, name: str, value) -> None:
        if not self._loading and self.editor.doc.has_node(node_id):
            self.editor.set_prop(node_id, name, value)

    _loading = False

    def _load_values(self) -> None:
        if self.node_id is None:
            return
        node = self.editor.doc.node(self.node_id)
        self._loading = True
        try:
            for name, widget in self.editors.items():
                if name == "label":
                    widget.setText(node.label)  # type: ignore[attr-defined]
                elif isinstance(widget, QSpinBox):
                    widget.setValue(node.props[name])
                elif isinstance(widget, QCheckBox):
                    widget.setChecked(node.props[name])
                elif isinstance(widget, QComboBox):
                    widget.setCurrentIndex(widget.findData(node.props[name]))
        finally:
            self._loading = False
