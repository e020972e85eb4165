"""The mission panel, docked while a mission is open: the goal in full, the lesson's words for what goes wrong,
what Check mission looks at, hints one at a time, **Check mission**, and its result.

The result is a celebration and the next mission when passed, or the reasons in the learner's words; a
reason's nodes are highlighted on the canvas (clicking a reason highlights its own). Mission texts come from
files a teacher writes, and reasons quote labels a learner wrote: everything here is plain text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...missions import Mission, MissionResult
from ..plain_text import clip, menu_text, plain_label

NODES_ROLE = Qt.ItemDataRole.UserRole
PASSED_STYLE = ("QLabel { background: #e3f4e8; color: #1a6b3c; border: 2px solid #2e8b57; border-radius: 8px; "
                "padding: 10px; font-size: 14pt; font-weight: 700; }")
FAILED_STYLE = ("QLabel { background: #fdecea; color: #8c2a0c; border: 2px solid #c0502b; border-radius: 8px; "
                "padding: 8px; font-size: 12pt; font-weight: 700; }")


def _heading(text: str) -> QLabel:
    label = plain_label(text)
    label.setStyleSheet("font-weight: 600; color: #4a5263; margin-top: 6px;")
    return label


class MissionPanel(QWidget):
    """What the learner needs while working on one mission."""

    check_requested = Signal()
    nodes_chosen = Signal(list)
    next_requested = Signal(str)
    compare_requested = Signal()
    start_over_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("missionPanel")
        self.mission: Mission | None = None
        self.shown_hints = 0
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        self.body = QVBoxLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        self.title = plain_label()
        self.title.setStyleSheet("font-size: 13pt; font-weight: 700;")
        self.title.setWordWrap(True)
        self.goal = plain_label()
        self.situation = plain_label()
        self.situation.setStyleSheet("background: #fff8e1; border: 1px solid #f0c36d; border-radius: 6px; "
                                     "padding: 6px;")
        self.checklist = plain_label()
        self.hints = plain_label()
        for label in (self.goal, self.situation, self.checklist, self.hints):
            label.setWordWrap(True)
        self.hint_button = QPushButton("Show a hint")
        self.hint_button.clicked.connect(self.show_next_hint)
        self.body.addWidget(self.title)
        self.body.addWidget(_heading("Goal"))
        self.body.addWidget(self.goal)
        self.body.addWidget(_heading("What goes wrong today"))
        self.body.addWidget(self.situation)
        self.body.addWidget(_heading("Check mission looks at"))
        self.body.addWidget(self.checklist)
        self.body.addWidget(_heading("Hints"))
        self.body.addWidget(self.hints)
        self.body.addWidget(self.hint_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.body.addStretch(1)

        self.check_button = QPushButton("Check mission")
        self.check_button.setObjectName("checkMission")
        self.check_button.setStyleSheet("QPushButton { font-weight: 700; padding: 6px 14px; }")
        self.check_button.setToolTip("Run the mission's scenario and check its rules (Ctrl+Enter)")
        self.check_button.clicked.connect(self.check_requested)
        self.result = plain_label()
        self.result.setWordWrap(True)
        self.result.hide()
        self.result_detail = plain_label()
        self.result_detail.setWordWrap(True)
        self.result_detail.hide()
        self.reasons = QListWidget()
        self.reasons.setObjectName("missionReasons")
        self.reasons.setWordWrap(True)
        self.reasons.setAccessibleName("Why the mission is not passed yet")
        self.reasons.setToolTip("Click a reason to highlight the nodes it names")
        self.reasons.hide()
        self.reasons.currentItemChanged.connect(self._reason_chosen)
        self.next_button = QPushButton()
        self.next_button.hide()
        self.next_button.clicked.connect(self._next)
        row = QHBoxLayout()
        self.compare_button = QPushButton("Compare with the starter")
        self.compare_button.setToolTip("Run this design and the mission's starter side by side")
        self.compare_button.clicked.connect(self.compare_requested)
        self.start_over_button = QPushButton("Start over")
        self.start_over_button.setToolTip("Go back to the mission's starter (asks first: your changes are replaced)")
        self.start_over_button.clicked.connect(self.start_over_requested)
        row.addWidget(self.compare_button)
        row.addWidget(self.start_over_button)
        outer.addWidget(self.check_button)
        outer.addWidget(self.result)
        outer.addWidget(self.result_detail)
        outer.addWidget(self.reasons)
        outer.addWidget(self.next_button)
        outer.addLayout(row)
        self.setMinimumWidth(320)

    def show_mission(self, mission: Mission) -> None:
        self.mission = mission
        self.shown_hints = 0
        self.title.setText(clip(mission.title, 200))
        self.goal.setText(clip(mission.goal))
        self.situation.setText(clip(mission.situation) or "(no description of the starter's problem)")
        self.checklist.setText("\n".join(f"• {line}" for line in mission.checklist()) or "(hidden rules only)")
        self._show_hints()
        self.clear_result()

    def show_next_hint(self) -> None:
        if self.mission is not None and self.shown_hints < len(self.mission.hints):
            self.shown_hints += 1
            self._show_hints()

    def _show_hints(self) -> None:
        hints = self.mission.hints if self.mission else ()
        shown = hints[: self.shown_hints]
        self.hints.setText("\n".join(f"{i + 1}. {clip(h)}" for i, h in enumerate(shown)) or "Try on your own first.")
        left = len(hints) - self.shown_hints
        self.hint_button.setEnabled(left > 0)
        self.hint_button.setText(f"Show a hint ({self.shown_hints + 1} of {len(hints)})" if left else "No more hints")

    def clear_result(self) -> None:
        self.result.hide()
        self.result_detail.hide()
        self.reasons.hide()
        self.reasons.clear()
        self.next_button.hide()

    def show_result(self, result: MissionResult, next_mission: Mission | None) -> None:
        self.reasons.clear()
        self.result.show()
        if result.passed:
            self.result.setStyleSheet(PASSED_STYLE)
            self.result.setText(f"★ Mission complete! ★\n{self.mission.title if self.mission else ''}")
            self.result_detail.setText(clip(result.reasons[0]) if result.reasons else "")
            self.result_detail.show()
            self.reasons.hide()
            if next_mission is not None:
                self.next_button.setText(f"Next mission: {menu_text(next_mission.title)} →")
                self.next_button.setProperty("mission", next_mission.id)
                self.next_button.show()
            else:
                self.next_button.hide()
            return
        self.next_button.hide()
        self.result_detail.hide()
        self.result.setStyleSheet(FAILED_STYLE)
        count = len({p.rule for p in result.problems})  # the run's losses are one thing: its verdict
        self.result.setText(f"✗ Not passed yet: {count} {'rule fails' if count == 1 else 'rules fail'}")
        for problem in result.problems:
            item = QListWidgetItem(clip(problem.reason))
            item.setData(NODES_ROLE, list(problem.nodes))
            self.reasons.addItem(item)
        self.reasons.show()

    def _reason_chosen(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is not None and item.data(NODES_ROLE):
            self.nodes_chosen.emit(list(item.data(NODES_ROLE)))

    def _next(self) -> None:
        mission_id = self.next_button.property("mission")
        if mission_id:
            self.next_requested.emit(str(mission_id))
