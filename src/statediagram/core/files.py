"""Reading and writing a learner's files safely: bounded reads of regular files only, atomic writes.

Student files are untrusted: a FIFO must not block, /dev/zero must not be read, a file is read up to a size
cap. A write never leaves a half-written file, and the temporary files of a killed write are cleaned up later.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from .limits import MAX_FILE_BYTES
from .text import brief


class DiagramError(ValueError):
    """A diagram file that cannot be read. The message names where, the rule, and the fix."""

    def __init__(self, where: str, rule: str, fix: str = "") -> None:
        self.where = where
        self.rule = rule
        self.fix = fix
        text = f"{where}: {rule}" if where else rule
        if fix:
            text += f". {fix}"
        super().__init__(text)


def file_where(path: str | os.PathLike[str]) -> str:
    """A file's name as a message names it: bytes that are not UTF-8 and control characters escaped."""
    return brief(os.fspath(path), 1000)


def read_file_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or a DiagramError saying why not.

    A FIFO, a device (/dev/zero), a socket or a folder is refused before a byte is read: opening without
    blocking, then asking the open file what it is, so a FIFO never blocks and a swapped path cannot slip in.
    """
    where = file_where(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except IsADirectoryError:
        raise DiagramError(where, "is a folder, not a diagram file", "Name a .statediagram.json or .png file") from None
    except OSError as exc:
        raise DiagramError(where, f"cannot be read ({exc.strerror or exc})", "Check the file name.") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise DiagramError(where, "is a folder, not a diagram file", "Name a .statediagram.json or .png file")
        if not stat.S_ISREG(info.st_mode):
            what = "a pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else "a device or special file"
            raise DiagramError(where, f"is {what}, not a regular file", "Name a .statediagram.json or .png file")
        too_big = DiagramError(
            where, f"is bigger than {limit // (1024 * 1024)} MB, more than any diagram needs",
            "Hand in the file statediagram saved (a few KB)")
        if info.st_size > limit:
            raise too_big
        chunks = []
        left = limit + 1
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        raise DiagramError(where, f"cannot be read ({exc.strerror or exc})", "Check the file name.") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # the file grew while it was read
        raise too_big
    return data


def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it, then a rename, then a sync of the folder (so
    the rename itself survives a power cut). The temporary file's name carries this process's id: a write killed
    half-way leaves one behind, and the next write to the same file removes it once that process is gone.

    ``durable=False``: whole or not at all still, but no waiting for the disk (two syncs: 40 ms measured on the
    GUI thread), for what is not worth it after a power cut (the recent files list)."""
    directory = path.parent if str(path.parent) else Path(".")
    mode = _mode_for(path)
    _remove_leftovers(directory, path.name)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        # mkstemp makes the file private (0600); a saved diagram keeps the mode a plain write would give.
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        _sync_folder(directory)


def _remove_leftovers(directory: Path, name: str) -> None:
    """Remove temporary files of earlier writes to ``name`` whose process is gone (killed while writing)."""
    prefix = f".{name}."
    try:
        entries = [e for e in os.scandir(directory) if e.name.startswith(prefix) and e.name.endswith(".tmp")]
    except OSError:
        return
    for entry in entries:
        pid = entry.name[len(prefix):].split(".", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            with contextlib.suppress(OSError):  # not ours after all, or already gone: the write goes on
                os.unlink(entry.path)


def process_alive(pid: int, unknown: bool = True) -> bool:
    """Whether process ``pid`` runs (this one does); ``unknown`` answers when the system cannot tell.

    Someone else's process (no permission to signal it) counts as running. Callers choose the unknown case:
    cleaning an export's leftovers keeps the file (True); offering an autosave back offers it (False)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return unknown
    return True


def _sync_folder(directory: Path) -> None:
    """fsync the folder, so the rename is on disk too; some systems cannot open a folder (Windows): skip."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # a file system that cannot sync a folder: the rename is still atomic
    finally:
        os.close(fd)


def _mode_for(path: Path) -> int:
    """The permission bits the saved file should get: the old file's, else what the umask allows."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
