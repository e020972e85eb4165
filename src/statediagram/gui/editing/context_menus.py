"""Right-click menus while editing: on a node, on a link, and on the empty canvas.

They hold the window's own actions (the same words, keys and tooltips as the Edit menu), plus "Add <kind>
here" on the empty canvas. The canvas's input router asks :meth:`CanvasMenus.menu` after a run shown (if any)
has had its turn. The menu pops up without waiting (``popup``), and stays in ``shown`` until the next one.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from PySide6.QtCore import QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QGuiApplication, QTransform
from PySide6.QtWidgets import QMenu, QWidget

from ...core.catalog import KINDS
from ..canvas.linkitem import LinkItem
from . import clipboard
from .editor import Editor


class CanvasMenus(QObject):
    """The editing menus of the canvas. ``add_near(kind, point)`` adds a node at the free spot nearest a
    scene point; ``kinds()`` lists the kinds the palette offers now (a mission may restrict them)."""

    def __init__(self, editor: Editor, actions: SimpleNamespace, add_near: Callable[[str, QPointF], str],
                 kinds: Callable[[], list[str]], parent: QWidget) -> None:
        super().__init__(parent)
        self.editor, self.scene = editor, editor.scene
        self.actions, self.add_near, self.kinds = actions, add_near, kinds
        self.widget = parent
        self.shown: QMenu | None = None
        self.shown_at = QPoint()  # where it was asked to pop up (the screen may push it aside)

    def menu(self, at: QPointF, screen: QPoint) -> bool:
        """Pop up the menu for what is under the scene point ``at``; False when the canvas is not editable."""
        if not self.scene.interactive:
            return False
        node = self.scene.node_item_at(at)
        link = None if node is not None else self.link_at(at)
        if node is not None:
            if not node.isSelected():  # as in every diagram tool: the menu acts on what was right-clicked
                self.scene.select_ids([node.node_id])
            menu = self.node_menu()
        elif link is not None:
            if not link.isSelected():
                self.scene.clearSelection()
                link.setSelected(True)
            menu = self.link_menu(link)
        else:
            menu = self.canvas_menu(at)
        self._show(menu, screen)
        return True

    def link_at(self, at: QPointF) -> LinkItem | None:
        for item in self.scene.items(at, Qt.ItemSelectionMode.IntersectsItemShape, Qt.SortOrder.DescendingOrder,
                                     QTransform()):
            if isinstance(item, LinkItem):
                return item
        return None

    def node_menu(self) -> QMenu:
        a = self.actions
        menu = QMenu(self.widget)
        menu.setObjectName("nodeMenu")
        for item in (a.rename, a.link_to, a.properties, a.bring_front, None, a.cut, a.copy, a.duplicate,
                     a.copy_image, None, a.delete):
            menu.addSeparator() if item is None else menu.addAction(item)
        return menu

    def link_menu(self, link: LinkItem) -> QMenu:
        menu = QMenu(self.widget)
        menu.setObjectName("linkMenu")
        ends = QAction("Select Its Two Nodes", menu)
        ends.setStatusTip("Select the nodes at the link's two ends")
        ends.triggered.connect(lambda _c=False, key=link.key: self.scene.select_ids(list(key)))
        menu.addAction(ends)
        menu.addSeparator()
        menu.addAction(self.actions.delete)
        return menu

    def canvas_menu(self, at: QPointF) -> QMenu:
        a = self.actions
        menu = QMenu(self.widget)
        menu.setObjectName("canvasMenu")
        spot = QPointF(at)
        for kind in self.kinds():
            add = QAction(f"Add {KINDS[kind].label} Here", menu)
            add.setStatusTip(f"Add a {KINDS[kind].label.lower()} here (at the nearest free spot)")
            add.triggered.connect(lambda _c=False, k=kind, p=spot: self.add_near(k, p))
            menu.addAction(add)
        menu.addSeparator()
        paste = QAction("Paste Here", menu)
        paste.setStatusTip("Paste the copied nodes here (at the nearest free spot)")
        paste.setEnabled(self.can_paste())
        paste.triggered.connect(lambda _c=False, p=spot: clipboard.paste(self.editor, (p.x(), p.y())))
        menu.addAction(paste)
        for item in (a.select_all, a.tidy, a.zoom_fit, a.copy_image):
            menu.addAction(item)
        return menu

    @staticmethod
    def can_paste() -> bool:
        mime = QGuiApplication.clipboard().mimeData()
        return mime is not None and mime.hasFormat(clipboard.MIME_TYPE)

    def _show(self, menu: QMenu, screen: QPoint) -> None:
        if self.shown is not None:
            self.shown.deleteLater()
        self.shown, self.shown_at = menu, QPoint(screen)
        menu.popup(screen)
