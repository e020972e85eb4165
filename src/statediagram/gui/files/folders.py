"""One remembered folder for Open, Save and Export: the folder of the last file opened, saved or exported.

Kept in the user's settings (QSettings, an INI file in the user's config folder) so the next start opens there
too; a test gives its own QSettings. A remembered folder that has gone since is forgotten: the home folder then.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

KEY = "files/folder"


def default_settings() -> QSettings:
    import platformdirs

    folder = Path(platformdirs.user_config_dir("statediagram", appauthor=False))
    return QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)


class RememberedFolder:
    """Where the Open, Save and Export dialogs start."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings if settings is not None else default_settings()

    def folder(self) -> str:
        saved = self.settings.value(KEY, "", str)
        if saved and Path(saved).is_dir():
            return saved
        return str(Path.home())

    def remember(self, file_path: str) -> None:
        """Remember the folder holding ``file_path`` (a file just opened, saved or exported)."""
        folder = Path(file_path).resolve().parent
        if str(folder) != self.settings.value(KEY, "", str):
            self.settings.setValue(KEY, str(folder))
            self.settings.sync()
