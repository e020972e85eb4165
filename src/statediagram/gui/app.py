"""The desktop app's front door."""

from __future__ import annotations

import sys


def run_app(path: str | None = None) -> int:
    """Show the main window (opening ``path`` if given), run the event loop, return the exit code."""
    from PySide6.QtWidgets import QApplication

    from .window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("statediagram")
    app.setApplicationDisplayName("statediagram")
    app.setOrganizationName("statediagram")
    window = MainWindow()
    window.show()
    if path:
        window.open_path(path)
    else:
        window.offer_recovery()
    return app.exec()
