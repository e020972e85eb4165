"""The "Run for real" window: runs ``statediagram live --events`` on the diagram and shows it as it goes.

The live run is a child process (QProcess), so the app stays responsive and the run's own clean-up (every
process it started stopped, its folders removed) happens whatever the window does: Stop and closing the window
send it SIGTERM and wait for it. Its events (one JSON line per answer and per fault) update the counters and
the nodes' states; the report, the same as the simulation's, ends it. Crash, Restart and Replace send a fault
for the selected node on the run's stdin: the real process is killed. All text from the file is plain text.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QProcess, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from ...core.fileio import diagram_to_json
from ...core.model import Diagram

TOTALS = (("requests", "Requests"), ("ok", "OK"), ("lost_sessions", "Lost sessions"), ("lost_files", "Lost files"),
          ("lost_data", "Lost data"), ("outages", "Outages"), ("failover_errors", "Failover errors"))
OUTCOME_KEYS = {"ok": "ok", "lost_session": "lost_sessions", "lost_file": "lost_files", "lost_data": "lost_data",
                "outage": "outages", "failover_error": "failover_errors"}
MAX_LINE = 1 << 20  # one event line; the report is the longest
STOP_WAIT_MS = 20_000  # the run stops its processes and removes its folders within this


def _plain(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class LiveRunDialog(QDialog):
    """Runs one diagram for real and shows the run."""

    finished_run = Signal(dict)  # the report, when the run ends with one

    def __init__(self, diagram: Diagram, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Run for real")
        self.diagram = diagram
        self.process: QProcess | None = None
        self.report: dict | None = None
        self.totals = dict.fromkeys(k for k, _ in TOTALS)
        self.down: set[str] = set()
        self.nodes: dict[str, str] = {}
        self._buffer = b""
        self._file: Path | None = None
        self._stderr = b""

        self.status = _plain(QLabel("Starts every node as a real process on this machine (HAProxy, uvicorn, "
                                    "redis-server, PostgreSQL, an S3 server) and crashes them for real."))
        self.status.setWordWrap(True)
        self.speed = QComboBox()
        for x in ("1", "2", "4"):
            self.speed.addItem(f"{x}x", float(x))
        self.speed.setToolTip("How much faster than the scenario's seconds the run goes")
        self.start_button = QPushButton("&Start")
        self.start_button.setToolTip("Start every node as a real process and run the scenario")
        self.start_button.clicked.connect(self.start)
        self.stop_button = QPushButton("S&top")
        self.stop_button.setToolTip("Stop the run: every process it started is stopped and its folders removed")
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(QLabel("Speed:"))
        top.addWidget(self.speed)
        top.addStretch(1)
        top.addWidget(self.start_button)
        top.addWidget(self.stop_button)

        form = QFormLayout()
        self.counter_labels: dict[str, QLabel] = {}
        for key, text in TOTALS:
            label = _plain(QLabel("0"))
            self.counter_labels[key] = label
            form.addRow(text + ":", label)

        self.node_list = QListWidget()
        self.node_list.setToolTip("The nodes running for real; select one to crash, restart or replace it")
        self.crash_button = QPushButton("&Crash")
        self.crash_button.setToolTip("Kill the selected node's real process (SIGKILL)")
        self.restart_button = QPushButton("&Restart")
        self.restart_button.setToolTip("Start the selected node's process again")
        self.replace_button = QPushButton("Re&place")
        self.replace_button.setToolTip("Replace the selected node by a new blank machine")
        faults = QHBoxLayout()
        for button, action in ((self.crash_button, "crash"), (self.restart_button, "restart"),
                               (self.replace_button, "replace")):
            button.clicked.connect(lambda _=False, a=action: self.send_fault(a))
            button.setEnabled(False)
            faults.addWidget(button)

        self.verdict = _plain(QLabel(""))
        font = self.verdict.font()
        font.setBold(True)
        self.verdict.setFont(font)
        self.findings = QPlainTextEdit()
        self.findings.setReadOnly(True)
        self.findings.setPlaceholderText("The report appears here when the run ends.")

        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(top)
        middle = QHBoxLayout()
        middle.addLayout(form)
        nodes = QVBoxLayout()
        nodes.addWidget(self.node_list)
        nodes.addLayout(faults)
        middle.addLayout(nodes, 1)
        layout.addLayout(middle)
        layout.addWidget(self.verdict)
        layout.addWidget(self.findings, 1)
        self.resize(720, 560)

    # --- the run ------------------------------------------------------------------------------------------

    def start(self) -> None:
        if self.process is not None:
            return
        with tempfile.NamedTemporaryFile("w", suffix=".statediagram.json", delete=False, encoding="utf-8") as f:
            f.write(diagram_to_json(self.diagram))
        self._file = Path(f.name)
        self.report = None
        self.totals = dict.fromkeys(self.totals, 0)
        self._show_totals()
        self.process = QProcess(self)
        self.process.setProgram(sys.executable)
        self.process.setArguments(["-m", "statediagram", "live", str(self._file), "--events",
                                   "--speed", f"{self.speed.currentData():g}"])
        self.process.readyReadStandardOutput.connect(self._read)
        self.process.readyReadStandardError.connect(self._read_errors)
        self.process.finished.connect(self._ended)
        self.status.setText("Starting every node as a real process...")
        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.process.start()

    def stop(self) -> None:
        """Stop the run: SIGTERM, then wait for it to stop its processes and remove its folders."""
        p = self.process
        if p is None or p.state() == QProcess.ProcessState.NotRunning:
            return
        self.status.setText("Stopping: every process the run started is being stopped...")
        p.terminate()
        if not p.waitForFinished(STOP_WAIT_MS):
            p.kill()
            p.waitForFinished(2000)

    def send_fault(self, action: str) -> None:
        item = self.node_list.currentItem()
        if item is None or self.process is None or self.process.state() != QProcess.ProcessState.Running:
            return
        line = json.dumps({"node": item.data(Qt.ItemDataRole.UserRole), "action": action}) + "\n"
        self.process.write(line.encode())

    def _read(self) -> None:
        self._buffer += bytes(self.process.readAllStandardOutput())
        *lines, self._buffer = self._buffer.split(b"\n")
        if len(self._buffer) > MAX_LINE:
            self._buffer = b""
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict):
                self._event(event)

    def _read_errors(self) -> None:
        self._stderr = (self._stderr + bytes(self.process.readAllStandardError()))[-4000:]

    def _event(self, event: dict) -> None:
        kind = event.get("event")
        if kind == "started":
            self.nodes = {str(k): str(v) for k, v in dict(event.get("nodes", {})).items()}
            self.node_list.clear()
            for node, label in self.nodes.items():
                item = QListWidgetItem(f"{label}: running")
                item.setData(Qt.ItemDataRole.UserRole, node)
                self.node_list.addItem(item)
            for b in (self.crash_button, self.restart_button, self.replace_button):
                b.setEnabled(True)
            self.status.setText(f"Running: every node started in {event.get('start_s', 0):.1f} s; scenario "
                                f"{event.get('duration_s', 0):g} s at speed {event.get('speed', 1):g}")
        elif kind == "answer":
            key = OUTCOME_KEYS.get(str(event.get("outcome")))
            if key is not None:
                self.totals[key] += 1
                self.totals["requests"] += 1
                self._show_totals()
        elif kind == "fault":
            node, action = str(event.get("node")), str(event.get("action"))
            if action == "crash":
                self.down.add(node)
            else:
                self.down.discard(node)
            self._show_node(node, f"{action} at {float(event.get('t', 0)):.1f} s")
        elif kind == "report":
            self.report = event.get("report") if isinstance(event.get("report"), dict) else None

    def _show_totals(self) -> None:
        for key, label in self.counter_labels.items():
            label.setText(str(self.totals[key]))

    def _show_node(self, node: str, what: str) -> None:
        for i in range(self.node_list.count()):
            item = self.node_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == node:
                state = "down" if node in self.down else "running"
                item.setText(f"{self.nodes.get(node, node)}: {state} ({what})")

    def _ended(self, code: int, _status) -> None:
        for b in (self.crash_button, self.restart_button, self.replace_button, self.stop_button):
            b.setEnabled(False)
        self.start_button.setEnabled(True)
        self.process = None
        if self._file is not None:
            self._file.unlink(missing_ok=True)
            self._file = None
        if self.report is not None:
            r = self.report  # the report as JSON from the run's process: the contract's object, read by its keys
            counted = r.get("totals", {})
            self.totals = {k: int(counted.get(k, 0)) for k in self.totals}
            self._show_totals()
            self.verdict.setText(("SURVIVES" if r.get("survives") else "DOES NOT SURVIVE")
                                 + f": scenario {r.get('scenario')}, journey {r.get('journey')}, run for real")
            self.findings.setPlainText("\n".join(f"[{f.get('severity')}] {f.get('message')}"
                                                 for f in r.get("findings", [])))
            self.status.setText("Finished: every process the run started was stopped and its folders removed.")
            self.finished_run.emit(r)
        elif code in (130, 143):
            self.status.setText("Stopped: every process the run started was stopped and its folders removed.")
        else:
            why = self._stderr.decode(errors="replace").strip().splitlines()
            self.status.setText("The run could not go on: " + (why[-1] if why else f"exit status {code}"))

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.stop()
        super().closeEvent(event)
