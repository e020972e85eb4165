"""Putting missions into the main window: the browser on the start page, a Missions menu, the docked mission
panel, and Check mission (Ctrl+Enter). The window offers what :class:`MissionHost` asks; nothing else of it
is touched."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QMenu

from ...missions import Mission, MissionError, UnknownMission, find_mission, list_missions
from ..plain_text import clip, menu_text, tip
from .browser import MissionBrowser
from .panel import MissionPanel
from .progress import STATUS_SIGNS, MissionProgress
from .session import MissionSession

PICTURES_AFTER_MS = 300  # the cards' pictures are drawn after the window's first paint


@dataclass
class InstalledMissions:
    session: MissionSession
    browser: MissionBrowser
    panel: MissionPanel
    dock: QDockWidget
    menu: QMenu
    check: QAction
    open_file: QAction


def install_missions(window: QMainWindow, progress: MissionProgress, before: QAction | None = None,
                     below: QDockWidget | None = None) -> InstalledMissions:
    """Browser, menu (placed before ``before`` in the menu bar), panel (docked under ``below``, else on the
    left) and session, wired to ``window``."""
    missions = list_missions()
    session = MissionSession(window, progress, window)
    browser = MissionBrowser(missions)
    panel = MissionPanel()
    dock = QDockWidget("Mission", window)
    dock.setObjectName("Mission")
    dock.setWidget(panel)
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)  # always there while a mission is open
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    if below is not None:
        # Under the palette: the left column is tall and the palette short, so the goal, hints and reasons
        # get most of the window's height.
        window.splitDockWidget(below, dock, Qt.Orientation.Vertical)
        window.resizeDocks([below, dock], [260, 640], Qt.Orientation.Vertical)
    dock.hide()

    menu = QMenu("&Missions", window)
    window.menuBar().insertMenu(before, menu) if before is not None else window.menuBar().addMenu(menu)
    mission_actions: dict[str, QAction] = {}
    for i, mission in enumerate(missions):
        action = menu.addAction(f"&{i + 1}. {menu_text(mission.title)}")
        action.setToolTip(tip(mission.summary))
        action.setStatusTip(clip(mission.summary, 300))
        action.triggered.connect(lambda _c=False, m=mission.id: window.choose_mission(m))
        mission_actions[mission.id] = action
    menu.addSeparator()
    open_file = menu.addAction("Open Mission &File…")
    open_file.setToolTip("Open a mission a teacher wrote (a .mission.json file)")
    open_file.triggered.connect(lambda: _open_mission_file(window))
    menu.addSeparator()
    check = QAction("&Check Mission", window)
    check.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
    check.setToolTip("Run the mission's scenario and check its rules (Ctrl+Enter)")
    check.setStatusTip(check.toolTip())
    check.setEnabled(False)
    check.triggered.connect(lambda: session.check())
    menu.addAction(check)
    window.addAction(check)  # the shortcut works wherever the focus is

    def show_progress() -> None:
        browser.set_progress(progress.status)
        for mission_id, action in mission_actions.items():
            action.setText(action.text().split("  ")[0] + f"  {STATUS_SIGNS[progress.status(mission_id)]}")

    def shown(mission: Mission | None) -> None:
        check.setEnabled(mission is not None)
        if mission is not None:
            panel.show_mission(mission)

    session.progress_changed.connect(show_progress)
    session.checked.connect(lambda result: panel.show_result(result, session.next_mission()))
    session.opened.connect(shown)
    browser.mission_chosen.connect(window.choose_mission)
    panel.check_requested.connect(check.trigger)
    panel.nodes_chosen.connect(window.select_nodes)
    panel.next_requested.connect(window.choose_mission)
    panel.compare_requested.connect(window.compare_with_starter)
    panel.start_over_requested.connect(session.start_over)
    show_progress()
    QTimer.singleShot(PICTURES_AFTER_MS, browser, browser.draw_pictures_in_turns)
    return InstalledMissions(session, browser, panel, dock, menu, check, open_file)


def _open_mission_file(window) -> None:
    # The window's one remembered folder (gui/files/folders.py), as Open, Save and Export use.
    path, _ = QFileDialog.getOpenFileName(window, "Open a mission", window.folders.folder(),
                                          "Missions (*.mission.json *.json)")
    if path:
        window.folders.remember(path)
        window.choose_mission(path)


def find(window, id_or_path: str) -> Mission | None:
    """The mission, or None after an error dialog naming where and how to fix (nothing changed)."""
    try:
        loaded = find_mission(id_or_path)
    except (UnknownMission, MissionError) as exc:
        window.show_error("Cannot open the mission", str(exc))
        return None
    if loaded.warnings:
        window.show_message(f"Mission warnings: {'; '.join(loaded.warnings)}")
    return loaded.mission
