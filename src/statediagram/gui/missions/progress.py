"""The learner's progress on each mission (not started, in progress, passed), kept in QSettings, and the
autosaved attempt of each mission, so a restart finds both again.

The settings live in an INI file in the user's config folder (found when asked, so a test can point the
folder elsewhere); a test may also give its own QSettings.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from ...core.fileio import DiagramError, atomic_write, diagram_to_json, load_diagram
from ...core.model import Diagram

NOT_STARTED, IN_PROGRESS, PASSED = "not_started", "in_progress", "passed"
STATUS_WORDS = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", PASSED: "Passed"}
# A sign with every status: never colour alone.
STATUS_SIGNS = {NOT_STARTED: "○", IN_PROGRESS: "◐", PASSED: "✓"}


def _config_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("statediagram", appauthor=False))


def _attempts_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("statediagram", appauthor=False)) / "missions"


def default_settings() -> QSettings:
    return QSettings(str(_config_dir() / "missions.ini"), QSettings.Format.IniFormat)


class MissionProgress:
    """Status per mission id, and the learner's autosaved attempt per mission."""

    def __init__(self, settings: QSettings | None = None, attempts: Path | None = None) -> None:
        self.settings = settings if settings is not None else default_settings()
        self.attempts = attempts if attempts is not None else _attempts_dir()

    def status(self, mission_id: str) -> str:
        value = self.settings.value(f"progress/{mission_id}", NOT_STARTED)
        return value if value in STATUS_WORDS else NOT_STARTED

    def set_status(self, mission_id: str, status: str) -> None:
        # Passed stays passed: reworking a finished mission does not take the tick away.
        if status == IN_PROGRESS and self.status(mission_id) == PASSED:
            return
        self.settings.setValue(f"progress/{mission_id}", status)
        self.settings.sync()

    def reset(self, mission_id: str) -> None:
        self.settings.remove(f"progress/{mission_id}")
        self.settings.sync()
        self.attempt_path(mission_id).unlink(missing_ok=True)

    def attempt_path(self, mission_id: str) -> Path:
        return self.attempts / f"{mission_id}.statediagram.json"

    def save_attempt(self, mission_id: str, diagram: Diagram) -> str | None:
        """Autosave the attempt; why it could not be saved (a full or read-only disk), or None."""
        path = self.attempt_path(mission_id)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, diagram_to_json(diagram).encode("utf-8"))
        except OSError as exc:
            return f"The mission's attempt could not be autosaved ({exc.strerror or exc}); save it with Ctrl+S."
        return None

    def load_attempt(self, mission_id: str) -> Diagram | None:
        """The autosaved attempt, or None when there is none or it cannot be read."""
        path = self.attempt_path(mission_id)
        if not path.is_file():
            return None
        try:
            return load_diagram(path).diagram
        except DiagramError:
            return None
