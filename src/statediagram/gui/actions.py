"""The window's actions and menus: standard shortcuts, tooltips, and the Edit menu's undo text.

The main window passes itself to :func:`build_actions`; what the actions need of it is :class:`ActionsHost`
(this module does not import the window). The menus the window fills later come back with the actions.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QMenuBar, QToolBar

from ..core.catalog import KINDS
from . import icons
from .canvas.view import DiagramView
from .document import Document
from .editing import clipboard
from .editing.editor import Editor
from .editing.palette import Palette
from .files.export_dialog import export_picture
from .files.open_save import FileController

Key = QKeySequence.StandardKey
Theme = QIcon.ThemeIcon


class ActionsHost(Protocol):
    """The main window the actions act on (their Qt parent too): its parts and the commands it carries out."""

    doc: Document
    editor: Editor
    view: DiagramView
    files: FileController
    palette: Palette

    def new_diagram(self) -> None: ...
    def open_diagram(self) -> None: ...
    def export_picture(self, suffix: str, scale: float, transparent: bool) -> None: ...
    def rename_selected(self) -> None: ...
    def link_selected(self) -> None: ...
    def link_to_selected(self) -> None: ...
    def show_properties(self) -> None: ...
    def copy_image(self) -> None: ...
    def focus_part(self, part: str) -> None: ...
    def step_selection(self, how: str) -> None: ...
    def toggle_snap(self) -> None: ...
    def show_about(self) -> None: ...
    def show_help(self) -> None: ...
    def show_shortcuts(self) -> None: ...
    def close(self) -> bool: ...
    def menuBar(self) -> QMenuBar: ...  # noqa: N802 - Qt's name
    def addToolBar(self, title: str) -> QToolBar: ...  # noqa: N802 - Qt's name


def _action(window: ActionsHost, text: str, slot: Callable, shortcuts=(), tip: str = "") -> QAction:
    action = QAction(text, window)
    keys = []
    for s in shortcuts:
        keys += QKeySequence.keyBindings(s) if isinstance(s, QKeySequence.StandardKey) else [QKeySequence(s)]
    if keys:
        action.setShortcuts(keys)
    tip = tip or text.replace("&", "").replace("…", "")
    if keys:
        tip += f" ({keys[0].toString(QKeySequence.SequenceFormat.NativeText)})"
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    return action


def build_actions(w: ActionsHost) -> SimpleNamespace:
    """The actions, the menus (``recent_menu``, ``panels_menu``, empty ``simulate_menu`` and ``learn_menu``) and
    the toolbar."""
    ed = w.editor
    a = SimpleNamespace()
    a.new = _action(w, "&New", w.new_diagram, [Key.New], "Start a new, empty diagram")
    a.open = _action(w, "&Open…", w.open_diagram, [Key.Open], "Open a diagram file or an exported PNG")
    a.save = _action(w, "&Save", w.files.save, [Key.Save], "Save the diagram")
    a.save_as = _action(w, "Save &As…", w.files.save_as, [Key.SaveAs], "Save the diagram under a new name")
    a.export_png = _action(w, "Export &PNG…", lambda: export_picture(w, w, ".png", 1.0, False), ["Ctrl+E"],
                           "Export a picture that also carries the diagram (hand it in for grading)")
    a.export_png2 = _action(w, "Export PNG at &2×…", lambda: export_picture(w, w, ".png", 2.0, False), [],
                            "Export a sharp, double-size PNG")
    a.export_png_clear = _action(w, "Export PNG with &Transparent Background…",
                                 lambda: export_picture(w, w, ".png", 2.0, True), [],
                                 "Export a double-size PNG without the white background")
    a.export_svg = _action(w, "Export S&VG…", lambda: export_picture(w, w, ".svg", 1.0, False), [],
                           "Export a vector picture")
    a.quit = _action(w, "&Quit", w.close, [Key.Quit], "Close statediagram")

    stack = w.doc.undo_stack
    a.undo = stack.createUndoAction(w, "&Undo")
    a.undo.setShortcuts(QKeySequence.keyBindings(Key.Undo))
    a.redo = stack.createRedoAction(w, "&Redo")
    a.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    a.undo.setIconText("Undo")  # the toolbar shows the short word; the menu and tooltip name the step
    a.redo.setIconText("Redo")
    a.cut = _action(w, "Cu&t", lambda: clipboard.cut_selection(ed), [Key.Cut])
    a.copy = _action(w, "&Copy", lambda: clipboard.copy_selection(ed), [Key.Copy])
    a.paste = _action(w, "&Paste", lambda: clipboard.paste(ed), [Key.Paste])
    a.duplicate = _action(w, "&Duplicate", lambda: clipboard.duplicate(ed), ["Ctrl+D"])
    a.delete = _action(w, "De&lete", ed.delete_selection, [Key.Delete, "Backspace"],
                       "Delete the selected nodes and links")
    a.select_all = _action(w, "Select &All", ed.select_all, [Key.SelectAll])
    a.rename = _action(w, "&Rename…", w.rename_selected, ["F2"], "Edit the selected node's label")
    a.link = _action(w, "&Link Selected Nodes", w.link_selected, ["Ctrl+L"],
                     "Link the two selected nodes; with one selected, choose the other by name")
    a.link_to = _action(w, "Link &To…", w.link_to_selected, [],
                        "Link the selected node to another one, found by typing its name (Ctrl+L)")
    a.properties = _action(w, "&Properties", w.show_properties, ["Alt+Return"],
                           "Show the selected node's properties, ready to edit")
    a.bring_front = _action(w, "&Bring to Front", ed.bring_to_front, ["Ctrl+]"],
                            "Draw the selected nodes over any card they overlap")
    a.copy_image = _action(w, "Copy as &Image", w.copy_image, ["Ctrl+Shift+C"],
                           "Copy a picture of the selection (or of the whole diagram) to the clipboard")
    a.go_canvas = _action(w, "Go to &Canvas", lambda: w.focus_part("canvas"), ["Ctrl+1"],
                          "Put the keyboard's focus on the canvas")
    a.go_components = _action(w, "Go to Co&mponents", lambda: w.focus_part("components"), ["Ctrl+2"],
                              "Put the keyboard's focus on the list of components (Enter adds one)")
    a.go_properties = _action(w, "Go to P&roperties", lambda: w.focus_part("properties"), ["Ctrl+3"],
                              "Put the keyboard's focus on the properties of the selected node")
    a.go_findings = _action(w, "Go to Design &Findings", lambda: w.focus_part("findings"), ["Ctrl+4"],
                            "Put the keyboard's focus on the design findings (Enter selects a finding's nodes)")
    a.next_node = _action(w, "&Next Node", lambda: w.step_selection("next"), [],
                          "Select the next node (Tab on the canvas)")
    a.previous_node = _action(w, "Pre&vious Node", lambda: w.step_selection("previous"), [],
                              "Select the previous node (Shift+Tab on the canvas)")
    a.node_moves = [_action(w, f"Node {words}", lambda way=way: w.step_selection(way), [f"Alt+{key}"],
                            f"Select the nearest node {words.lower()} (arrows too, while nothing is selected)")
                    for words, way, key in (("&Left", "left", "Left"), ("&Right", "right", "Right"),
                                            ("&Above", "up", "Up"), ("&Below", "down", "Down"))]
    for action in a.node_moves:  # the canvas's keys (the lesson reader's Alt+arrows turn its pages)
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        w.view.addAction(action)
    v = w.view

    def tidy_and_fit() -> None:  # a tidied diagram may have moved out of sight: show all of it
        ed.tidy_up()
        v.zoom_to_fit()

    a.tidy = _action(w, "&Tidy Up in Tiers", tidy_and_fit, ["Ctrl+T"],
                     "Arrange clients, load balancers, servers and stores in columns, and fit the view")
    a.zoom_in = _action(w, "Zoom &In", v.zoom_in, [Key.ZoomIn, "Ctrl+="])
    a.zoom_out = _action(w, "Zoom &Out", v.zoom_out, [Key.ZoomOut])
    a.zoom_reset = _action(w, "&Actual Size", lambda: v.set_zoom(1.0), ["Ctrl+0"])
    a.zoom_fit = _action(w, "&Fit Diagram", v.zoom_to_fit, ["F"], "Zoom to show the whole diagram")
    a.snap = _action(w, "&Snap to Grid", w.toggle_snap, ["Ctrl+G"], "Round node positions to the grid")
    a.snap.setCheckable(True)
    a.snap.setChecked(True)

    a.about = _action(w, "&About statediagram", w.show_about, [])
    a.howto = _action(w, "&How to Draw", w.show_help, [Key.HelpContents])
    a.keys = _action(w, "&Keyboard Shortcuts…", w.show_shortcuts, ["?"], "Every key of the window, in one sheet")

    menu = w.menuBar().addMenu("&File")
    for item in (a.new, a.open):
        menu.addAction(item)
    a.recent_menu = menu.addMenu("Open &Recent")
    menu.addSeparator()
    for item in (a.save, a.save_as):
        menu.addAction(item)
    menu.addSeparator()
    for item in (a.export_png, a.export_png2, a.export_png_clear, a.export_svg):
        menu.addAction(item)
    menu.addSeparator()
    menu.addAction(a.quit)

    menu = w.menuBar().addMenu("&Edit")
    for item in (a.undo, a.redo, None, a.cut, a.copy, a.copy_image, a.paste, a.duplicate, a.delete, a.select_all,
                 None, a.rename, a.link, a.link_to, a.properties, a.bring_front, a.tidy):
        menu.addSeparator() if item is None else menu.addAction(item)
    menu.addSeparator()
    a.add_menu = menu.addMenu("Add Co&mponent")  # the palette's kinds (a mission's only), at a free spot

    def fill_add_menu() -> None:
        a.add_menu.clear()
        for kind in w.palette.allowed():
            add = a.add_menu.addAction(KINDS[kind].label)
            add.setStatusTip(f"Add a {KINDS[kind].label.lower()} at a free spot in the middle of the canvas")
            add.triggered.connect(lambda _c=False, k=kind: v.add_at_centre(k))

    a.add_menu.aboutToShow.connect(fill_add_menu)
    select = menu.addMenu("&Go to Node")  # the canvas's Tab and Alt+arrows, from a menu
    for item in (a.next_node, a.previous_node, None, *a.node_moves):
        select.addSeparator() if item is None else select.addAction(item)

    menu = w.menuBar().addMenu("&View")
    for item in (a.zoom_in, a.zoom_out, a.zoom_reset, a.zoom_fit, None, a.snap, None, a.go_canvas,
                 a.go_components, a.go_properties, a.go_findings):
        menu.addSeparator() if item is None else menu.addAction(item)
    menu.addSeparator()
    a.panels_menu = menu

    # Every command of a run, filled in when the simulation is installed (just after the first paint).
    a.simulate_menu = w.menuBar().addMenu("&Simulate")
    a.learn_menu = w.menuBar().addMenu("&Learn")  # the lesson and the quiz, filled by gui.learn

    menu = w.menuBar().addMenu("&Help")
    menu.addAction(a.howto)
    menu.addAction(a.keys)
    menu.addAction(a.about)

    drawings = (
        (a.new, Theme.DocumentNew, icons.paint_new), (a.open, Theme.DocumentOpen, icons.paint_open),
        (a.save, Theme.DocumentSave, icons.paint_save), (a.undo, Theme.EditUndo, icons.paint_undo),
        (a.redo, Theme.EditRedo, icons.paint_redo), (a.delete, Theme.EditDelete, icons.paint_delete),
        (a.tidy, Theme.FormatJustifyFill, icons.paint_tiers), (a.zoom_fit, Theme.ZoomFitBest, icons.paint_fit),
        (a.export_png, Theme.InsertImage, icons.paint_picture), (a.howto, Theme.HelpFaq, icons.paint_help),
    )
    for action, theme, paint in drawings:
        action.setIcon(icons.themed(theme, paint))

    bar = w.addToolBar("Main")
    bar.setObjectName("mainToolBar")
    # Icons with their words beside them: the toolbar reads like a native app's and stays self-explaining.
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for item in (a.new, a.open, a.save, None, a.undo, a.redo, None, a.tidy, a.zoom_fit, None, a.export_png):
        bar.addSeparator() if item is None else bar.addAction(item)
    return a
