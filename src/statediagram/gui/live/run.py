"""Run for real on the canvas: the diagram as real processes, played with the simulation's own tokens, counters
and verdict.

The run is a child process, ``statediagram live FILE --events`` (a QProcess: the window never waits on it). Its
events, one JSON line per answer and per fault, feed a ``live.feed.LiveReplay``, which the simulation's player
shows like any run. Crash, Restart and Replace by hand (the bar, the menu, a right-click on a node) are written to
the run's stdin: the real process is killed with SIGKILL. The run's own clean-up stops every process it started
and removes its folders on SIGTERM: Stop, a new run, a new file and closing the window all send it; closing the
window waits for it (bounded), so nothing is left when the app is gone.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, QObject, QProcess, QProcessEnvironment
from PySide6.QtWidgets import QMessageBox, QWidget

from ...core.fileio import diagram_to_json
from ...live.feed import LiveReplay
from ...sim.replay import RunSetup
from ...sim.scenario import RunTooBig, resolve
from ..plain_text import notice
from ..simulation.panel import SimulationUI
from ..simulation.player import copy_for_run
from ..simulation.tokens import MIN_TRIP_US

MAX_LINE = 1 << 20  # one event line; the report is the longest
STOP_WAIT_MS = 20_000  # the run stops its processes and removes its folders within this (2-3 s measured)
SPEEDS = (1.0, 2.0, 4.0, 8.0)  # the run's pace: the bar's playback speed, where the run can go that fast
ERROR_TAIL = 4000  # characters of the run's stderr kept, for the reason it could not go on


class LiveRunner(QObject):
    """Starts, feeds, steers and stops one run for real at a time, shown through ``ui`` (the simulation's)."""

    def __init__(self, ui: SimulationUI, window: QWidget | None = None) -> None:
        super().__init__(ui)
        self.ui = ui
        self.window = window
        self.process: QProcess | None = None
        self.replay: LiveReplay | None = None
        self._buffer = b""
        self._stderr = b""
        self._file: Path | None = None
        self.message: QMessageBox | None = None  # the last "cannot run for real" message shown
        self.stopping = False  # Stop was asked for: the end says so, not that the run could not go on
        self._run_tip = ui.controls.live_action.toolTip()
        if window is not None:
            window.installEventFilter(self)  # closing the window stops the run and waits for its clean-up

    # --- starting -----------------------------------------------------------------------------------------

    def start(self) -> None:
        ui = self.ui
        scenario, journey, seed = ui.controls.choices()
        diagram = copy_for_run(ui.controller.diagram())
        problem = self._cannot_run(diagram, scenario, journey, seed)
        if problem:
            ui.stop()
            self._tell("Cannot run for real", problem)
            return
        self.shutdown(wait=False)  # one run at a time (it goes on cleaning up by itself)
        speed = self._speed()
        with tempfile.NamedTemporaryFile("w", suffix=".statediagram.json", delete=False, encoding="utf-8") as f:
            f.write(diagram_to_json(diagram))
        self._file = Path(f.name)
        args = ["-m", "statediagram", "live", str(self._file), "--events", "--speed", f"{speed:g}"]
        for flag, value in (("--scenario", scenario), ("--journey", journey), ("--seed", seed)):
            if value is not None:
                args += [flag, str(value)]
        process = QProcess(self)
        process.setProgram(sys.executable)
        process.setArguments(args)
        env = QProcessEnvironment.systemEnvironment()
        env.insert("PYTHONPATH", ":".join(p for p in sys.path if p))  # the same package as the app's own
        process.setProcessEnvironment(env)
        process.readyReadStandardOutput.connect(self._read)
        process.readyReadStandardError.connect(self._read_errors)
        process.finished.connect(lambda code, _status, p=process: self._ended(p, code))
        self.process, self._buffer, self._stderr, self.stopping = process, b"", b"", False
        replay = LiveReplay(RunSetup(diagram, scenario, journey, seed), MIN_TRIP_US, self._send_fault,
                            lambda p=process: self._stop(p))
        self.replay = replay
        ui.report = None
        ui.controller.layer.set_highlight(())
        ui.panel.verdict.running("Starting every node as a real process…")
        ui.controller.player.start_live(replay)
        ui.controls.set_running(True)
        ui.controls.set_live(True)
        self._show_running(True)
        process.start()

    def toggle(self) -> None:
        """Run for real, or, while a run goes, stop it (the picture of what it did stays)."""
        if self.running:
            self.stop()
        else:
            self.start()

    def stop(self) -> None:
        """Stop the run: it stops every process it started and removes its folders (not waited for here)."""
        if self.running:
            self.stopping = True
            self.ui.panel.verdict.tell("<b>Stopping:</b> every process the run started is being stopped…")
            self._stop(self.process)

    def _show_running(self, running: bool) -> None:
        action = self.ui.controls.live_action
        action.setText("Stop for real" if running else "Run for real")
        action.setToolTip("Stop the run for real: every process it started is stopped and its folders removed "
                          "(Ctrl+F5)" if running else self._run_tip)

    def _speed(self) -> float:
        """The bar's playback speed, as the run's pace (the nearest it can go), and the bar then says so."""
        combo = self.ui.controls.speed
        wanted = float(combo.currentData() or 1.0)
        speed = min(SPEEDS, key=lambda s: abs(s - wanted))
        index = combo.findData(speed)
        if index >= 0:
            combo.setCurrentIndex(index)
        self.ui.controller.player.set_speed(speed)
        return speed

    @staticmethod
    def _cannot_run(diagram, scenario, journey, seed) -> str:
        """Why this design cannot run for real here, told before anything starts ("" when it can)."""
        from ...live import CannotRunLive, check_runnable, missing_modules

        try:
            resolve(diagram, scenario, journey, seed)
            check_runnable(diagram)
        except (RunTooBig, CannotRunLive, ValueError) as exc:
            return str(exc)
        missing = missing_modules()
        if missing:
            return ("Running for real needs Python packages that are not installed: " + ", ".join(missing)
                    + ". Install them with: pip install 'statediagram[live]'")
        return ""

    # --- the run's events ---------------------------------------------------------------------------------

    def _read(self) -> None:
        process = self.sender()
        if not isinstance(process, QProcess) or process is not self.process:
            return
        self._buffer += bytes(process.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        if len(self._buffer) > MAX_LINE:
            self._buffer = b""
        replay = self.replay
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if not isinstance(event, dict) or replay is None:
                continue
            replay.feed(event)
            kind = event.get("event")
            if kind == "started" and self._shown(replay):
                self.ui.panel.verdict.running(f"Running for real (every node started in {replay.start_s:.1f} s):")
            elif kind == "fault" and self._shown(replay) and replay.extra_faults:
                self.ui.controls.timeline.set_run(replay.end, replay.faults, replay.extra_faults, replay.labels)

    def _read_errors(self) -> None:
        process = self.sender()
        if isinstance(process, QProcess):
            self._stderr = (self._stderr + bytes(process.readAllStandardError().data()))[-ERROR_TAIL:]

    def _send_fault(self, node: str, action: str) -> None:
        p = self.process
        if p is not None and p.state() == QProcess.ProcessState.Running:
            p.write((json.dumps({"node": node, "action": action}) + "\n").encode())

    def _shown(self, replay: LiveReplay) -> bool:
        return replay is self.ui.controller.player.replay

    def _ended(self, process: QProcess, code: int) -> None:
        if process is self.process:
            self._read_rest(process)
            self.process = None
            replay = self.replay
            self._show_running(False)
            if replay is not None and replay.report is None and self._shown(replay) and self.stopping:
                replay.failed = "stopped"
                self.ui.panel.verdict.tell(
                    "<b>Stopped:</b> every process the run started was stopped and its folders removed; a run cut "
                    "short has no verdict.")
                self.ui.controller.player.set_playing(False)
            elif replay is not None and replay.report is None and self._shown(replay) and not replay.closed:
                why = self._stderr.decode(errors="replace").strip().splitlines()
                replay.failed = why[-1] if why else f"the run ended with exit status {code}"
                self.ui.panel.verdict.tell_plain(f"The run for real could not go on: {replay.failed}")
                self.ui.controller.player.set_playing(False)
        if self._file is not None and self.process is None:
            self._file.unlink(missing_ok=True)
            self._file = None
        process.deleteLater()

    def _read_rest(self, process: QProcess) -> None:
        rest = bytes(process.readAllStandardOutput().data())
        if rest:
            self._buffer += rest + b"\n"
            *lines, self._buffer = self._buffer.split(b"\n")
            for line in lines:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if isinstance(event, dict) and self.replay is not None:
                    self.replay.feed(event)

    # --- stopping -----------------------------------------------------------------------------------------

    def _stop(self, process: QProcess) -> None:
        """The run is no longer shown: it stops its processes and removes its folders (SIGTERM; not waited for)."""
        if shiboken6.isValid(process) and process.state() != QProcess.ProcessState.NotRunning:
            process.terminate()

    def shutdown(self, wait: bool = True) -> None:
        """Stop the run; with ``wait``, until it has stopped every process it started (bounded)."""
        p = self.process
        if p is None:
            return
        self._stop(p)
        if wait and p.state() != QProcess.ProcessState.NotRunning and not p.waitForFinished(STOP_WAIT_MS):
            p.kill()  # it did not clean up in time: at least it does not outlive the app
            p.waitForFinished(2000)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.state() != QProcess.ProcessState.NotRunning

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.window and event.type() == QEvent.Type.Close and self.running:
            self.shutdown(wait=True)
        return False

    def _tell(self, title: str, text: str) -> None:
        self.message = notice(self.window, QMessageBox.Icon.Warning, title, text)  # it may quote the file
