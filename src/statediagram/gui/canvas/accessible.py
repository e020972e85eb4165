"""What a screen reader finds on the canvas: every node card and every link as an accessible item of its own.

Qt's accessibility reaches QObjects, and graphics items are not QObjects. The canvas's own accessible interface
(:class:`CanvasAccessible`, a list) therefore has one child per node and per link, each standing for a small
QObject made when a screen reader first asks for that child: its name is the node's label ("Server A") or the
link's ends ("Server A to Redis"), its description the node's kind, badges, findings, links and, during a run,
whether it is up or down (first); its rectangle is the card's on the screen; it is selected and focused as the
scene's selection is. When the keyboard moves the selection (Tab, Alt+arrows) the chosen item gets the accessible
focus; with nothing selected (Escape, the item deleted) the canvas gets it back. Checked over AT-SPI, with Orca 43's
speech log, and asserted by tests/gui/test_screen_reader_atspi.py.

Who deletes what: Qt's accessibility cache owns every interface it is given and deletes it when its object is
destroyed (or when asked); PySide deletes the C++ side of a Python-made interface when the Python object goes.
Deleted twice is a crash, so:

- the canvas's interface comes from a factory (``QAccessible.installFactory``): Qt asks it again whenever it has
  none for the view's current meta-object, which PySide makes anew for a Python class now and then (measured: a
  registered interface was no longer found a few calls later). PySide keeps what a factory returns until the
  application ends, so it holds the canvas's items by a weak reference only;
- each item's interface stands for a plain QObject (a fixed meta-object) and is registered with Qt, which deletes
  it with that object: at once when its node or link goes, else with the view. Its Python side is kept in
  ``_KEPT`` until then, out of reach of Python's cyclic collector (a window nobody deleted is freed by it, in any
  order), and dropped once Qt has deleted its C++ side.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Protocol

import shiboken6
from PySide6.QtCore import QObject, QPoint, QRect
from PySide6.QtGui import QAccessible, QAccessibleEvent, QAccessibleInterface
from PySide6.QtWidgets import QAccessibleWidget, QGraphicsView

from ...core.model import LinkKey
from .items import NodeItem
from .linkitem import LinkItem
from .navigation import reading_order, spoken_description
from .scene import DiagramScene

ItemKey = tuple[str, str] | tuple[str, LinkKey]  # ("node", id) or ("link", its two ends)

_KEPT: dict[int, ItemAccessible] = {}  # items' interfaces whose C++ side Qt has not deleted yet
_VIEW_CLASSES: set[str] = set()  # the class names of the views the factory makes interfaces for


class RunWords(Protocol):
    """What a run shown on the canvas says about a node (the simulation offers it; it is not imported here)."""

    def status(self, node_id: str) -> str:
        """"up", "down", "failing over", or "" when no run is shown (or the node is not in it)."""

    def words(self, node_id: str) -> str:
        """A sentence about the node at the play head ("During the run, at 5.00 s: down. ..."), or ""."""


class ItemAccessible(QAccessibleInterface):
    """One node card or link, as a screen reader finds it (everything is asked of the canvas's items)."""

    def __init__(self, items: CanvasItems, key: ItemKey, obj: QObject) -> None:
        super().__init__()
        self.items = items
        self.key = key
        self.obj = obj
        self.last_name = ""  # what it was called: said still as it goes (its item is gone by then)

    def isValid(self) -> bool:  # noqa: N802 - Qt's name
        return shiboken6.isValid(self.obj)

    def object(self) -> QObject:
        return self.obj

    def window(self):
        view = self.items.view()
        return view.window().windowHandle() if view is not None else None

    def role(self) -> QAccessible.Role:
        return QAccessible.Role.ListItem

    def text(self, what: QAccessible.Text) -> str:
        said = self.items.text(self.key, what)
        if what == QAccessible.Text.Name:
            said = self.last_name = said or self.last_name
        return said

    def setText(self, what: QAccessible.Text, text: str) -> None:  # noqa: N802 - Qt's name
        pass  # renaming goes through the editor (F2), as an undoable step

    def rect(self) -> QRect:
        return self.items.screen_rect(self.key)

    def state(self) -> QAccessible.State:
        return self.items.state(self.key)

    def parent(self) -> QAccessibleInterface | None:
        view = self.items.view()
        return QAccessible.queryAccessibleInterface(view) if view is not None else None

    def child(self, index: int) -> None:
        return None

    def childCount(self) -> int:  # noqa: N802 - Qt's name
        return 0

    def childAt(self, x: int, y: int) -> None:  # noqa: N802 - Qt's name
        return None

    def indexOfChild(self, child: QAccessibleInterface) -> int:  # noqa: N802 - Qt's name
        return -1


class CanvasItems(QObject):
    """The canvas's accessible items: made on demand, in Tab's reading order (nodes column by column, then links),
    dropped (and Qt told) when their node or link goes. A child of the view: it goes with it."""

    def __init__(self, view: QGraphicsView) -> None:
        super().__init__(view)
        self.setObjectName("accessible canvas items")
        self.run_words: RunWords | None = None
        self._made: dict[ItemKey, ItemAccessible] = {}
        self._order: list[ItemKey] | None = None
        self._index: dict[ItemKey, int] = {}
        self._focused: tuple[ItemKey, str, str] | None = None  # the item last focused, its description, run status
        scene = view.scene()
        assert isinstance(scene, DiagramScene), "the canvas shows a diagram's scene"
        doc = scene.doc
        doc.node_added.connect(self._node_added)
        doc.node_moved.connect(self._reorder)
        doc.node_changed.connect(self._reorder)  # links are in the order of their ends' names
        doc.link_added.connect(self._link_added)
        doc.node_removed.connect(self._node_removed)
        doc.link_removed.connect(self._link_removed)
        scene.clearing.connect(self._all_gone)

    # --- the view and its scene, asked for each time (nothing here keeps them) ---------------------

    def view(self) -> QGraphicsView | None:
        view = self.parent() if shiboken6.isValid(self) else None
        return view if isinstance(view, QGraphicsView) else None

    def scene(self) -> DiagramScene | None:
        view = self.view()
        scene = view.scene() if view is not None else None
        return scene if isinstance(scene, DiagramScene) else None

    def graphics_item(self, key: ItemKey) -> NodeItem | LinkItem | None:
        scene = self.scene()
        if scene is None:
            return None
        return scene.node_items.get(key[1]) if key[0] == "node" else scene.link_items.get(key[1])

    # --- the children, in order ---------------------------------------------------------------------

    def order(self) -> list[ItemKey]:
        if self._order is None:
            scene = self.scene()
            if scene is None:
                return []
            nodes: list[ItemKey] = [("node", i.node_id) for i in reading_order(list(scene.node_items.values()))]
            links: list[ItemKey] = [("link", k) for k in sorted(
                scene.link_items, key=lambda k: link_name(scene.link_items[k]).casefold())]
            self._order = nodes + links
            self._index = {key: i for i, key in enumerate(self._order)}
        return self._order

    def index_of(self, key: ItemKey) -> int:
        self.order()
        return self._index.get(key, -1)

    def accessible(self, key: ItemKey) -> ItemAccessible | None:
        """The item's interface, made (and registered with Qt) on first use; None if it has no item."""
        made = self._made.get(key)
        if made is not None:
            return made
        if self.graphics_item(key) is None:
            return None
        # A plain QObject: Qt finds an interface by its object and meta-object, and a Python class's changes.
        made = ItemAccessible(self, key, QObject(self))
        made.text(QAccessible.Text.Name)
        QAccessible.registerAccessibleInterface(made)  # Qt's cache deletes it with its object
        self._made[key] = made
        _KEPT[id(made)] = made
        return made

    def item_at(self, screen: QPoint) -> ItemAccessible | None:
        view = self.view()
        if view is None:
            return None
        at = view.viewport().mapFromGlobal(screen)
        for item in view.items(at):
            if isinstance(item, NodeItem):
                return self.accessible(("node", item.node_id))
            if isinstance(item, LinkItem):
                return self.accessible(("link", item.key))
        return None

    def _reorder(self, *_args) -> None:
        self._order = None

    def _node_added(self, node_id: str) -> None:
        self._added(("node", node_id))

    def _link_added(self, key: LinkKey) -> None:
        self._added(("link", key))

    def _added(self, key: ItemKey) -> None:
        """A node or link came (the scene made its item first): a screen reader listening is told of it."""
        self._order = None
        if QAccessible.isActive():
            made = self.accessible(key)
            if made is not None:
                QAccessible.updateAccessibility(QAccessibleEvent(made.obj, QAccessible.Event.ObjectCreated))

    def _node_removed(self, node_id: str) -> None:
        self._forget([("node", node_id)])

    def _link_removed(self, key: LinkKey) -> None:
        self._forget([("link", key)])

    def _all_gone(self) -> None:
        """A new or opened diagram: every item goes; a screen reader listening reads the canvas's list again."""
        self._forget(list(self._made))
        view = self.view()
        if view is not None and QAccessible.isActive():
            QAccessible.updateAccessibility(QAccessibleEvent(view, QAccessible.Event.ObjectReorder))

    def _forget(self, keys: Iterable[ItemKey]) -> None:
        """The items are gone: tell a screen reader, delete their objects (Qt's cache deletes their interfaces
        with them), then let go of the Python side, whose C++ side is deleted by then. The item focused is still
        remembered as focused: with nothing selected after it, the focus goes back to the canvas itself."""
        self._order = None
        for key in keys:
            made = self._made.pop(key, None)
            if made is None:
                continue
            if shiboken6.isValid(made.obj):
                if QAccessible.isActive():
                    QAccessible.updateAccessibility(QAccessibleEvent(made.obj, QAccessible.Event.ObjectDestroyed))
                shiboken6.delete(made.obj)
            if shiboken6.isValid(made):  # not deleted with its object (never so far): Qt deletes it now
                QAccessible.deleteAccessibleInterface(QAccessible.uniqueId(made))
            _KEPT.pop(id(made), None)

    # --- what each item says -----------------------------------------------------------------------

    def text(self, key: ItemKey, what: QAccessible.Text) -> str:
        item = self.graphics_item(key)
        if item is None:
            return ""
        if what == QAccessible.Text.Name:
            return item.label if isinstance(item, NodeItem) else link_name(item)
        if what == QAccessible.Text.Description:
            return self.description(item)
        return ""

    def description(self, item: NodeItem | LinkItem) -> str:
        if isinstance(item, LinkItem):
            a, b = link_ends(item)
            return (f"Link between {a.label} and {b.label}. Select it and press Delete to remove it; "
                    "the menu key offers Select Its Two Nodes.")
        scene = self.scene()
        if scene is None:
            return ""
        words = spoken_description(item, scene.doc)
        run = self.run_words.words(item.node_id) if self.run_words is not None else ""
        # The run's news first: a screen reader speaks the whole description again when the node goes down, and
        # "down" after forty words of what a server is was heard last (Orca 43).
        return f"{run} {words}" if run else words

    def screen_rect(self, key: ItemKey) -> QRect:
        item, view = self.graphics_item(key), self.view()
        if item is None or view is None:
            return QRect()
        area = item.card_rect() if isinstance(item, NodeItem) else item.boundingRect()
        on_view = view.mapFromScene(item.mapToScene(area)).boundingRect()
        return on_view.translated(view.viewport().mapToGlobal(QPoint(0, 0)))

    def state(self, key: ItemKey) -> QAccessible.State:
        state = QAccessible.State()
        item, view = self.graphics_item(key), self.view()
        if item is None or view is None:
            state.invalid = True
            return state
        state.selectable = True
        state.focusable = True
        state.movable = isinstance(item, NodeItem)
        state.selected = item.isSelected()
        state.focused = view.hasFocus() and self._sole_selection(view) == key
        shown = view.mapToScene(view.viewport().rect()).boundingRect()
        if not shown.intersects(item.sceneBoundingRect()):
            state.offscreen = True
        return state

    def _sole_selection(self, view: QGraphicsView) -> ItemKey | None:
        chosen = view.scene().selectedItems()
        if len(chosen) != 1:
            return None
        item = chosen[0]
        if isinstance(item, NodeItem):
            return ("node", item.node_id)
        return ("link", item.key) if isinstance(item, LinkItem) else None

    def focus_child(self) -> ItemAccessible | None:
        view = self.view()
        if view is None or not view.hasFocus():
            return None
        key = self._sole_selection(view)
        return self.accessible(key) if key is not None else None

    # --- telling a screen reader ---------------------------------------------------------------------

    def selection_settled(self) -> bool:
        """The selection (or what is known about the selected item) settled: with one item selected on the
        focused canvas, that item gets the accessible focus; told again when what it says changed.

        True when the canvas itself is to be told focused again: an item had the focus and none is selected now
        (Escape, a click on the empty canvas), else a screen reader stays on an item that no longer has it. The
        canvas tells it once its own words say what is selected (a screen reader reads them with the focus)."""
        if not QAccessible.isActive():  # no screen reader listens: nothing to make or tell
            self._focused = None
            return False
        chosen = self.focus_child()
        if chosen is None:
            view = self.view()
            back = self._focused is not None and view is not None and view.hasFocus()
            self._focused = None
            return back
        said = chosen.text(QAccessible.Text.Description)
        key = chosen.key
        status = self.run_words.status(key[1]) if self.run_words is not None and key[0] == "node" else ""
        before, self._focused = self._focused, (key, said, status)
        if before is None or before[0] != chosen.key:
            QAccessible.updateAccessibility(QAccessibleEvent(chosen.obj, QAccessible.Event.Focus))
        elif before[1] != said:
            QAccessible.updateAccessibility(QAccessibleEvent(chosen.obj, QAccessible.Event.DescriptionChanged))
        return False

    def tell_focus_again(self) -> None:
        """A panel came to the front of its tabs by itself (a run's verdict at Simulate): Orca takes a tab selected
        for the user's move and leaves the canvas, then ignores what the focused node says (its going down). With
        the keyboard still on the canvas, a screen reader is told again where the focus is."""
        view = self.view()
        if view is None or not view.hasFocus() or not QAccessible.isActive():
            return
        self._focused = None
        if self.focus_child() is None:
            QAccessible.updateAccessibility(QAccessibleEvent(view, QAccessible.Event.Focus))
        else:
            self.selection_settled()

    def focus_left(self) -> None:
        """The keyboard's focus left the canvas: when it comes back, the item selected is told focused anew."""
        self._focused = None

    def run_moved(self) -> None:
        """The run's play head moved: the focused node's description is told again if it went up or down."""
        if self._focused is None or not QAccessible.isActive() or self.run_words is None:
            return
        key, _said, status = self._focused
        if key[0] == "node" and self.run_words.status(key[1]) != status:
            chosen = self.focus_child()
            if chosen is not None and chosen.key == key:  # else the selection's change is about to be told
                self.selection_settled()


def link_ends(item: LinkItem) -> tuple[NodeItem, NodeItem]:
    """The link's two ends, the one on the left first, as the diagram reads (tiers are columns)."""
    a, b = sorted((item.a, item.b), key=lambda i: (i.x(), i.y(), i.node_id))
    return a, b


def link_name(item: LinkItem) -> str:
    """"Users to Load balancer": its ends in reading order (its description names them in the same order)."""
    a, b = link_ends(item)
    return f"{a.label} to {b.label}"


class CanvasAccessible(QAccessibleWidget):
    """The canvas as a screen reader finds it: its name and description are the view's (they speak for the
    selection, see view.py); its children are the node cards and links, then the view's own widgets."""

    def __init__(self, view: QGraphicsView, items: CanvasItems) -> None:
        super().__init__(view, QAccessible.Role.List)
        self._items = weakref.ref(items)  # PySide keeps this interface to the end: it must not keep the items

    def items(self) -> CanvasItems | None:
        items = self._items()
        return items if items is not None and shiboken6.isValid(items) else None

    def childCount(self) -> int:  # noqa: N802 - Qt's name
        items = self.items()
        return len(items.order()) + super().childCount() if items is not None else 0

    def child(self, index: int) -> QAccessibleInterface | None:
        items = self.items()
        if index < 0 or items is None:
            return None
        order = items.order()
        if index < len(order):
            return items.accessible(order[index])
        return super().child(index - len(order))

    def indexOfChild(self, child: QAccessibleInterface) -> int:  # noqa: N802 - Qt's name
        items = self.items()
        if items is None:
            return -1
        if isinstance(child, ItemAccessible):
            return items.index_of(child.key) if child.items is items else -1
        own = super().indexOfChild(child)
        return own + len(items.order()) if own >= 0 else -1

    def childAt(self, x: int, y: int) -> QAccessibleInterface | None:  # noqa: N802 - Qt's name
        items = self.items()
        item = items.item_at(QPoint(x, y)) if items is not None else None
        return item if item is not None else super().childAt(x, y)

    def focusChild(self) -> QAccessibleInterface | None:  # noqa: N802 - Qt's name
        items = self.items()
        chosen = items.focus_child() if items is not None else None
        return chosen if chosen is not None else super().focusChild()


def _interface_for(class_name: str, obj: QObject) -> QAccessibleInterface | None:
    """Qt's question for every object it has no interface for: the canvas's, for a canvas; None (Qt's own) else."""
    if class_name not in _VIEW_CLASSES:
        return None
    items = getattr(obj, "accessible_items", None)
    if not isinstance(items, CanvasItems) or not shiboken6.isValid(items):
        return None  # asked before the view was ready: Qt's own, replaced in make_accessible
    return CanvasAccessible(obj, items)  # type: ignore[arg-type]


def make_accessible(view: QGraphicsView) -> CanvasItems:
    """Give ``view`` an accessible interface with one child per node and link; the items' keeper is returned
    (and set as ``view.accessible_items``, where the factory finds it)."""
    for key in [k for k, made in _KEPT.items() if not shiboken6.isValid(made)]:
        del _KEPT[key]  # Qt deleted these with their views: the Python side may go now
    if not _VIEW_CLASSES:
        QAccessible.installFactory(_interface_for)  # once: the factory serves every canvas
    _VIEW_CLASSES.add(view.metaObject().className())
    items = view.accessible_items = CanvasItems(view)
    made = QAccessible.queryAccessibleInterface(view)
    if made is not None and not isinstance(made, CanvasAccessible):  # Qt's own, made while the view was built
        QAccessible.deleteAccessibleInterface(QAccessible.uniqueId(made))
    return items
