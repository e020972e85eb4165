"""No work lost: while the diagram has unsaved changes it is written every few seconds to the user's data
folder; a copy whose program is no longer running (it crashed or was killed) is offered back at start.

Whether that program still runs is told by a lock it holds on ``<stem>.lock`` (the system drops the lock when
the process dies, however it dies); a pid alone is not enough, since a dead editor's pid may be reused by
another program after a reboot or in a container.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from shiboken6 import Shiboken

from ...core.fileio import DiagramError, atomic_write, load_diagram
from ...core.files import process_alive
from ...core.model import Diagram
from ..document import Document

AUTOSAVE_MS = 3000

try:
    import fcntl
except ImportError:  # Windows: no flock; the pid check alone decides
    fcntl = None


def autosave_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("statediagram", appauthor=False)) / "autosave"


@dataclass(frozen=True)
class Recovery:
    """An autosaved diagram left behind by a program that did not close cleanly."""

    diagram_file: Path
    meta_file: Path
    original_path: str | None
    saved_at: float

    def load(self) -> Diagram:
        return load_diagram(self.diagram_file).diagram

    def discard(self) -> None:
        self.diagram_file.unlink(missing_ok=True)
        self.meta_file.unlink(missing_ok=True)
        _lock_file(self.meta_file).unlink(missing_ok=True)

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.saved_at))
        name = Path(self.original_path).name if self.original_path else "an untitled diagram"
        return f"{name}, autosaved at {when}"


def _lock_file(meta_file: Path) -> Path:
    return meta_file.with_name(meta_file.name.replace(".meta.json", ".lock"))


def _lock_held(lock_file: Path) -> bool | None:
    """Whether a running program holds ``lock_file``; None when that cannot be told (no file, no flock)."""
    if fcntl is None:
        return None
    try:
        fd = os.open(lock_file, os.O_RDWR)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return None
    finally:
        os.close(fd)  # closing also releases the lock if we just took it
    return False


def find_recoveries(directory: Path | None = None) -> list[Recovery]:
    """Autosaves whose program is gone, newest first. Damaged ones are skipped, never deleted silently."""
    directory = directory or autosave_dir()
    found: list[Recovery] = []
    for meta_file in sorted(directory.glob("*.meta.json")):
        try:
            meta = json.loads(meta_file.read_text("utf-8"))
            pid = int(meta["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        diagram_file = meta_file.with_name(meta_file.name.replace(".meta.json", ".statediagram.json"))
        held = _lock_held(_lock_file(meta_file))
        if (held if held is not None else process_alive(pid, unknown=False)) or not diagram_file.exists():
            continue
        found.append(Recovery(diagram_file, meta_file, meta.get("path"), float(meta.get("saved_at", 0))))
    return sorted(found, key=lambda r: -r.saved_at)


class Autosaver(QObject):
    """Writes the document a few seconds after it becomes dirty, again while it stays dirty. ``failed`` says why
    when writing starts to fail (once, not at every attempt; again only after a write worked in between)."""

    failed = Signal(str)

    def __init__(self, doc: Document, interval_ms: int = AUTOSAVE_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.original_path: str | None = None
        self.error: str | None = None
        # One name per window: two windows of one program, or a new program given a dead one's pid, never
        # write over each other's work.
        stem = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.diagram_file = autosave_dir() / f"{stem}.statediagram.json"
        self.meta_file = autosave_dir() / f"{stem}.meta.json"
        self.lock_file = _lock_file(self.meta_file)
        self._lock_fd: int | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_now)
        doc.undo_stack.indexChanged.connect(self._on_change)
        doc.undo_stack.cleanChanged.connect(self._on_change)

    def set_interval(self, ms: int) -> None:
        self.timer.setInterval(ms)

    def _on_change(self, *_args) -> None:
        if not Shiboken.isValid(self.doc.undo_stack):
            return  # the stack announces its clearing while the window is being destroyed
        if self.doc.undo_stack.isClean():
            self.timer.stop()
            self.discard()
        elif not self.timer.isActive():
            self.timer.start()

    def save_now(self) -> None:
        if self.doc.undo_stack.isClean():
            return
        try:
            self.diagram_file.parent.mkdir(parents=True, exist_ok=True)
            self._hold_lock()
            atomic_write(self.diagram_file, self.doc.to_json().encode("utf-8"))
            meta = {"pid": os.getpid(), "path": self.original_path, "saved_at": time.time()}
            atomic_write(self.meta_file, json.dumps(meta).encode("utf-8"))
            self.error = None
        except OSError as exc:
            told = self.error is not None
            self.error = f"{self.diagram_file.parent}: {exc.strerror or exc}"
            if not told:
                self.failed.emit(self.error)

    def _hold_lock(self) -> None:
        """Hold ``lock_file`` for as long as this program runs (or until the autosave is discarded)."""
        if fcntl is None or self._lock_fd is not None:
            return
        fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise
        self._lock_fd = fd

    def discard(self) -> None:
        _remove(self.diagram_file)
        _remove(self.meta_file)
        if self._lock_fd is not None:
            _remove(self.lock_file)
            os.close(self._lock_fd)
            self._lock_fd = None


def _remove(path: Path) -> None:
    """Remove our own file if it is there; a folder that cannot even be looked into holds nothing to remove."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


__all__ = ["Autosaver", "DiagramError", "Recovery", "autosave_dir", "find_recoveries"]
