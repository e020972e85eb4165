"""A mission open in the main window: opening it (continue the autosaved attempt or start over), keeping the
learner's progress and attempt, the palette it allows, and Check mission through the same code as
``statediagram check``.

Check mission runs in a child process started ahead (``sim.child_run``): the run's engine, its stores and the
libraries behind them never live in the window's process, whose full garbage collections stop the window for as
long as they take. Done on the GUI thread, a check held the window 10-60 ms (starters and solutions, quiet
machine), more under load.
"""

from __future__ import annotations

import time
from typing import Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from ...core.model import Diagram
from ...missions import Mission, MissionResult, next_mission
from ...sim.child_run import SPARES
from ..progress import POLL_MS, ProgressRun, in_spare_child, run_with_progress
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
        self.last_check_s = 0.0  # from the press to the result shown
        self.job: ProgressRun | None = None  # the check under way
        self._checking: tuple[Mission, Diagram] | None = None  # what it checks
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
        self.stop_check()  # a check of the diagram just replaced: its result is not this one's
        self.mission = mission
        self.last_result = None
        SPARES.prepare()  # a child with its imports done waits for the first Check mission
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
        self.stop_check()
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

    def check(self) -> ProgressRun | None:
        """Check mission: the mission's scenario and rules on the diagram as it is now, run in a child process;
        ``checked`` gets the result. A progress dialog (Cancel) shows if it takes longer than 300 ms.

        Pressed again while a check is under way: nothing more when the diagram is unchanged (a double click, the
        key held down; a new child would only make the result later), a new check when the diagram was edited
        meanwhile (the dialog is modal only once shown), so the result is always of the diagram as it is now."""
        if self.mission is None:
            return None
        diagram = self.host.current_diagram().copy()
        if self.job is not None:
            if self._checking is not None and self._checking[0] is self.mission and self._checking[1] == diagram:
                return self.job
            self.stop_check()
        mission = self.mission
        started = time.perf_counter()

        def done(result: MissionResult) -> None:
            self._ended()
            self.last_check_s = time.perf_counter() - started
            self._show_result(mission, result)

        def failed(message: str) -> None:
            self._ended()
            self.last_check_s = time.perf_counter() - started
            self.host.show_message(f"Check mission could not run: {message}")

        def cancelled() -> None:
            self._ended()
            self.host.show_message("Check mission cancelled.")

        parent = self.parent() if isinstance(self.parent(), QWidget) else None
        work = in_spare_child("check_mission", mission, diagram, words="Checking the mission…")
        self._checking = (mission, diagram)
        self.job = run_with_progress(work, "Check mission", parent, on_done=done, on_error=failed, poll_ms=POLL_MS)
        self.job.cancelled.connect(cancelled)
        return self.job

    def stop_check(self) -> None:
        """Drop the check under way, if any (its child is stopped; no result comes)."""
        job = self.job
        if job is not None:
            self._ended()
            job.cancelled.disconnect()  # dropped, not cancelled by the learner: nothing to say
            job.cancel()

    def _ended(self) -> None:
        if self.job is not None:
            self.job.deleteLater()  # a ProgressRun is a child of the window: one kept per check otherwise
        self.job = self._checking = None

    def _show_result(self, mission: Mission, result: MissionResult) -> None:
        self.last_result = result
        if result.passed:
            self.progress.set_status(mission.id, PASSED)
            self.progress_changed.emit()
            self.host.show_message(f"Mission complete: {mission.title}.")
        else:
            self.progress.set_status(mission.id, IN_PROGRESS)
            self.progress_changed.emit()
            named = [n for p in result.problems for n in p.nodes]
            self.host.select_nodes(list(dict.fromkeys(named)))
        self.checked.emit(result)
        # The attempt is written in the next turn of the event loop, not in this one: its fsync took 3-49 ms,
        # on top of the result shown (10-30 ms) it made one block over 50 ms.
        QTimer.singleShot(0, self, self.save_attempt)

    def next_mission(self) -> Mission | None:
        return next_mission(self.mission) if self.mission is not None else None
