"""The main window: start view or canvas in the middle; palette, properties and findings around it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QStackedLayout,
    QWidget,
)

from ..core.model import Diagram
from ..core.topology import Finding
from ..missions.files import MISSION_SUFFIX
from .actions import build_actions
from .canvas.scene import DiagramScene
from .canvas.view import DiagramView
from .document import Document
from .editing import clipboard
from .editing.context_menus import CanvasMenus
from .editing.editor import Editor
from .editing.findings import FindingsList
from .editing.findings_work import FindingsWork
from .editing.keyboard import KeyboardEditing
from .editing.palette import Palette
from .editing.properties import PropertiesPanel
from .files.autosave import Autosaver, Recovery, find_recoveries
from .files.folders import RememberedFolder
from .files.open_save import FileController, read_recent
from .files.opening import Opener
from .learn import install_learning
from .missions.install import find as find_mission_or_say_why
from .missions.install import install_missions
from .missions.progress import MissionProgress
from .plain_text import menu_text, message, notice, tip
from .short_window import RunDocks, initial_size
from .shortcuts import ShortcutSheet
from .start import StartView
from .warmup import warm_up_imports

if TYPE_CHECKING:  # the simulation itself is imported when it is built, after the first paint
    from .simulation.part import Simulation

FINDINGS_DELAY_MS = 120
SIMULATION_AFTER_MS = 150  # after the first paint, on a 2-core machine
FIRST_MISSION = "stateless"


class MainWindow(QMainWindow):
    def __init__(self, autosave_ms: int | None = None, progress: MissionProgress | None = None,
                 settings: QSettings | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.resize(*initial_size())
        self.doc = Document(parent=self)
        self.scene = DiagramScene(self.doc)
        self.scene.setParent(self)
        self.editor = Editor(self.doc, self.scene)
        self.view = DiagramView(self.scene, self.editor)
        self.folders = RememberedFolder(settings)  # one folder for Open, Save and Export
        self.files = FileController(self.doc, self, lambda title, text: self.show_error(title, text), self.folders)
        self.opener = Opener(self, self)  # as the learner opens files: Open…, recent files, the command line
        self.autosaver = Autosaver(self.doc, parent=self)
        if autosave_ms is not None:
            self.autosaver.set_interval(autosave_ms)

        self.start = StartView()
        # Not a QStackedWidget: Orca said its role, "layered pane", each time the focus came to the canvas.
        central = QWidget()
        self.pages = QStackedLayout(central)
        self.pages.setContentsMargins(0, 0, 0, 0)
        self.pages.addWidget(self.start)
        self.pages.addWidget(self.view)
        self.setCentralWidget(central)

        self.palette = Palette()
        self.properties = PropertiesPanel(self.editor)
        self.findings = FindingsList()
        self.palette_dock = self._dock("Components", self.palette, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.properties_dock = self._dock("Properties", self.properties, Qt.DockWidgetArea.RightDockWidgetArea)
        self.findings_dock = self._dock("Design findings", self.findings, Qt.DockWidgetArea.RightDockWidgetArea)
        self.docks = [self.palette_dock, self.properties_dock, self.findings_dock]  # shown with the canvas page
        self.run_docks = RunDocks(self, self.properties_dock, self.findings_dock)  # placed for the window's height
        self.zoom_label = QLabel("100%")
        # A fixed width: the text changes every zoom frame, the status bar's layout must not follow it.
        self.zoom_label.setFixedWidth(self.zoom_label.fontMetrics().horizontalAdvance("0000%") + 8)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.zoom_label.setToolTip("Zoom (Ctrl+wheel, Ctrl++ / Ctrl+-, F to fit)")
        self.statusBar().addPermanentWidget(self.zoom_label)

        self.keyboard = KeyboardEditing(self.editor, self.view, self.palette, self.properties,
                                        self.properties_dock, self.findings, self.findings_dock, self)
        self.actions = build_actions(self)
        self.view.input.set_menus(CanvasMenus(self.editor, self.actions, self.view.add_near, self.palette.allowed,
                                              self))
        self.recent_menu, self.panels_menu = self.actions.recent_menu, self.actions.panels_menu
        self.simulate_menu = self.actions.simulate_menu
        self.learn_menu = self.actions.learn_menu
        self.learning = install_learning(self)  # the lesson dock and the quiz, read when first opened
        for dock in self.docks:
            self.panels_menu.addAction(dock.toggleViewAction())
        self.missions = install_missions(self, progress or MissionProgress(), self.simulate_menu.menuAction(),
                                         below=self.docks[0])
        self.start.set_missions(self.missions.browser)
        self._findings_timer = QTimer(self)
        self._findings_timer.setSingleShot(True)
        self._findings_timer.setInterval(FINDINGS_DELAY_MS)
        # The findings are worked out in a child process and shown in slices (editing/findings_work.py).
        self.findings_work = FindingsWork(lambda: self.doc.diagram, self._show_findings, self)
        self._findings_timer.timeout.connect(self.findings_work.refresh)
        self.doc.reset.connect(self.findings_work.stale)
        self.doc.topology_changed.connect(self.findings_work.stale)

        self.editor.message.connect(self.show_message)
        self.files.message.connect(self.show_message)
        self.autosaver.failed.connect(self._autosave_failed)
        self.files.path_changed.connect(self.update_title)
        self.files.path_changed.connect(self._remember_path)
        self.files.opened.connect(self.show_editor)
        self.files.opened.connect(self.refresh_recent)
        # Bound methods, not lambdas: Qt drops these connections when the window is destroyed, so an undo stack
        # cleared during teardown cannot call into a deleted window.
        self.doc.undo_stack.cleanChanged.connect(self._clean_changed)
        self.doc.undo_stack.indexChanged.connect(self._index_changed)
        self.doc.undo_stack.indexChanged.connect(self._mission_edited)
        self.doc.topology_changed.connect(self._findings_timer.start)
        self.palette.add_requested.connect(self.view.add_at_centre)
        self.scene.selectionChanged.connect(self._selection_changed)
        self.findings.nodes_chosen.connect(self.select_nodes)
        self.view.zoom_changed.connect(self._show_zoom)
        self.start.new_requested.connect(self.new_diagram)
        self.start.open_requested.connect(self.open_diagram)
        self.start.recent_requested.connect(self.opener.open)
        self.refresh_recent()
        self.update_title()
        self.show_start()

        # The simulation (its bar, panel, canvas layer and the engine behind them) is built just after the
        # window's first paint: a faster start, and nothing moves, since the start page shows none of it and its
        # menu is already in place.
        self._simulation: Simulation | None = None
        warm_up_imports()  # the simulation's libraries: off the GUI thread
        # With the window as the timer's context: a window destroyed sooner is never called.
        QTimer.singleShot(SIMULATION_AFTER_MS, self, lambda: self.simulation)

    def _clean_changed(self, _clean: bool) -> None:
        self.update_title()

    def _index_changed(self, _index: int) -> None:
        self.show_editor()

    def _mission_edited(self, _index: int) -> None:
        self.missions.session.edited()

    def _show_zoom(self, zoom: float) -> None:
        self.zoom_label.setText(f"{round(zoom * 100)}%")

    @property
    def simulation(self) -> Simulation:
        """The simulation, a part of this window (built on first use if the window has not yet done it)."""
        if self._simulation is None:
            from .simulation import build_simulation

            self._simulation = build_simulation(self)
            if self.pages.currentWidget() is self.view:
                self.properties_dock.raise_()  # no run yet: the canvas stays on the editor's side
        return self._simulation

    def run_shown(self) -> bool:
        """Whether a run is on the canvas (the simulation's bar and panel then matter more than the editor's)."""
        return self._simulation is not None and self._simulation.controller.active

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea,
              features: QDockWidget.DockWidgetFeature | None = None) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title.replace(" ", "_"))  # for saving the window's layout; never looked up
        dock.setWidget(widget)
        dock.setFeatures(features if features is not None else QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    # --- what the window offers the simulation (simulation/part.py's RunHost) -------------------------

    def selected_node(self) -> str | None:
        ids = self.scene.selected_node_ids()
        return ids[0] if ids else None

    def place_run_bar(self, bar: QWidget, title: str) -> QDockWidget:
        dock = self._dock(title, bar, Qt.DockWidgetArea.BottomDockWidgetArea,
                          QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.run_docks.place_bar(dock)
        return self._shown_with_the_canvas(dock)

    def place_run_panel(self, panel: QWidget, title: str) -> QDockWidget:
        dock = self._dock(title, panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self.run_docks.place_panel(dock)
        return self._shown_with_the_canvas(dock)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.run_docks.follow()  # a short window's arrangement of the run's docks, or a tall one's

    def _shown_with_the_canvas(self, dock: QDockWidget) -> QDockWidget:
        self.docks.append(dock)
        self.panels_menu.addAction(dock.toggleViewAction())
        dock.setVisible(self.pages.currentWidget() is self.view)
        return dock

    def _selection_changed(self) -> None:
        # No run shown and a node chosen: its properties are what the learner wants to see.
        if not self.run_shown() and self.scene.selected_node_ids():
            self.properties_dock.raise_()

    # --- pages ---------------------------------------------------------------------------------------

    def _show_page(self, page: QWidget) -> None:
        # A stacked widget is as wide as its widest page, hidden ones included: the start page's mission cards
        # (830 px) kept the canvas from yielding width to the lesson's dock. A hidden page asks for no room.
        for i in range(self.pages.count()):
            policy = QSizePolicy.Policy.Preferred if self.pages.widget(i) is page else QSizePolicy.Policy.Ignored
            self.pages.widget(i).setSizePolicy(policy, policy)
        self.pages.setCurrentWidget(page)

    def show_start(self) -> None:
        self._show_page(self.start)
        for dock in self.docks:
            dock.hide()
        self.missions.dock.hide()

    def show_editor(self) -> None:
        if self.pages.currentWidget() is self.view:
            return
        self._show_page(self.view)
        for dock in self.docks:
            dock.show()  # a tabbed dock shown comes to the front: the one wanted in front is raised last
        self.missions.dock.setVisible(self.missions.session.mission is not None)
        if not self.run_shown():
            self.properties_dock.raise_()  # with no run to show, the canvas opens on the editor's side
        self.view.setFocus()

    def show_canvas(self) -> Callable[[], None] | None:
        """The canvas page ahead of a big file going onto it (files/opening.py); what shows the start page again
        (Cancel), if that was the page shown."""
        if self.pages.currentWidget() is self.view:
            return None
        self.show_editor()
        return self.show_start

    def update_title(self) -> None:
        self.setWindowTitle(f"{self.files.display_name()}[*] — statediagram")
        self.setWindowModified(not self.doc.undo_stack.isClean())

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 10000 if text else 1)

    def _autosave_failed(self, why: str) -> None:
        """Autosave cannot write: say so once, and where the work is (only in this window)."""
        self.show_message("Autosave failed: your work is only in this window. Use Save As (Ctrl+Shift+S).")
        notice(self, QMessageBox.Icon.Warning, "Autosave failed",
               f"statediagram cannot keep a safety copy of this diagram ({why}).\n\n"
               "Your work is still here, in this window, but if the app closes unexpectedly it is lost. "
               "Use File > Save As (Ctrl+Shift+S) to save it in a folder you can write to.")

    def show_error(self, title: str, text: str) -> None:
        """A modal error; ``text`` (which may quote a file's ids and values) is shown as plain text."""
        message(self, QMessageBox.Icon.Critical, title, text)

    def refresh_findings(self) -> None:
        """Ask now for the design findings of the diagram as it is (a moment after a change: the findings timer);
        they show when the child process working them out answers (``findings_work.busy`` until then)."""
        self._findings_timer.stop()
        self.findings_work.refresh()

    def _show_findings(self, found: list[Finding]) -> Iterator[None]:
        yield from self.scene.show_findings(found)
        self.findings.set_findings(found)
        self.view.announce_selection()  # a screen reader hears the selected node's findings as they change

    def refresh_recent(self) -> None:
        recent = read_recent()
        self.start.set_recent(recent)
        self.recent_menu.clear()
        for path in recent:
            action = self.recent_menu.addAction(menu_text(Path(path).name))
            action.setToolTip(tip(path))
            action.triggered.connect(lambda _c=False, p=path: self.opener.open(p))
        self.recent_menu.setEnabled(bool(recent))

    def _remember_path(self) -> None:
        self.autosaver.original_path = self.files.path

    def select_nodes(self, node_ids: list[str]) -> None:
        self.scene.select_ids(node_ids)
        items = [self.scene.node_items[i] for i in node_ids if i in self.scene.node_items]
        if items:
            self.view.ensureVisible(items[0])

    # --- file actions ----------------------------------------------------------------------------------

    def new_diagram(self) -> None:
        if self.files.new():
            self.missions.session.close()
            self.view.resetTransform()
            self.view.centerOn(0, 0)
            self.show_message("Drag components from the left onto the canvas, then wire them from the round handle.")

    def open_diagram(self) -> None:
        if self.files.maybe_save() and (path := self.files.choose_open_path()):
            self.opener.open(path, asked=True)  # a big file behind a progress dialog (files/opening.py)

    def open_path(self, path: str) -> bool:
        if str(path).endswith(MISSION_SUFFIX):  # `statediagram class.mission.json` opens the mission
            return self.open_mission(str(path))
        if not self.files.maybe_save():
            return False
        if self.files.open_path(path):
            self.opened()
            return True
        return False

    def opened(self) -> None:
        self.missions.session.close()
        self.view.zoom_to_fit()

    # --- missions -------------------------------------------------------------------------------------------

    def open_mission(self, id_or_path: str = FIRST_MISSION, continue_attempt: bool | None = None) -> bool:
        """Open a mission by id or mission file path: its starter (or the learner's attempt) and its panel.

        A broken mission file shows a dialog naming where and how to fix it; nothing changes.
        """
        mission = find_mission_or_say_why(self, id_or_path)
        if mission is None:
            return False
        return self.missions.session.open(mission, continue_attempt)

    def choose_mission(self, id_or_path: str) -> None:
        """A mission picked on the start page or in the Missions menu."""
        self.open_mission(id_or_path)

    def load_mission_diagram(self, diagram: Diagram) -> bool:
        if self.missions.session.mission is not None and self.files.path is None:
            # Going from one mission to another: the attempt is kept in the mission's own autosave, so there
            # is nothing to ask about (work saved to a file of its own is asked about as usual).
            self.missions.session.save_attempt()
            self.doc.undo_stack.setClean()
        if not self.files.new(diagram):
            return False
        self.show_editor()
        self.view.zoom_to_fit()
        return True

    def current_diagram(self) -> Diagram:
        return self.doc.diagram

    def restrict_palette(self, kinds: tuple[str, ...] | None) -> None:
        self.palette.set_allowed(kinds)

    def show_mission_panel(self, shown: bool) -> None:
        self.missions.dock.setVisible(shown and self.pages.currentWidget() is self.view)
        if shown:
            # The palette keeps the height of its entries; the mission gets the rest of the left column.
            self.resizeDocks([self.docks[0], self.missions.dock], [260, max(400, self.height() - 360)],
                             Qt.Orientation.Vertical)
            # The panel narrows the canvas once the layout settles: fit the starter to the canvas it then has.
            QTimer.singleShot(0, self, self.view.zoom_to_fit)

    def mission_starter(self) -> tuple[Diagram, str]:
        """The open mission's starter and its name (the first mission's when none is open), for Compare."""
        from ..missions import get_mission

        mission = self.missions.session.mission or get_mission(FIRST_MISSION)
        return mission.load_starter(), f"Starter of “{mission.title}”"

    def compare_with_starter(self) -> None:
        """Run this design and the open mission's starter side by side."""
        self.simulation.ui.compare()
        starter, title = self.mission_starter()
        self.simulation.ui.compare_dialog.compare_with(starter, title)

    def recover(self, recovery: Recovery) -> None:
        """Show an autosaved diagram as unsaved work, so Save keeps it."""
        diagram = recovery.load()
        self.missions.session.close()
        self.files.path = recovery.original_path
        self.doc.replace(Diagram(title=diagram.title, scenario=diagram.scenario))
        from .editing.commands import AddItems

        self.doc.undo_stack.push(AddItems(self.doc, diagram.nodes, diagram.links, "Recover autosaved work"))
        self.autosaver.original_path = recovery.original_path
        recovery.discard()
        self.autosaver.save_now()
        self.update_title()
        self.show_editor()
        self.view.zoom_to_fit()

    def ask_recover(self, recovery: Recovery) -> bool:
        answer = message(
            self, QMessageBox.Icon.Question, "Recover unsaved work?",
            f"statediagram did not close properly last time. Recover {recovery.describe()}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def offer_recovery(self) -> bool:
        """After a crash, offer the newest autosave back; the learner may decline (it is then removed)."""
        for recovery in find_recoveries():
            if self.ask_recover(recovery):
                try:
                    self.recover(recovery)
                except ValueError as exc:
                    self.show_error("Cannot recover", str(exc))
                    continue
                return True
            recovery.discard()
        return False

    # --- editing helpers --------------------------------------------------------------------------------

    def rename_selected(self) -> None:
        ids = self.scene.selected_node_ids()
        if len(ids) == 1:
            self.view.start_label_edit(ids[0])
        else:
            self.show_message("Select one node to rename it.")

    # The keyboard's way to the canvas (editing/keyboard.py), for the actions.
    def link_selected(self) -> None:
        self.keyboard.link_selected()

    def link_to_selected(self) -> None:
        self.keyboard.link_to_selected()

    def show_properties(self) -> None:
        self.keyboard.show_properties()

    def focus_part(self, part: str) -> None:
        self.keyboard.focus_part(part)

    def step_selection(self, how: str) -> None:
        self.keyboard.step_selection(how)

    def copy_image(self) -> None:
        clipboard.copy_image(self.editor)

    def toggle_snap(self) -> None:
        self.scene.snap_enabled = self.actions.snap.isChecked()
        self.show_message("Snap to grid on." if self.scene.snap_enabled else "Snap to grid off.")

    def show_help(self) -> None:
        QMessageBox.information(self, "How to draw", (
            "<p><b>Add</b>: drag a component from the left onto the canvas, or double-click it.</p>"
            "<p><b>Link</b>: hover a node, drag its round handle onto another node (or select two nodes "
            "and press Ctrl+L). A link that makes no sense is refused, with the reason below.</p>"
            "<p><b>Read the badges</b>: each server shows where it keeps sessions, cart and uploads. "
            "Dashed amber means on the server itself, lost when it crashes; solid blue means shared.</p>"
            "<p><b>Move around</b>: Ctrl+wheel zooms, F fits, middle-drag or Space+drag pans, arrows nudge.</p>"
        ))

    def show_shortcuts(self) -> None:
        """The sheet of every key, read from the actions as they are now (``?``, Help > Keyboard Shortcuts)."""
        self.shortcut_sheet = ShortcutSheet(self)
        self.shortcut_sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.shortcut_sheet.show()

    def show_about(self) -> None:
        QMessageBox.about(self, "About statediagram",
                          "statediagram: a lab for stateless versus stateful web tiers.")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if not self.files.maybe_save():
            event.ignore()
            return
        self.autosaver.timer.stop()
        self.autosaver.discard()
        self.missions.session.stop_check()  # its child stopped now, not left working for a closed window
        event.accept()
