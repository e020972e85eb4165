"""Exporting a run: the report as JSON, and the replay as an animated PNG (APNG).

Each frame is drawn by Qt and written as a PNG with zlib; an APNG is those frames' image data re-chunked (acTL,
fcTL, fdAT) after the first frame's header, so no imaging library is needed. Browsers and most viewers play it;
viewers that do not know APNG show the first frame.
"""

from __future__ import annotations

import struct
import zlib
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from ...core.fileio import atomic_write
from ...core.pngchunk import SIGNATURE, chunks, make_chunk
from ...sim.report import Report, report_json
from ...sim.scenario import SECOND
from ..progress import Work, finish

PNG_SIGNATURE = SIGNATURE


def save_report(report: Report, path: str | Path) -> None:
    atomic_write(Path(path), report_json(report).encode("utf-8"))


def assemble_apng(frames: list[bytes], delay_ms: int, loops: int = 0) -> bytes:
    """An APNG from PNG files of equal size and colour type, each shown ``delay_ms``."""
    if not frames:
        raise ValueError("no frames to write")
    first = {c: b for _pos, c, b in chunks(frames[0]) if c != b"IDAT"}
    ihdr = first[b"IHDR"]
    width, height = struct.unpack(">II", ihdr[:8])
    out = [PNG_SIGNATURE, make_chunk(b"IHDR", ihdr), make_chunk(b"acTL", struct.pack(">II", len(frames), loops))]
    seq = 0
    for i, frame in enumerate(frames):
        parts = [(c, b) for _pos, c, b in chunks(frame)]
        if parts[0][1] != ihdr:
            raise ValueError(f"frame {i} differs in size or colour type from the first")
        out.append(make_chunk(b"fcTL", struct.pack(">IIIIIHHBB", seq, width, height, 0, 0, delay_ms, 1000, 0, 0)))
        seq += 1
        for ctype, body in parts:
            if ctype != b"IDAT":
                continue
            if i == 0:
                out.append(make_chunk(b"IDAT", body))
            else:
                out.append(make_chunk(b"fdAT", struct.pack(">I", seq) + body))
                seq += 1
    out.append(make_chunk(b"IEND", b""))
    return b"".join(out)


def render_frame(controller, t: int, source: QRectF, width: int) -> QImage:
    """The scene with the simulation at time ``t``, ``width`` pixels wide, on white. Only the canvas's layer is
    shown the frame (the play head, clock and panels stay where they are: telling them too cost 30 ms a frame)."""
    replay = controller.player.replay
    controller.layer.show_frame(controller.planner.frame(t, replay.node_states_at(t)))
    height = max(1, round(width * source.height() / source.width()))
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    controller.scene.render(p, QRectF(0, 0, width, height), source, Qt.AspectRatioMode.KeepAspectRatio)
    _stamp_clock(p, t)
    p.end()
    return image


def _stamp_clock(p: QPainter, t: int) -> None:
    f = p.font()
    f.setPointSizeF(11)
    f.setBold(True)
    p.setFont(f)
    p.setPen(QColor("#202124"))
    p.drawText(10, 20, f"t = {t / SECOND:.1f} s")


def save_replay_apng(controller, path: str | Path, start_s: float = 0.0, end_s: float | None = None,
                     fps: int = 10, speed: float = 2.0, width: int = 900) -> int:
    """Render the run from ``start_s`` to ``end_s`` at ``speed`` times real time, at once; returns the frame
    count. The app runs :func:`replay_apng_steps` a slice at a time instead, with a progress dialog."""
    return finish(replay_apng_steps(controller, path, start_s, end_s, fps, speed, width))


def png_pixels(image: QImage) -> tuple[int, int, int, bytes]:
    """The image as RGB bytes for :func:`png_from_pixels`: width, height, bytes per row, the rows."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    return rgb.width(), rgb.height(), rgb.bytesPerLine(), bytes(rgb.constBits())


def png_from_pixels(width: int, height: int, stride: int, raw: bytes, level: int = 6) -> bytes:
    """A PNG file from :func:`png_pixels`' rows (each after its filter byte 0, none). Qt-free (zlib lets go of
    the interpreter while it works), so the export compresses frames in a thread while the GUI thread draws the
    next ones. Level 6 makes frames a quarter smaller than Qt's writer at the quality used before, in 10-20 ms
    for 900x423 (measured)."""
    rows = b"".join(b"\x00" + raw[y * stride : y * stride + 3 * width] for y in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (SIGNATURE + make_chunk(b"IHDR", ihdr) + make_chunk(b"IDAT", zlib.compress(rows, level))
            + make_chunk(b"IEND", b""))


def _write_apng(path: Path, frames: list[bytes], delay_ms: int) -> None:
    atomic_write(path, assemble_apng(frames, delay_ms))


def replay_apng_steps(controller, path: str | Path, start_s: float = 0.0, end_s: float | None = None,
                      fps: int = 10, speed: float = 2.0, width: int = 900) -> Work:
    """The animation export as work in small steps (see gui/progress.py): the run worked out, then each frame
    drawn on the GUI thread (3-5 ms) and compressed in a thread of its own (10-40 ms, a few frames in flight),
    the frames put together and the file written whole in that thread at the end (nothing is written when the
    work is cancelled before that). Returns the frame count. The play head goes back where it was."""
    player = controller.player
    replay = player.replay
    if replay is None:
        raise ValueError("nothing to export: press Simulate first")
    player.set_playing(False)
    for fraction, words in player.working_out():
        yield fraction * 0.2, words
    was = player.t
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="statediagram-apng")
    with controller.canvas_held():  # the canvas is not repainted for each frame drawn (see canvas_held)
        try:
            end = replay.end if end_s is None else min(replay.end, int(end_s * SECOND))
            step = int(SECOND * speed / fps)
            source = controller.layer.sceneBoundingRect().united(controller.scene.itemsBoundingRect())
            times = range(int(start_s * SECOND), end, step)
            frames: list[bytes] = []
            pending: deque[Future] = deque()
            for i, t in enumerate(times):
                while len(pending) >= IN_FLIGHT:  # the compressing thread is behind: wait for it a little at a time
                    yield 0.2 + 0.75 * len(frames) / len(times), f"Drawing frame {i + 1} of {len(times)}"
                    _collect(pending, frames)
                pending.append(pool.submit(png_from_pixels, *png_pixels(render_frame(controller, t, source, width))))
                _collect(pending, frames)
                yield 0.2 + 0.75 * len(frames) / len(times), f"Drawing frame {i + 1} of {len(times)}"
            while pending:
                _collect(pending, frames)
                yield 0.2 + 0.75 * len(frames) / len(times), f"Compressing frame {len(frames) + 1} of {len(times)}"
            # Put together and written whole in the thread too (12 MB: 40-80 ms). Cancel from here on is too late:
            # the file is finished whole, never left half-written.
            whole = pool.submit(_write_apng, Path(path), frames, round(1000 / fps))
            while not whole.done():
                wait([whole], timeout=WAIT_S)
                yield 0.96, f"Writing {Path(path).name}"
            whole.result()
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
            player.seek(was)
    return len(frames)


IN_FLIGHT = 4  # frames waiting to be compressed at most
WAIT_S = 0.002  # the longest a step waits for the compressing thread


def _collect(pending: deque, frames: list[bytes]) -> None:
    """Take the compressed frames that are ready, in order; wait ``WAIT_S`` at most for the first."""
    if pending:
        wait([pending[0]], timeout=WAIT_S)
    while pending and pending[0].done():
        frames.append(pending.popleft().result())
