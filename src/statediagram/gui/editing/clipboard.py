"""Copy, cut, paste and duplicate: the selection travels as diagram JSON under our own MIME type."""

from __future__ import annotations

import string

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication, QImage

from ...core.catalog import KINDS
from ...core.fileio import DiagramError, diagram_to_json, parse_diagram
from ...core.limits import MAX_FILE_BYTES
from ...core.model import Diagram, Link, Node
from .. import theme
from ..canvas.placement import GAP, card_rect
from .editor import Editor

MIME_TYPE = "application/x-statediagram"
PNG_TYPE = "image/png"
PASTE_OFFSET = 40.0
MAX_CHECKED_PASTE = 500
MAX_PASTE_BYTES = MAX_FILE_BYTES  # another program may put anything under our type: no more than a file may hold


def selection_json(editor: Editor) -> str | None:
    """The selected nodes and the links between them, as a small diagram file."""
    ids = set(editor.scene.selected_node_ids())
    if not ids:
        return None
    part = Diagram(
        nodes=[n for n in editor.doc.diagram.nodes if n.id in ids],
        links=[lk for lk in editor.doc.diagram.links if lk.source in ids and lk.target in ids],
    )
    return diagram_to_json(part)


def copy_selection(editor: Editor) -> bool:
    text = selection_json(editor)
    if text is None:
        editor.message.emit("Select the nodes to copy first.")
        return False
    mime = QMimeData()
    mime.setData(MIME_TYPE, text.encode("utf-8"))
    mime.setText(text)
    QGuiApplication.clipboard().setMimeData(mime)
    return True


def selection_diagram(editor: Editor) -> Diagram:
    """The selected nodes and the links between them; the whole diagram when no node is selected."""
    ids = set(editor.scene.selected_node_ids())
    whole = editor.doc.diagram
    if not ids:
        return whole.copy()
    return Diagram(title=whole.title, nodes=[n for n in whole.nodes if n.id in ids],
                   links=[lk for lk in whole.links if lk.source in ids and lk.target in ids])


def copy_image(editor: Editor) -> bool:
    """Ctrl+Shift+C: a PNG of the selection (or of the whole diagram) on the clipboard, drawn as Export PNG draws
    it and carrying the diagram as an exported PNG does; other programs may also take it as a plain image."""
    from ..files.export import png_picture

    part = selection_diagram(editor)
    if not part.nodes:
        editor.message.emit("Nothing to copy: the diagram is empty.")
        return False
    try:
        data, _scale = png_picture(part, 2.0)  # twice the canvas's size: sharp when pasted into a document
    except ValueError as exc:
        editor.message.emit(f"Cannot copy as an image: {exc}.")
        return False
    mime = QMimeData()
    mime.setData(PNG_TYPE, data)
    mime.setImageData(QImage.fromData(data, "PNG"))
    QGuiApplication.clipboard().setMimeData(mime)
    count = len(part.nodes)
    what = "the whole diagram" if not editor.scene.selected_node_ids() else f"{count} node{'' if count == 1 else 's'}"
    editor.message.emit(f"Copied a picture of {what} (PNG) to the clipboard.")
    return True


def cut_selection(editor: Editor) -> None:
    if copy_selection(editor):
        editor.delete_selection("Cut")


def paste(editor: Editor, at: tuple[float, float] | None = None) -> None:
    """Paste the copied nodes: beside where they were copied from, or centred on ``at`` (a scene point: the
    canvas menu's Paste Here); never on a card already there."""
    mime = QGuiApplication.clipboard().mimeData()
    if mime is None or not mime.hasFormat(MIME_TYPE):
        editor.message.emit("Nothing to paste: copy some nodes first.")
        return
    data = mime.data(MIME_TYPE)
    if data.size() > MAX_PASTE_BYTES:
        editor.message.emit(f"Cannot paste: the clipboard holds {data.size() / 1e6:.0f} MB, more than a diagram "
                            f"may ({MAX_PASTE_BYTES / 1e6:.0f} MB). Nothing was pasted.")
        return
    try:
        text = bytes(data.data()).decode("utf-8")
    except UnicodeDecodeError:
        editor.message.emit("Cannot paste: the clipboard holds no diagram text (not UTF-8). Nothing was pasted.")
        return
    paste_text(editor, text, "Paste", at)


def duplicate(editor: Editor) -> None:
    text = selection_json(editor)
    if text is None:
        editor.message.emit("Select the nodes to duplicate first.")
        return
    paste_text(editor, text, "Duplicate")


def paste_text(editor: Editor, text: str, verb: str, at: tuple[float, float] | None = None) -> None:
    try:
        part = parse_diagram(text).diagram
    except DiagramError as exc:
        editor.message.emit(f"Cannot paste: {exc}")
        return
    if at is not None and part.nodes:  # the group's middle on the point, its nodes still on the grid
        xs, ys = [n.x for n in part.nodes], [n.y for n in part.nodes]
        dx = round((at[0] - (min(xs) + max(xs)) / 2) / theme.GRID) * theme.GRID
        dy = round((at[1] - (min(ys) + max(ys)) / 2) / theme.GRID) * theme.GRID
        for n in part.nodes:
            n.x, n.y = n.x + dx, n.y + dy
    offset = free_offset(editor, part.nodes, first=0 if at is not None else 1)
    taken_ids = {n.id for n in editor.doc.diagram.nodes}
    taken_labels = {n.label for n in editor.doc.diagram.nodes}
    new_ids: dict[str, str] = {}
    nodes: list[Node] = []
    for n in part.nodes:
        new_id = _fresh(n.kind, taken_ids)
        taken_ids.add(new_id)
        label = n.label if n.label not in taken_labels else _fresh_label(n.kind, taken_labels)
        taken_labels.add(label)
        new_ids[n.id] = new_id
        nodes.append(Node(new_id, n.kind, label, n.x + offset, n.y + offset, dict(n.props)))
    links = [Link(new_ids[lk.source], new_ids[lk.target]) for lk in part.links]
    count = len(nodes)
    editor.add_items(nodes, links, f"{verb} {count} node{'' if count == 1 else 's'}")


def free_offset(editor: Editor, nodes: list[Node], tries: int = 40, first: int = 1) -> float:
    """How far down and right pasted ``nodes`` go: ``first`` times PASTE_OFFSET, or as many times it as it takes
    for none of their cards to land on a card already there (pasting twice stacked the copies on one another)."""
    if len(nodes) > MAX_CHECKED_PASTE:  # a huge paste lands where it lands: one look per node and step is too slow
        return PASTE_OFFSET * first
    for step in range(first, tries + 1):
        d = PASTE_OFFSET * step
        if all(editor.scene.card_free(card_rect(n.kind).translated(n.x + d, n.y + d).adjusted(-GAP, -GAP, GAP, GAP))
               for n in nodes):
            return d
    return PASTE_OFFSET * first


def _fresh(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    i = 2
    while f"{base}-{i}" in taken:
        i += 1
    return f"{base}-{i}"


def _fresh_label(kind: str, taken: set[str]) -> str:
    base = KINDS[kind].label
    if KINDS[kind].lettered:
        for c in string.ascii_uppercase:
            if f"{base} {c}" not in taken:
                return f"{base} {c}"
    i = 2
    while f"{base} {i}" in taken:
        i += 1
    return f"{base} {i}"
