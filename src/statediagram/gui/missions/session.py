"""A mission open in the main window: opening it (continue the autosaved attempt or start over), keeping the
learner's progress and attempt, the palette it allows, and Check mission through the same code as
``statediagram check``.
"""

from __future__ import annotations

import time
from typing import Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from ...core.model import Diagram
from ...missions import Mission, MissionResult, check_mission, next_mission
from .progress import IN_PROGRESS, PASSED, MissionProgress

ATTEMPT_SAVE_MS = 1000  # the attempt is written a second after the last edit, not on every drag step


class MissionHost(Protocol):
    """What the session needs of the main window."""

    def load_mission_diagram(self, diagram: Diagram) -> bool: ...
    def current_diagram(self) -> Diagram: ...
    def restrict_palette(self, kinds: tuple[str, ...] | None) -> None: ...
    def show_mission_panel(self, shown: bool) -> None: ...
    def select_nodes(self, node_ids: list[str]) -> None: ...
    def show_message(self, text: str) -> None: ...


class MissionSession(QObject):
    """The open mission (or none), its progress and attempt, and its check."""

    progress_changed = Signal()
    checked = Signal(object)  # the MissionResult
    opened = Signal(object)  # the Mission, or None when the learner left it

    def __init__(self, host: MissionHost, progress: MissionProgress, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.progress = progress
        self.mission: Mission | None = None
        self.last_result: MissionResult | None = None
        self.last_check_s = 0.0
        self._loading = False
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(ATTEMPT_SAVE_MS)
        self._save_timer.timeout.connect(self.save_attempt)

    def open(self, mission: Mission, continue_attempt: bool | None = None) -> bool:
        """Open ``mission``: its starter, or the autosaved attempt when the learner chooses to continue it.

        ``continue_attempt`` None asks the learner when an attempt is in progress. False when nothing opened
        (the learner cancelled, or kept unsaved work).
        """
        diagram = None
        attempt = self.progress.load_attempt(mission.id) if self.progress.status(mission.id) == IN_PROGRESS \
            else None
        if attempt is not None:
            if continue_attempt is None:
                continue_attempt = self.ask_continue(mission)
                if continue_attempt is None:
                    return False
            if continue_attempt:
                diagram = attempt
        if diagram is None:
            diagram = mission.load_starter()
        self._loading = True
        try:
            if not self.host.load_mission_diagram(diagram):
                return False
        finally:
            self._loading = False
        self.mission = mission
        self.last_result = None
        self.host.restrict_palette(mission.palette)
        self.host.show_mission_panel(True)
        self.opened.emit(mission)
        return True

    def ask_continue(self, mission: Mission) -> bool | None:
        """Continue the autosaved attempt (True), start over (False), or cancel (None)."""
        box = QMessageBox(self.parent() if isinstance(self.parent(), QWidget) else None)
        box.setWindowTitle("Continue the mission?")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"You have started “{mission.title}” before. Continue where you left off, or start over "
                    "from the starter?")
        keep = box.addButton("Continue", QMessageBox.ButtonRole.AcceptRole)
        fresh = box.addButton("Start over", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep)
        box.exec()
        if box.clickedButton() is keep:
            return True
        if box.clickedButton() is fresh:
            return False
        return None

    def start_over(self) -> bool:
        """Back to the starter, after the learner agrees to replace the attempt."""
        if self.mission is None or not self.confirm_start_over(self.mission):
            return False
        return self.open(self.mission, continue_attempt=False)

    def confirm_start_over(self, mission: Mission) -> bool:
        box = QMessageBox(self.parent() if isinstance(self.parent(), QWidget) else None)
        box.setWindowTitle("Start over?")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"Go back to the starter of “{mission.title}”? Your changes to this mission are replaced.")
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def close(self) -> None:
        """The learner left the mission (a new or another file): the panel goes, the palette is whole again."""
        if self.mission is None:
            return
        if self._save_timer.isActive():
            self.save_attempt()
        self.mission = None
        self.last_result = None
        self.host.restrict_palette(None)
        self.host.show_mission_panel(False)
        self.opened.emit(None)

    def edited(self) -> None:
        """The learner changed the diagram: the mission is in progress, its attempt saved shortly."""
        if self.mission is None or self._loading:
            return
        if self.progress.status(self.mission.id) not in (IN_PROGRESS, PASSED):
            self.progress.set_status(self.mission.id, IN_PROGRESS)
            self.progress_changed.emit()
        self._save_timer.start()

    def save_attempt(self) -> None:
        self._save_timer.stop()
        if self.mission is not None:
            problem = self.progress.save_attempt(self.mission.id, self.host.current_diagram())
            if problem:
                self.host.show_message(problem)

    def check(self) -> MissionResult | None:
        """Check mission: the mission's scenario and rules on the diagram as it is now."""
        if self.mission is None:
            return None
        started = time.perf_counter()
        result = check_mission(self.mission, self.host.current_diagram().copy())
        self.last_check_s = time.perf_counter() - started
        self.last_result = result
        if result.passed:
            self.progress.set_status(self.mission.id, PASSED)
            self.progress_changed.emit()
            self.host.show_message(f"Mission complete: {self.mission.title}.")
        else:
            self.progress.set_status(self.mission.id, IN_PROGRESS)
            self.progress_changed.emit()
            named = [n for p in result.problems for n in p.nodes]
            self.host.select_nodes(list(dict.fromkeys(named)))
        self.save_attempt()
        self.checked.emit(result)
        return result

    def next_mission(self) -> Mission | None:
        return next_mission(self.mission) if self.mission is not None else None
