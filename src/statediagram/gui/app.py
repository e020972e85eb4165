"""The desktop app's front door."""

from __future__ import annotations

import sys

# The node cards' cached pictures (canvas/items.py): a screenful at any zoom, with room to spare. Qt's default
# (10 MB) is too small for a 2,000-node diagram zoomed out: pictures are drawn again on every pan step.
# Measured (A/B in one process, pan and zoom on the 2,000-node file, busy 2-core machine): median frame
# 10 ms with 64 MB, 19 ms with the default; p95 24 ms vs 59 ms.
PICTURE_CACHE_KB = 64 * 1024


def set_up_application(app) -> None:
    """What the app sets once for its process, at start: its names, and room for the cards' pictures.

    The picture cache's size is Qt's one process-wide setting for every cached picture; only the app's own
    start sets it (run_app, and the benchmarks that time the app as it starts)."""
    from PySide6.QtGui import QPixmapCache

    app.setApplicationName("statediagram")
    app.setApplicationDisplayName("statediagram")
    app.setOrganizationName("statediagram")
    QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), PICTURE_CACHE_KB))
    app.aboutToQuit.connect(release_clipboard)


def release_clipboard() -> None:
    """Let go of what we put on the clipboard before the process ends.

    Qt deletes the clipboard's data when the application object goes, which at Python's exit comes after
    PySide has let go of its side: a process that copied nodes and then quit ended in a segmentation fault
    (seen offscreen, every time). Another program that took the clipboard since keeps what it put there; the
    offscreen platform's clipboard is the process's own (it never says it owns it)."""
    from PySide6.QtGui import QGuiApplication

    board = QGuiApplication.clipboard()
    if board.ownsClipboard() or QGuiApplication.platformName() == "offscreen":
        board.clear()


def run_app(path: str | None = None) -> int:
    """Show the main window (opening ``path`` if given), run the event loop, return the exit code."""
    from PySide6.QtWidgets import QApplication

    from .window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    set_up_application(app)
    window = MainWindow()
    window.show()
    if path:
        window.opener.open(path)  # a big file behind a progress dialog
    else:
        window.offer_recovery()
    return app.exec()
