"""The mission browser: every mission as a card in lesson order (title, one-line goal, a picture of its
starter drawn by the canvas's own items, the learner's progress), on the start page.

Texts come from mission files, which a teacher may write: every label is plain text.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
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
        self._drawn = False

    def set_progress(self, status_of) -> None:
        for mission_id, card in self.cards.items():
            card.set_status(status_of(mission_id))

    def draw_pictures(self) -> None:
        """Draw each starter once (about 20 ms each: done after the window's first paint, not before)."""
        if self._drawn:
            return
        from ..files.export import thumbnail_image

        for card in self.cards.values():
            # Drawn at half size (the canvas's words and badges show from there), then shrunk smoothly: below
            # half size the items would draw their far-out blocks instead.
            image = thumbnail_image(card.mission.load_starter(), 4 * THUMB.width(), 4 * THUMB.height())
            image = image.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
            card.set_picture(QPixmap.fromImage(image))
        self._drawn = True
