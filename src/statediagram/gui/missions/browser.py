"""The mission browser: every mission as a card in lesson order (title, one-line goal, a picture of its
starter drawn by the canvas's own items, the learner's progress), on the start page.

Texts come from mission files, which a teacher may write: every label is plain text.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...missions import Mission
from ..plain_text import clip, plain_label, tip
from .progress import IN_PROGRESS, PASSED, STATUS_SIGNS, STATUS_WORDS

THUMB = QSize(240, 110)
COLUMNS = 3
_STATUS_STYLE = {  # the sign and the word carry the meaning; the colour only helps
    PASSED: "color: #1a6b3c; font-weight: 600;",
    IN_PROGRESS: "color: #8a5a00; font-weight: 600;",
}


class MissionCard(QFrame):
    """One mission: its starter's picture, title, one-line goal, progress, and an Open button."""

    chosen = Signal(str)

    def __init__(self, mission: Mission, number: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mission = mission
        self.setObjectName("missionCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("QFrame#missionCard { background: white; border: 1px solid #cfd5df; border-radius: 8px; }")
        box = QVBoxLayout(self)
        self.picture = QLabel()
        self.picture.setFixedSize(THUMB)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setAccessibleName(f"Starter of {mission.title}")
        box.addWidget(self.picture)
        self.title = plain_label(f"{number}. {clip(mission.title, 200)}")
        self.title.setStyleSheet("font-weight: 600; font-size: 11pt;")
        self.title.setWordWrap(True)
        box.addWidget(self.title)
        self.goal = plain_label(clip(mission.summary, 300))
        self.goal.setWordWrap(True)
        self.goal.setToolTip(tip(mission.goal))
        box.addWidget(self.goal)
        self.status = plain_label()
        box.addWidget(self.status)
        self.open_button = QPushButton("Open mission")
        self.open_button.setToolTip(tip(f"Open the starter of “{mission.title}” with its goal, hints and Check"))
        self.open_button.clicked.connect(lambda: self.chosen.emit(self.mission.id))
        box.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.setFixedWidth(THUMB.width() + 24)

    def set_status(self, status: str) -> None:
        self.status.setText(f"{STATUS_SIGNS[status]} {STATUS_WORDS[status]}")
        self.status.setStyleSheet(_STATUS_STYLE.get(status, "color: #4a5263;"))
        self.open_button.setText("Continue" if status == IN_PROGRESS else "Open mission")

    def set_picture(self, pixmap: QPixmap) -> None:
        self.picture.setPixmap(pixmap)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton:
            self.chosen.emit(self.mission.id)
        super().mousePressEvent(event)


class MissionBrowser(QWidget):
    """The cards of every mission, three to a row, in lesson order."""

    mission_chosen = Signal(str)

    def __init__(self, missions: list[Mission], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("missionBrowser")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(10)
        self.cards: dict[str, MissionCard] = {}
        for i, mission in enumerate(missions):
            card = MissionCard(mission, i + 1)
            card.chosen.connect(self.mission_chosen)
            grid.addWidget(card, i // COLUMNS, i % COLUMNS)
            self.cards[mission.id] = card
        self._undrawn = list(self.cards)  # the cards whose picture is still to be drawn

    def set_progress(self, status_of) -> None:
        for mission_id, card in self.cards.items():
            card.set_status(status_of(mission_id))

    def draw_pictures(self) -> None:
        """Draw every starter's picture not drawn yet, now."""
        while self._draw_next():
            pass

    def draw_pictures_in_turns(self) -> None:
        """Draw the starters' pictures one per turn of the event loop (about 20 ms each; after the window's first
        paint). All seven in one call held the window 0.1-0.2 s, and a run started at once felt it
        (bench_promotions.py --play --stuck)."""
        if self._draw_next():
            QTimer.singleShot(0, self, self.draw_pictures_in_turns)

    def _draw_next(self) -> bool:
        """Draw the next card's picture; False when every card has its picture."""
        if not self._undrawn:
            return False
        from ..files.export import thumbnail_image

        card = self.cards[self._undrawn.pop(0)]
        # Drawn at half size (the canvas's words and badges show from there), then shrunk smoothly: below half size
        # the items would draw their far-out blocks instead.
        image = thumbnail_image(card.mission.load_starter(), 4 * THUMB.width(), 4 * THUMB.height())
        image = image.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        card.set_picture(QPixmap.fromImage(image))
        return True
